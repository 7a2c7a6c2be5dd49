"""What PyYAML lets through in one key, scalar or tag, turned into located problems.

A document's data is built two ways: from composed nodes (`reader.py`: aliases, pure-Python
PyYAML, any file out of the ordinary) and from libyaml's event stream in one pass
(`streamed.py`: the common file). Both meet the same keys, scalars and tags in the same order;
the checks and their words live here once, so both report the same problems, word for word.
"""

from __future__ import annotations

import re
from typing import Any

from yaml.constructor import SafeConstructor
from yaml.nodes import ScalarNode

from reconciler.desired.located import DataPath, Mark
from reconciler.desired.problems import EXCERPT_CHARS, Problem, Severity, excerpt

MAX_NUMBER_DIGITS = 100

# Zoom's read-only date fields may be pasted unquoted from a GET answer; they are ignored anyway.
READ_ONLY_DATE_KEYS = frozenset(
    {
        "service_effective_date",
        "next_invoice_date",
        "plan_recording_service_effective_date",
        "plan_recording_next_invoice_date",
    }
)
#: Keys whose value is a day, so an unquoted YAML date there is what was meant: the read-only
#: ones and a scheduled change's `paid_period_start_date` (kept as the text written).
DATE_KEYS = READ_ONLY_DATE_KEYS | {"paid_period_start_date"}

_PLAIN_DECIMAL = re.compile(r"[-+]?(0|[1-9][0-9]*)")
_YAML11_BOOL_WORDS = frozenset({"y", "Y", "n", "N"})
STR = "tag:yaml.org,2002:str"
INT = "tag:yaml.org,2002:int"
FLOAT = "tag:yaml.org,2002:float"
BOOL = "tag:yaml.org,2002:bool"
NULL = "tag:yaml.org,2002:null"
TIMESTAMP = "tag:yaml.org,2002:timestamp"
MERGE = "tag:yaml.org,2002:merge"
SEQ = "tag:yaml.org,2002:seq"
MAP = "tag:yaml.org,2002:map"


class ScalarChecks:
    """The checks of one file's keys and scalars, reporting into that file's problems."""

    def __init__(self, file: str, problems: list[Problem]) -> None:
        self.file = file
        self.problems = problems
        self._constructor = SafeConstructor()

    def error(self, mark: Mark, message: str, severity: Severity = "error") -> None:
        """A problem at `mark`."""
        self.problems.append(Problem(self.file, mark.line + 1, mark.column + 1, severity, message))

    def collection_tag(self, tag: str | None, expected: str, mark: Mark) -> None:
        """A list or mapping tagged as something else (`!!set`, `!!omap`, `!custom`)."""
        if tag != expected:
            self.error(mark, f"YAML tag {tag} is not allowed here")

    def refused_key(self, tag: str | None, scalar: bool, mark: Mark) -> bool:
        """Whether a mapping key is refused (a merge key, a list or mapping), reported so;
        its value is then not read at all."""
        if tag == MERGE:
            self.error(mark, "YAML merge keys (<<) are not supported; use `extends:`")
            return True
        if not scalar:
            self.error(mark, "a mapping key must be a plain word, not a list or mapping")
            return True
        return False

    def boolean_key(self, key: str, tag: str | None, style: str | None, mark: Mark) -> None:
        """`on:` or `no:` as a key: YAML 1.1 reads a boolean."""
        if tag == BOOL and not style:
            self.error(mark, f"key {key} is read as a boolean by YAML 1.1; quote it: '{key}'")

    def duplicate_key(self, key: str, earlier: int, mark: Mark) -> None:
        """A key given twice in one mapping (`earlier`: the 1-based line of the first)."""
        self.error(
            mark,
            f"duplicate key {excerpt(key)} (first defined on line {earlier}); "
            "YAML would silently keep only the last one",
        )

    def scalar(
        self, text: str, tag: str | None, style: str | None, mark: Mark, path: DataPath
    ) -> Any:
        """The value of a scalar, reporting what YAML 1.1 made of it that nobody means."""
        plain = not style  # None from PyYAML, "" from libyaml
        if tag == STR:
            if plain and text in _YAML11_BOOL_WORDS:
                self.error(
                    mark,
                    f"'{text}' is a boolean for some YAML 1.1 tools; quote it: '{text}'",
                    "warning",
                )
            return text
        if tag == NULL:
            return None
        if tag == BOOL:
            if text.lower() in ("true", "false"):
                return text.lower() == "true"
            self.error(
                mark,
                f"{text} is read as the boolean {_bool_word(text)} by YAML 1.1 "
                f"(the Norway problem); quote it if you mean the text: '{text}'",
            )
            return text
        if tag in (INT, FLOAT) and len(text) > MAX_NUMBER_DIGITS:
            # Python refuses to convert a decimal string this long; no host count is this big.
            self.error(mark, f"a number with {len(text)} digits is not a plan quantity")
            return text
        if tag == INT:
            value = self._constructor.construct_yaml_int(ScalarNode(tag, text, style=style))
            if plain and not _PLAIN_DECIMAL.fullmatch(text):
                self.error(mark, _number_trap(text, value))
            return value
        if tag == FLOAT:
            return self._constructor.construct_yaml_float(ScalarNode(tag, text, style=style))
        if tag == TIMESTAMP:
            if not path or path[-1] not in DATE_KEYS:
                self.error(
                    mark,
                    f"{excerpt(text)} is read as a date by YAML 1.1; quote it if you mean the text",
                )
            return text
        self.error(mark, f"YAML tag {tag} is not allowed here")
        return text


def _number_trap(text: str, value: int) -> str:
    """What YAML 1.1 made of a plain integer that is not a plain decimal, and what to write.

    The user almost always meant the decimal digits they typed (`hosts: 015` is fifteen
    hosts), so the advice is those digits, not the number YAML 1.1 read; quoting would make
    it text, which a count refuses.
    """
    sign = "-" if text.startswith("-") else ""
    body = text.lstrip("+-")
    digits = body.replace("_", "")
    read = _short(value)
    if body[:2].lower() == "0x":
        return f"YAML 1.1 reads {excerpt(text)} as hexadecimal, the number {read}; write {read}"
    if body[:2].lower() == "0b":
        return f"YAML 1.1 reads {excerpt(text)} as binary, the number {read}; write {read}"
    if ":" in body:
        return (
            f"YAML 1.1 reads {excerpt(text)} as base 60 (sexagesimal, like a clock), the number "
            f"{read}; write {read}, or quote it if you mean the text: '{text}'"
        )
    if len(digits) > 1 and digits.startswith("0"):
        meant = _short(int(sign + (digits.lstrip("0") or "0")))
        return (
            f"YAML 1.1 reads {excerpt(text)} as octal (leading zero), the number {read}; "
            f"write {meant} if you mean {meant} (quoted, '{text}' is text, not a number)"
        )
    return (
        f"YAML 1.1 reads {excerpt(text)} as the number {read} (it drops underscores between "
        f"digits; YAML 1.2 reads text); write {read}"
    )


def _short(number: int) -> str:
    text = str(number)
    return text if len(text) <= EXCERPT_CHARS else f"{text[:EXCERPT_CHARS]}... ({len(text)} digits)"


def _bool_word(text: str) -> str:
    return "true" if text.lower() in ("yes", "on") else "false"

"""Read one YAML file into plain data plus the file:line:column of every key and value.

PyYAML is forgiving in ways that cost money here: it keeps the last of two duplicate keys, reads
`NO` (Norway) as false and `012` as 10, expands alias bombs without limit, and recurses on deep
nesting. So we stop at the composed node graph (which carries marks and shares aliased nodes
instead of copying them) and build the data ourselves, with every one of those checks, and with
bounded size, depth and expansion. Nothing here raises on bad input: problems come back located.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from reconciler.desired.nesting import TOO_DEEP, NestingTooDeep, compose_documents, too_deep_flow
from reconciler.desired.problems import EXCERPT_CHARS, Problem, Severity, excerpt

MAX_FILE_BYTES = 8 * 1024 * 1024
MAX_VALUES = 200_000
MAX_ALIASES = 1_000
MAX_NUMBER_DIGITS = 100
MAX_DETAIL = 160  # characters of a PyYAML complaint shown

#: A JSON-pointer-like path inside one document: keys and list indexes.
DataPath = tuple[str | int, ...]

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

# YAML's printable set (PyYAML's reader uses the same); checked here for an exact position.
_NOT_PRINTABLE = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)
_PLAIN_DECIMAL = re.compile(r"[-+]?(0|[1-9][0-9]*)")
_YAML11_BOOL_WORDS = frozenset({"y", "Y", "n", "N"})
_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_MERGE = "tag:yaml.org,2002:merge"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"


@dataclass(frozen=True)
class Location:
    """A 1-based place in a file."""

    file: str
    line: int
    column: int


@dataclass(frozen=True)
class Document:
    """One YAML document as plain data, with where each value and each mapping key came from."""

    file: str
    line: int
    data: Any
    values: dict[DataPath, Location] = field(default_factory=dict)
    keys: dict[DataPath, Location] = field(default_factory=dict)

    def at(self, path: DataPath) -> Location:
        """The closest known location of `path` (walking up to the document when needed)."""
        for cut in range(len(path), -1, -1):
            found = self.values.get(path[:cut])
            if found is not None:
                return found
        return Location(self.file, self.line, 1)

    def key_at(self, path: DataPath) -> Location:
        """Where the key naming `path` is written; the value's place when there is no key."""
        return self.keys.get(path) or self.at(path)


@dataclass(frozen=True)
class ReadResult:
    documents: list[Document]
    problems: list[Problem]


class _TooBig(Exception):
    """The document expands past MAX_VALUES or uses more than MAX_ALIASES aliases."""

    def __init__(self, message: str, node: Node) -> None:
        super().__init__(message)
        self.node = node


def read_file(path: Path, display: str) -> ReadResult:
    """Read `path` (shown as `display` in messages) into documents, or located problems."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return _fail(
                display,
                1,
                1,
                f"file is {size} bytes, over the {MAX_FILE_BYTES // (1024 * 1024)} MiB limit "
                "for one desired-state file; split it into several files",
            )
        with path.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        return _fail(display, 1, 1, f"cannot read file: {exc.strerror or exc}")
    if len(raw) > MAX_FILE_BYTES:
        return _fail(display, 1, 1, f"file grew past the {MAX_FILE_BYTES} byte limit while read")
    return read_bytes(raw, display)


def read_bytes(raw: bytes, display: str) -> ReadResult:
    """Decode, check and parse the bytes of one file."""
    if b"\x00" in raw:
        offset = raw.index(b"\x00")
        line, column = _line_column(raw[:offset].decode("utf-8", "replace"))
        return _fail(display, line, column, "binary data (NUL byte), not a YAML text file")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line, column = _line_column(raw[: exc.start].decode("utf-8", "replace"))
        return _fail(
            display, line, column, f"invalid UTF-8 (byte 0x{raw[exc.start]:02x}); save as UTF-8"
        )
    if not text.strip():
        return _fail(display, 1, 1, "file is empty: expected at least one account document")
    odd = _NOT_PRINTABLE.search(text)
    if odd is not None:
        line, column = _line_column(text[: odd.start()])
        code = ord(odd.group())
        return _fail(display, line, column, f"character U+{code:04X} is not allowed in YAML")
    tabs = list(_tab_problems(text, display))
    if tabs:
        return ReadResult([], tabs)
    try:
        return _parse(text, display)
    except (ValueError, OverflowError, RecursionError, MemoryError) as exc:
        # A safety net for a PyYAML corner nobody has met yet: still a located answer.
        return _fail(display, 1, 1, f"cannot read this YAML ({type(exc).__name__})")


def _parse(text: str, display: str) -> ReadResult:
    documents: list[Document] = []
    problems: list[Problem] = []
    try:
        for node in compose_documents(text):
            builder = _Builder(display, problems)
            try:
                data = builder.build(node, ())
            except _TooBig as exc:
                mark = exc.node.start_mark
                problems.append(Problem(display, mark.line + 1, mark.column + 1, "error", str(exc)))
                continue
            if data is None:
                continue  # a stray `---` (often at the end of a file) holds nothing to check
            documents.append(
                Document(display, node.start_mark.line + 1, data, builder.values, builder.keys)
            )
    except NestingTooDeep as exc:
        mark = exc.problem_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problems.append(Problem(display, line, column, "error", str(exc.problem)))
    except yaml.MarkedYAMLError as exc:
        # PyYAML 6.0.4 and newer refuse deep flow nesting in their scanner, before our own
        # count sees an event, and in their own words: name the real cause in ours.
        deep = too_deep_flow(text)
        if deep is not None:
            problems.append(Problem(display, *deep, "error", TOO_DEEP))
        else:
            mark = exc.problem_mark or exc.context_mark
            line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
            detail = " ".join(part for part in (exc.context, exc.problem) if part)
            problems.append(Problem(display, line, column, "error", _malformed(detail)))
    except yaml.YAMLError as exc:  # any other parser complaint still gets a place and a line
        problems.append(Problem(display, 1, 1, "error", _malformed(str(exc))))
    if not documents and not any(p.severity == "error" for p in problems):
        problems.append(Problem(display, 1, 1, "error", "no YAML document in this file"))
    return ReadResult(documents, sorted(problems, key=lambda p: (p.line, p.column)))


class _Builder:
    """Turns one composed document into plain data, checking what PyYAML lets through."""

    def __init__(self, file: str, problems: list[Problem]) -> None:
        self.file = file
        self.problems = problems
        self.values: dict[DataPath, Location] = {}
        self.keys: dict[DataPath, Location] = {}
        self._count = 0
        self._aliases = 0
        self._active: set[int] = set()
        self._seen: set[int] = set()
        self._constructor = SafeConstructor()

    def _loc(self, node: Node) -> Location:
        return Location(self.file, node.start_mark.line + 1, node.start_mark.column + 1)

    def _error(self, node: Node, message: str, severity: Severity = "error") -> None:
        loc = self._loc(node)
        self.problems.append(Problem(self.file, loc.line, loc.column, severity, message))

    def build(self, node: Node, path: DataPath) -> Any:
        self._count += 1
        if self._count > MAX_VALUES:
            raise _TooBig(f"document expands to more than {MAX_VALUES} values (alias bomb?)", node)
        if id(node) in self._seen:
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                raise _TooBig(f"more than {MAX_ALIASES} aliases in one document", node)
        self._seen.add(id(node))
        if id(node) in self._active:
            raise _TooBig("an alias refers to the node that contains it (recursive data)", node)
        self.values.setdefault(path, self._loc(node))
        if isinstance(node, ScalarNode):
            return self._scalar(node, path)
        self._active.add(id(node))
        try:
            if isinstance(node, SequenceNode):
                if node.tag != _SEQ:
                    self._error(node, f"YAML tag {node.tag} is not allowed here")
                return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
            if isinstance(node, MappingNode):
                return self._mapping(node, path)
        finally:
            self._active.discard(id(node))
        self._error(node, "unsupported YAML node")
        return None

    def _mapping(self, node: MappingNode, path: DataPath) -> dict[str, Any]:
        if node.tag != _MAP:
            self._error(node, f"YAML tag {node.tag} is not allowed here")
        result: dict[str, Any] = {}
        first_seen: dict[str, Node] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                self._error(key_node, "YAML merge keys (<<) are not supported; use `extends:`")
                continue
            if not isinstance(key_node, ScalarNode):
                self._error(key_node, "a mapping key must be a plain word, not a list or mapping")
                continue
            key = str(key_node.value)
            if key_node.tag == _BOOL and not key_node.style:
                self._error(
                    key_node, f"key {key} is read as a boolean by YAML 1.1; quote it: '{key}'"
                )
            if key in first_seen:
                earlier = first_seen[key].start_mark.line + 1
                self._error(
                    key_node,
                    f"duplicate key {excerpt(key)} (first defined on line {earlier}); "
                    "YAML would silently keep only the last one",
                )
                continue
            first_seen[key] = key_node
            self.keys[(*path, key)] = self._loc(key_node)
            result[key] = self.build(value_node, (*path, key))
        return result

    def _scalar(self, node: ScalarNode, path: DataPath) -> Any:
        text = node.value
        tag = node.tag
        plain = not node.style  # None from PyYAML, "" from libyaml
        if tag == _STR:
            if plain and text in _YAML11_BOOL_WORDS:
                self._error(
                    node,
                    f"'{text}' is a boolean for some YAML 1.1 tools; quote it: '{text}'",
                    "warning",
                )
            return text
        if tag == _NULL:
            return None
        if tag == _BOOL:
            if text.lower() in ("true", "false"):
                return text.lower() == "true"
            self._error(
                node,
                f"{text} is read as the boolean {_bool_word(text)} by YAML 1.1 "
                f"(the Norway problem); quote it if you mean the text: '{text}'",
            )
            return text
        if tag in (_INT, _FLOAT) and len(text) > MAX_NUMBER_DIGITS:
            # Python refuses to convert a decimal string this long; no host count is this big.
            self._error(node, f"a number with {len(text)} digits is not a plan quantity")
            return text
        if tag == _INT:
            value = self._constructor.construct_yaml_int(node)
            if plain and not _PLAIN_DECIMAL.fullmatch(text):
                self._error(node, _number_trap(text, value))
            return value
        if tag == _FLOAT:
            return self._constructor.construct_yaml_float(node)
        if tag == _TIMESTAMP:
            if not path or path[-1] not in DATE_KEYS:
                self._error(
                    node,
                    f"{excerpt(text)} is read as a date by YAML 1.1; quote it if you mean the text",
                )
            return text
        self._error(node, f"YAML tag {tag} is not allowed here")
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


def _malformed(detail: str) -> str:
    """PyYAML's complaint, cut short: it may quote an alias or tag name of any length."""
    if len(detail) > MAX_DETAIL:
        detail = detail[: MAX_DETAIL - 3] + "..."
    return f"malformed YAML: {detail}"


def _tab_problems(text: str, display: str) -> Iterator[Problem]:
    for number, line in enumerate(text.splitlines(), start=1):
        indent = len(line) - len(line.lstrip(" \t"))
        if "\t" in line[:indent]:
            column = line.index("\t") + 1
            yield Problem(display, number, column, "error", "tab in indentation; YAML needs spaces")


def _bool_word(text: str) -> str:
    return "true" if text.lower() in ("yes", "on") else "false"


def _line_column(before: str) -> tuple[int, int]:
    lines = before.split("\n")
    return len(lines), len(lines[-1]) + 1


def _fail(display: str, line: int, column: int, message: str) -> ReadResult:
    return ReadResult([], [Problem(display, line, column, "error", message)])

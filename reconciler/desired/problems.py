"""A located problem in a desired-state file: what `validate` prints, one per line."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from reconciler.escaping.terminal import inert

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Problem:
    """`file:line:column: severity: message`; line and column are 1-based."""

    file: str
    line: int
    column: int
    severity: Severity
    message: str

    def __str__(self) -> str:
        """One line: a file name or a quoted value cannot add a line or drive the terminal."""
        return inert(f"{self.file}:{self.line}:{self.column}: {self.severity}: {self.message}")

    def to_json(self) -> dict[str, object]:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "severity": self.severity,
            "message": self.message,
        }


#: The most characters of a file's own text a message may quote.
EXCERPT_CHARS = 40


def kind_of(value: object) -> str:
    """What a value is, never what it says: for a whole document that is not a mapping (a
    private key or a token file reached by mistake is read as one long text)."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return f"a text of {len(value)} characters (not shown)"
    if isinstance(value, list):
        return "a list"
    return "a mapping"


def bounded_schema_message(message: str, instance: object, *, top: bool) -> str:
    """A jsonschema message (which quotes the whole offending value) with that value cut to
    an excerpt, or, for a whole document, replaced by what kind of value it is."""
    quoted = repr(instance)
    if quoted not in message:
        return message
    simple = isinstance(instance, str | int | float | bool) and not top
    return message.replace(quoted, excerpt(instance) if simple else kind_of(instance))


def excerpt(value: object) -> str:
    """A value from a file as a message may quote it: repr-escaped and at most EXCERPT_CHARS
    characters of it, so a message can point at a typo but never replay a file (a key or a
    token reached by mistake) into a CI log."""
    if not isinstance(value, str):
        shown = repr(value)  # a number as written: 1.5, not '1.5'
        return shown if len(shown) <= EXCERPT_CHARS else f"{shown[:EXCERPT_CHARS]}..."
    if len(value) <= EXCERPT_CHARS:
        return repr(value)
    return f"{value[:EXCERPT_CHARS]!r}... ({len(value)} characters)"

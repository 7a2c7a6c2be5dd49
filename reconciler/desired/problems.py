"""A located problem in a desired-state file: what `validate` prints, one per line."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

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
        return f"{self.file}:{self.line}:{self.column}: {self.severity}: {self.message}"

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


def excerpt(value: object) -> str:
    """A value from a file as a message may quote it: repr-escaped and at most EXCERPT_CHARS
    characters of it, so a message can point at a typo but never replay a file (a key or a
    token reached by mistake) into a CI log."""
    text = value if isinstance(value, str) else str(value)
    if len(text) <= EXCERPT_CHARS:
        return repr(text)
    return f"{text[:EXCERPT_CHARS]!r}... ({len(text)} characters)"

"""Untrusted text for a terminal or a text file: one line, no character that acts.

Control characters (C0, DEL, C1), the Unicode line and paragraph separators and the
bidirectional overrides (which reorder what a reviewer reads) are shown as escapes a person
can read: `\\n`, `\\r`, `\\t`, `\\x1b`, `\\u202e`. Everything else, any script and emoji, is left
as written. The same text always gives the same escape, so an escaped name still matches itself.
"""

from __future__ import annotations

import re
from typing import Any

#: Characters that act instead of showing: C0 and C1 controls, DEL, line and paragraph
#: separators, and the bidirectional embeddings, overrides and isolates (Trojan Source).
ACTING = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _shown(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def inert(value: Any) -> str:
    """`value` as text on one line that moves no cursor and breaks no line."""
    return ACTING.sub(_shown, str(value))


def has_acting(value: str) -> bool:
    """Whether `value` holds a character `inert` would escape (validate warns on names)."""
    return ACTING.search(value) is not None


def clipped(value: Any, longest: int) -> str:
    """`inert(value)`, cut to `longest` characters with `...` (one field cannot flood a line)."""
    text = inert(value)
    return text if len(text) <= longest else text[: longest - 3] + "..."

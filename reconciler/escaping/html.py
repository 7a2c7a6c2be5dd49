"""Untrusted text for the HTML report: everything escaped, control characters shown.

`html.escape` with quotes makes a value text in an element and in a quoted attribute; the
terminal rule first shows control characters as `\\x1b` so that the page holds none raw and a
reviewer sees what the file says (a browser would silently drop most of them).
"""

from __future__ import annotations

from html import escape
from typing import Any

from reconciler.escaping.terminal import inert


def text(value: Any) -> str:
    """`value` as element text or a quoted attribute value."""
    return escape(inert(value), quote=True)

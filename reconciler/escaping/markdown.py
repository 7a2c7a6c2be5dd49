"""Untrusted text for the pull-request comment (GitHub-flavoured Markdown with HTML blocks).

The comment puts untrusted text in three places, each with its own way out:
- inside an HTML block (`<details><summary>...`): GitHub ends the block at a blank line, so a
  line break in a name would let the rest through as Markdown; a tag would close `<summary>`.
  `in_html` keeps the value on its line (terminal escaping) and makes it text (HTML escaping).
- in a table cell: a `|` or a line break leaves the cell; `in_cell` escapes both and any markup.
- in a fenced block: only a fence as long as the block's would close it; `fence_for` picks a
  longer one, and the lines inside are escaped by the text renderer.
Mermaid labels (`in_chart_label`) are quoted strings that may not hold a quote.

Text outside a fence is also read by the forge that posts the comment: `@org/team` in an account
name would notify every member of that team on every push, and `#123` (`!123` on GitLab) would
link an issue and write "mentioned this" into it. `in_html` (so `in_cell` too) puts a zero-width
space after such a sign, as Dependabot does: the text reads the same and links no one. Inside a
fence or a code span nothing is linked, so those are left alone.
"""

from __future__ import annotations

import re
from html import escape
from typing import Any

from reconciler.escaping.terminal import inert

#: `@name` where a mention starts (not inside a word: `ops@example.com` is an address, left
#: whole), and `#` or `!` before a digit (an issue or merge-request reference, also `org/repo#1`).
_LINKING = re.compile(r"(?<!\w)@(?=\w)|[#!](?=\d)")
#: A zero-width space, written as the entity GitHub and GitLab both render as nothing.
ZERO_WIDTH_SPACE = "&#8203;"


def in_html(value: Any) -> str:
    """`value` as text inside the HTML block of a `<details>` (one line, no tag, no entity,
    no mention or issue reference)."""
    return unlinked(escape(inert(value), quote=True))


def unlinked(text: str) -> str:
    """`text` with a zero-width space after each sign that would mention or reference."""
    return _LINKING.sub(lambda sign: sign.group(0) + ZERO_WIDTH_SPACE, text)


def in_cell(value: Any) -> str:
    """`value` as the text of one Markdown table cell."""
    return in_html(value).replace("|", "&#124;").replace("\\", "&#92;").replace("`", "&#96;")


def fence_for(body: str) -> str:
    """A backtick fence longer than any backtick run in `body`, so nothing inside closes it."""
    longest, run = 0, 0
    for char in body:
        run = run + 1 if char == "`" else 0
        longest = max(longest, run)
    return "`" * max(3, longest + 1)


def in_chart_label(value: Any) -> str:
    """`value` inside a Mermaid `"..."` label: no quote, bracket or line break can end it."""
    return inert(value).replace('"', "'").replace("[", "(").replace("]", ")")

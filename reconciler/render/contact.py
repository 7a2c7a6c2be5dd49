"""The billing contact a subscribe sends, as the reviewer sees it in text and Markdown.

Zoom bills whoever the contact names, so the preview shows who that is (name, e-mail, country)
and the file and line each of those fields was written at (desired files are layered with
`extends`; a contact comes whole from one of them). It does not repeat the phone number or the
street address in full: a pull-request comment is read by more people than the billing team.
The whole contact is in the plan file, which is what apply sends. This module only reads.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from reconciler.escaping.terminal import clipped
from reconciler.groups.operations import Sides, spec_of
from reconciler.planner.model import Action

#: Fields not shown in full, and the words used for them.
_NOT_SHOWN = (
    ("address", "street address"),
    ("apt", "apt"),
    ("city", "city"),
    ("state", "state"),
    ("zip", "zip"),
)
#: A contact field is short; a longer value is cut so one field cannot flood the comment.
_LONGEST = 80


def _shown(value: Any) -> str:
    """The value on one line: control characters escaped (file data never drives a
    terminal), cut at _LONGEST characters."""
    return clipped(value, _LONGEST)


def _phone(value: Any) -> str:
    digits = [c for c in str(value) if c.isdigit()]
    return f"phone ending {''.join(digits[-2:])}" if len(digits) > 2 else "phone"


def _from(where: Mapping[str, str], one_file: bool, *names: str) -> str:
    """`   (line 12)`, `   (lines 10, 11)`; `file:line` when the fields are in several files."""
    places = list(dict.fromkeys(where[name] for name in names if name in where))
    if not places:
        return ""
    if not one_file:
        return f"   ({', '.join(places)})"
    lines = [place.rsplit(":", 1)[1] for place in places]
    return f"   (line{'s' if len(lines) > 1 else ''} {', '.join(lines)})"


def contact_lines(action: Action, contact_from: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """(sign, text) lines previewing the contact of a subscribe call; none for other calls."""
    subscribing = spec_of(action.op).sides is Sides.SUBSCRIPTION
    contact = action.body.get("contact") if subscribing else None
    if not isinstance(contact, Mapping):
        return []
    where = dict(contact_from)
    files = list(dict.fromkeys(place.rsplit(":", 1)[0] for place in where.values()))
    one_file = len(files) == 1
    origin = f", from {files[0]}" if one_file else ""
    name = " ".join(_shown(contact[k]) for k in ("first_name", "last_name") if contact.get(k))
    lines = [("+", f"  billing contact sent{origin}:")]
    if name:
        at = _from(where, one_file, "first_name", "last_name")
        lines.append(("+", f"    name {name}{at}"))
    for field in ("email", "country"):
        if contact.get(field):
            at = _from(where, one_file, field)
            lines.append(("+", f"    {field} {_shown(contact[field])}{at}"))
    hidden = [_phone(contact["phone_number"])] if contact.get("phone_number") else []
    hidden += [word for field, word in _NOT_SHOWN if contact.get(field)]
    if hidden:
        lines.append(("+", f"    {', '.join(hidden)}: sent, not shown (in the plan file)"))
    return lines

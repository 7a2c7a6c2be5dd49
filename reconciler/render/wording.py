"""What a reviewer reads for each call, written once for text, Markdown and HTML.

Each op's row of the op table (reconciler.groups.operations) gives its sign (`+` adds, `~`
changes, `-` cancels), its verb and wording; from those this module writes the phrase the
summary line counts it under, and lines that say what it does: a new or cancelled entry on one line
(`plan_webinar webinar500_monthly: hosts 3`), a changed field on a line of its own
(`plan_base business_monthly: hosts 20 -> 25`), a subscribe as one line per entry it buys, a
scheduled change with `(from DATE)`. An op this table does not know is an error
(`UnknownOpError`), never a line that looks like a field change.

The lines hold raw values from the plan (types, countries, reasons): each renderer escapes them
for its output (reconciler.escaping). This module only reads the Plan.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from reconciler.groups.operations import (
    OP_TABLE,
    Effect,
    OpSpec,
    Sides,
    Target,
    UnknownOp,
    spec_of,
)
from reconciler.planner.bodies import entry_type, scheduled_date
from reconciler.planner.changes import changes_of
from reconciler.planner.model import Action, FieldChange


class UnknownOpError(ValueError):
    """A call whose op this version has no wording for: refused, not shown as something else."""


def words(op: str) -> OpSpec:
    """The op table's row of `op`; UnknownOpError for an op this version does not know."""
    try:
        return spec_of(op)
    except UnknownOp:
        raise UnknownOpError(
            f"no wording for the call {op!r}: this zoomplans does not know it"
        ) from None


@dataclass(frozen=True)
class Tally:
    """The phrase the summary line counts an op under, and whether it is said at zero."""

    phrase: str
    always: bool = True


def tally_of(spec: OpSpec) -> Tally:
    """`to subscribe`, `to change`, `add-ons to add`, `to cancel`, `base plan(s) to cancel`."""
    if spec.effect is Effect.START and spec.target is Target.ADDON:
        return Tally(f"add-ons to {spec.verb}")
    if spec.effect is Effect.END and spec.target is Target.BASE:
        return Tally(f"base plan(s) to {spec.verb}", always=False)
    if spec.sides is Sides.CONTACT:
        return Tally("billing contact(s) to update", always=False)
    return Tally(f"to {spec.verb}")


def tallies(counts: dict[str, int]) -> list[str]:
    """`1 to subscribe`, `3 to change`, ...: op counts summed by phrase, in the table's order."""
    summed: dict[str, int] = {}
    shown: dict[str, bool] = {}
    for spec in OP_TABLE:
        tally = tally_of(spec)
        summed[tally.phrase] = summed.get(tally.phrase, 0) + counts.get(spec.op, 0)
        shown[tally.phrase] = shown.get(tally.phrase, False) or tally.always
    for op in counts:
        words(op)  # a count of an unknown op is an error, not a number left out
    return [f"{n} {phrase}" for phrase, n in summed.items() if shown[phrase] or n]


def value_text(value: Any) -> str:
    """A field value as a reviewer reads it: lists joined, a missing value shown as (unset)."""
    if isinstance(value, list):
        return ",".join(str(v) for v in value) or "(none)"
    if value is None:
        return "(unset)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _fields(fields: dict[str, Any]) -> str:
    shown = [
        f"{k} {value_text(v)}" for k, v in sorted(fields.items()) if k not in ("type", "group")
    ]
    return ", ".join(shown)


def _change_value(change: FieldChange) -> str:
    """`20 -> 25`, or for a country list that stays set `+DE -FR` (what is added, removed)."""
    old, new = change.before, change.after
    if isinstance(old, list) and isinstance(new, list):
        added = [f"+{v}" for v in new if v not in old]
        removed = [f"-{v}" for v in old if v not in new]
        return " ".join(added + removed) or value_text(new)
    return f"{value_text(old)} -> {value_text(new)}"


def _entry_line(head: str, changes: Iterable[FieldChange], side: str) -> str:
    """`plan_webinar webinar500_monthly: hosts 3`: one new or cancelled entry on one line."""
    fields = {c.field: getattr(c, side) for c in changes if c.field != "type"}
    detail = _fields(fields)
    return f"{head}: {detail}" if detail else head


def _subscribe_lines(spec: OpSpec, changes: tuple[FieldChange, ...]) -> list[tuple[str, str]]:
    sign = spec.sign
    lines = [(sign, spec.wording)]
    entries: dict[str, list[FieldChange]] = {}
    for change in changes:
        entries.setdefault(change.entry, []).append(change)
    for entry, fields in entries.items():
        group = entry.partition("[")[0]
        type_ = next((c.after for c in fields if c.field == "type"), None)
        head = f"{group} {type_}" if type_ is not None else group
        lines.append((sign, "  " + _entry_line(head, fields, "after")))
    return lines


def _lines_of(action: Action, changes: tuple[FieldChange, ...]) -> list[tuple[str, str]]:
    spec = words(action.op)
    sign = spec.sign
    if spec.sides is Sides.SUBSCRIPTION:
        return _subscribe_lines(spec, changes)
    if spec.sides is Sides.CONTACT:  # masked where not shown (`zoom.contact_fields`)
        return [(spec.sign, f"billing contact: {c.path} {_change_value(c)}") for c in changes]
    if spec.effect is Effect.END and spec.target is Target.BASE:
        head = f"plan_base {(action.before or {}).get('type')}"
        return [(sign, f"{_entry_line(head, changes, 'before')} ({spec.wording})")]
    head = f"{action.group or 'plan_base'} {entry_type(action.body)}"
    if spec.effect is Effect.START:
        return [(sign, _entry_line(head, changes, "after"))]
    if spec.effect is Effect.END:
        return [(sign, f"{_entry_line(head, changes, 'before')} ({spec.wording})")]
    return [(sign, f"{head}: {c.path} {_change_value(c)}") for c in changes]


def call_lines(action: Action) -> list[tuple[str, str]]:
    """(sign, text) lines for one call: what it buys, changes or cancels, and from when."""
    words(action.op)  # an op without wording is refused before anything else reads it
    lines = _lines_of(action, changes_of(action))
    when = scheduled_date(action.body)
    if lines and when:
        lines[0] = (lines[0][0], f"{lines[0][1]} (from {when})")
    return lines

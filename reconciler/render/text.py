"""The plan for people at a terminal, read like Terraform's.

`+` adds, `~` changes (`hosts 20 -> 25`), `-` cancels, `!` is blocked (with its reason), `?`
is unmanaged (live, not in the YAML, left alone, named by its group's title). A scheduled change
says `(from DATE)`. Dangerous parts come where the eye lands:
errors and blocked accounts first, then the changes, then one closing summary line. Colour
only when the caller says the output is a terminal. This module only reads the Plan.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from reconciler.groups.operations import Effect, Op, OpSpec, Sides, Target, spec_of
from reconciler.planner.bodies import entry_type, scheduled_date
from reconciler.planner.changes import changes_of
from reconciler.planner.model import AccountPlan, Action, FieldChange, Plan
from reconciler.pricing.money import Cost, format_cost, format_totals
from reconciler.render.contact import contact_lines

_COLOURS = {"+": "32", "~": "33", "-": "31", "!": "1;31", "?": "36", "x": "1;31", "=": "2"}


def _value(value: Any) -> str:
    if isinstance(value, list):
        return ",".join(str(v) for v in value) or "(none)"
    if value is None:
        return "(unset)"
    return str(value)


def _fields(fields: dict[str, Any] | None) -> str:
    if not fields:
        return ""
    shown = [f"{k} {_value(v)}" for k, v in sorted(fields.items()) if k not in ("type", "group")]
    return ", ".join(shown)


def cost_text(cost: Cost | None) -> str:
    """`(+$79.95/month)`, `(cost unknown: no price for X)`, or nothing without a price list."""
    if cost is None:
        return ""
    return f"   ({format_cost(cost)})"


def action_lines(action: Action) -> list[tuple[str, str]]:
    """(sign, text) lines for one call, its cost on the first; a field per line."""
    lines = _call_lines(action)
    if lines and action.cost is not None:
        lines[0] = (lines[0][0], lines[0][1] + cost_text(action.cost))
    return lines


def _change_value(change: FieldChange) -> str:
    """`20 -> 25`, or for a country list that stays set `+DE -FR` (what is added, removed)."""
    old, new = change.before, change.after
    if isinstance(old, list) and isinstance(new, list):
        added = [f"+{v}" for v in new if v not in old]
        removed = [f"-{v}" for v in old if v not in new]
        return " ".join(added + removed) or _value(new)
    return f"{_value(old)} -> {_value(new)}"


def _entry_line(head: str, changes: Iterable[FieldChange], side: str) -> str:
    """`plan_webinar webinar500_monthly: hosts 3`: one new or cancelled entry on one line."""
    fields = {c.field: getattr(c, side) for c in changes if c.field != "type"}
    detail = _fields(fields)
    return f"{head}: {detail}" if detail else head


def _subscribe_lines(spec: OpSpec, changes: tuple[FieldChange, ...]) -> list[tuple[str, str]]:
    lines = [(spec.sign, spec.wording)]
    entries: dict[str, list[FieldChange]] = {}
    for change in changes:
        entries.setdefault(change.entry, []).append(change)
    for entry, fields in entries.items():
        group = entry.partition("[")[0]
        type_ = next((c.after for c in fields if c.field == "type"), None)
        head = f"{group} {type_}" if type_ is not None else group
        lines.append((spec.sign, "  " + _entry_line(head, fields, "after")))
    return lines


def _call_lines(action: Action) -> list[tuple[str, str]]:
    """New entries and cancellations on one line each; a changed field on a line of its own."""
    changes = changes_of(action)
    lines = _lines_of(action, changes)
    when = scheduled_date(action.body)
    if lines and when:
        lines[0] = (lines[0][0], f"{lines[0][1]} (from {when})")
    return lines


def _lines_of(action: Action, changes: tuple[FieldChange, ...]) -> list[tuple[str, str]]:
    spec = spec_of(action.op)
    if spec.sides is Sides.SUBSCRIPTION:
        return _subscribe_lines(spec, changes)
    if spec.effect is Effect.END and spec.target is Target.BASE:
        head = f"plan_base {(action.before or {}).get('type')}"
        return [(spec.sign, f"{_entry_line(head, changes, 'before')} ({spec.wording})")]
    head = f"{action.group or 'plan'} {entry_type(action.body)}"
    if spec.effect is Effect.START:
        return [(spec.sign, _entry_line(head, changes, "after"))]
    if spec.effect is Effect.END:
        return [(spec.sign, f"{_entry_line(head, changes, 'before')} ({spec.wording})")]
    return [(spec.sign, f"{head}: {c.path} {_change_value(c)}") for c in changes]


def account_lines(account: AccountPlan) -> list[tuple[str, str]]:
    """The body of one account's section: calls, blocked items, unmanaged items, error."""
    lines: list[tuple[str, str]] = []
    if account.error:
        lines.append(("x", f"error: {account.error}"))
    for item in account.blocked:
        lines.append(("!", f"blocked ({item.reason_code}): {item.message}"))
    suffix = "   (not sent: the account is blocked)" if account.status == "blocked" else ""
    for action in account.actions:
        note = suffix or _in_flight_note(account, action)
        for n, (sign, text) in enumerate(action_lines(action)):
            lines.append((sign, text + (note if n == 0 else suffix)))
        lines.extend(contact_lines(action, account.contact_from))
    for item in account.unmanaged:
        lines.append(("?", f"{item.named}: unmanaged, {item.detail}"))
    return lines


def _in_flight_note(account: AccountPlan, action: Action) -> str:
    """An action the journal holds as sent and not yet shown by Zoom: never sent again; the
    account's other calls wait with it (apply sends nothing to an account awaiting Zoom)."""
    facts = action.in_flight
    if not facts:
        return "   (not sent: the account awaits Zoom)" if account.awaiting_zoom else ""
    outcome = "accepted by Zoom" if facts.get("outcome") == "ok" else "answer in doubt"
    return (
        f"   (in flight: sent {facts.get('sent_at')} by run {str(facts.get('run_id'))[:12]}, "
        f"{outcome}; awaiting Zoom, not sent again)"
    )


def account_heading(account: AccountPlan) -> tuple[str, str]:
    """(sign, text) naming the account, its source and what will happen to it."""
    name = f' "{account.name}"' if account.name else ""
    where = f" ({account.source})" if account.source else ""
    if account.status == "error":
        return "x", f"{account.account_id}{name}{where}: could not be planned"
    if account.status == "blocked":
        return "!", f"{account.account_id}{name}{where}: blocked, nothing is sent to it"
    if account.status == "in_sync":
        return "=", f"{account.account_id}{name}{where}: in sync"
    subscribing = any(spec_of(a.op).sides is Sides.SUBSCRIPTION for a in account.actions)
    return ("+" if subscribing else "~"), f"{account.account_id}{name}{where}"


def summary_line(plan: Plan) -> str:
    """`Plan: 1 to subscribe, 3 to change, 2 add-ons to add, 0 to cancel; 1 blocked; 40 in sync.`"""
    s = plan.summary()
    ops = s["actions"]
    line = (
        f"Plan: {ops[Op.SUBSCRIBE]} to subscribe, "
        f"{ops[Op.UPDATE_BASE] + ops[Op.UPDATE_ADDON]} to change, "
        f"{ops[Op.ADD_ADDON]} add-ons to add, {ops[Op.CANCEL_ADDON]} to cancel"
        + (f", {ops[Op.CANCEL_BASE]} base plan(s) to cancel" if ops.get(Op.CANCEL_BASE) else "")
        + f"; {s['blocked']} blocked; "
    )
    if s["errors"]:
        line += f"{s['errors']} could not be read; "
    line += f"{s['in_sync']} in sync."
    if s.get("in_flight"):
        line += f" In flight (awaiting Zoom, not sent again): {s['in_flight']}."
    totals = plan.cost_totals()
    if totals is not None:
        line += f" Cost: {format_totals(totals)}."
    return line + f" Heavy calls to apply: {s['heavy_calls']}."


def shown_accounts(plan: Plan) -> list[AccountPlan]:
    """Accounts worth a section: errors, blocked, changes, then in-sync ones with unmanaged."""
    rank = {"error": 0, "blocked": 1, "changes": 2, "in_sync": 3}
    chosen = [a for a in plan.accounts if a.status != "in_sync" or a.unmanaged]
    return sorted(chosen, key=lambda a: (rank[a.status], a.account_id))


def _paint(sign: str, text: str, colour: bool) -> str:
    if not colour:
        return text
    return f"\x1b[{_COLOURS.get(sign, '0')}m{text}\x1b[0m"


def render_text(plan: Plan, *, colour: bool = False) -> str:
    """The whole plan as text, ending with the summary line and a newline."""
    out: list[str] = []
    # Provenance first: uncommitted changes and non-default settings (planner/header.py).
    header = plan.header_lines()
    if plan.git_dirty and header:
        dirty = header.pop(0)
        out.append(_paint("!", f"! {dirty[0].upper()}{dirty[1:]}", colour))
    out.extend(f"  {line}" for line in header)
    if out:
        out.append("")
    accounts = shown_accounts(plan)
    if accounts:
        out.append("Calls in the order `zoomplans apply` sends them (blocked accounts get none):")
        out.append("")
    for account in accounts:
        sign, heading = account_heading(account)
        out.append(_paint(sign, f"{sign} {heading}", colour))
        out.extend(_paint(s, f"    {s} {t}", colour) for s, t in account_lines(account))
        out.append("")
    out.append(f"plan_sha256 {plan.plan_sha256} (apply --plan --expect-sha256 holds apply to it)")
    out.append(summary_line(plan))
    return "\n".join(out) + "\n"


def join_lines(lines: Iterable[tuple[str, str]]) -> str:
    """Plain `sign text` lines, as the Markdown renderer puts them in a diff block."""
    return "\n".join(f"{sign} {text}" for sign, text in lines)

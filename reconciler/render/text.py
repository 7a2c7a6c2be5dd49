"""The plan for people at a terminal, read like Terraform's.

`+` adds, `~` changes (`hosts 20 -> 25`), `-` cancels, `!` is blocked (with its reason), `?`
is unmanaged (live, not in the YAML, left alone, named by its group's title). A scheduled change
says `(from DATE)` (the wording of every call is reconciler.render.wording's). Dangerous parts
come where the eye lands: errors and blocked accounts first, then the changes, then one
closing summary line. Every line is made inert before it is printed (a name holding a newline
or an escape sequence shows as `\\n`, `\\x1b`: it cannot forge a line of the review or move
the cursor). Colour only when the caller says the output is a terminal. This module only reads
the Plan.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TextIO

from reconciler.escaping.terminal import inert
from reconciler.groups.operations import Sides
from reconciler.planner.model import AccountPlan, Action, Plan
from reconciler.pricing.money import Cost, format_cost, format_totals
from reconciler.render.contact import contact_lines
from reconciler.render.renewal import heading, notice_line, renewal_phrase, rows, unknown_sentence
from reconciler.render.wording import call_lines, tallies, words

_COLOURS = {"+": "32", "~": "33", "-": "31", "!": "1;31", "?": "36", "x": "1;31", "=": "2"}


def cost_text(cost: Cost | None) -> str:
    """`(+$79.95/month)`, `(cost unknown: no price for X)`, or nothing without a price list."""
    if cost is None:
        return ""
    return f"   ({format_cost(cost)})"


def action_lines(action: Action) -> list[tuple[str, str]]:
    """(sign, text) lines for one call, its cost on the first; a field per line."""
    lines = call_lines(action)
    if lines and action.cost is not None:
        lines[0] = (lines[0][0], lines[0][1] + cost_text(action.cost))
    return lines


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
        notice = notice_line(action)
        if notice is not None:
            lines.append(notice)
        lines.extend(contact_lines(action, account.contact_from))
    for unmanaged in account.unmanaged:
        lines.append(("?", f"{unmanaged.named}: unmanaged, {unmanaged.detail}"))
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
    subscribing = any(words(a.op).sides is Sides.SUBSCRIPTION for a in account.actions)
    return ("+" if subscribing else "~"), f"{account.account_id}{name}{where}"


def summary_line(plan: Plan) -> str:
    """`Plan: 1 to subscribe, 3 to change, 2 add-ons to add, 0 to cancel; 1 blocked; 40 in sync.`"""
    s = plan.summary()
    line = f"Plan: {', '.join(tallies(s['actions']))}; {s['blocked']} blocked; "
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
    """The line with every value in it made inert, then coloured by its sign when asked."""
    text = inert(text)
    if not colour:
        return text
    return f"\x1b[{_COLOURS.get(sign, '0')}m{text}\x1b[0m"


def _provenance_lines(plan: Plan, colour: bool) -> list[str]:
    """Uncommitted changes first, then the non-default settings (planner/header.py); each line
    made inert (a setting's value comes from zoomplans.yaml)."""
    out: list[str] = []
    header = plan.header_lines()
    if plan.git_dirty and header:
        dirty = header.pop(0)
        out.append(_paint("!", f"! {dirty[0].upper()}{dirty[1:]}", colour))
    out.extend(inert(f"  {line}") for line in header)
    if out:
        out.append("")
    return out


def header_lines(plan: Plan, accounts: list[AccountPlan]) -> list[str]:
    """What comes before the accounts: what the plan is and how to read it (facts about the
    plan as a whole, such as its hash or the settings it was made with, belong here)."""
    if not accounts:
        return []
    return ["Calls in the order `zoomplans apply` sends them (blocked accounts get none):", ""]


def renewal_lines(plan: Plan) -> list[tuple[str, str]]:
    """The renewals list's accounts, one line each (unknown dates are said at the top)."""
    listed = {a.account_id: a for a in plan.accounts}
    lines = []
    for row in rows(plan):
        account = listed[row.account_id]
        assert account.renewal is not None
        name = f' "{row.name}"' if row.name else ""
        lines.append(("=", f"{row.account_id}{name}: {renewal_phrase(account.renewal)}"))
    return lines


def _renewals_section(plan: Plan, colour: bool) -> list[str]:
    lines = renewal_lines(plan)
    if not lines:
        return []
    out = [inert(f"{heading(plan)}:")]
    out.extend(_paint(s, f"    {t}", colour) for s, t in lines)
    return [*out, ""]


def render_text(plan: Plan, *, colour: bool = False) -> str:
    """The whole plan as text, ending with the summary line and a newline."""
    accounts = shown_accounts(plan)
    out = [*_provenance_lines(plan, colour)]
    unknown = unknown_sentence(plan)
    if unknown:
        out += [_paint("!", f"! {unknown}", colour), ""]
    out += header_lines(plan, accounts)
    for account in accounts:
        sign, heading = account_heading(account)
        out.append(_paint(sign, f"{sign} {heading}", colour))
        out.extend(_paint(s, f"    {s} {t}", colour) for s, t in account_lines(account))
        out.append("")
    out.extend(_renewals_section(plan, colour))
    out.append(
        inert(f"plan_sha256 {plan.plan_sha256} (apply --plan --expect-sha256 holds apply to it)")
    )
    out.append(inert(summary_line(plan)))
    return "\n".join(out) + "\n"


class TextRenderer:
    """The Renderer of `--format text` (and of apply's preview); colour only at a terminal."""

    def __init__(self, *, colour: bool = False) -> None:
        self.colour = colour

    def render(self, plan: Plan, out: TextIO) -> None:
        out.write(render_text(plan, colour=self.colour))


def join_lines(lines: Iterable[tuple[str, str]]) -> str:
    """Plain `sign text` lines, each made inert, as the Markdown renderer puts them in a diff
    block (one value cannot add a line to it)."""
    return "\n".join(inert(f"{sign} {text}") for sign, text in lines)

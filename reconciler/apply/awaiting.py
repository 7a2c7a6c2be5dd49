"""What an account's first read says about writes earlier runs left in flight, journaled.

Kept apart from the executor so the rule of ``reconciler.apply.in_flight`` reads in one place:
each earlier write is settled (a read shows it), released (in doubt, older than the minimum age
and still absent: it may be sent again) or still awaited; an account with an awaited write that
it would send again gets nothing this run. Every decision leaves a journal line with its
evidence (when sent, when read), so an auditor can follow why a purchase was or was not resent.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from reconciler.apply.effects import change_visible, write_shown
from reconciler.apply.in_flight import (
    UNREPEATABLE_OPS,
    EarlierWrite,
    InFlightRules,
    Now,
    write_key,
)
from reconciler.apply.intents import UnsettledIntent
from reconciler.apply.journal import Journal
from reconciler.apply.journal_records import Result
from reconciler.apply.reading import LivePlansDict
from reconciler.apply.report import AccountReport
from reconciler.apply.seams import Progress
from reconciler.planner.bodies import entry_type
from reconciler.planner.calls import call_of
from reconciler.planner.model import AccountPlan, Action


def now_utc() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    """The journal's spelling of a moment (milliseconds, UTC, Z)."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _as_intent(write: EarlierWrite) -> UnsettledIntent:
    return UnsettledIntent(
        intent_id=write.intent_id, run_id=write.run_id, ts=write.sent_at,
        account_id=write.account_id, op=write.op, method=write.method, path=write.path,
        body=write.body, last_result=write.outcome,
    )  # fmt: skip


async def settle_earlier_puts(
    journal: Journal, pending: Sequence[UnsettledIntent], live: LivePlansDict, say: Progress
) -> dict[str, str]:
    """Settle, from this read, the calls an earlier run left without a final outcome that the
    in-flight rule does not hold back: PUTs (a PUT sets a value, so sending it again is
    harmless) and purchases sent before the window (long past the minimum age)."""
    settled: dict[str, str] = {}
    for item in pending:
        if item.op in UNREPEATABLE_OPS:
            seen = write_shown(item.op, item.body, live)
        else:
            seen = change_visible(item.op, item.body, live)
        result = Result.RESOLVED_PRESENT if seen else Result.RESOLVED_ABSENT
        message = f"run {item.run_id} left this call without a final outcome; the live plans " + (
            "show the change: it was applied" if seen else "do not show it: not applied"
        )
        await asyncio.to_thread(journal.resolution, item, result=result, message=message)
        say(f"{item.account_id}: earlier {item.op} settled: {result}")
        settled[item.intent_id] = result
    return settled


async def check_in_flight(
    journal: Journal,
    earlier: Sequence[EarlierWrite],
    live: LivePlansDict,
    rules: InFlightRules,
    say: Progress,
    moment: Now,
) -> tuple[list[EarlierWrite], dict[tuple[str, str], str], dict[str, str]]:
    """Sort the earlier unrepeatable writes by what this read shows, journaling each.

    Returns the writes still awaiting Zoom (overdue ones too: ``awaiting_report`` blocks
    on those); the ones that may be sent again, by ``write_key`` (for ``retry_of``); and the
    ones settled by this read (intent id -> result).
    """
    waiting: list[EarlierWrite] = []
    resend: dict[tuple[str, str], str] = {}
    settled: dict[str, str] = {}
    for write in earlier:
        if write_shown(write.op, write.body, live):
            result, message = Result.RESOLVED_PRESENT, "a read shows it: settled"
            settled[write.intent_id] = result
        elif write.may_resend(moment, rules):
            result = Result.RESOLVED_ABSENT
            message = (
                f"in doubt since {write.sent_at}, older than {rules.resend_after} and still "
                "not shown by Zoom: it may be sent again"
            )
            resend[write.key] = write.intent_id
        elif write.overdue(moment, rules):
            result = Result.NOT_VISIBLE
            message = "accepted, and not shown by Zoom within the window: a person decides"
            waiting.append(write)
        else:
            result, message = Result.NOT_VISIBLE, "not shown by Zoom yet: awaiting Zoom"
            waiting.append(write)
        read = iso(moment.zoom or moment.local)
        evidence = {"sent_at": write.sent_at, "read_at": [*write.read_at, read]}
        await asyncio.to_thread(
            journal.resolution, _as_intent(write), result=result, message=message, **evidence
        )
        if result is not Result.NOT_VISIBLE:
            say(f"{write.account_id}: earlier {write.op} {result}")
    return waiting, resend, settled


def awaiting_report(
    account: AccountPlan,
    waiting: Sequence[EarlierWrite],
    rules: InFlightRules,
    say: Progress,
    moment: Now,
) -> AccountReport | None:
    """Awaiting Zoom when one of the account's writes is in flight (by the journal, or as the
    plan marks it): nothing is sent to the account; None when nothing it sends is in flight.
    Blocked (exit 1) when one is overdue: accepted, unseen when the window ended; buying it
    again could charge twice, so a person settles it first (``zoomplans journal resolve``)."""
    keys = {write_key(a.op, a.body) for a in account.actions}
    overdue = [w for w in waiting if w.key in keys and w.overdue(moment, rules)]
    if overdue:
        say(f"{account.account_id}: blocked, a purchase accepted long ago still does not show")
        reason = "; ".join(w.overdue_reason(rules) for w in overdue) + "; nothing sent"
        return AccountReport(account.account_id, "blocked", reason, 0, len(account.actions))
    blocking = [w for w in waiting if w.key in keys]
    reasons = [w.describe(rules) for w in blocking]
    known = {w.intent_id for w in blocking}
    for action in account.actions:
        facts: Mapping[str, Any] | None = getattr(action, "in_flight", None)
        if not facts or facts.get("intent_id") in known:
            continue
        what = f"{action.op} {entry_type(action.body)}".rstrip()
        reasons.append(
            f"{what} is in flight in the plan (sent at {facts.get('sent_at')}, run "
            f"{str(facts.get('run_id'))[:12]}, {facts.get('outcome')}); not sent again"
        )
    if not reasons:
        return None
    say(f"{account.account_id}: awaiting Zoom, nothing sent")
    reason = "; ".join(reasons) + "; nothing sent; run `zoomplans plan` later"
    return AccountReport(account.account_id, "awaiting_zoom", reason, 0, len(account.actions))


async def record_shown(
    journal: Journal,
    account_id: str,
    own: Sequence[tuple[str, Action]],
    live: LivePlansDict,
) -> None:
    """Journal that a read shows this run's writes: they are settled, so if a purchase is
    absent later, someone removed it and a new one is planned as usual; and a PUT is no longer
    laid over later reads (``reconciler.apply.own_writes``)."""
    for intent_id, action in own:
        if action.op in UNREPEATABLE_OPS:
            shown = write_shown(action.op, action.body, live)
        else:
            shown = change_visible(action.op, action.body, live)
        if not shown:
            continue
        method, path = call_of(action.op, account_id)
        item = UnsettledIntent(
            intent_id, journal.context.run_id, "", account_id, action.op, method, path,
            dict(action.body), "ok",
        )  # fmt: skip
        await asyncio.to_thread(
            journal.resolution, item, result=Result.RESOLVED_PRESENT,
            message="a read after the calls shows it: settled",
        )  # fmt: skip


def meanwhile(own: Sequence[tuple[str, Action]]) -> str:
    """What protects this run's accepted calls until Zoom shows them, said only where true."""
    ops = {action.op for _intent, action in own}
    purchases = ops & UNREPEATABLE_OPS
    if not purchases:
        return (
            " (the journal holds these writes as accepted; plan and apply lay them over "
            "Zoom's reads until Zoom shows them)"
        )
    return (
        f" (the journal keeps the {', '.join(sorted(purchases))} call(s) from being sent "
        "again meanwhile; seat changes are laid over Zoom's reads until Zoom shows them)"
    )

"""A person's view of the journal: list its calls, verify its lines, settle what runs cannot.

Why: apply refuses to guess in two places (a purchase Zoom accepted but never showed within
the window; a line it cannot trust), because guessing wrong charges twice or hides a charge.
A person checks Zoom's console and records the answer *in the journal* (who, when and why),
so the next run proceeds as told and an auditor sees the decision beside the calls.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from reconciler.apply.in_flight import UNREPEATABLE_OPS
from reconciler.apply.intents import UnsettledIntent
from reconciler.apply.journal import (
    Journal,
    JournalContents,
    RunContext,
    actor_name,
    iso,
    read_journal,
)
from reconciler.apply.journal_records import Result
from reconciler.apply.journal_store import JournalStore
from reconciler.apply.journal_walk import Fate, IntentFate, fates
from reconciler.planner.bodies import entry_type


class ReviewRefused(Exception):
    """The journal has no such intent or line, or it needs no person's decision."""


@dataclass(frozen=True)
class CallRow:
    """One call as ``journal list`` prints it."""

    item: IntentFate

    @property
    def open(self) -> bool:
        """In doubt, or a purchase accepted that no read has shown: a later run must decide."""
        fate, op = self.item.fate, self.item.intent.op
        return fate is Fate.IN_DOUBT or (fate is Fate.ACCEPTED and op in UNREPEATABLE_OPS)

    def text(self) -> str:
        intent = self.item.intent
        what = f"{intent.op} {entry_type(intent.body)}".rstrip()
        when = iso(intent.zoom_ts or intent.ts)
        clock = " (Zoom)" if intent.zoom_ts is not None else ""
        return (
            f"{when}{clock}  {intent.intent_id}  {intent.account_id}  {what}  "
            f"{self.item.fate}  run {intent.run_id[:12]}  {intent.location}"
        )


def list_calls(
    contents: JournalContents, *, unsettled_only: bool = False, account_id: str | None = None
) -> list[CallRow]:
    """Every call the journal holds (oldest first), or only those still open, of an account."""
    rows = [CallRow(item) for item in fates(contents.records).values()]
    return [
        row
        for row in rows
        if (not unsettled_only or row.open)
        and (account_id is None or row.item.intent.account_id == account_id)
    ]


def resolve(
    target: JournalStore,
    intent_id: str,
    *,
    applied: bool,
    reason: str,
) -> str:
    """Journal a person's decision about an open intent; returns the line's message.

    ``applied``: Zoom shows it (settled, never sent again); not applied: it did not happen,
    and the next run plans and sends it again if the files still want it.
    """
    if not reason.strip():
        raise ReviewRefused("give --reason: why you decided (it is journaled with your name)")
    contents = read_journal(target)
    found = fates(contents.records).get(intent_id)
    if found is None:
        raise ReviewRefused(f"the journal {target.describe()} has no intent {intent_id}")
    if not CallRow(found).open:
        raise ReviewRefused(
            f"intent {intent_id} is settled already ({found.fate}); nothing to resolve"
        )
    who = actor_name()
    intent = found.intent
    result = Result.RESOLVED_PRESENT if applied else Result.RESOLVED_ABSENT
    verdict = "applied" if applied else "not applied"
    message = f"resolved by {who}: {verdict}: {reason.strip()}"
    context = RunContext.for_this_process(
        plan_sha256="", git_commit=None, master_account_id=intent.master_account_id
    )
    with Journal(target, context) as journal:
        journal.resolution(
            UnsettledIntent(
                intent.intent_id, intent.run_id, iso(intent.ts), intent.account_id, intent.op,
                intent.method, intent.path, intent.body,
                None if found.last is None else str(found.last.result),
            ),
            result=result, message=message, resolved_by=who, reason=reason.strip(),
        )  # fmt: skip
    return message


def acknowledge(target: JournalStore, location: str, *, reason: str) -> str:
    """Journal that a person looked at a damaged line; runs then go on (the line is skipped,
    or, for a time in the future, its call counts as just sent)."""
    if not reason.strip():
        raise ReviewRefused("give --reason: what you checked (it is journaled with your name)")
    contents = read_journal(target, now=datetime.now(UTC))
    matching = [p for p in contents.problems if p.location == location]
    if not matching:
        listed = ", ".join(p.location for p in contents.problems) or "none"
        raise ReviewRefused(
            f"no damaged line at {location} (lines `journal verify` names: {listed})"
        )
    who = actor_name()
    context = RunContext.for_this_process(plan_sha256="", git_commit=None)
    with Journal(target, context) as journal:
        journal.write(
            "acknowledged", location=location, line_sha256=matching[0].line_sha256,
            problem=matching[0].problem, resolved_by=who, reason=reason.strip(),
        )  # fmt: skip
    return f"{location}: acknowledged by {who}: {reason.strip()}"


def verify(target: JournalStore) -> tuple[int, Sequence[str]]:
    """How many lines parse, and each line that cannot be trusted as ``file:line: problem``."""
    contents = read_journal(target, now=datetime.now(UTC))
    return len(contents.records), [str(p) for p in contents.problems]

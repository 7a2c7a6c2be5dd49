"""Which earlier writes are still in flight: the journal decides, not a few seconds of GET.

Zoom's reads trail its writes, and a 5xx or a lost answer can follow a write that happened. So a
GET that does not show an earlier purchase proves nothing, and sending it again could charge
twice. For the writes that cannot be repeated safely (``UNREPEATABLE_OPS``), the journal is
authoritative: an earlier intent for the same master account, sub-account, op and plan type,
sent from any plan in any mode within the window, that Zoom accepted (``ok``) or that is still
in doubt, and that no read has shown since, is *in flight*. Apply does not send that write
again and reports the account as awaiting Zoom; ``plan`` shows the action as in flight.

A write a read has shown is *settled* (a ``resolution`` line ``resolved_present``): if it is
absent later, someone removed it, and a new purchase is planned as usual. A write in doubt
(no answer, a 5xx) may be sent again by a later run only once it is older than the minimum age
(``resend_after``) and the account still does not show it; that decision is journaled
(``resolved_absent``, with the time sent and the times read) before the new intent.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from reconciler.apply.intents import intent_call
from reconciler.groups.operations import OP_TABLE, Target, is_op, spec_of
from reconciler.planner.bodies import entry_type
from reconciler.planner.model import Plan

#: Writes that charge (or end a charge) again when repeated; PUTs set a value and are safe.
UNREPEATABLE_OPS = frozenset(spec.op.value for spec in OP_TABLE if not spec.repeatable)
DEFAULT_WINDOW = timedelta(days=7)
DEFAULT_RESEND_AFTER = timedelta(minutes=15)
#: Results after which an intent is no longer in flight: shown by a read, refused by Zoom, or
#: decided absent (by a later run, after the minimum age; or by a version before this rule).
SETTLED_RESULTS = frozenset({"resolved_present", "failed", "resolved_absent"})
#: A check that read the account and did not see the write (evidence, not a settlement).
NOT_VISIBLE = "not_visible"


@dataclass(frozen=True)
class InFlightRules:
    """How far back the journal is searched, and when a write in doubt may be sent again."""

    window: timedelta = DEFAULT_WINDOW
    resend_after: timedelta = DEFAULT_RESEND_AFTER


def write_key(op: str, body: Mapping[str, Any]) -> tuple[str, str]:
    """What makes two writes "the same purchase": op and plan type (the entry's, inside a
    nested Phone, Contact Center or Node body). An op whose target is not an add-on (the op
    table's column) is one per account whatever its base type: every subscribe (and every base
    cancellation) of an account is the same one."""
    if is_op(op) and spec_of(op).target is not Target.ADDON:
        return op, ""
    return op, entry_type(body)


@dataclass(frozen=True)
class EarlierWrite:
    """An unrepeatable write an earlier run sent that no read has shown yet."""

    intent_id: str
    run_id: str
    sent_at: str
    account_id: str
    op: str
    method: str
    path: str
    body: Mapping[str, Any]
    outcome: str  # "ok": Zoom accepted it; "in_doubt": no answer, a 5xx, or no outcome line
    read_at: tuple[str, ...] = field(default=())  # reads since that did not show it

    @property
    def key(self) -> tuple[str, str]:
        return write_key(self.op, self.body)

    def to_json(self) -> dict[str, Any]:
        """The plan's ``in_flight`` field: which intent, from which run, when, and its outcome."""
        return {
            "intent_id": self.intent_id,
            "run_id": self.run_id,
            "sent_at": self.sent_at,
            "outcome": self.outcome,
        }

    def age(self, now: datetime) -> timedelta | None:
        sent = parse_ts(self.sent_at)
        return None if sent is None else now - sent

    def may_resend(self, now: datetime, rules: InFlightRules) -> bool:
        """Only a write in doubt, and only once it is older than the minimum age: a few
        seconds (or minutes) of absence in GET never prove that Zoom did not carry it out."""
        age = self.age(now)
        return self.outcome == "in_doubt" and age is not None and age >= rules.resend_after

    def describe(self, rules: InFlightRules) -> str:
        """One clause for reports: what was sent, when, by which run, and what happens next."""
        what = f"{self.op} {entry_type(self.body)}".rstrip()
        run = self.run_id[:12]
        if self.outcome == "ok":
            return (
                f"{what} was accepted by Zoom at {self.sent_at} (run {run}) and does not show "
                "in Zoom's reads yet; not sent again"
            )
        sent = parse_ts(self.sent_at)
        after = "" if sent is None else f" after {_iso(sent + rules.resend_after)}"
        return (
            f"{what} sent at {self.sent_at} (run {run}) got no clear answer and does not show "
            f"yet; not sent again (a run{after} sends it again only if Zoom still does not "
            "show it)"
        )


def parse_ts(text: str) -> datetime | None:
    """A journal timestamp; None when it cannot be read (then the line counts as recent)."""
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except (TypeError, ValueError):
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _iso(moment: datetime) -> str:
    text = moment.astimezone(UTC).isoformat(timespec="milliseconds")
    return text.replace("+00:00", "Z")


def writes_in_flight(
    entries: Iterable[Mapping[str, Any]],
    *,
    master_account_id: str | None,
    now: datetime,
    rules: InFlightRules,
    account_id: str | None = None,
) -> list[EarlierWrite]:
    """Unrepeatable writes sent within the window that are neither settled nor refused.

    Lines of another master account are ignored; lines without a master account (journals of
    earlier versions) count as this master's, the safe side.
    """
    oldest = now - rules.window
    intents: dict[str, Mapping[str, Any]] = {}
    last: dict[str, str | None] = {}
    reads: dict[str, list[str]] = {}
    for entry in entries:
        intent_id = entry.get("intent_id")
        if not isinstance(intent_id, str):
            continue
        kind = entry.get("kind")
        if kind == "intent":
            if not _relevant(entry, master_account_id, account_id, oldest):
                continue
            intents[intent_id] = entry
            last.setdefault(intent_id, None)
        elif kind in ("outcome", "resolution"):
            result = entry.get("result")
            text = result if isinstance(result, str) else "unknown"
            if text == NOT_VISIBLE:
                reads.setdefault(intent_id, []).append(str(entry.get("ts", "")))
                continue
            if last.get(intent_id) != "ok" or text in SETTLED_RESULTS:
                last[intent_id] = text  # an "ok" stays "ok" until a read shows it
    found = []
    for intent_id, entry in intents.items():
        result = last.get(intent_id)
        if result in SETTLED_RESULTS:
            continue
        found.append(
            EarlierWrite(
                intent_id=intent_id,
                sent_at=str(entry.get("ts", "")),
                outcome="ok" if result == "ok" else "in_doubt",
                read_at=tuple(reads.get(intent_id, ())),
                **intent_call(entry),
            )
        )
    return found


def _relevant(
    entry: Mapping[str, Any], master: str | None, account_id: str | None, oldest: datetime
) -> bool:
    if entry.get("op") not in UNREPEATABLE_OPS:
        return False
    if account_id is not None and entry.get("account_id") != account_id:
        return False
    recorded = entry.get("master_account_id")
    if recorded is not None and master is not None and recorded != master:
        return False
    sent = parse_ts(str(entry.get("ts", "")))
    return sent is None or sent >= oldest


def mark_in_flight(
    plan: Plan, writes: Sequence[EarlierWrite], now: datetime, rules: InFlightRules
) -> Plan:
    """The plan with each action whose write is awaiting Zoom marked ``in_flight``.

    Such an action is in the plan only because Zoom's reads do not show the earlier write yet
    (the planner plans an add-on only where none shows); it is not a new purchase, and apply
    never sends it. A write in doubt that is old enough to be sent again is left unmarked.
    """
    latest: dict[tuple[str, str, str], EarlierWrite] = {}
    for write in writes:
        if not write.may_resend(now, rules):
            latest[(write.account_id, *write.key)] = write  # the journal's order: last wins
    if not latest:
        return plan
    accounts = []
    for account in plan.accounts:
        actions = tuple(
            replace(action, in_flight=found.to_json())
            if action.op in UNREPEATABLE_OPS
            and (found := latest.get((account.account_id, *write_key(action.op, action.body))))
            else action
            for action in account.actions
        )
        accounts.append(replace(account, actions=actions))
    return replace(plan, accounts=tuple(accounts))

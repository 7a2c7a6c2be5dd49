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

Ages are measured on Zoom's clock: each journal line records Zoom's time (``zoom_ts``, from the
``Date`` header of its latest answer) beside this machine's, so a machine whose clock is wrong
cannot make a write look old enough to resend. Lines of earlier versions, without Zoom's time,
are aged on the local clocks as before. A purchase Zoom accepted that no read has shown when
the window ends is *overdue*: it is never bought again automatically; the account is blocked
until a person settles it (``zoomplans journal resolve``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from reconciler.apply.journal_records import Intent, Record, parse_time
from reconciler.apply.journal_walk import IN_FLIGHT, Fate, walk
from reconciler.groups.operations import OP_TABLE, Target, is_op, spec_of
from reconciler.planner.bodies import entry_type

if TYPE_CHECKING:
    from reconciler.planner.model import Plan

#: Writes that charge (or end a charge) again when repeated; PUTs set a value and are safe.
UNREPEATABLE_OPS = frozenset(spec.op.value for spec in OP_TABLE if not spec.repeatable)
DEFAULT_WINDOW = timedelta(days=7)
DEFAULT_RESEND_AFTER = timedelta(minutes=15)


@dataclass(frozen=True)
class InFlightRules:
    """How far back the journal is searched, and when a write in doubt may be sent again."""

    window: timedelta = DEFAULT_WINDOW
    resend_after: timedelta = DEFAULT_RESEND_AFTER


@dataclass(frozen=True)
class Now:
    """This moment on both clocks: this machine's, and Zoom's (None before its first answer)."""

    local: datetime
    zoom: datetime | None = None

    @classmethod
    def local_only(cls, moment: datetime | None = None) -> Now:
        return cls(moment or datetime.now(UTC))


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
    #: When it was sent by Zoom's clock (the answer's ``Date``, else the last answer before
    #: it); None on lines of versions that did not record it.
    sent_zoom: datetime | None = None
    location: str = ""

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

    def age(self, now: Now | datetime) -> timedelta | None:
        """Zoom's time since it was sent when both are known, else the local clocks' (lines of
        earlier versions); never negative: a line "from the future" counts as just sent."""
        moment = now if isinstance(now, Now) else Now(now)
        if self.sent_zoom is not None and moment.zoom is not None:
            return max(moment.zoom - self.sent_zoom, timedelta(0))
        sent = parse_ts(self.sent_at)
        return None if sent is None else max(moment.local - sent, timedelta(0))

    def may_resend(self, now: Now | datetime, rules: InFlightRules) -> bool:
        """Only a write in doubt, and only once it is older than the minimum age: a few
        seconds (or minutes) of absence in GET never prove that Zoom did not carry it out."""
        age = self.age(now)
        return self.outcome == "in_doubt" and age is not None and age >= rules.resend_after

    def overdue(self, now: Now | datetime, rules: InFlightRules) -> bool:
        """Accepted by Zoom, and the window ended without a read showing it: a person decides."""
        age = self.age(now)
        return self.outcome == "ok" and age is not None and age >= rules.window

    def sent_text(self) -> str:
        if self.sent_zoom is None:
            return self.sent_at
        return f"{_iso(self.sent_zoom)} by Zoom's clock"

    def describe(self, rules: InFlightRules) -> str:
        """One clause for reports: what was sent, when, by which run, and what happens next."""
        what = f"{self.op} {entry_type(self.body)}".rstrip()
        run = self.run_id[:12]
        if self.outcome == "ok":
            return (
                f"{what} was accepted by Zoom at {self.sent_text()} (run {run}) and does not "
                "show in Zoom's reads yet; not sent again"
            )
        sent = self.sent_zoom or parse_ts(self.sent_at)
        clock = " (Zoom's clock)" if self.sent_zoom is not None else ""
        after = "" if sent is None else f" after {_iso(sent + rules.resend_after)}{clock}"
        return (
            f"{what} sent at {self.sent_text()} (run {run}) got no clear answer and does not "
            f"show yet; not sent again (a run{after} sends it again only if Zoom still does "
            "not show it)"
        )

    def overdue_reason(self, rules: InFlightRules) -> str:
        """Why the account is blocked, and what a person checks and runs."""
        what = f"{self.op} {entry_type(self.body)}".rstrip()
        return (
            f"{what} ({self.method} {self.path}, intent {self.intent_id}, run {self.run_id}) "
            f"was accepted by Zoom at {self.sent_text()}, and no read has shown it within the "
            f"journal window ({span(rules.window)}); it is not bought again automatically. "
            "Check the sub-account's Billing > Plans and invoices in Zoom's web portal (and "
            "the master account's billing history), then run `zoomplans journal resolve "
            f"{self.intent_id} --applied|--not-applied --reason TEXT`"
        )


def span(length: timedelta) -> str:
    """A duration as the flags spell it: ``7d``, ``36h``, ``15m``, ``90s``."""
    seconds = int(length.total_seconds())
    for unit, size in (("d", 86_400), ("h", 3_600), ("m", 60)):
        if seconds and seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def parse_ts(text: str) -> datetime | None:
    """A journal timestamp; None when it cannot be read (then the line counts as recent)."""
    return parse_time(text)


def _iso(moment: datetime) -> str:
    text = moment.astimezone(UTC).isoformat(timespec="milliseconds")
    return text.replace("+00:00", "Z")


def writes_in_flight(
    records: Iterable[Record],
    *,
    master_account_id: str | None,
    now: Now | datetime,
    rules: InFlightRules,
    account_id: str | None = None,
) -> list[EarlierWrite]:
    """Unrepeatable writes neither settled nor refused: in doubt and sent within the window,
    or accepted by Zoom at any age (past the window they are *overdue*, never resent).

    Lines of another master account are ignored; lines without a master account (journals of
    earlier versions) count as this master's, the safe side.
    """
    moment = now if isinstance(now, Now) else Now(now)

    def mine(intent: Intent) -> bool:
        recorded = intent.master_account_id
        return recorded is None or master_account_id is None or recorded == master_account_id

    found = []
    for item in walk(records, IN_FLIGHT, account_id=account_id, ops=UNREPEATABLE_OPS, keep=mine):
        intent, answer = item.intent, item.answer
        write = EarlierWrite(
            intent_id=intent.intent_id,
            run_id=intent.run_id,
            sent_at=_iso(intent.ts),
            account_id=intent.account_id,
            op=intent.op,
            method=intent.method,
            path=intent.path,
            body=intent.body,
            outcome="ok" if item.fate is Fate.ACCEPTED else "in_doubt",
            read_at=tuple(_iso(x) for x in item.read_at),
            sent_zoom=(answer.zoom_ts if answer is not None else None) or intent.zoom_ts,
            location=intent.location,
        )
        age = write.age(moment)
        if write.outcome == "ok" or age is None or age < rules.window:
            found.append(write)
    return found


def mark_in_flight(
    plan: Plan, writes: Sequence[EarlierWrite], now: Now | datetime, rules: InFlightRules
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

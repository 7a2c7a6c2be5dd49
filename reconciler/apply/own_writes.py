"""Read your own writes: seat changes the journal holds, laid over Zoom's lagging reads.

Why: Zoom's reads trail its writes. Two reviewed plans A (hosts 20 -> 22) and B (20 -> 30):
after ``apply B`` sent PUT 30, a read still showing 20 let ``apply A`` pass its compare-and-swap
and send PUT 22, a silent decrease 30 -> 22. So a PUT (``update_base``, ``update_addon``) the
journal holds as accepted, or in doubt and younger than the minimum age, that the read does not
show yet, is laid over the read before anything decides from it: planning, the compare-and-swap,
a saved plan's re-plan and its usage and decrease guards. The overlay lasts until a read shows
the write (then apply journals it settled) or a later write replaces it.

Purchases and cancellations (POST/PATCH) keep their own, stricter rule
(``reconciler.apply.in_flight``: never sent again while in flight). Lines of earlier versions,
which recorded no Zoom time, are not laid over (this version journals when a read shows a PUT;
earlier ones did not, so their PUTs could be long settled and since changed by hand).
"""

from __future__ import annotations

import asyncio
import copy
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from reconciler.apply.effects import change_visible
from reconciler.apply.in_flight import InFlightRules, Now
from reconciler.apply.intents import UnsettledIntent
from reconciler.apply.journal import Journal
from reconciler.apply.journal_records import Intent, Record, Result
from reconciler.apply.journal_walk import IN_FLIGHT, Fate, walk
from reconciler.apply.seams import Progress
from reconciler.groups.operations import OP_TABLE, Effect, Target, spec_of
from reconciler.planner.bodies import entry_of

#: The writes that set a value (the op table's SET effect: the PUTs), and so can be laid over a
#: read; a purchase or a cancellation keeps the never-resend rule instead.
LAID_OVER_OPS = frozenset(spec.op.value for spec in OP_TABLE if spec.effect is Effect.SET)


@dataclass(frozen=True)
class OwnWrite:
    """A PUT the journal holds (accepted, or in doubt) that reads may not show yet."""

    intent: Intent
    accepted: bool
    sent_text: str

    @property
    def account_id(self) -> str:
        return self.intent.account_id

    def shown_by(self, live: Mapping[str, Any] | None) -> bool:
        return change_visible(self.intent.op, self.intent.body, live)

    def describe(self, live: Mapping[str, Any] | None) -> str:
        """ "Zoom's read shows hosts 20; this journal holds PUT hosts 30 accepted at T, ..."."""
        entry = entry_of(self.intent.body)
        changed = {k: v for k, v in entry.items() if k != "type"}
        found = _find(live, self.intent.op, str(entry.get("type")))
        shows = ", ".join(f"{k} {found.get(k)}" for k in changed) if found else "no such plan"
        holds = ", ".join(f"{k} {v}" for k, v in changed.items())
        state = "accepted" if self.accepted else "in doubt (no clear answer)"
        return (
            f"{self.account_id}: Zoom's read shows {entry.get('type')} {shows}; this journal "
            f"holds PUT {holds} {state} at {self.sent_text} (run {self.intent.run_id[:12]}), "
            "not visible yet: planned from it"
        )


def own_writes(
    records: Iterable[Record],
    *,
    master_account_id: str | None,
    now: Now,
    rules: InFlightRules,
) -> dict[str, list[OwnWrite]]:
    """The PUTs to lay over reads, by account, oldest first (later ones replace earlier)."""

    def mine(intent: Intent) -> bool:
        recorded = intent.master_account_id
        return recorded is None or master_account_id is None or recorded == master_account_id

    found: dict[str, list[OwnWrite]] = {}
    for item in walk(records, IN_FLIGHT, ops=LAID_OVER_OPS, keep=mine):
        answer = item.answer
        sent = (answer.zoom_ts if answer is not None else None) or item.intent.zoom_ts
        if sent is None:
            continue  # an earlier version's line: see the module doc
        age = (now.zoom or now.local) - sent
        limit = rules.window if item.fate is Fate.ACCEPTED else rules.resend_after
        if age >= limit:
            continue
        text = sent.isoformat(timespec="seconds").replace("+00:00", "Z") + " by Zoom's clock"
        found.setdefault(item.intent.account_id, []).append(
            OwnWrite(item.intent, item.fate is Fate.ACCEPTED, text)
        )
    return found


def laid_over(
    live: Mapping[str, Any] | None, writes: Sequence[OwnWrite]
) -> tuple[Mapping[str, Any] | None, list[OwnWrite]]:
    """The read with each write it does not show laid over it, and those writes."""
    if live is None:
        return None, []
    result: dict[str, Any] = copy.deepcopy(dict(live))
    held = []
    for write in writes:
        if write.shown_by(result):
            continue
        entry = entry_of(write.intent.body)
        target = _find(result, write.intent.op, str(entry.get("type")))
        if target is None:
            continue  # nothing to set (the plan it changes is gone): the read decides
        target.update({k: copy.deepcopy(v) for k, v in entry.items() if k != "type"})
        held.append(write)
    return result, held


def _find(live: Mapping[str, Any] | None, op: str, type_: str) -> dict[str, Any] | None:
    """The live entry a PUT sets: the base plan, or the active add-on entry of that type at
    any depth (a Phone calling plan sits inside ``plan_phone``)."""
    if not isinstance(live, Mapping):
        return None
    if spec_of(op).target is Target.BASE:
        base = live.get("plan_base")
        return base if isinstance(base, dict) and base.get("type") == type_ else None
    stack: list[Any] = [v for k, v in live.items() if k != "plan_base"]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            if node.get("type") == type_ and node.get("status", "active") == "active":
                return node
            stack.extend(node.values())
    return None


def as_unsettled(intent: Intent) -> UnsettledIntent:
    """The intent as the journal's resolution line names it."""
    return UnsettledIntent(
        intent.intent_id, intent.run_id, intent.ts.isoformat(), intent.account_id, intent.op,
        intent.method, intent.path, intent.body, None,
    )  # fmt: skip


async def settle_or_lay_over(
    journal: Journal, writes: Sequence[OwnWrite], live: Mapping[str, Any] | None, say: Progress
) -> tuple[Mapping[str, Any] | None, set[str]]:
    """Apply's first read of an account: journal the writes it shows as settled, lay the others
    over it. Returns the read as planning sees it, and the intents it settled or laid over."""
    handled = set()
    for write in writes:
        if write.shown_by(live):
            handled.add(write.intent.intent_id)
            await asyncio.to_thread(
                journal.resolution, as_unsettled(write.intent),
                result=Result.RESOLVED_PRESENT, message="a read shows it: settled",
            )  # fmt: skip
    overlaid, held = laid_over(live, [w for w in writes if not w.shown_by(live)])
    for write in held:
        say(write.describe(live))
    return overlaid, handled | {w.intent.intent_id for w in held}


class OwnWritesReader:
    """A plan reader that lays the journal's PUTs over every plans read (for planning).

    Which PUTs is decided at the first read, once Zoom's clock is known from its answer.
    """

    def __init__(
        self,
        reader: Any,
        records: Sequence[Record],
        *,
        master_account_id: str | None,
        rules: InFlightRules,
        now: Callable[[], Now],
    ) -> None:
        self._reader = reader
        self._records = records
        self._master = master_account_id
        self._rules = rules
        self._now = now
        self._writes: dict[str, list[OwnWrite]] | None = None
        #: What was laid over, one sentence per write, for the plan's reader.
        self.notes: list[str] = []

    async def get_plans(self, account_id: str) -> dict[str, Any]:
        live = await self._reader.get_plans(account_id)
        if self._writes is None:
            self._writes = own_writes(
                self._records, master_account_id=self._master, now=self._now(), rules=self._rules
            )
        overlaid, held = laid_over(live, self._writes.get(account_id, ()))
        self.notes += [write.describe(live) for write in held]
        return dict(overlaid) if overlaid is not None else live

    async def get_usage(self, account_id: str) -> dict[str, Any]:
        usage: dict[str, Any] = await self._reader.get_usage(account_id)
        return usage

    def __getattr__(self, name: str) -> Any:
        return getattr(self._reader, name)

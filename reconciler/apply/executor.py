"""Perform a plan's calls: accounts in parallel, each account's calls in order, all journaled.

The contract this module keeps, per account:
1. Blocked or errored accounts get nothing.
2. Before the first write, the live plans are read again, or the read the plan was made or
   proved from stands in for that read when it is recent and the journal shows nothing since
   (``reconciler.apply.recent_reads``). Writes earlier runs left in flight
   are looked up in the journal first (``reconciler.apply.in_flight``): one a read now shows is
   settled; one that cannot be repeated safely (subscribe, add_addon, cancel_addon), that Zoom
   accepted or that is still in doubt, and that no read shows, makes the account *awaiting
   Zoom*: nothing is sent to it (the same for an action the plan marks ``in_flight``). A write
   in doubt may be sent again only once it is older than the minimum age (``resend_after``).
   Then the read is compared with the plan's ``live_sha256`` (compare-and-swap): any difference
   makes the account *stale* and nothing is sent to it, unless the journal proves that an
   earlier run of this same plan made its first calls and the account is exactly that
   (``resume``): then only the remaining calls are sent. For a saved plan, ``confirm`` then
   re-plans the account from the desired files (for a resumed account too, so its remaining
   seat decreases are checked against seats in use read now): saved actions that differ make
   it *mismatch*, and nothing is sent.
3. Calls go one after another, in plan order; each has an fsynced intent line before it and an
   outcome line after. The first failure stops that account (later calls may depend on it).
4. A POST/PATCH that failed ambiguously (``AmbiguousWriteError``: timeout, cut connection, 5xx)
   is never resent in this run: the live plans are read back with patience (up to
   ``settle_timeout_s``); shown: done; not shown: journaled ``unknown``, the account stops as
   *awaiting Zoom*, the other accounts go on.
5. After the calls, the account is read until it has converged (bounded), then reported.
6. When the journal cannot be written, no new call is started; accounts already sending finish
   their current call and stop, and the report so far is returned (``journal_error``).
7. When a stop is asked for (``RunControl``: SIGTERM), the same: no new call starts, the calls
   in flight finish and are journaled, nobody waits for changes to show, the report is returned.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace

from reconciler.apply.awaiting import (
    awaiting_report,
    check_in_flight,
    iso,
    meanwhile,
    now_utc,
    record_shown,
    settle_earlier_puts,
)
from reconciler.apply.contact_check import contact_settled
from reconciler.apply.effects import all_calls_visible
from reconciler.apply.in_flight import (
    EarlierWrite,
    Now,
    write_key,
    writes_in_flight,
)
from reconciler.apply.journal import Journal, JournalContents, JournalError
from reconciler.apply.journal_records import Result
from reconciler.apply.own_writes import OwnWrite, own_writes, settle_or_lay_over
from reconciler.apply.read_back import AmbiguousWrite, CallFacts, CallResult, read_back
from reconciler.apply.reading import LivePlansDict, read_until
from reconciler.apply.recent_reads import RecentRead, read_before_writing
from reconciler.apply.report import AccountReport, AccountState, ApplyReport, blocked_reason
from reconciler.apply.resume import calls_made, made_prefix, resumable
from reconciler.apply.seams import (
    ApplySettings,
    Confirm,
    Converged,
    Fingerprint,
    PlanWriter,
    Progress,
)
from reconciler.apply.sending import JournaledCall, send_journaled
from reconciler.apply.stop import RunControl
from reconciler.planner.calls import call_of
from reconciler.planner.live_diff import describe_changes
from reconciler.planner.model import AccountPlan, Action
from reconciler.zoom.errors import AmbiguousWriteError, ZoomError, stops_the_run

log = logging.getLogger(__name__)


class Executor:
    """One run's calls; build one per run (it carries the journal and the earlier journal)."""

    def __init__(
        self,
        client: PlanWriter,
        journal: Journal,
        *,
        history: JournalContents,
        fingerprint: Fingerprint,
        converged: Converged = all_calls_visible,
        settings: ApplySettings | None = None,
        progress: Progress | None = None,
        confirm: Confirm | None = None,
        control: RunControl | None = None,
        reads: Mapping[str, RecentRead] | None = None,
    ) -> None:
        self.client = client
        #: The reads the plan was made (or proved) from: compare-and-swap reads when recent.
        self.reads = reads or {}
        self.confirm = confirm
        self.control = control or RunControl()
        self.journal = journal
        self.history = history
        self.fingerprint = fingerprint
        self.converged = converged
        self.settings = settings or ApplySettings()
        self.progress = progress or (lambda _line: None)
        #: A refusal that will answer every later call the same way (credentials, a missing
        #: scope, the daily limit, a master with bulk licences).
        self.stopped_by: ZoomError | None = None
        #: The journal could not be written: no new call starts (each must be journaled first).
        self.journal_error: JournalError | None = None
        self._made: dict[str, int] = {}
        #: The journal's purchases in flight, by account: read once per run, not per account.
        self._in_flight: dict[str, list[EarlierWrite]] = {}
        for write in writes_in_flight(
            history.records,
            master_account_id=journal.context.master_account_id,
            now=self._now(),
            rules=self.settings.rules,
        ):
            self._in_flight.setdefault(write.account_id, []).append(write)
        #: The journal's PUTs reads may not show yet, by account (``own_writes``); found at the
        #: first account's read, once Zoom's clock is known.
        self._own: dict[str, list[OwnWrite]] | None = None

    def _own_writes(self, account_id: str) -> list[OwnWrite]:
        if self._own is None:
            self._own = own_writes(
                self.history.records,
                master_account_id=self.journal.context.master_account_id,
                now=self._now(),
                rules=self.settings.rules,
            )
        return self._own.get(account_id, [])

    def _now(self) -> Now:
        """This moment on this machine's clock and on Zoom's (its latest ``Date``)."""
        zoom_time = getattr(self.client, "zoom_time", None)
        return Now(now_utc(), None if zoom_time is None else zoom_time.now())

    def _note_run_wide(self, error: ZoomError) -> None:
        """After such an error, accounts not yet started get nothing: each call would only
        meet the same refusal (and a daily limit is not a reason to keep knocking)."""
        if stops_the_run(error) and self.stopped_by is None:
            self.stopped_by = error
            self.progress(f"stopping: {error}; accounts not started yet get nothing")

    async def run(self, accounts: Sequence[AccountPlan]) -> ApplyReport:
        """Apply every account (at most ``parallelism`` at once); reports in plan order."""
        gate = asyncio.Semaphore(max(1, self.settings.parallelism))

        async def one(account: AccountPlan) -> AccountReport:
            async with gate:
                try:
                    return await self.apply_account(account)
                except JournalError as exc:
                    return self._journal_broke(account, exc)
                except Exception as exc:  # a bug must not take the other accounts down
                    log.debug("internal error while applying %s", account.account_id, exc_info=True)
                    reason = f"internal error {type(exc).__name__}: {exc}; see the journal"
                    made = self._made.get(account.account_id, 0)
                    return AccountReport(
                        account.account_id, "failed", reason, made, len(account.actions)
                    )

        reports = await asyncio.gather(*(one(a) for a in accounts))
        error = None if self.journal_error is None else str(self.journal_error)
        stopped = None if self.stopped_by is None else str(self.stopped_by)
        return ApplyReport(accounts=tuple(reports), journal_error=error, stopped_by=stopped)

    def _journal_broke(self, account: AccountPlan, error: JournalError) -> AccountReport:
        """The journal failed while this account was worked on: no new call starts anywhere."""
        if self.journal_error is None:
            self.journal_error = error
            self.progress(f"stopping: {error}; no new call is started without a journal")
        made = self._made.get(account.account_id, 0)
        reason = (
            f"stopped: the journal cannot be written ({error.reason}); {made} call(s) made to "
            "this account before that; a call in flight at that moment may have happened "
            "without its outcome line: the next run reads this account first"
        )
        return AccountReport(account.account_id, "failed", reason, made, len(account.actions))

    def _not_started(self) -> str | None:
        if self.journal_error is not None:
            return f"not attempted: the journal cannot be written ({self.journal_error.reason})"
        if self.stopped_by is not None:
            return f"not attempted: the run stopped after {self.stopped_by}"
        if self.control.stopping:
            return f"not attempted: the run was asked to stop ({self.control.stop_reason})"
        return None

    async def apply_account(self, account: AccountPlan) -> AccountReport:
        account_id = account.account_id
        planned = len(account.actions)
        if account.status == "blocked":
            return AccountReport(account_id, "blocked", blocked_reason(account.blocked), 0, 0)
        if account.status == "error":
            error = account.error or "the plan could not read this account"
            return AccountReport(account_id, "failed", f"{error}; nothing sent", 0, 0)
        earlier = self._in_flight.get(account_id, [])
        # Unsettled calls the in-flight rule does not cover: PUTs, and purchases older than
        # the window (older than the minimum age too): settled from the next read.
        awaited = {write.intent_id for write in earlier}
        pending = [
            item for item in self.history.unsettled_for(account_id) if item.intent_id not in awaited
        ]
        if not account.actions and not pending and not earlier:
            return AccountReport(account_id, "in_sync")
        stop = self._not_started()
        if stop is not None:
            return AccountReport(account_id, "failed", f"{stop}; nothing sent", 0, planned)
        try:
            live = await read_before_writing(
                self.client, account_id, self.reads, self.settings.reuse_read_s,
                self.history.entries,
                pending=bool(pending or earlier or self._own_writes(account_id)),
            )  # fmt: skip
        except ZoomError as exc:
            self._note_run_wide(exc)
            reason = f"could not re-read the live plans before writing: {exc}; nothing sent"
            return AccountReport(account_id, "failed", reason, 0, planned)
        seen, held = await settle_or_lay_over(
            self.journal, self._own_writes(account_id), live, self.progress
        )
        pending = [item for item in pending if item.intent_id not in held]
        settled = await settle_earlier_puts(self.journal, pending, live, self.progress)
        rules, moment = self.settings.rules, self._now()
        waiting, resend, shown = await check_in_flight(
            self.journal, earlier, live, rules, self.progress, moment
        )
        settled.update(shown)
        if not account.actions:
            return AccountReport(account_id, "in_sync")
        awaiting = awaiting_report(account, waiting, rules, self.progress, moment)
        if awaiting is not None:
            return awaiting
        live = seen  # from here on, the read with this journal's own writes laid over it
        found = self.fingerprint(live)
        start = 0
        if found != account.live_sha256:
            start = self._resume_point(account, live, settled)
        if start:
            self.progress(f"{account_id}: resuming after {start} call(s) this plan already made")
        elif found != account.live_sha256:
            # The plan's reading of the account (AccountPlan.live; absent from older plan
            # files and from test doubles) against Zoom's answer now: which fields moved.
            changed = describe_changes(getattr(account, "live", None), live)
            reason = (
                f"live plans changed since the plan was made (live_sha256 "
                f"{str(account.live_sha256)[:12]} in the plan, {found[:12]} now){changed}"
                f"{self._earlier_progress(account_id)}; nothing sent; "
                "run `zoomplans plan` again and review the new plan"
            )
            self.progress(f"{account_id}: stale, skipped")
            return AccountReport(account_id, "stale", reason, 0, planned)
        if self.confirm is not None and start < planned:
            # A resumed account is planned again too: its remaining decreases must hold
            # against the seats in use now, not those the earlier run read.
            checked = account if start == 0 else replace(account, actions=account.actions[start:])
            refused = await self._confirm(checked, live)
            if refused is not None:
                return refused
        return await self._send_calls(account, start, resend)

    async def _send_calls(
        self, account: AccountPlan, start: int, resend: Mapping[tuple[str, str], str]
    ) -> AccountReport:
        """The account's calls from ``start``, in order; then read until converged."""
        account_id = account.account_id
        planned = len(account.actions)
        made = 0
        own: list[tuple[str, Action]] = []
        for action in account.actions[start:]:
            retry_of = resend.get(write_key(action.op, action.body))
            result, intent_id = await self._perform(account_id, action, retry_of)
            if not result.ok:
                rest = planned - start - made - 1
                later = f"; {rest} later call(s) not sent" if rest else ""
                state: AccountState = "awaiting_zoom" if result.awaiting else "failed"
                return AccountReport(account_id, state, result.reason + later, made, planned)
            made += 1
            if not result.settled:
                own.append((intent_id, action))
        # Asked to stop: the calls are made and journaled; a later plan shows the changes.
        verify_s = 0.0 if self.control.stopping else self.settings.verify_timeout_s
        done, latest = await self._read_until(
            account_id,
            lambda now: self._converged(account, now),
            deadline=time.monotonic() + verify_s,
        )
        if done:
            await record_shown(self.journal, account_id, own, latest)
            done = await contact_settled(
                self.client, self.journal, account_id, own,
                deadline=time.monotonic() + verify_s, first_pause_s=self.settings.first_pause_s,
            )  # fmt: skip
        earlier = f"resumed: {start} call(s) made by an earlier run of this plan" if start else ""
        if done:
            return AccountReport(account_id, "applied", earlier, made, planned)
        reason = (
            f"Zoom accepted every call but a read within {self.settings.verify_timeout_s:g} s "
            f"does not show all changes yet; run `zoomplans plan` later to confirm{meanwhile(own)}"
        )
        return AccountReport(account_id, "applied_not_visible", reason, made, planned)

    async def _confirm(self, account: AccountPlan, live: LivePlansDict) -> AccountReport | None:
        """Re-plan the account (saved plans): a mismatch refuses it, nothing is sent."""
        assert self.confirm is not None
        planned = len(account.actions)
        stop = self._not_started()  # the re-plan may need a Heavy usage read: none now
        if stop is not None:
            return AccountReport(account.account_id, "failed", f"{stop}; nothing sent", 0, planned)
        try:
            mismatch = await self.confirm(account, live)
        except ZoomError as exc:
            self._note_run_wide(exc)
            reason = f"could not read seats in use to check the plan: {exc}; nothing sent"
            return AccountReport(account.account_id, "failed", reason, 0, planned)
        if mismatch is None:
            return None
        state, reason = mismatch
        self.progress(f"{account.account_id}: planned again, the saved actions do not hold")
        return AccountReport(account.account_id, state, reason, 0, planned)

    def _converged(self, account: AccountPlan, live: LivePlansDict) -> bool:
        """The convergence test; an answer it cannot read counts as "not yet", never a crash
        (the calls were made by then, and the report must say so)."""
        try:
            return self.converged(account, live)
        except Exception:
            log.debug("convergence check of %s failed", account.account_id, exc_info=True)
            return False

    def _resume_point(
        self, account: AccountPlan, live: LivePlansDict, settled: Mapping[str, str]
    ) -> int:
        """How many of the account's calls an earlier run of this plan provably made (0: none,
        or the live plans are not exactly the planned state plus those calls)."""
        shown = {i for i, result in settled.items() if result == Result.RESOLVED_PRESENT}
        made = calls_made(
            self.history.records, account.account_id, self.journal.context.plan_sha256, shown
        )
        count = made_prefix(account.actions, made)
        if count > 0 and resumable(account.actions[:count], live, account.live_sha256):
            return count
        return 0

    def _earlier_progress(self, account_id: str) -> str:
        """When an earlier run of this same plan already made calls here, say so."""
        made = calls_made(self.history.records, account_id, self.journal.context.plan_sha256)
        if not made:
            return ""
        return f", partly by an earlier run of this same plan ({len(made)} call(s) made)"

    async def _perform(
        self, account_id: str, action: Action, retry_of: str | None
    ) -> tuple[CallResult, str]:
        """Send one call once. An ambiguous failure is read back, never resent in this run."""
        op, body = action.op, dict(action.body)
        method, path = call_of(op, account_id)
        facts: CallFacts = {"account_id": account_id, "op": op, "method": method, "path": path}
        stop = self._not_started()
        if stop is not None:
            return CallResult(False, f"{op} {stop.replace('not attempted', 'not sent')}"), ""
        intent_id = await asyncio.to_thread(
            self.journal.intent, **facts, body=body, retry_of=retry_of
        )
        sent_at = iso(now_utc())
        self.progress(f"{account_id}: {op} {method} {path}" + (" (resend)" if retry_of else ""))
        outcome = await send_journaled(
            self.client, self.journal, self.progress, self._note_run_wide,
            JournaledCall(intent_id, facts, body),
        )  # fmt: skip
        if not isinstance(outcome, AmbiguousWriteError):
            if outcome.ok:
                self._made[account_id] = self._made.get(account_id, 0) + 1
            return outcome, intent_id
        result = await read_back(
            self.journal, self.settings, self.progress, self._read_until,
            AmbiguousWrite(intent_id, facts, body, outcome, sent_at),
        )  # fmt: skip
        if result.ok:
            self._made[account_id] = self._made.get(account_id, 0) + 1
        return result, intent_id

    async def _read_until(
        self,
        account_id: str,
        predicate: Callable[[LivePlansDict], bool],
        *,
        deadline: float | None = None,
    ) -> tuple[bool | None, LivePlansDict]:
        """:func:`read_until` with this run's pauses; the deadline defaults to settling's."""
        if deadline is None:
            deadline = time.monotonic() + self.settings.settle_timeout_s
        return await read_until(
            self.client,
            account_id,
            predicate,
            deadline=deadline,
            first_pause_s=self.settings.first_pause_s,
        )

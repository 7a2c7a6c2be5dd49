"""Perform a plan's calls: accounts in parallel, each account's calls in order, all journaled.

The contract this module keeps, per account:
1. Blocked or errored accounts get nothing.
2. Before the first write, the live plans are read again. Intents an earlier run left without a
   final outcome are settled first, from that read (the change is there or it is not). Then the
   read is compared with the plan's ``live_sha256`` (compare-and-swap): any difference makes the
   account *stale* and nothing is sent to it, unless the journal proves that an earlier run of
   this same plan made its first calls and the account is exactly that (``resume``): then only
   the remaining calls are sent. For a saved plan, ``confirm`` then re-plans the account from
   the desired files: saved actions that differ make it *mismatch*, and nothing is sent.
3. Calls go one after another, in plan order; each has an fsynced intent line before it and an
   outcome line after. The first failure stops that account (later calls may depend on it).
4. A POST/PATCH that failed ambiguously (``AmbiguousWriteError``: timeout, cut connection, 5xx)
   is never resent blindly: the live plans are read (bounded, for Zoom's eventual consistency);
   if the change is there it succeeded, otherwise it is sent again; at most ``MAX_SENDS`` sends.
5. After the calls, the account is read until it has converged (bounded), then reported.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from reconciler.apply.effects import all_calls_visible, change_visible
from reconciler.apply.preflight import PlannedAccount, PlannedAction
from reconciler.apply.reading import LivePlansDict, read_plans, read_until
from reconciler.apply.report import AccountReport, ApplyReport, blocked_reason
from reconciler.apply.resume import calls_made, made_prefix, resumable
from reconciler.apply.seams import (  # also imported from here by runner and the tests
    MAX_SENDS,
    ApplySettings,
    Confirm,
    Converged,
    Fingerprint,
    PlanWriter,
    Progress,
    WriteOutcome,
)
from reconciler.journal import Journal, JournalContents, JournalError, UnsettledIntent
from reconciler.plan import call_of
from reconciler.zoom.errors import AmbiguousWriteError, AuthError, DailyLimitReached, ZoomError

log = logging.getLogger(__name__)


class _CannotSettle(Exception):
    """An earlier run's call could not be settled: the account must get nothing this run."""

    def __init__(self, item: UnsettledIntent) -> None:
        super().__init__(
            f"run {item.run_id} left its {item.op} call without an outcome, and the live plans "
            "could not be read to settle it; nothing sent; the next run checks again"
        )


@dataclass(frozen=True)
class _CallResult:
    ok: bool
    reason: str = ""


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
    ) -> None:
        self.client = client
        self.confirm = confirm
        self.journal = journal
        self.history = history
        self.fingerprint = fingerprint
        self.converged = converged
        self.settings = settings or ApplySettings()
        self.progress = progress or (lambda _line: None)
        #: A refusal that will answer every later call the same way (credentials, daily limit).
        self.stopped_by: ZoomError | None = None

    def _note_run_wide(self, error: ZoomError) -> None:
        """After such an error, accounts not yet started get nothing: each call would only
        meet the same refusal (and a daily limit is not a reason to keep knocking)."""
        if isinstance(error, (AuthError, DailyLimitReached)) and self.stopped_by is None:
            self.stopped_by = error
            self.progress(f"stopping: {error}; accounts not started yet get nothing")

    async def run(self, accounts: Sequence[PlannedAccount]) -> ApplyReport:
        """Apply every account (at most ``parallelism`` at once); reports in plan order."""
        gate = asyncio.Semaphore(max(1, self.settings.parallelism))

        async def one(account: PlannedAccount) -> AccountReport:
            async with gate:
                try:
                    return await self.apply_account(account)
                except JournalError:
                    raise  # no journal, no calls: the whole run stops
                except Exception as exc:  # a bug must not take the other accounts down
                    log.debug("internal error while applying %s", account.account_id, exc_info=True)
                    reason = f"internal error {type(exc).__name__}: {exc}; see the journal"
                    return AccountReport(account.account_id, "failed", reason)

        reports = await asyncio.gather(*(one(a) for a in accounts))
        return ApplyReport(accounts=tuple(reports))

    async def apply_account(self, account: PlannedAccount) -> AccountReport:
        account_id = account.account_id
        planned = len(account.actions)
        if account.status == "blocked":
            return AccountReport(account_id, "blocked", blocked_reason(account.blocked), 0, 0)
        if account.status == "error":
            error = account.error or "the plan could not read this account"
            return AccountReport(account_id, "failed", f"{error}; nothing sent", 0, 0)
        pending = self.history.unsettled_for(account_id)
        if not account.actions and not pending:
            return AccountReport(account_id, "in_sync")
        if self.stopped_by is not None:
            reason = f"not attempted: the run stopped after {self.stopped_by}; nothing sent"
            return AccountReport(account_id, "failed", reason, 0, planned)
        try:
            live = await read_plans(self.client, account_id)
        except ZoomError as exc:
            self._note_run_wide(exc)
            reason = f"could not re-read the live plans before writing: {exc}; nothing sent"
            return AccountReport(account_id, "failed", reason, 0, planned)
        settled: dict[str, str] = {}
        if pending:
            try:
                live, settled = await self._settle_earlier(pending, live)
            except _CannotSettle as exc:
                return AccountReport(account_id, "failed", str(exc), 0, planned)
        if not account.actions:
            return AccountReport(account_id, "in_sync")
        found = self.fingerprint(live)
        start = 0
        if found != account.live_sha256:
            start = self._resume_point(account, live, settled)
        if start:
            self.progress(f"{account_id}: resuming after {start} call(s) this plan already made")
        elif found != account.live_sha256:
            reason = (
                f"live plans changed since the plan was made (live_sha256 "
                f"{str(account.live_sha256)[:12]} in the plan, {found[:12]} now)"
                f"{self._earlier_progress(account_id)}; nothing sent; "
                "run `zoomplans plan` again and review the new plan"
            )
            self.progress(f"{account_id}: stale, skipped")
            return AccountReport(account_id, "stale", reason, 0, planned)
        if start == 0 and self.confirm is not None:
            refused = await self._confirm(account, live)
            if refused is not None:
                return refused
        made = 0
        for action in account.actions[start:]:
            result = await self._perform(account_id, action)
            if not result.ok:
                rest = planned - start - made - 1
                stop = f"; {rest} later call(s) not sent" if rest else ""
                return AccountReport(account_id, "failed", result.reason + stop, made, planned)
            made += 1
        done, _ = await self._read_until(
            account_id,
            lambda now: self._converged(account, now),
            deadline=time.monotonic() + self.settings.verify_timeout_s,
        )
        earlier = f"resumed: {start} call(s) made by an earlier run of this plan" if start else ""
        if done:
            return AccountReport(account_id, "applied", earlier, made, planned)
        reason = (
            f"Zoom accepted every call but a read within {self.settings.verify_timeout_s:g} s "
            "does not show all changes yet; run `zoomplans plan` later to confirm"
        )
        return AccountReport(account_id, "applied_not_visible", reason, made, planned)

    async def _confirm(self, account: PlannedAccount, live: LivePlansDict) -> AccountReport | None:
        """Re-plan the account (saved plans): a mismatch refuses it, nothing is sent."""
        assert self.confirm is not None
        planned = len(account.actions)
        if self.stopped_by is not None:  # the re-plan may need a Heavy usage read: none now
            reason = f"not attempted: the run stopped after {self.stopped_by}; nothing sent"
            return AccountReport(account.account_id, "failed", reason, 0, planned)
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

    def _converged(self, account: PlannedAccount, live: LivePlansDict) -> bool:
        """The convergence test; an answer it cannot read counts as "not yet", never a crash
        (the calls were made by then, and the report must say so)."""
        try:
            return self.converged(account, live)
        except Exception:
            log.debug("convergence check of %s failed", account.account_id, exc_info=True)
            return False

    def _resume_point(
        self, account: PlannedAccount, live: LivePlansDict, settled: Mapping[str, str]
    ) -> int:
        """How many of the account's calls an earlier run of this plan provably made (0: none,
        or the live plans are not exactly the planned state plus those calls)."""
        entries = [
            *self.history.entries,
            *({"kind": "resolution", "intent_id": i, "result": r} for i, r in settled.items()),
        ]
        made = calls_made(entries, account.account_id, self.journal.context.plan_sha256)
        count = made_prefix(account.actions, made)
        if count > 0 and resumable(account.actions[:count], live, account.live_sha256):
            return count
        return 0

    def _earlier_progress(self, account_id: str) -> str:
        """When an earlier run of this same plan already made calls here, say so."""
        made = calls_made(self.history.entries, account_id, self.journal.context.plan_sha256)
        if not made:
            return ""
        return f", partly by an earlier run of this same plan ({len(made)} call(s) made)"

    async def _settle_earlier(
        self, pending: Sequence[UnsettledIntent], live: LivePlansDict
    ) -> tuple[LivePlansDict, dict[str, str]]:
        """Record, for each call an earlier run left unsettled, whether it reached Zoom.

        Raises _CannotSettle when the live plans could not be read while looking: then nothing
        is recorded and nothing may be sent to the account.
        """
        settled: dict[str, str] = {}
        for item in pending:
            seen: bool | None = change_visible(item.op, item.body, live)
            if not seen:
                seen, latest = await self._read_until(
                    item.account_id, lambda now, i=item: change_visible(i.op, i.body, now)
                )
                if seen is None:
                    # Not one read succeeded while looking: the call's fate is still unknown.
                    raise _CannotSettle(item)
                live = latest
            result = "resolved_present" if seen else "resolved_absent"
            message = (
                f"run {item.run_id} left this call without a final outcome; the live plans "
                + ("show the change: it was applied" if seen else "do not show it: not applied")
            )
            await asyncio.to_thread(self.journal.resolution, item, result=result, message=message)
            self.progress(f"{item.account_id}: earlier {item.op} settled: {result}")
            settled[item.intent_id] = result
        return live, settled

    async def _perform(self, account_id: str, action: PlannedAction) -> _CallResult:
        """Send one call; after each ambiguous failure, read before any resend.

        A POST/PATCH that failed ambiguously (timeout, cut connection, 5xx) may or may not have
        happened. Each time, the live plans are read (bounded, for eventual consistency): the
        change is there, so it succeeded; it is not, so it is sent again. At most
        ``MAX_SENDS`` sends, each followed by such a read, then the call fails.
        """
        op, body = action.op, dict(action.body)
        method, path = call_of(op, account_id)
        facts = {"account_id": account_id, "op": op, "method": method, "path": path}
        retry_of: str | None = None
        answers: list[str] = []
        for attempt in range(1, MAX_SENDS + 1):
            if self.stopped_by is not None:
                return _CallResult(False, f"{op} not sent: the run stopped after {self.stopped_by}")
            intent_id = await asyncio.to_thread(
                self.journal.intent, **facts, body=body, attempt=attempt, retry_of=retry_of
            )
            self.progress(f"{account_id}: {op} {method} {path}" + (" (resend)" if retry_of else ""))
            outcome = await self._send(intent_id, facts, body)
            if not isinstance(outcome, AmbiguousWriteError):
                return outcome
            answers.append(_answer_text(outcome))
            seen = await self._settle_own(intent_id, facts, body, answers[-1])
            if seen is None:
                return _CallResult(
                    False,
                    f"{op}: {answers[-1]} and the live plans could not be read, so it is not "
                    "resent; the next apply run checks this account first",
                )
            if seen:
                return _CallResult(True)
            retry_of = intent_id
        return _CallResult(
            False,
            f"{op}: sent {MAX_SENDS} times ({'; '.join(answers)}); a read after each showed the "
            "change not made, so it is not sent again; the journal has every attempt; re-run "
            "apply later (it reads the account before sending anything)",
        )

    async def _send(
        self, intent_id: str, facts: dict[str, str], body: dict[str, Any]
    ) -> _CallResult | AmbiguousWriteError:
        """One send and its outcome line; an ambiguous failure is returned for settling."""
        account_id, op = facts["account_id"], facts["op"]
        send: Callable[[str, Mapping[str, Any]], Awaitable[WriteOutcome]] = getattr(self.client, op)
        record = self.journal.outcome
        try:
            answer = await send(account_id, body)
        except AmbiguousWriteError as exc:
            await asyncio.to_thread(
                record, intent_id, **facts, body=body, result="ambiguous",
                http_status=exc.status, zoom_code=exc.code, message=str(exc),
            )  # fmt: skip
            return exc
        except ZoomError as exc:
            self._note_run_wide(exc)
            await asyncio.to_thread(
                record, intent_id, **facts, body=body, result="failed",
                http_status=exc.status, zoom_code=exc.code, message=str(exc),
            )  # fmt: skip
            self.progress(f"{account_id}: {op} failed: {exc}")
            return _CallResult(False, f"{op} failed: {exc}")
        except Exception as exc:  # a bug, not Zoom: the call's fate is unknown
            await asyncio.to_thread(
                record, intent_id, **facts, body=body, result="unknown",
                message=f"internal error: {type(exc).__name__}",
            )  # fmt: skip
            log.debug("internal error during %s on %s", op, account_id, exc_info=True)
            return _CallResult(False, f"{op}: internal error {type(exc).__name__}: {exc}")
        await asyncio.to_thread(
            record, intent_id, **facts, body=body, result="ok",
            http_status=answer.status, duration_ms=answer.duration_ms,
        )  # fmt: skip
        self.progress(f"{account_id}: {op} ok (HTTP {answer.status}, {answer.duration_ms:.0f} ms)")
        return _CallResult(True)

    async def _settle_own(
        self, intent_id: str, facts: dict[str, str], body: dict[str, Any], answer: str
    ) -> bool | None:
        """Read until this run's ambiguous call shows (True), or the settle time passes (False);
        None when no read succeeded. The resolution is journaled."""
        account_id, op = facts["account_id"], facts["op"]
        seen, _ = await self._read_until(account_id, lambda now: change_visible(op, body, now))
        if seen is None:
            return None
        item = UnsettledIntent(
            intent_id=intent_id,
            run_id=self.journal.context.run_id,
            ts="",
            **facts,
            body=body,
            last_result="ambiguous",
        )
        result = "resolved_present" if seen else "resolved_absent"
        text = "the change is visible: applied" if seen else "the change is not visible"
        await asyncio.to_thread(
            self.journal.resolution, item, result=result, message=f"{answer}; {text}"
        )
        self.progress(f"{account_id}: {op} {answer}; {text}")
        return seen

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


def _answer_text(error: AmbiguousWriteError) -> str:
    """What came back, in plain words: Zoom's 5xx is an answer, a cut connection is not."""
    if error.status:
        return f"Zoom answered HTTP {error.status}, which does not say whether it was applied"
    return f"the answer was lost ({error.message})"

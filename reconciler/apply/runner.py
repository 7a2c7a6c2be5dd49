"""One apply run from a Plan: refuse early, open the journal, execute, close the journal.

The CLI calls :func:`run_apply` for both modes (a fresh plan and a saved ``--plan`` file), so a
run is the same whichever way it was started. Both modes verify by planning each account again
from the desired files, and a saved plan is re-planned before its first write
(``reconciler.apply.replan``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from reconciler.apply.effects import all_calls_visible
from reconciler.apply.executor import Executor
from reconciler.apply.journal import (
    Journal,
    JournalContents,
    JournalDamaged,
    JournalError,
    RunContext,
    read_journal,
)
from reconciler.apply.journal_store import JournalTarget
from reconciler.apply.preflight import PlanExpired, accounts_changed, check_actions
from reconciler.apply.recent_reads import RecentRead
from reconciler.apply.report import AccountReport, ApplyReport
from reconciler.apply.seams import ApplySettings, Confirm, Converged, PlanWriter, Progress
from reconciler.apply.stop import RunControl
from reconciler.groups.normalise import canonical_sha256
from reconciler.planner.fingerprints import live_fingerprint
from reconciler.planner.model import AccountPlan, Plan


def plan_sha256(plan: Plan) -> str:
    """The hash journaled for a fresh plan: sha256 of its canonical JSON."""
    return canonical_sha256(plan.to_json())


def check_saved_plan(plan: Plan, *, now: datetime | None = None) -> None:
    """What refuses a saved plan before any call: expiry and a shape no `plan` writes.

    The guard rails (accounts changed, seats removed, money) are checked by
    ``reconciler.guards.thresholds`` with the flags given to apply in place of the recorded values.
    """
    moment = now or datetime.now(UTC)
    if plan.is_expired(moment):
        raise PlanExpired(plan.expires_at, moment)
    check_actions(plan.accounts)


async def run_apply(
    plan: Plan,
    client: PlanWriter,
    *,
    journal_path: JournalTarget,
    plan_hash: str,
    mode: str,
    settings: ApplySettings | None = None,
    converged: Converged | None = None,
    progress: Progress | None = None,
    only_accounts: Sequence[str] = (),
    confirm: Confirm | None = None,
    master_account_id: str | None = None,
    control: RunControl | None = None,
    reads: Mapping[str, RecentRead] | None = None,
    journal_lock: bool = True,
) -> ApplyReport:
    """Apply ``plan`` (already checked) and journal the run; returns the per-account report.

    ``only_accounts`` limits the run to those ids; the plan's other accounts are reported as
    *skipped*. Reading the earlier journal first lets this run settle calls a crashed run
    left without an outcome, before anything is sent to those accounts. ``reads`` are the
    reads the plan was made or proved from (``reconciler.apply.recent_reads``).
    """
    chosen = [a for a in plan.accounts if not only_accounts or a.account_id in only_accounts]
    # By id: `a not in chosen` compared whole AccountPlans, N x N of them (0.2 s for 1,000).
    chosen_ids = {a.account_id for a in chosen}
    context = RunContext.for_this_process(
        plan_sha256=plan_hash, git_commit=plan.git_commit, master_account_id=master_account_id
    )
    zoom_time = getattr(client, "zoom_time", None)
    zoom_now = None if zoom_time is None else zoom_time.now
    if zoom_now is not None and zoom_now() is None:
        await client.zoom_now()  # type: ignore[attr-defined]  # ZoomClient: Zoom's clock first
    journal = Journal(
        journal_path,
        context,
        zoom_now=zoom_now,
        require_lock=journal_lock,
        lock_timeout_s=(settings or ApplySettings()).lock_timeout_s,
    )
    with journal:
        # Locked first, then read: no other run can add an intent between the two.
        history = read_journal(
            journal.store,
            since=_history_since(plan, settings),
            now=(zoom_now and zoom_now()) or datetime.now(UTC),
        )
        if history.problems:  # nothing is sent on a journal that cannot be trusted
            raise JournalDamaged(journal.store.describe(), history.problems)
        if progress is not None:
            progress(f"Journal: {journal_path} (run {context.run_id})")
        _point_out(history, chosen, journal_path, progress or (lambda _line: None))
        journal.write(
            "run_start",
            mode=mode,
            plan_created_at=_iso(plan.created_at),
            plan_expires_at=_iso(plan.expires_at),
            git_dirty=plan.git_dirty,  # made from uncommitted changes (None: not in git)
            options=plan.options.to_json(),
            accounts=len(chosen),
            accounts_changed=accounts_changed(chosen),
            # GET /plans/usage reads this process makes (Heavy calls, counted against the
            # daily budget by later runs): to plan, or to re-plan a saved plan's decreases.
            usage_reads=sum(1 for a in chosen if _reads_usage(a, saved=confirm is not None)),
            unsettled_from_earlier_runs=len(history.unsettled),
        )
        executor = Executor(
            client,
            journal,
            history=history,
            fingerprint=live_fingerprint,
            converged=converged or all_calls_visible,
            settings=settings,
            progress=progress,
            confirm=confirm,
            control=control,
            reads=reads,
        )
        done = await executor.run(chosen)
        skipped = [
            AccountReport(a.account_id, "skipped", "not selected by --account")
            for a in plan.accounts
            if a.account_id not in chosen_ids
        ]
        report = ApplyReport(
            accounts=tuple(done.accounts) + tuple(skipped),
            journal_error=done.journal_error,
            stopped_by=done.stopped_by,
            stop_requested=None if control is None else control.stop_reason,
        )
        if report.journal_error is not None:
            return report  # the journal failed already: the report is all there is
        try:
            journal.write(
                "run_end",
                summary=report.to_json()["summary"],
                calls_made=report.calls_made,
                exit_code=report.exit_code,
                accounts=[item.to_json() for item in report.accounts],
                stopped_by=report.stopped_by,
            )
        except JournalError as exc:  # every call is journaled; only the run's summary is lost
            return replace(report, journal_error=str(exc))
    return report


def _history_since(plan: Plan, settings: ApplySettings | None) -> datetime:
    """How far back this run reads the journal (besides every unsettled intent): the window
    of earlier purchases, a day (the Heavy budget), and a saved plan's whole life (resume)."""
    window = (settings or ApplySettings()).rules.window
    created = plan.created_at if isinstance(plan.created_at, datetime) else datetime.now(UTC)
    return min(datetime.now(UTC) - max(window, timedelta(days=1)), created)


def _reads_usage(account: AccountPlan, *, saved: bool) -> bool:
    """Whether this run reads GET /plans/usage for the account: a fresh plan read it to plan;
    a saved plan's re-plan reads it again where a decrease is about to be sent."""
    if not getattr(account, "usage_read", False):
        return False
    return not saved or (account.status == "changes" and bool(account.actions))


def _iso(moment: datetime | str) -> str:
    """The journal's one spelling of a moment: ISO 8601 in UTC with a Z."""
    if isinstance(moment, datetime):
        return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")
    return str(moment)


def _point_out(
    history: JournalContents,
    chosen: Sequence[AccountPlan],
    journal_path: JournalTarget,
    say: Progress,
) -> None:
    """Point out unsettled calls this run will not look at."""
    in_run = {a.account_id for a in chosen}
    elsewhere = sorted({i.account_id for i in history.unsettled} - in_run)
    if elsewhere:
        say(
            "the journal has calls of an earlier run without a final outcome for accounts not "
            f"in this run (they are checked when apply next touches them): {', '.join(elsewhere)}"
        )

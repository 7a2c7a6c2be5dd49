"""`apply` as a library call: an :class:`ApplyRequest` in, an :class:`ApplyReport` out.

Every decision of a run is made here, in this order, and any refusal before the first call
comes back as a report that says so (``ApplyReport.refused``: "nothing was sent" is the
report's words, never the caller's):

1. options that contradict each other (``--plan`` with ``--select``: usage, 64);
2. a question nobody can answer (no terminal, no ``--auto-approve``, no ``--plan``);
3. the saved plan file on its own (``reconciler.service.saved_plan``);
4. the desired files; then, with one Zoom client, the plan made now or the saved plan proved
   against it; the guard rails; the daily Heavy budget; the question;
5. the calls (``reconciler.apply.runner``), stopping cleanly when ``RunControl`` asks.

The caller shows the plan, asks the question and prints progress through :class:`ApplyHooks`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Protocol

from reconciler.apply.budget import HeavyBudgetExceeded, check_daily_budget, daily_budget
from reconciler.apply.clean_tree import DirtyTreeRefused, check_clean_tree
from reconciler.apply.journal import JournalDamaged, JournalError
from reconciler.apply.reading import LivePlansDict
from reconciler.apply.recent_reads import RecentRead, RecordingReader
from reconciler.apply.replan import (
    DesiredFilesChanged,
    check_desired_files,
    replan_confirm,
    replan_converged,
)
from reconciler.apply.report import EXIT_TERMINATED, AccountState, ApplyReport
from reconciler.apply.runner import plan_sha256 as canonical_plan_hash
from reconciler.apply.runner import run_apply
from reconciler.apply.saved import unsettled_in
from reconciler.apply.seams import Confirm, Converged
from reconciler.apply.stop import RunControl
from reconciler.desired.model import DesiredAccount
from reconciler.planner.header import GitState
from reconciler.planner.model import AccountPlan, Plan, PlanOptions
from reconciler.planner.renewal_record import Renewal
from reconciler.planner.renewals import read_renewals
from reconciler.service.offline_proof import prove_offline
from reconciler.service.planning import (
    fresh_options,
    load_accounts,
    marked_in_flight,
    own_writes_reader,
    plan_now,
    refuse_if_unsafe,
    say_own_writes,
    select_accounts,
)
from reconciler.service.refusal import EXIT_USAGE, Refused
from reconciler.service.requests import ApplyRequest
from reconciler.service.saved_plan import (
    SavedPlan,
    differences,
    own_options,
    proven_accounts,
    read_saved_plan,
    refuse_edited_hash,
)
from reconciler.zoom.client import ZoomClient
from reconciler.zoom.errors import ZoomError
from reconciler.zoom.live import LiveReadStopped


class ApplyHooks(Protocol):
    """What a run asks of its caller. ``say`` prints progress and warnings (stderr in the
    CLI); ``show_plan`` shows the plan before anything is asked or sent; ``confirm`` asks the
    question and returns True only for an approval. None of them may send anything."""

    def say(self, line: str) -> None: ...
    def show_plan(self, plan: Plan) -> None: ...
    async def confirm(self) -> bool: ...


@dataclass(frozen=True)
class _Run:
    """What both modes hand to the executor: the plan, its hash, how to confirm and verify."""

    plan: Plan
    journal_hash: str
    mode: str
    converged: Converged
    only_accounts: tuple[str, ...] = ()
    confirm: Confirm | None = None
    shown_sha256: str = ""
    #: The reads the plan was made or proved from (the compare-and-swap reads when recent).
    reads: Mapping[str, RecentRead] = field(default_factory=dict)


async def apply_changes(
    request: ApplyRequest, hooks: ApplyHooks, control: RunControl | None = None
) -> ApplyReport:
    """Apply what ``request`` asks; every refusal before the first call is a report too."""
    control = control or RunControl()
    try:
        return await _apply(request, hooks, control)
    except Refused as exc:
        return ApplyReport.refused(str(exc), exc.exit_code, exc.details)


def refuse_dirty_tree(git: GitState, request: ApplyRequest) -> None:
    """Apply under CI=true runs only committed files (apply/clean_tree.py)."""
    try:
        check_clean_tree(git, allow_dirty=request.allow_dirty, ci=request.in_ci)
    except DirtyTreeRefused as exc:
        raise Refused(str(exc)) from None


def check_request(request: ApplyRequest) -> None:
    """Refuse what cannot be asked together, and a question nobody can answer."""
    if request.saved is not None and request.selection.selectors:
        raise Refused(
            "with --plan, the plan file's recorded selection decides what is applied: give no "
            "--select (use --account to apply some of its accounts)",
            exit_code=EXIT_USAGE,
        )
    if request.saved is None and not request.auto_approve and not request.interactive:
        raise Refused(
            "apply asks for confirmation, but stdin is not a terminal. Review with "
            "`zoomplans plan` and re-run with --auto-approve, or apply a reviewed plan file "
            "with --plan"
        )


async def _apply(request: ApplyRequest, hooks: ApplyHooks, control: RunControl) -> ApplyReport:
    check_request(request)
    guards, selection = request.guards, request.selection
    saved = None
    if request.saved is not None:
        saved = read_saved_plan(request.saved, guards.opt_ins, selection.account_ids)
    hint = "; --plan checks the plan against the files it was made from" if saved else ""
    desired, git = load_accounts(selection, guards, hooks.say, hint=hint)
    refuse_dirty_tree(git, request)
    try:
        async with ZoomClient(request.zoom) as client:  # one client, one token
            if saved is not None:
                run = await _saved_run(saved, request, desired, client, hooks)
            else:
                run = await _fresh_run(request, desired, client, hooks, git)
            hooks.say(f"plan_sha256 {run.shown_sha256}")
            _check_budget(run, request)
            if saved is None and not run.plan.pending and _nothing_to_settle(run.plan, request):
                return ApplyReport(accounts=(), nothing_to_do=True, plan_sha256=run.shown_sha256)
            if _must_ask(run.plan, request, hooks):
                if not await hooks.confirm():
                    raise Refused("apply cancelled")
                run = replace(run, reads={})  # a person took time: every account is read again
            if not request.journal_lock:
                run = replace(run, reads={})  # another run may write meanwhile: read again
            if control.stop_reason is not None:
                raise Refused(
                    f"stopped by {control.stop_reason} before any call was sent",
                    exit_code=EXIT_TERMINATED,
                )
            control.sending = True
            report = await run_apply(
                run.plan,
                client,
                journal_path=request.journal_path,
                plan_hash=run.journal_hash,
                mode=run.mode,
                settings=request.settings,
                converged=run.converged,
                progress=hooks.say,
                only_accounts=run.only_accounts,
                confirm=run.confirm,
                master_account_id=request.zoom.account_id,
                control=control,
                reads=run.reads,
                journal_lock=request.journal_lock,
            )
    except JournalDamaged as exc:
        raise Refused(str(exc)) from None
    except JournalError as exc:
        raise Refused(f"{exc}; no call is sent without a journal") from None
    except (LiveReadStopped, ZoomError) as exc:
        raise Refused(str(exc)) from None
    return replace(report, plan_sha256=run.shown_sha256)


async def _fresh_run(
    request: ApplyRequest,
    desired: list[DesiredAccount],
    client: ZoomClient,
    hooks: ApplyHooks,
    git: GitState,
) -> _Run:
    """Plan now, exactly as `zoomplans plan` would, show it, and apply the guard rails."""
    selection, guards = request.selection, request.guards
    selected = select_accounts(desired, selection.account_ids, selection.selectors)
    options = fresh_options(selection, guards)
    journal = request.journal_path, request.zoom.account_id, request.settings.rules
    # Read your own writes: the journal's seat changes Zoom's reads do not show yet. The raw
    # reads under that are recorded: the compare-and-swap reads when recent (recent_reads).
    recording = RecordingReader(client)
    reader = await own_writes_reader(recording, *journal)
    header = (git, request.shown_settings)
    plan = await plan_now(selected, reader, options, (selection, guards), header=header)
    say_own_writes(reader, hooks.say)
    plan = marked_in_flight(plan, *journal, hooks.say, client)
    hooks.show_plan(plan)
    refuse_if_unsafe(plan, hooks.say)
    converged = replan_converged(selected, options, plan.renewals_by_account())
    return _Run(
        plan,
        canonical_plan_hash(plan),
        "fresh_plan",
        converged,
        shown_sha256=plan.plan_sha256,
        reads=recording.reads,
    )


async def _saved_run(
    saved: SavedPlan,
    request: ApplyRequest,
    desired: list[DesiredAccount],
    client: ZoomClient,
    hooks: ApplyHooks,
) -> _Run:
    """Prove the saved plan with apply's own flags, limits and prices; show it; guard it."""
    plan, path = saved.plan, saved.path
    own = own_options(saved, request.guards)
    selected = select_accounts(desired, plan.options.accounts, plan.options.select)
    try:
        check_desired_files(plan, selected, request.selection.paths)
    except DesiredFilesChanged as exc:
        raise Refused(f"{path}: {exc}") from None
    proven, reads, renewals = await _prove(saved, request, selected, own, client)
    refuse_edited_hash(saved)
    hooks.show_plan(plan)
    checked = replace(plan, options=own)
    refuse_if_unsafe(checked, hooks.say, f"{path}: ")
    return _Run(
        checked,
        saved.file_sha256,
        "saved_plan",
        replan_converged(selected, own, renewals),
        request.selection.account_ids,
        _confirm_unproven(replan_confirm(selected, own, client, renewals), proven),
        plan.plan_sha256,
        reads,
    )


async def _prove(
    saved: SavedPlan,
    request: ApplyRequest,
    selected: list[DesiredAccount],
    own: PlanOptions,
    client: ZoomClient,
) -> tuple[dict[str, int], dict[str, RecentRead], dict[str, Renewal]]:
    """Plan the file's accounts again with apply's own options: from the file's own snapshots
    first (offline_proof: no read before the first call for those accounts; their
    compare-and-swap read completes the proof), the rest from a fresh read, which is also
    their compare-and-swap read. Any difference refuses the whole plan (nothing sent).

    Returns the accounts proved (id -> number of calls), the reads made, and each account's
    renewal as this run read it (never the file's). The renewals list is read before the
    offline proof only when ``--at-renewal`` dates the calls by it (otherwise it only adds
    the reviewer's notices, which the proof does not compare), so an edit found offline is
    refused with nothing read."""
    plan, path = saved.plan, saved.path
    notice_days = request.guards.renewal_notice_days
    renewals = await read_renewals(client, notice_days) if own.at_renewal else None
    offline = prove_offline(plan.accounts, selected, own, renewals=renewals)
    found = list(offline.differences) + _listed_differently(plan, selected)
    proven = dict(offline.proven)
    reader = RecordingReader(client)
    if offline.to_read and not found:
        context = (request.selection, request.guards)
        again = await plan_now(list(offline.to_read), reader, own, context)
        read_ids = {account.account_id for account in offline.to_read}
        subset = replace(plan, accounts=tuple(a for a in plan.accounts if a.account_id in read_ids))
        found += differences(subset, again)
        proven |= proven_accounts(subset, again)
    if found:
        more = f" (and {len(found) - 5} more)" if len(found) > 5 else ""
        raise Refused(
            f"{path}: the saved plan is not what the desired files and Zoom imply with "
            f"apply's own flags and limits: {'; '.join(found[:5])}{more}; the file was edited "
            "or made with other flags; plan again and review the new plan"
        )
    if renewals is None:
        renewals = await read_renewals(client, notice_days)
    return proven, reader.reads, dict(renewals.by_account)


def _listed_differently(plan: Plan, selected: list[DesiredAccount]) -> list[str]:
    """The file must list exactly the accounts its recorded selection picks from the files."""
    saved_ids = [account.account_id for account in plan.accounts]
    again_ids = sorted(account.account_id for account in selected)
    if saved_ids != again_ids:
        return [f"the file lists accounts {saved_ids}, the files select {again_ids}"]
    return []


def _confirm_unproven(confirm: Confirm, proven: dict[str, int]) -> Confirm:
    """The executor's re-plan at each account's compare-and-swap, skipped for an account the
    whole-plan proof above already planned again from the same live plans (the executor only
    gets here with a read that hashes to the file's live_sha256: the plans the file recorded,
    from which the offline proof planned, or the fresh proof's very read, for which its seats
    in use were read, and a second read would be a second Heavy call). A resumed account
    (fewer calls left) is planned again there as before."""

    async def checked(account: AccountPlan, live: LivePlansDict) -> tuple[AccountState, str] | None:
        if proven.get(account.account_id) == len(account.actions):
            return None
        return await confirm(account, live)

    return checked


def _check_budget(run: _Run, request: ApplyRequest) -> None:
    """Refuse a plan needing more Heavy calls than the day has left."""
    guards = request.guards
    configured = guards.project.daily_heavy_budget if guards.project is not None else None
    budget = daily_budget(guards.daily_heavy_budget, configured, request.zoom.rate_tier)
    try:
        check_daily_budget(
            run.plan,
            journal_path=request.journal_path,
            budget=budget,
            only_accounts=run.only_accounts,
        )
    except HeavyBudgetExceeded as exc:
        raise Refused(str(exc)) from None


def _nothing_to_settle(plan: Plan, request: ApplyRequest) -> bool:
    """A fresh plan with nothing to send: True when no earlier run left a call to settle (and
    nothing is in flight, blocked or unread, which the run reports)."""
    if plan.in_flight_actions() or plan.failed:
        return False
    return not unsettled_in(plan, request.journal_path)


def _must_ask(plan: Plan, request: ApplyRequest, hooks: ApplyHooks) -> bool:
    """Only a fresh plan with calls to send is asked about (a saved plan was reviewed)."""
    if request.saved is not None:
        return False
    if plan.pending:
        return not request.auto_approve
    if plan.failed and not plan.in_flight_actions():
        hooks.say("zoomplans: nothing to send; some accounts are blocked or could not be read")
    return False

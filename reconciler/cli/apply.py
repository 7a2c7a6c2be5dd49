"""`zoomplans apply`: plan (or read a saved plan), confirm, make exactly those calls, report.

Thin on purpose: parse, call ``reconciler.planner.workflow.make_plan`` or read the plan file, call
``reconciler.apply.runner.run_apply``, print, exit code. One Zoom client serves the whole run
(one OAuth token). Exit codes (SPEC section 4): 0 every account applied or already in sync;
1 anything refused, stale, mismatched, blocked or failed; 64 usage; 130 interrupted. The
preview and the results go to stdout; progress and the confirmation prompt to stderr.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import threading
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from reconciler.apply.journal import JournalError
from reconciler.cli.apply_modes import ApplyRequest, fresh_plan_run, saved_plan_run
from reconciler.cli.exit_codes import EXIT_ERROR, EXIT_OK, EXIT_USAGE
from reconciler.cli.guard_options import (
    check_budget,
    guard_rail_options,
    project_and_prices,
    threshold_flags,
    warn_unused_limits,
)
from reconciler.cli.journal_options import (
    JournalRuleError,
    in_flight_rules,
    journal_options,
    marked_in_flight,
)
from reconciler.cli.options import (
    extends_root_option,
    selection_options,
    verbose_option,
    zoom_config_from,
    zoom_options,
)
from reconciler.escaping.terminal import inert
from reconciler.guards.project import extends_roots

if TYPE_CHECKING:  # imported lazily at run time, so `zoomplans --help` stays quick
    from reconciler.apply.report import ApplyReport
    from reconciler.desired.model import DesiredAccount
    from reconciler.planner.model import Plan

DEFAULT_PATHS = ("accounts/",)
EXIT_INTERRUPTED = 130


def _fail(message: str, code: int = EXIT_ERROR) -> NoReturn:
    click.echo(f"zoomplans: error: {inert(message)}", err=True)
    raise click.exceptions.Exit(code)


def _say(line: str) -> None:
    click.echo(inert(line), err=True)


async def _confirmed() -> bool:
    """Terraform's question: only the exact word ``yes`` approves. The answer is read on a
    daemon thread, so Ctrl-C at the prompt ends the run at once (no thread to wait for)."""
    for line in ("", "Do you want to perform these actions?", "  zoomplans will send exactly "
                 "the calls shown above; each may change what you pay.",
                 "  Only 'yes' will be accepted to approve.", ""):  # fmt: skip
        _say(line)
    click.echo("  Enter a value: ", err=True, nl=False)
    loop = asyncio.get_running_loop()
    answer: asyncio.Future[str] = loop.create_future()

    def read() -> None:
        line = sys.stdin.readline()
        with contextlib.suppress(RuntimeError):  # the run ended (Ctrl-C) while we waited
            loop.call_soon_threadsafe(lambda: answer.done() or answer.set_result(line))

    threading.Thread(target=read, name="confirm", daemon=True).start()
    text = await answer
    _say("")
    return text.strip() == "yes"


def _load_desired(paths: tuple[str, ...], saved: bool, roots: list[str]) -> list[DesiredAccount]:
    """Every account the files declare; any problem stops the command before Zoom is called."""
    from reconciler.desired import load_desired

    state = load_desired(list(paths), extends_roots=roots)
    for problem in state.problems:
        _say(str(problem))
    if not state.ok:
        hint = "; --plan checks the plan against the files it was made from" if saved else ""
        _fail(f"{len(state.errors)} problem(s) in the desired files at {' '.join(paths)}{hint}; "
              "nothing was sent to Zoom")  # fmt: skip
    return list(state.accounts)


def _must_ask(plan: Plan, journal_path: Path, auto_approve: bool) -> bool:
    """A fresh plan: exit 0 when there is nothing to do; else whether to ask before sending."""
    from reconciler.apply.saved import unsettled_in

    if plan.pending:
        return not auto_approve
    if plan.in_flight_actions():
        return False  # nothing new to send: the run reports each account awaiting Zoom
    if plan.failed:
        _say("zoomplans: nothing to send; some accounts are blocked or could not be read")
        return False
    try:
        unsettled = unsettled_in(plan, journal_path)
    except JournalError as exc:
        _fail(str(exc))
    if not unsettled:
        click.echo("No changes. Zoom already matches the YAML; nothing was sent.")
        raise click.exceptions.Exit(EXIT_OK)
    return False


def _interrupted(journal_path: Path, sending: bool) -> NoReturn:
    """Ctrl-C: before sending began (planning, the question), say nothing was sent; after,
    say which calls were in flight and how the next run settles them. Exit 130."""
    from reconciler.apply.saved import interruption_report

    if not sending:
        _say("")
        _say("zoomplans: interrupted before any call was sent; nothing was sent.")
        raise click.exceptions.Exit(EXIT_INTERRUPTED)
    for line in interruption_report(journal_path):
        _say(line)
    raise click.exceptions.Exit(EXIT_INTERRUPTED)


@click.command("apply")
@verbose_option
@selection_options
@click.option(
    "--plan",
    "plan_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Apply exactly this saved plan (from `zoomplans plan --out`), after proving it is what "
    "the files at PATH and Zoom imply. Refuses --select and --prices (the plan records its "
    "selection and costs); a project file gives only its daily_heavy_budget.",
)
@click.option("--auto-approve", is_flag=True, help="Do not ask for confirmation (for CI).")
@click.option(
    "--parallelism",
    type=click.IntRange(min=1, max=64),
    metavar="N",
    default=16,
    show_default=True,
    help="Accounts worked on at once (each account's calls stay in order).",
)
@click.option(
    "--verify-timeout",
    type=click.FloatRange(min=0),
    metavar="SECONDS",
    default=5.0,
    show_default=True,
    help="Seconds to keep reading an account after its calls until the changes show.",
)
@click.option(
    "--settle-timeout",
    type=click.FloatRange(min=0),
    metavar="SECONDS",
    default=60.0,
    show_default=True,
    help="Seconds to keep reading back, after a POST/PATCH whose answer was lost (or a 5xx), "
    "before leaving it in doubt: it is never sent again in the same run.",
)
@click.option(
    "--daily-heavy-budget",
    "budget",
    type=click.IntRange(min=0),
    metavar="N",
    help="Heavy calls per 24 hours this master account may use (default Zoom's cap: 60,000, "
    "or 30,000 with --rate-tier pro); apply refuses a plan that needs more than is left.",
)
@extends_root_option
@journal_options
@guard_rail_options
@zoom_options
def apply_command(
    paths: tuple[str, ...],
    account_ids: tuple[str, ...],
    selectors: tuple[str, ...],
    allow_decrease: bool,
    allow_cancel: bool,
    allow_cancel_base: bool,
    max_accounts_changed: int | None,
    plan_file: Path | None,
    auto_approve: bool,
    journal_path: Path,
    journal_window: str | None,
    resend_after: str | None,
    parallelism: int,
    verify_timeout: float,
    settle_timeout: float,
    budget: int | None,
    prices_file: Path | None,
    config_file: Path | None,
    max_monthly_increase: Decimal | None,
    max_seats_removed: int | None,
    extends_root: str | None,
    **kwargs: Any,
) -> None:
    """Make the calls that bring Zoom to the YAML (PATH default accounts/), or those of --plan."""
    from reconciler.apply import ApplySettings
    from reconciler.apply.runner import run_apply
    from reconciler.apply.saved import SavedPlanRefused, load_saved_plan
    from reconciler.zoom import ZoomClient, ZoomError
    from reconciler.zoom.live import LiveReadStopped

    config = zoom_config_from(kwargs)
    ask = ApplyRequest(
        paths or DEFAULT_PATHS,
        account_ids,
        selectors,
        allow_decrease,
        allow_cancel,
        threshold_flags(max_accounts_changed, max_seats_removed, max_monthly_increase),
        allow_cancel_base=allow_cancel_base,
    )
    if plan_file is not None and selectors:
        _fail(
            "with --plan, the plan file's recorded selection decides what is applied: give no "
            "--select (use --account to apply some of its accounts)",
            EXIT_USAGE,
        )
    if plan_file is not None and prices_file is not None:
        _fail(
            "with --plan, the costs are the ones recorded in the plan file: give no --prices",
            EXIT_USAGE,
        )
    if plan_file is None and not auto_approve and not sys.stdin.isatty():
        _fail(
            "apply asks for confirmation, but stdin is not a terminal; nothing was sent. "
            "Review with `zoomplans plan` and re-run with --auto-approve, or apply a "
            "reviewed plan file with --plan"
        )
    project, prices = project_and_prices(config_file, None if plan_file else prices_file)
    saved = None
    if plan_file is not None:
        warn_unused_limits(project)
        try:
            saved = load_saved_plan(
                plan_file, limits=ask.limits, account_ids=account_ids,
                allow_decrease=allow_decrease, allow_cancel=allow_cancel,
                allow_cancel_base=allow_cancel_base,
            )  # fmt: skip
        except SavedPlanRefused as exc:
            _fail(str(exc))
    try:
        rules = in_flight_rules(journal_window, resend_after, project)
    except JournalRuleError as exc:
        _fail(str(exc), EXIT_USAGE)
    desired = _load_desired(ask.paths, saved is not None, extends_roots(extends_root, project))
    settings = ApplySettings(
        parallelism=parallelism,
        verify_timeout_s=verify_timeout,
        settle_timeout_s=settle_timeout,
        rules=rules,
    )

    sending = threading.Event()  # set once the calls may start: Ctrl-C after it may cut one

    async def whole_run() -> ApplyReport:
        async with ZoomClient(config) as client:  # one client, one token, for plan and apply
            if plan_file is not None and saved is not None:
                run = saved_plan_run(plan_file, saved, ask, desired, client)
            else:
                run = await fresh_plan_run(ask, desired, client, (project, prices))
                shown = marked_in_flight(run.plan, journal_path, config.account_id, rules, _say)
                run = replace(run, plan=shown)
            check_budget(
                run.plan, run.only_accounts, journal_path, budget, project, config.rate_tier
            )
            ask_first = plan_file is None and _must_ask(run.plan, journal_path, auto_approve)
            if ask_first and not await _confirmed():
                _fail("apply cancelled; nothing was sent")
            sending.set()
            return await run_apply(
                run.plan,
                client,
                journal_path=journal_path,
                plan_hash=run.plan_hash,
                mode=run.mode,
                settings=settings,
                converged=run.converged,
                progress=_say,
                only_accounts=run.only_accounts,
                confirm=run.confirm,
                master_account_id=config.account_id,
            )

    try:
        report = asyncio.run(whole_run())
    except KeyboardInterrupt:
        _interrupted(journal_path, sending.is_set())
    except JournalError as exc:
        _fail(f"{exc}; no call is sent without a journal")
    except (LiveReadStopped, ZoomError) as exc:
        _fail(f"{exc}; nothing was sent")
    click.echo("")
    for line in report.lines():
        click.echo(line)
    if report.stopped_by is not None:
        _say(
            f"zoomplans: error: the run stopped: {report.stopped_by}; {report.calls_made} "
            "call(s) were made before it (listed above), and none was started after it"
        )
    if report.journal_error is not None:
        _say(
            f"zoomplans: error: {report.journal_error}; no call was started after that, and "
            f"{report.calls_made} call(s) were made before it (listed above); the next run "
            "reads every account with a call in flight before sending anything"
        )
    raise click.exceptions.Exit(report.exit_code)

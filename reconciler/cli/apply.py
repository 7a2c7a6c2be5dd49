"""`zoomplans apply`: plan (or read a saved plan), confirm, make exactly those calls, report.

Thin on purpose: parse, call ``reconciler.planning.make_plan`` or read the plan file, call
``reconciler.apply.runner.run_apply``, print, exit code. Exit codes (SPEC section 4): 0 every
account applied or already in sync; 1 anything refused, stale, blocked or failed; 64 usage.
The preview and the results go to stdout; progress and the confirmation prompt to stderr.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import sys
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from reconciler.cli.exit_codes import EXIT_ERROR, EXIT_OK, EXIT_USAGE
from reconciler.cli.guard_options import (
    check_budget,
    guard_rail_options,
    project_and_prices,
    refuse_if_unsafe,
)
from reconciler.cli.options import verbose_option, zoom_config_from, zoom_options
from reconciler.journal import DEFAULT_JOURNAL_PATH, JournalError

if TYPE_CHECKING:  # imported lazily at run time, so `zoomplans --help` stays quick
    from reconciler.apply.executor import Converged
    from reconciler.apply.report import ApplyReport
    from reconciler.desired.model import DesiredAccount
    from reconciler.plan import Plan, PlanOptions
    from reconciler.prices import PriceList
    from reconciler.zoom.config import ZoomConfig

DEFAULT_PATHS = ("accounts/",)


def _fail(message: str, code: int = EXIT_ERROR) -> NoReturn:
    click.echo(f"zoomplans: error: {message}", err=True)
    raise click.exceptions.Exit(code)


def _say(line: str) -> None:
    click.echo(line, err=True)


def _selector(
    _ctx: click.Context, _param: click.Parameter, value: tuple[str, ...]
) -> tuple[str, ...]:
    for item in value:
        key, sep, _ = item.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"{item!r} is not KEY=VALUE (e.g. --select tier=gold)")
    return value


def _confirm() -> bool:
    """Terraform's question: only the exact word ``yes`` approves."""
    _say("")
    _say("Do you want to perform these actions?")
    _say("  zoomplans will send exactly the calls shown above; each may change what you pay.")
    _say("  Only 'yes' will be accepted to approve.")
    _say("")
    click.echo("  Enter a value: ", err=True, nl=False)
    answer = sys.stdin.readline()
    _say("")
    return answer.strip() == "yes"


def _render_preview(plan: Plan) -> None:
    from reconciler.render.text import render_text

    colour = sys.stdout.isatty() and "NO_COLOR" not in os.environ
    click.echo(render_text(plan, colour=colour), nl=False)


def _unsettled_in(plan: Plan, journal_path: Path) -> bool:
    """Whether an earlier run left calls to these accounts unsettled (then the run settles them,
    and records how, even though nothing is left to send)."""
    from reconciler.journal import read_journal

    try:
        history = read_journal(journal_path)
    except JournalError as exc:
        _fail(str(exc))
    return any(history.unsettled_for(account.account_id) for account in plan.accounts)


def _read_saved_plan(path: Path) -> tuple[Plan, str]:
    """The plan in the file and the sha256 of its bytes (journaled as the plan hash)."""
    from reconciler.plan import Plan, PlanFormatError

    try:
        raw = path.read_bytes()
    except OSError as exc:
        _fail(f"cannot read the plan file {path}: {exc.strerror or exc}")
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        _fail(f"{path} is not a JSON plan file ({exc}); make one with `zoomplans plan --out`")
    try:
        plan = Plan.from_json(data)
    except PlanFormatError as exc:
        _fail(f"{path}: {exc}")
    return plan, hashlib.sha256(raw).hexdigest()


def _plan_now(
    paths: tuple[str, ...],
    account_ids: tuple[str, ...],
    selectors: tuple[str, ...],
    options: PlanOptions,
    config: ZoomConfig,
    prices: PriceList | None,
) -> tuple[Plan, list[DesiredAccount]]:
    """Load the YAML and plan it exactly as `zoomplans plan` does."""
    from reconciler.desired import load_desired
    from reconciler.live import LiveReadStopped
    from reconciler.plan import current_git_commit
    from reconciler.planning import SelectionError, make_plan, select_accounts
    from reconciler.zoom import ZoomClient, ZoomError

    state = load_desired(list(paths))
    for problem in state.problems:
        _say(str(problem))
    if not state.ok:
        _fail(f"{len(state.errors)} problem(s) in the desired files; nothing was sent to Zoom")
    try:
        accounts = select_accounts(state.accounts, account_ids, selectors)
    except SelectionError as exc:
        _fail(str(exc))

    async def plan_with_zoom() -> Plan:
        async with ZoomClient(config) as client:
            return await make_plan(
                accounts,
                client,
                options,
                git_commit=current_git_commit(paths[0]),
                prices=prices,
            )

    try:
        return asyncio.run(plan_with_zoom()), accounts
    except LiveReadStopped as exc:
        _fail(f"{exc}; nothing was sent")
    except ZoomError as exc:
        _fail(f"{exc}; nothing was sent")


@dataclass(frozen=True)
class _Run:
    """What the two modes hand to the executor: the plan, its hash and how to verify."""

    plan: Plan
    plan_hash: str
    mode: str
    converged: Converged | None = None
    only_accounts: tuple[str, ...] = ()


def _saved_plan_run(plan_file: Path, account_ids: tuple[str, ...], limits: dict[str, Any]) -> _Run:
    """Read and check a plan file (expiry, tampering, guard rails); print it for the log.

    The thresholds recorded in the file are checked again; a threshold flag given to apply
    replaces its recorded value (the acknowledgement), and only that one.
    """
    from dataclasses import replace

    from reconciler.apply import PlanRefused
    from reconciler.apply.runner import check_saved_plan
    from reconciler.guard_rails import MoneyLimitWithoutPrices, with_apply_flags
    from reconciler.plan import TooManyAccountsChanged

    plan, plan_hash = _read_saved_plan(plan_file)
    try:
        plan = replace(plan, options=with_apply_flags(plan.options, limits))
    except MoneyLimitWithoutPrices as exc:
        _fail(f"{plan_file}: {exc}; nothing was sent")
    unknown = sorted(set(account_ids) - {a.account_id for a in plan.accounts})
    if unknown:
        _fail(f"--account names accounts the plan file does not hold: {', '.join(unknown)}")
    try:
        check_saved_plan(plan)
    except (PlanRefused, TooManyAccountsChanged) as exc:
        _fail(f"{plan_file}: {exc}; nothing was sent")
    _render_preview(plan)
    refuse_if_unsafe(plan, f"{plan_file}: ")
    return _Run(plan, plan_hash, "saved_plan", only_accounts=account_ids)


def _check_opt_ins(plan: Plan, plan_file: Path, allow_decrease: bool, allow_cancel: bool) -> None:
    """Repeating a plan's opt-ins is harmless; asking for one it was not made with is refused."""
    missing = [
        flag
        for flag, given, recorded in (
            ("--allow-decrease", allow_decrease, plan.options.allow_decrease),
            ("--allow-cancel", allow_cancel, plan.options.allow_cancel),
        )
        if given and not recorded
    ]
    if missing:
        _fail(
            f"{plan_file} was planned without {' and '.join(missing)}, so it holds no such "
            f"calls; run `zoomplans plan {' '.join(missing)} --out FILE` and apply that plan; "
            "nothing was sent"
        )


def _fresh_plan_run(
    paths: tuple[str, ...],
    account_ids: tuple[str, ...],
    selectors: tuple[str, ...],
    allow_decrease: bool,
    allow_cancel: bool,
    limits: dict[str, Any],
    config: ZoomConfig,
    guard: tuple[Any, PriceList | None],
) -> _Run:
    """Plan now, exactly as `zoomplans plan` would, print it, and apply the guard rails."""
    from reconciler.apply.runner import plan_sha256, replan_converged
    from reconciler.guard_rails import MoneyLimitWithoutPrices, with_limits
    from reconciler.plan import PlanOptions

    project, prices = guard
    try:
        options = with_limits(
            PlanOptions(
                allow_decrease=allow_decrease,
                allow_cancel=allow_cancel,
                accounts=tuple(account_ids),
                select=tuple(selectors),
            ),
            limits,
            project,
            priced=prices is not None,
        )
    except MoneyLimitWithoutPrices as exc:
        _fail(f"{exc}; nothing was sent")
    plan, desired = _plan_now(paths, account_ids, selectors, options, config, prices)
    _render_preview(plan)
    refuse_if_unsafe(plan, "")
    return _Run(plan, plan_sha256(plan), "fresh_plan", replan_converged(desired, options))


@click.command("apply")
@verbose_option
@click.argument("paths", nargs=-1, type=click.Path())
@click.option(
    "--plan",
    "plan_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Apply exactly this saved plan (from `zoomplans plan --out`); no new planning.",
)
@click.option("--auto-approve", is_flag=True, help="Do not ask for confirmation (for CI).")
@click.option("--account", "account_ids", multiple=True, help="Apply only this account id.")
@click.option(
    "--select",
    "selectors",
    multiple=True,
    callback=_selector,
    help="Apply only accounts whose label KEY equals VALUE (repeat: all must match).",
)
@click.option("--allow-decrease", is_flag=True, help="Allow seat decreases (never below usage).")
@click.option("--allow-cancel", is_flag=True, help="Allow cancellations marked state: cancelled.")
@click.option(
    "--max-accounts-changed",
    type=click.IntRange(min=0),
    help="Send nothing at all when more accounts than this would change.",
)
@click.option(
    "--journal",
    "journal_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=str(DEFAULT_JOURNAL_PATH),
    show_default=True,
    help="Append-only record of every call (JSON lines); also read to recover from a crash.",
)
@click.option(
    "--parallelism",
    type=click.IntRange(min=1, max=64),
    default=8,
    show_default=True,
    help="Accounts worked on at once (each account's calls stay in order).",
)
@click.option(
    "--verify-timeout",
    type=click.FloatRange(min=0),
    default=5.0,
    show_default=True,
    help="Seconds to keep reading an account after its calls until the changes show.",
)
@click.option(
    "--settle-timeout",
    type=click.FloatRange(min=0),
    default=8.0,
    show_default=True,
    help="Seconds to keep reading before deciding that a call whose answer was lost did not "
    "happen (and sending it once more).",
)
@click.option(
    "--daily-heavy-budget",
    "budget",
    type=click.IntRange(min=0),
    metavar="N",
    help="Heavy calls per 24 hours this master account may use (default Zoom's cap: 60,000, "
    "or 30,000 with --rate-tier pro); apply refuses a plan that needs more than is left.",
)
@guard_rail_options
@zoom_options
def apply_command(
    paths: tuple[str, ...],
    plan_file: Path | None,
    auto_approve: bool,
    account_ids: tuple[str, ...],
    selectors: tuple[str, ...],
    allow_decrease: bool,
    allow_cancel: bool,
    max_accounts_changed: int | None,
    journal_path: Path,
    parallelism: int,
    verify_timeout: float,
    settle_timeout: float,
    budget: int | None,
    prices_file: Path | None,
    config_file: Path | None,
    max_monthly_increase: Decimal | None,
    max_seats_removed: int | None,
    **kwargs: Any,
) -> None:
    """Make the calls that bring Zoom to the YAML (PATH default accounts/), or those of --plan."""
    from reconciler.apply import ApplySettings
    from reconciler.apply.runner import run_apply
    from reconciler.zoom import ConfigError, ZoomClient

    config = zoom_config_from(kwargs)
    limits = {
        "max_accounts_changed": max_accounts_changed,
        "max_seats_removed": max_seats_removed,
        "max_monthly_increase": max_monthly_increase,
    }
    project, prices = project_and_prices(config_file, None if plan_file else prices_file)
    if plan_file is not None:
        if paths or selectors:
            _fail(
                "with --plan, the plan file decides what is applied: give no PATH or --select "
                "(use --account to apply some of its accounts)",
                EXIT_USAGE,
            )
        if prices_file is not None:
            _fail(
                "with --plan, the costs are the ones recorded in the plan file: give no --prices",
                EXIT_USAGE,
            )
        run = _saved_plan_run(plan_file, account_ids, limits)
        _check_opt_ins(run.plan, plan_file, allow_decrease, allow_cancel)
        check_budget(run.plan, run.only_accounts, journal_path, budget, project, config.rate_tier)
    else:
        if not auto_approve and not sys.stdin.isatty():
            _fail(
                "apply asks for confirmation, but stdin is not a terminal; nothing was sent. "
                "Review with `zoomplans plan` and re-run with --auto-approve, or apply a "
                "reviewed plan file with --plan"
            )
        run = _fresh_plan_run(
            paths or DEFAULT_PATHS,
            account_ids,
            selectors,
            allow_decrease,
            allow_cancel,
            limits,
            config,
            (project, prices),
        )
        check_budget(run.plan, run.only_accounts, journal_path, budget, project, config.rate_tier)
        if not run.plan.pending:
            if run.plan.failed:
                _say("zoomplans: nothing to send; some accounts are blocked or could not be read")
            elif not _unsettled_in(run.plan, journal_path):
                click.echo("No changes. Zoom already matches the YAML; nothing was sent.")
                raise click.exceptions.Exit(EXIT_OK)
        elif not auto_approve and not _confirm():
            _fail("apply cancelled; nothing was sent")

    settings = ApplySettings(
        parallelism=parallelism, verify_timeout_s=verify_timeout, settle_timeout_s=settle_timeout
    )

    async def apply_with_zoom() -> ApplyReport:
        async with ZoomClient(config) as client:
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
            )

    try:
        report = asyncio.run(apply_with_zoom())
    except JournalError as exc:
        _fail(f"{exc}; no call is sent without a journal")
    except ConfigError as exc:
        _fail(f"{exc}; nothing was sent")
    click.echo("")
    for line in report.lines():
        click.echo(line)
    raise click.exceptions.Exit(report.exit_code)

"""`zoomplans plan`: load the YAML, read Zoom, print the ordered calls; CI decides on the exit code.

Thin on purpose: parse, call `reconciler.planner.workflow.make_plan`, render, exit code. Exit codes
(SPEC section 4): 0 nothing pending (or pending without --detailed-exitcode), 1 any error
(bad YAML, unreadable account, blocked item, over --max-accounts-changed), 2 with
--detailed-exitcode when calls are pending, 64 usage errors. A call the journal holds as
awaiting Zoom is shown as in flight and is not pending (apply would not send it).
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, NoReturn

import click

from reconciler.cli.exit_codes import EXIT_ERROR, EXIT_OK, EXIT_PENDING, EXIT_USAGE
from reconciler.cli.guard_options import (
    guard_rail_options,
    project_and_prices,
    threshold_flags,
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
from reconciler.planner.model import Plan, PlanOptions
from reconciler.planner.provenance import DurationError, current_git_commit, parse_duration

DEFAULT_PATHS = ("accounts/",)


def _ttl(_ctx: click.Context, _param: click.Parameter, value: str) -> timedelta:
    try:
        return parse_duration(value)
    except DurationError as exc:
        raise click.BadParameter(str(exc)) from None


def write_plan_file(plan: Plan, out: Path) -> None:
    """Write the JSON plan atomically: a reader never sees half a plan file."""
    out = out.expanduser()
    directory = out.parent if str(out.parent) else Path(".")
    directory.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(plan.to_json(), handle, indent=2, sort_keys=False)
            handle.write("\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _render(plan: Plan, output_format: str) -> str:
    import io

    from reconciler.render.formats import renderer_for

    colour = output_format == "text" and sys.stdout.isatty() and "NO_COLOR" not in os.environ
    out = io.StringIO()
    renderer_for(output_format, colour=colour).render(plan, out)
    return out.getvalue()


async def _plan_with_zoom(
    config: Any, accounts: list[Any], options: PlanOptions, **kw: Any
) -> Plan:
    from reconciler.planner.workflow import make_plan
    from reconciler.zoom import ZoomClient

    async with ZoomClient(config) as client:
        return await make_plan(accounts, client, options, **kw)


def _fail(message: str) -> NoReturn:
    click.echo(f"zoomplans: error: {inert(message)}", err=True)
    raise click.exceptions.Exit(EXIT_ERROR)


@click.command("plan")
@verbose_option
@selection_options
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "markdown", "html"]),
    default="text",
    show_default=True,
    metavar="FORMAT",
    help="What to print on stdout: text, json, markdown or html.",
)
@click.option(
    "--out",
    "out_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the JSON plan to this file (for `apply --plan`), whatever --format prints.",
)
@click.option(
    "--html",
    "html_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the self-contained HTML report to this file, whatever --format prints.",
)
@click.option(
    "--detailed-exitcode", is_flag=True, help="Exit 2 when calls are pending (0 when in sync)."
)
@click.option(
    "--ttl",
    default="24h",
    show_default=True,
    metavar="DURATION",
    callback=_ttl,
    help="How long the plan file stays valid for apply --plan (e.g. 30m, 24h, 7d; at most 365d).",
)
@extends_root_option
@journal_options
@guard_rail_options
@zoom_options
def plan_command(
    paths: tuple[str, ...],
    account_ids: tuple[str, ...],
    selectors: tuple[str, ...],
    allow_decrease: bool,
    allow_cancel: bool,
    allow_cancel_base: bool,
    max_accounts_changed: int | None,
    output_format: str,
    out_file: Path | None,
    html_file: Path | None,
    detailed_exitcode: bool,
    ttl: timedelta,
    journal_path: Path,
    journal_window: str | None,
    resend_after: str | None,
    prices_file: Path | None,
    config_file: Path | None,
    max_monthly_increase: Decimal | None,
    max_seats_removed: int | None,
    extends_root: str | None,
    **kwargs: Any,
) -> None:
    """Show the ordered API calls that would make Zoom match the YAML (PATH default accounts/)."""
    from reconciler.desired import load_desired
    from reconciler.guards.thresholds import (
        MoneyLimitWithoutPrices,
        tripped_guard_rails,
        unpriced_warning,
        with_limits,
    )
    from reconciler.planner.workflow import SelectionError, select_accounts
    from reconciler.zoom.errors import ZoomError
    from reconciler.zoom.live import LiveReadStopped

    config = zoom_config_from(kwargs)
    paths = paths or DEFAULT_PATHS
    project, prices = project_and_prices(config_file, prices_file)
    try:
        rules = in_flight_rules(journal_window, resend_after, project)
    except JournalRuleError as exc:
        click.echo(f"zoomplans: error: {inert(exc)}", err=True)
        raise click.exceptions.Exit(EXIT_USAGE) from None
    state = load_desired(list(paths), extends_roots=extends_roots(extends_root, project))
    for problem in state.problems:
        click.echo(str(problem), err=True)
    if not state.ok:
        _fail(f"{len(state.errors)} problem(s) in the desired files; nothing was read from Zoom")
    try:
        accounts = select_accounts(state.accounts, account_ids, selectors)
    except SelectionError as exc:
        _fail(str(exc))
    try:
        options = with_limits(
            PlanOptions(
                allow_decrease=allow_decrease,
                allow_cancel=allow_cancel,
                allow_cancel_base=allow_cancel_base,
                accounts=tuple(account_ids),
                select=tuple(selectors),
            ),
            threshold_flags(max_accounts_changed, max_seats_removed, max_monthly_increase),
            project,
            priced=prices is not None,
        )
    except MoneyLimitWithoutPrices as exc:
        _fail(str(exc))
    try:
        plan = asyncio.run(
            _plan_with_zoom(
                config,
                accounts,
                options,
                ttl=ttl,
                git_commit=current_git_commit(paths[0]),
                prices=prices,
            )
        )
    except LiveReadStopped as exc:
        _fail(str(exc))
    except ZoomError as exc:
        _fail(str(exc))
    # Purchases the journal holds as awaiting Zoom: shown as in flight, not as new purchases.
    plan = marked_in_flight(
        plan, journal_path, config.account_id, rules, lambda line: click.echo(line, err=True)
    )
    if out_file is not None:
        try:
            write_plan_file(plan, out_file)
        except OSError as exc:
            _fail(f"cannot write the plan file {out_file}: {exc.strerror or exc}")
    if html_file is not None:
        try:
            from reconciler.render.html import write_html_report

            write_html_report(plan, html_file)
        except OSError as exc:
            _fail(f"cannot write the HTML report {html_file}: {exc.strerror or exc}")
    click.echo(_render(plan, output_format), nl=False)
    code = EXIT_OK
    warning = unpriced_warning(plan)
    if warning:
        click.echo(f"zoomplans: warning: {inert(warning)}", err=True)
    for tripped in tripped_guard_rails(plan):
        click.echo(f"zoomplans: error: {inert(tripped)}", err=True)
        code = EXIT_ERROR
    if plan.failed:
        s = plan.summary()
        click.echo(
            f"zoomplans: {s['blocked']} account(s) blocked, {s['errors']} could not be planned",
            err=True,
        )
        code = EXIT_ERROR
    if code == EXIT_OK and detailed_exitcode and plan.pending:
        code = EXIT_PENDING
    raise click.exceptions.Exit(code)

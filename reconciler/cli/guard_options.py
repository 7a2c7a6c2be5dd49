"""The guard-rail options `plan` and `apply` share: prices, project file, money and seat limits.

Kept apart from the commands so both spell the flags, read zoomplans.yaml and report its
problems the same way. A bad project file or price list stops the command (exit 1) with every
problem located, before anything is read from Zoom.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from reconciler.apply.journal import JournalError
from reconciler.cli.exit_codes import EXIT_ERROR
from reconciler.cli.options import stacked
from reconciler.escaping.terminal import inert
from reconciler.guards.project import ProjectConfig, ProjectError, find_project
from reconciler.planner.model import Plan
from reconciler.pricing.prices import PriceList, PricesError, load_prices

F = TypeVar("F", bound=Callable[..., Any])


def _amount(_ctx: click.Context, _param: click.Parameter, value: str | None) -> Decimal | None:
    if value is None:
        return None
    try:
        amount = Decimal(value.replace(",", ""))
    except InvalidOperation:
        amount = Decimal(-1)
    if not amount.is_finite() or amount < 0 or amount != amount.quantize(Decimal("0.01")):
        raise click.BadParameter(
            f"{value!r} is not an amount; write a number >= 0 with at most 2 decimals (e.g. 500)"
        )
    return amount.quantize(Decimal("0.01"))


def guard_rail_options(func: F) -> F:
    """--prices, --config, --max-monthly-increase, --max-seats-removed."""
    options = [
        click.option(
            "--prices",
            "prices_file",
            type=click.Path(dir_okay=False, path_type=Path),
            help="Price list (prices.yaml) to show what each call costs per month; "
            "default: `prices:` in zoomplans.yaml.",
        ),
        click.option(
            "--config",
            "config_file",
            type=click.Path(dir_okay=False, path_type=Path),
            help="Project file with the price list and default guard rails "
            "(default: ./zoomplans.yaml when present).",
        ),
        click.option(
            "--max-monthly-increase",
            callback=_amount,
            metavar="AMOUNT",
            help="Refuse a plan whose gross increase (every call that costs more, added up; "
            "savings not subtracted) is over AMOUNT per month in a currency. "
            "Default 5000 when prices are known.",
        ),
        click.option(
            "--max-seats-removed",
            type=click.IntRange(min=0),
            metavar="N",
            help="Refuse a plan whose decreases and cancellations remove more than N seats "
            "(default 100).",
        ),
    ]
    return stacked(options, func)


def threshold_flags(
    max_accounts_changed: int | None,
    max_seats_removed: int | None,
    max_monthly_increase: Decimal | None,
) -> dict[str, Any]:
    """The threshold flags by name, as reconciler.guards.thresholds reads them (None: not given)."""
    return {
        "max_accounts_changed": max_accounts_changed,
        "max_seats_removed": max_seats_removed,
        "max_monthly_increase": max_monthly_increase,
    }


def _stop(problems: list[Any], what: str) -> NoReturn:
    for problem in problems:
        click.echo(str(problem), err=True)
    click.echo(
        f"zoomplans: error: {len(problems)} problem(s) in {what}; nothing was read from Zoom",
        err=True,
    )
    raise click.exceptions.Exit(EXIT_ERROR)


def project_and_prices(
    config_file: Path | None, prices_file: Path | None
) -> tuple[ProjectConfig | None, PriceList | None]:
    """The project file (if any) and the price list named by --prices or by the project file."""
    try:
        project = find_project(config_file)
    except ProjectError as exc:
        _stop(exc.problems, "the project file")
    path = prices_file or (project.prices if project is not None else None)
    if path is None:
        return project, None
    if not path.is_file():
        where = "--prices" if prices_file else f"prices: in {project.source if project else ''}"
        click.echo(
            inert(f"zoomplans: error: {where} names {path}, which is not a readable file"), err=True
        )
        raise click.exceptions.Exit(EXIT_ERROR)
    try:
        prices = load_prices(path)
    except PricesError as exc:
        _stop(exc.problems, "the price list")
    for warning in prices.warnings:
        click.echo(str(warning), err=True)
    return project, prices


def warn_unused_limits(project: ProjectConfig | None) -> None:
    """With --plan the project file gives only the daily Heavy budget (and no prices): the
    money and seat limits that bind are the ones recorded in the plan, or the flags given."""
    if project is None:
        return
    limits = ("max_monthly_increase", "max_accounts_changed", "max_seats_removed")
    named = [name for name in limits if getattr(project, name) is not None]
    if named:
        _say(
            f"zoomplans: warning: with --plan, the guard_rails limits in {project.source} "
            f"({', '.join(named)}) are not used: the limits recorded in the plan file apply "
            "(limit flags replace them); only its daily_heavy_budget is read"
        )


def _say(line: str) -> None:
    click.echo(line, err=True)


def _fail(message: str) -> NoReturn:
    click.echo(f"zoomplans: error: {inert(message)}", err=True)
    raise click.exceptions.Exit(EXIT_ERROR)


def refuse_if_unsafe(plan: Plan, where: str) -> None:
    """Every guard rail the plan is over, one line each; then nothing is sent."""
    from reconciler.guards.thresholds import tripped_guard_rails, unpriced_warning

    warning = unpriced_warning(plan)
    if warning:
        _say(f"zoomplans: warning: {warning}")
    tripped = tripped_guard_rails(plan)
    for item in tripped[:-1]:
        _say(f"zoomplans: error: {where}{item}")
    if tripped:
        _fail(f"{where}{tripped[-1]}; nothing was sent")


def check_budget(
    plan: Plan,
    only_accounts: Sequence[str],
    journal_path: Path,
    flag: int | None,
    project: ProjectConfig | None,
    rate_tier: str,
) -> None:
    """Refuse, sending nothing, a plan needing more Heavy calls than the day has left."""
    from reconciler.guards.budget import HeavyBudgetExceeded, check_daily_budget, daily_budget

    configured = project.daily_heavy_budget if project is not None else None
    try:
        check_daily_budget(
            plan,
            journal_path=journal_path,
            budget=daily_budget(flag, configured, rate_tier),
            only_accounts=only_accounts,
        )
    except HeavyBudgetExceeded as exc:
        _fail(f"{exc}; nothing was sent")
    except JournalError as exc:  # unreadable journal: the budget cannot be known
        _fail(f"{exc}; nothing was sent")

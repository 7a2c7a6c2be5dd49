"""The guard-rail options `plan` and `apply` share: prices, project file, money and seat limits.

Kept apart from the commands so both spell the flags, read zoomplans.yaml and report its
problems the same way. A bad project file or price list stops the command (exit 1) with every
problem located, before anything is read from Zoom.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from reconciler.cli.exit_codes import fail
from reconciler.cli.options import stacked
from reconciler.guards.money_limits import MonthlyLimit, MonthlyLimitError, parse_flag
from reconciler.guards.project import ProjectConfig, ProjectError, find_project

if TYPE_CHECKING:
    from reconciler.pricing.prices import PriceList

F = TypeVar("F", bound=Callable[..., Any])


def _limits(
    _ctx: click.Context, _param: click.Parameter, values: tuple[str, ...]
) -> tuple[MonthlyLimit, ...]:
    try:
        return tuple(parse_flag(value) for value in values)
    except MonthlyLimitError as exc:
        raise click.BadParameter(str(exc)) from None


def guard_rail_options(func: F) -> F:
    """--prices, --config, --max-monthly-increase, --require-prices, --max-seats-removed."""
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
            callback=_limits,
            multiple=True,
            metavar="AMOUNTCUR",
            help="Refuse a plan whose gross increase in a currency (every call that costs more, "
            "added up; savings not subtracted) is over this per month, e.g. 500USD; repeat for "
            "each currency. A bare amount only when the price list has one currency. Default "
            "5000USD; a currency with no limit refuses any increase.",
        ),
        click.option(
            "--require-prices",
            is_flag=True,
            help="Refuse a plan with a call of unknown cost (a type the price list does not "
            "price): plan exits 1, apply sends nothing.",
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


def _stop(problems: list[Any], what: str) -> NoReturn:
    for problem in problems:
        click.echo(str(problem), err=True)
    fail(f"{len(problems)} problem(s) in {what}; nothing was read from Zoom")


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
        fail(f"{where} names {path}, which is not a readable file")
    # Imported only when there is a price list to read (its checks load the catalogue).
    from reconciler.pricing.prices import PricesError, load_prices

    try:
        prices = load_prices(path)
    except PricesError as exc:
        _stop(exc.problems, "the price list")
    for warning in prices.warnings:
        click.echo(str(warning), err=True)
    return project, prices

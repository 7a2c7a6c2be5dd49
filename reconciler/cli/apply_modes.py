"""The two ways `zoomplans apply` gets its plan: a saved plan file, or a plan made now.

A saved plan (`--plan`) is proved against the desired files it was made from and its recorded
costs; a fresh plan is made exactly as `zoomplans plan` would. Either way it is printed and the
guard rails are applied before anything is sent; `apply.py` then confirms, runs and reports.
"""

from __future__ import annotations

import io
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from reconciler.cli.exit_codes import EXIT_ERROR
from reconciler.cli.guard_options import refuse_if_unsafe
from reconciler.escaping.terminal import inert

if TYPE_CHECKING:  # imported lazily at run time, so `zoomplans --help` stays quick
    from reconciler.apply.seams import Confirm, Converged
    from reconciler.desired.model import DesiredAccount
    from reconciler.guards.project import ProjectConfig
    from reconciler.planner.model import Plan, PlanOptions
    from reconciler.pricing.prices import PriceList
    from reconciler.zoom import ZoomClient


def _fail(message: str, code: int = EXIT_ERROR) -> NoReturn:
    click.echo(f"zoomplans: error: {inert(message)}", err=True)
    raise click.exceptions.Exit(code)


def _render_preview(plan: Plan) -> None:
    from reconciler.render.text import TextRenderer

    colour = sys.stdout.isatty() and "NO_COLOR" not in os.environ
    out = io.StringIO()
    TextRenderer(colour=colour).render(plan, out)
    click.echo(out.getvalue(), nl=False)


@dataclass(frozen=True)
class ApplyRun:
    """What both modes hand to the executor: the plan, its hash, how to confirm and verify."""

    plan: Plan
    plan_hash: str
    mode: str
    converged: Converged
    only_accounts: tuple[str, ...] = ()
    confirm: Confirm | None = None


@dataclass(frozen=True)
class ApplyRequest:
    """What the command line asked for, as the two modes read it."""

    paths: tuple[str, ...]
    account_ids: tuple[str, ...]
    selectors: tuple[str, ...]
    allow_decrease: bool
    allow_cancel: bool
    limits: dict[str, Any]
    allow_cancel_base: bool = False


def saved_plan_run(
    plan_file: Path,
    saved: tuple[Plan, str],
    ask: ApplyRequest,
    desired: list[DesiredAccount],
    client: ZoomClient,
) -> ApplyRun:
    """Prove the files are the plan's, print the plan, apply the guard rails."""
    from reconciler.apply.replan import (
        DesiredFilesChanged,
        check_desired_files,
        replan_confirm,
        replan_converged,
    )
    from reconciler.apply.saved import SavedPlanRefused, check_recorded_costs
    from reconciler.planner.workflow import SelectionError, select_accounts

    plan, plan_hash = saved
    try:
        selected = select_accounts(desired, plan.options.accounts, plan.options.select)
        check_desired_files(plan, selected, ask.paths)
    except SelectionError as exc:
        _fail(
            f"{plan_file}: {exc}: the files at {' '.join(ask.paths)} are not the ones this plan "
            "was made from; re-run plan; nothing was sent"
        )
    except DesiredFilesChanged as exc:
        _fail(f"{plan_file}: {exc}; nothing was sent")
    try:
        check_recorded_costs(plan, plan_file)
    except SavedPlanRefused as exc:
        _fail(str(exc))
    _render_preview(plan)
    refuse_if_unsafe(plan, f"{plan_file}: ")
    return ApplyRun(
        plan,
        plan_hash,
        "saved_plan",
        replan_converged(selected, plan.options),
        ask.account_ids,
        replan_confirm(selected, plan.options, client),
    )


async def fresh_plan_run(
    ask: ApplyRequest,
    desired: list[DesiredAccount],
    client: ZoomClient,
    guard: tuple[ProjectConfig | None, PriceList | None],
) -> ApplyRun:
    """Plan now, exactly as `zoomplans plan` would, print it, and apply the guard rails."""
    from reconciler.apply.replan import replan_converged
    from reconciler.apply.runner import plan_sha256
    from reconciler.guards.thresholds import MoneyLimitWithoutPrices, with_limits
    from reconciler.planner.model import PlanOptions
    from reconciler.planner.provenance import current_git_commit
    from reconciler.planner.workflow import SelectionError, make_plan, select_accounts

    project, prices = guard
    try:
        selected = select_accounts(desired, ask.account_ids, ask.selectors)
    except SelectionError as exc:
        _fail(f"{exc}; nothing was sent")
    try:
        options: PlanOptions = with_limits(
            PlanOptions(
                allow_decrease=ask.allow_decrease,
                allow_cancel=ask.allow_cancel,
                allow_cancel_base=ask.allow_cancel_base,
                accounts=ask.account_ids,
                select=ask.selectors,
            ),
            ask.limits,
            project,
            priced=prices is not None,
        )
    except MoneyLimitWithoutPrices as exc:
        _fail(f"{exc}; nothing was sent")
    commit = current_git_commit(ask.paths[0])
    plan = await make_plan(selected, client, options, git_commit=commit, prices=prices)
    _render_preview(plan)
    refuse_if_unsafe(plan, "")
    return ApplyRun(plan, plan_sha256(plan), "fresh_plan", replan_converged(selected, options))

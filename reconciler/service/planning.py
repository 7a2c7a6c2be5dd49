"""The steps `plan` and `apply` share before anything is sent: the desired files, the
options, the plan made now, the journal's purchases in flight and the guard rails."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from reconciler.apply.in_flight import InFlightRules, mark_in_flight, writes_in_flight
from reconciler.apply.journal import JournalError, read_journal
from reconciler.desired import load_desired
from reconciler.desired.model import DesiredAccount
from reconciler.guards.money_limits import MonthlyLimitError
from reconciler.guards.project import extends_roots
from reconciler.guards.thresholds import (
    MoneyLimitWithoutPrices,
    tripped_guard_rails,
    unpriced_warning,
    with_limits,
)
from reconciler.planner.model import DEFAULT_TTL, Plan, PlanOptions
from reconciler.planner.provenance import current_git_commit
from reconciler.planner.workflow import SelectionError, make_plan
from reconciler.planner.workflow import select_accounts as select
from reconciler.service.refusal import EXIT_REFUSED, EXIT_USAGE, Refused
from reconciler.service.requests import Guards, Selection
from reconciler.zoom.live import PlanAndUsageReader

Say = Callable[[str], None]


def load_accounts(
    selection: Selection, guards: Guards, say: Say, *, hint: str = ""
) -> list[DesiredAccount]:
    """Every account the files declare; any problem refuses the run before Zoom is called."""
    roots = extends_roots(selection.extends_root, guards.project)
    state = load_desired(list(selection.paths), extends_roots=roots)
    for problem in state.problems:
        say(str(problem))
    if not state.ok:
        raise Refused(
            f"{len(state.errors)} problem(s) in the desired files at "
            f"{' '.join(selection.paths)}{hint}; nothing was read from Zoom"
        )
    return list(state.accounts)


def select_accounts(
    accounts: list[DesiredAccount], ids: tuple[str, ...], selectors: tuple[str, ...]
) -> list[DesiredAccount]:
    """``--account``/``--select`` over the files' accounts; a bad selector is refused."""
    try:
        return select(accounts, ids, selectors)
    except SelectionError as exc:
        raise Refused(str(exc)) from None


def fresh_options(selection: Selection, guards: Guards) -> PlanOptions:
    """The opt-ins and selection given, with each limit from its flag, the project file or the
    default."""
    try:
        return with_limits(
            guards.plan_options(selection),
            guards.limits.by_name(),
            guards.project,
            prices=guards.prices,
        )
    except MoneyLimitWithoutPrices as exc:
        raise Refused(str(exc)) from None
    except MonthlyLimitError as exc:  # a usage error on the command line, located in the file
        raise Refused(str(exc), exit_code=EXIT_USAGE if exc.usage else EXIT_REFUSED) from None


async def plan_now(
    accounts: list[DesiredAccount],
    client: PlanAndUsageReader,
    options: PlanOptions,
    context: tuple[Selection, Guards],
    ttl: timedelta = DEFAULT_TTL,
) -> Plan:
    """Read the live plans and plan the accounts, exactly as `zoomplans plan` does."""
    selection, guards = context
    commit = current_git_commit(selection.paths[0])
    return await make_plan(
        accounts, client, options, ttl=ttl, git_commit=commit, prices=guards.prices
    )


def marked_in_flight(
    plan: Plan, journal_path: Path, master_account_id: str | None, rules: InFlightRules, say: Say
) -> Plan:
    """The plan with the journal's purchases in flight marked (shown, never sent).

    A journal that exists but cannot be read refuses the run: without it, a purchase in flight
    would be shown (and, by apply, sent) as a new one.
    """
    now = datetime.now(UTC)
    try:
        history = read_journal(journal_path, since=now - rules.window)
    except JournalError as exc:
        raise Refused(str(exc)) from None
    writes = writes_in_flight(
        history.entries, master_account_id=master_account_id, now=now, rules=rules
    )
    marked = mark_in_flight(plan, writes, now, rules)
    count = len(marked.in_flight_actions())
    if count:
        say(
            f"zoomplans: {count} call(s) of this plan are in flight by the journal "
            f"({journal_path}): awaiting Zoom, not sent again"
        )
    return marked


def guard_rail_errors(plan: Plan, say: Say, where: str = "") -> list[str]:
    """Every guard rail the plan is over, one sentence each (a warning for unpriced calls)."""
    warning = unpriced_warning(plan)
    if warning:
        say(f"zoomplans: warning: {warning}")
    return [f"{where}{item}" for item in tripped_guard_rails(plan)]


def refuse_if_unsafe(plan: Plan, say: Say, where: str = "") -> None:
    """Refuse the run when any guard rail trips; every one is named."""
    tripped = guard_rail_errors(plan, say, where)
    if tripped:
        raise Refused(tripped[-1], details=tripped[:-1])

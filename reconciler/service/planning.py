"""The steps `plan` and `apply` share before anything is sent: the desired files, the
options, the plan made now, the journal's purchases in flight and the guard rails.

Modules used only in annotations are imported for type checking alone, and the desired
files' loader in the thread that loads them: every import before the first read of Zoom
delays it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from reconciler.apply.in_flight import InFlightRules, Now, mark_in_flight, writes_in_flight
from reconciler.apply.journal import JournalContents, JournalDamaged, JournalError, read_journal
from reconciler.apply.own_writes import OwnWritesReader
from reconciler.guards.money_limits import MonthlyLimitError
from reconciler.guards.project import extends_roots, plan_types_allowed
from reconciler.guards.thresholds import (
    MoneyLimitWithoutPrices,
    tripped_guard_rails,
    unpriced_warning,
    with_limits,
)
from reconciler.planner.provenance import DEFAULT_TTL, current_git_commit, git_state
from reconciler.planner.workflow import SelectionError, make_plan
from reconciler.planner.workflow import select_accounts as select
from reconciler.service.refusal import EXIT_REFUSED, EXIT_USAGE, Refused

if TYPE_CHECKING:
    from reconciler.apply.journal_store import JournalTarget
    from reconciler.desired.model import DesiredAccount
    from reconciler.planner.header import GitState, Setting
    from reconciler.planner.model import Plan, PlanOptions
    from reconciler.planner.workflow import PlanningReader
    from reconciler.service.requests import Guards, Selection
    from reconciler.zoom.live import PlanAndUsageReader

Say = Callable[[str], None]


def load_accounts(
    selection: Selection, guards: Guards, say: Say, *, hint: str = ""
) -> tuple[list[DesiredAccount], GitState]:
    """Every account the files declare, and the git state of every file read (desired files,
    templates, price list, project file); any problem refuses the run before Zoom is called.
    `plan` calls it in a worker thread, where the loader's own imports are made."""
    from reconciler.desired import load_desired

    roots = extends_roots(selection.extends_root, guards.project)
    allowed = plan_types_allowed(guards.project)
    state = load_desired(list(selection.paths), extends_roots=roots, extra_plan_types=allowed)
    for problem in state.problems:
        say(str(problem))
    if not state.ok:
        raise Refused(
            f"{len(state.errors)} problem(s) in the desired files at "
            f"{' '.join(selection.paths)}{hint}; nothing was read from Zoom"
        )
    read = [*state.files, *state.templates]
    read += [guards.prices.source] if guards.prices is not None else []
    read += [guards.project.source] if guards.project is not None else []
    return list(state.accounts), git_state(selection.paths[0], read)


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
    client: PlanningReader,
    options: PlanOptions,
    context: tuple[Selection, Guards],
    ttl: timedelta = DEFAULT_TTL,
    header: tuple[GitState, tuple[Setting, ...]] | None = None,
) -> Plan:
    """Read the live plans and plan the accounts, exactly as `zoomplans plan` does; `header`:
    the git state and settings the plan header shows (planner/header.py)."""
    selection, guards = context
    commit = header[0].commit if header else current_git_commit(selection.paths[0])
    plan = await make_plan(
        accounts,
        client,
        options,
        ttl=ttl,
        git_commit=commit,
        prices=guards.prices,
        notice_days=guards.renewal_notice_days,
    )
    return plan if header is None else plan.with_provenance(*header)


def _history(journal_path: JournalTarget, rules: InFlightRules, now: Now) -> JournalContents:
    """The journal's window; a journal that cannot be read, or a line that cannot be trusted
    (a wrong line could hide a purchase), refuses the run before anything is sent."""
    try:
        history = read_journal(
            journal_path, since=now.local - rules.window, now=now.zoom or now.local
        )
    except JournalError as exc:
        raise Refused(str(exc)) from None
    if history.problems:
        raise Refused(str(JournalDamaged(journal_path, history.problems)))
    return history


def _now(client: object) -> Now:
    """This moment on this machine's clock and on Zoom's (the client's latest ``Date``)."""
    zoom_time = getattr(client, "zoom_time", None)
    return Now(datetime.now(UTC), None if zoom_time is None else zoom_time.now())


async def own_writes_reader(
    client: PlanAndUsageReader, journal_path: JournalTarget, master_account_id: str | None,
    rules: InFlightRules,
) -> OwnWritesReader:  # fmt: skip
    """``client`` for planning, with the journal's PUTs that reads do not show yet laid over
    its reads (``reconciler.apply.own_writes``). Zoom's time is asked first (the token's
    answer), so the journal's ages and "future" lines are on Zoom's clock."""
    zoom_now = getattr(client, "zoom_now", None)
    if zoom_now is not None:
        await zoom_now()
    history = _history(journal_path, rules, _now(client))
    return OwnWritesReader(
        client, history.records, master_account_id=master_account_id, rules=rules,
        now=lambda: _now(client),
    )  # fmt: skip


def say_own_writes(reader: OwnWritesReader, say: Say) -> None:
    """Each account planned from a write Zoom's read does not show yet, in one sentence."""
    for note in reader.notes:
        say(f"zoomplans: {note}")


def marked_in_flight(
    plan: Plan,
    journal_path: JournalTarget,
    master_account_id: str | None,
    rules: InFlightRules,
    say: Say,
    client: object = None,
) -> Plan:
    """The plan with the journal's purchases in flight marked (shown, never sent).

    A journal that exists but cannot be read refuses the run: without it, a purchase in flight
    would be shown (and, by apply, sent) as a new one.
    """
    now = _now(client)
    history = _history(journal_path, rules, now)
    writes = writes_in_flight(
        history.records, master_account_id=master_account_id, now=now, rules=rules
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

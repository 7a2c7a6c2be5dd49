"""The daily Heavy-call budget, checked before apply sends anything.

Zoom caps Heavy calls (every plan write, and GET /plans/usage) per master account per day:
60,000 on Business and up, 30,000 on Pro, shared by every app on the account. A run that hits
the cap half-way leaves accounts half-changed until tomorrow, so apply first counts what the
plan needs against what the journal shows was used in the last 24 hours, and refuses the whole
run when it would not fit.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from reconciler.apply.journal import read_journal
from reconciler.guards.thresholds import DAILY_HEAVY_LIMIT, check_heavy_budget, heavy_calls_used
from reconciler.planner.model import Plan


def heavy_calls_needed(plan: Plan, only_accounts: Sequence[str] = ()) -> int:
    """Writes apply would send (to the chosen accounts) plus the usage reads made to plan them."""
    chosen = [a for a in plan.accounts if not only_accounts or a.account_id in only_accounts]
    writes = sum(len(a.actions) for a in chosen if a.status == "changes")
    return writes + sum(1 for a in chosen if a.usage_read)


def daily_budget(flag: int | None, configured: int | None, rate_tier: str) -> int:
    """--daily-heavy-budget, else zoomplans.yaml, else Zoom's cap for the rate tier."""
    if flag is not None:
        return flag
    if configured is not None:
        return configured
    return DAILY_HEAVY_LIMIT.get(rate_tier, DAILY_HEAVY_LIMIT["business"])


def check_daily_budget(
    plan: Plan,
    *,
    journal_path: Path,
    budget: int,
    only_accounts: Sequence[str] = (),
    now: datetime | None = None,
) -> int:
    """Raise HeavyBudgetExceeded when the plan does not fit what is left; returns calls used."""
    moment = now or datetime.now(UTC)
    day = read_journal(journal_path, since=moment - timedelta(hours=24))
    used = heavy_calls_used(day.entries, moment)
    check_heavy_budget(heavy_calls_needed(plan, only_accounts), budget, used)
    return used

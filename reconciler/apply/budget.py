"""The daily Heavy-call budget, checked before apply sends anything.

Zoom caps Heavy calls (every plan write, and GET /plans/usage) per master account per day:
60,000 on Business and up, 30,000 on Pro, shared by every app on the account. A run that hits
the cap half-way leaves accounts half-changed until tomorrow, so apply first counts what the
plan needs against what the journal shows was used in the last 24 hours, and refuses the whole
run when it would not fit. The journal is where the day's use is recorded: apply's intents (one
per write) and usage reads (in its `run_start` line), and `plan`'s usage reads, which plan
journals as a `heavy_reads` line of their own (`record_heavy_reads`): a plan is read-only on
Zoom, but each GET /plans/usage it makes spends the same budget.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from reconciler.apply.journal import Journal, RunContext, read_journal
from reconciler.apply.journal_store import JournalTarget
from reconciler.groups.canonical import canonical_sha256
from reconciler.planner.model import Plan

#: Zoom's daily cap on Heavy calls per master account (Business and up, and Pro).
DAILY_HEAVY_LIMIT = {"business": 60_000, "pro": 30_000}
#: The journal line `plan` writes for the GET /plans/usage reads it made.
HEAVY_READS = "heavy_reads"


class HeavyBudgetExceeded(Exception):
    """Applying the plan needs more Heavy calls than are left of the daily budget."""

    def __init__(self, needed: int, budget: int, used: int) -> None:
        self.needed, self.budget, self.used = needed, budget, used
        left = max(budget - used, 0)
        super().__init__(
            f"applying this plan needs {needed:,} Heavy calls, but only {left:,} of the daily "
            f"Heavy budget of {budget:,} are left ({used:,} used in the last 24 hours, per the "
            "journal); wait for the budget to recover, apply some accounts with --account, or "
            "set --daily-heavy-budget if Zoom allows your master account more"
        )


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
    journal_path: JournalTarget,
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


def heavy_calls_used(entries: Iterable[Mapping[str, Any]], now: datetime) -> int:
    """Heavy calls the journal shows in the 24 hours before `now`: every intent (a write
    was sent or about to be) and the usage reads each run recorded when it started."""
    since = now - timedelta(hours=24)
    used = 0
    for entry in entries:
        ts = entry.get("ts")
        if not isinstance(ts, str):
            continue
        try:
            moment = datetime.fromisoformat(ts.replace("Z", "+00:00"))
        except ValueError:
            continue
        if moment.tzinfo is None or not since <= moment <= now:
            continue
        if entry.get("kind") == "intent":
            used += 1
        elif entry.get("kind") in ("run_start", HEAVY_READS):
            reads = entry.get("usage_reads")
            used += reads if isinstance(reads, int) and not isinstance(reads, bool) else 0
    return used


def check_heavy_budget(needed: int, budget: int, used: int) -> None:
    """Raise HeavyBudgetExceeded when `needed` is more than `budget - used`."""
    if needed > budget - used:
        raise HeavyBudgetExceeded(needed, budget, used)


def record_heavy_reads(
    plan: Plan, journal_path: JournalTarget, master_account_id: str | None
) -> int:
    """Journal the usage reads `plan` made (one `heavy_reads` line), so apply's budget check
    counts them; returns how many (nothing is written for none). JournalError if it cannot."""
    reads = sum(1 for account in plan.accounts if account.usage_read)
    if not reads:
        return 0
    context = RunContext.for_this_process(
        plan_sha256=canonical_sha256(plan.to_json()),
        git_commit=plan.git_commit,
        master_account_id=master_account_id,
    )
    with Journal(journal_path, context) as journal:
        journal.write(HEAVY_READS, command="plan", usage_reads=reads)
    return reads

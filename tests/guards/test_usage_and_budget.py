"""Seat decreases below usage are blocked whatever the flags; apply keeps to the Heavy budget."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from reconciler.apply.budget import (
    HeavyBudgetExceeded,
    check_heavy_budget,
    daily_budget,
    heavy_calls_needed,
    heavy_calls_used,
)

FIXTURES = Path(__file__).parent / "fixtures"
ACCOUNTS = str(FIXTURES / "accounts")
EVERY_FLAG = (
    "--allow-decrease", "--allow-cancel", "--max-seats-removed", "1000",
    "--max-accounts-changed", "1000", "--daily-heavy-budget", "60000",
)  # fmt: skip


def test_decreases_below_usage_are_blocked_even_with_every_flag(
    guard_world: Any, zp: Callable[..., Any]
) -> None:
    plan_flags = list(EVERY_FLAG[:-2])  # every flag plan knows
    ran = zp(guard_world, "plan", ACCOUNTS, "--account", "g_busy", *plan_flags, "--format", "json")
    assert ran.code == 1
    (account,) = json.loads(ran.stdout)["accounts"]
    assert account["status"] == "blocked" and account["usage_read"] is True
    assert [b["reason"] for b in account["blocked"]] == ["below_usage", "below_usage"]
    joined = " | ".join(b["message"] for b in account["blocked"])
    assert (
        "plan_webinar webinar500_monthly: hosts 3 is below the 4 seats in use and pending "
        "(4 used, 0 pending); blocked even with --allow-decrease" in joined
    )
    assert (
        "plan_base business_monthly: hosts 20 is below the 27 seats in use and pending "
        "(25 used, 2 pending); blocked even with --allow-decrease" in joined
    )
    applied = zp(guard_world, "apply", ACCOUNTS, "--account", "g_busy", "--auto-approve",
                 *EVERY_FLAG)  # fmt: skip
    assert applied.code == 1
    assert guard_world.writes() == []


def test_a_decrease_above_usage_reads_usage_once_and_counts_it_as_heavy(
    guard_world: Any, zp: Callable[..., Any]
) -> None:
    ran = zp(guard_world, "plan", ACCOUNTS, "--account", "g_down", "--allow-decrease",
             "--format", "json")  # fmt: skip
    assert ran.code == 0, ran.stderr
    data = json.loads(ran.stdout)
    assert data["accounts"][0]["usage_read"] is True
    assert data["summary"]["heavy_calls"] == 3  # two PUTs and the usage read
    usage_reads = [r for r in guard_world.requests if r.path.endswith("/plans/usage")]
    assert len(usage_reads) == 1
    guard_world.clear_requests()
    increase_only = zp(guard_world, "plan", ACCOUNTS, "--account", "g_up", "--allow-decrease")
    assert increase_only.code == 0
    assert not [r for r in guard_world.requests if r.path.endswith("/plans/usage")]


def journal_line(kind: str, at: datetime, **fields: Any) -> str:
    stamp = at.astimezone(UTC).isoformat().replace("+00:00", "Z")
    return json.dumps({"kind": kind, "ts": stamp, **fields}) + "\n"


def intent_fields(intent_id: str) -> dict[str, Any]:
    """A PUT an earlier run sent to account x (settled: it needs no read-back)."""
    return {
        "intent_id": intent_id, "account_id": "x", "op": "update_base", "method": "PUT",
        "path": "/accounts/x/plans/base", "body": {"type": "business_monthly", "hosts": 5},
    }  # fmt: skip


def test_apply_refuses_a_plan_bigger_than_the_heavy_budget_left(
    guard_world: Any, zp: Callable[..., Any], tmp_path: Path
) -> None:
    now = datetime.now(UTC)
    lines = [
        journal_line("intent", now - timedelta(hours=1), **intent_fields(f"a{n}")) for n in range(3)
    ]
    lines += [journal_line("run_start", now - timedelta(hours=2), usage_reads=2)]
    lines += [
        journal_line("intent", now - timedelta(hours=25), **intent_fields(f"o{n}"))
        for n in range(50)
    ]
    (tmp_path / "journal.jsonl").write_text("".join(lines), encoding="utf-8")
    args = ["apply", ACCOUNTS, "--account", "g_down", "--allow-decrease", "--auto-approve"]
    # the plan needs 3 Heavy calls; 5 were used in the last 24 hours (older ones do not count)
    refused = zp(guard_world, *args, "--daily-heavy-budget", "7")
    assert refused.code == 1
    assert (
        "applying this plan needs 3 Heavy calls, but only 2 of the daily Heavy budget of 7 are "
        "left (5 used in the last 24 hours, per the journal)" in refused.stderr
    )
    assert "nothing was sent" in refused.stderr
    assert guard_world.writes() == []
    accepted = zp(guard_world, *args, "--daily-heavy-budget", "8")
    assert accepted.code == 0, accepted.stderr
    assert len(guard_world.writes()) == 2
    # the run journaled its two writes and its one usage read: 8 used now
    entries = [json.loads(x) for x in (tmp_path / "journal.jsonl").read_text().splitlines()]
    assert heavy_calls_used(entries, datetime.now(UTC)) == 8


def test_apply_of_a_saved_plan_keeps_to_the_budget_too(
    guard_world: Any, zp: Callable[..., Any], tmp_path: Path
) -> None:
    out = tmp_path / "plan.json"
    assert zp(guard_world, "plan", ACCOUNTS, "--account", "g_new", "--out", str(out)).code == 0
    refused = zp(guard_world, "apply", ACCOUNTS, "--plan", str(out), "--daily-heavy-budget", "0")
    assert refused.code == 1 and "needs 1 Heavy calls, but only 0" in refused.stderr
    assert guard_world.writes() == []


def test_budget_defaults_follow_the_rate_tier() -> None:
    assert daily_budget(None, None, "business") == 60_000
    assert daily_budget(None, None, "pro") == 30_000
    assert daily_budget(None, 1_000, "pro") == 1_000
    assert daily_budget(5, 1_000, "pro") == 5


def test_heavy_budget_arithmetic() -> None:
    check_heavy_budget(needed=10, budget=100, used=90)
    try:
        check_heavy_budget(needed=11, budget=100, used=90)
    except HeavyBudgetExceeded as exc:
        assert (exc.needed, exc.budget, exc.used) == (11, 100, 90)
        assert "needs 11 Heavy calls, but only 10 of the daily Heavy budget of 100" in str(exc)
    else:
        raise AssertionError("11 calls do not fit in the 10 left")


def test_heavy_calls_needed_counts_only_the_chosen_accounts() -> None:
    from reconciler.planner.model import AccountPlan, Action, Plan

    write = Action(
        op="update_base",
        klass="seat_increase",
        method="PUT",
        path="/accounts/a/plans/base",
        body={"hosts": 1},
    )
    moment = datetime(2026, 1, 1, tzinfo=UTC)
    plan = Plan(
        created_at=moment,
        expires_at=moment + timedelta(hours=1),
        git_commit=None,
        desired_sha256="0" * 64,
        accounts=(
            AccountPlan(
                account_id="a",
                source=None,
                status="changes",
                live_sha256=None,
                actions=(write, write),
                usage_read=True,
            ),
            AccountPlan(
                account_id="b", source=None, status="changes", live_sha256=None, actions=(write,)
            ),
            AccountPlan(
                account_id="c",
                source=None,
                status="blocked",
                live_sha256=None,
                actions=(write,),
                usage_read=True,
            ),
        ),
    )
    assert heavy_calls_needed(plan) == 3 + 2  # blocked accounts send nothing but read usage
    assert heavy_calls_needed(plan, ["b"]) == 1
    assert plan.heavy_calls() == 5


def test_the_usage_reads_of_plan_count_against_the_budget(
    guard_world: Any, zp: Callable[..., Any], tmp_path: Path
) -> None:
    """Each plan of g_down's decrease reads GET /plans/usage (a Heavy call): journaled, so the
    apply after two such plans has two fewer Heavy calls left."""
    journal = tmp_path / "journal.jsonl"
    plan = ["plan", ACCOUNTS, "--account", "g_down", "--allow-decrease", "--journal", str(journal)]
    for _ in range(2):
        assert zp(guard_world, *plan).code == 0
    entries = [json.loads(x) for x in journal.read_text().splitlines()]
    assert [(e["kind"], e["command"], e["usage_reads"]) for e in entries] == [
        ("heavy_reads", "plan", 1),
        ("heavy_reads", "plan", 1),
    ]
    assert heavy_calls_used(entries, datetime.now(UTC)) == 2
    usage_reads = [r for r in guard_world.requests if r.path.endswith("/plans/usage")]
    assert len(usage_reads) == 2  # what Zoom counted, the journal counted
    args = ["apply", ACCOUNTS, "--account", "g_down", "--allow-decrease", "--auto-approve"]
    refused = zp(guard_world, *args, "--daily-heavy-budget", "4")
    assert refused.code == 1
    assert "needs 3 Heavy calls, but only 2 of the daily Heavy budget of 4" in refused.stderr
    assert "(2 used in the last 24 hours, per the journal)" in refused.stderr
    assert guard_world.writes() == []


def test_a_plan_without_usage_reads_writes_no_journal(
    guard_world: Any, zp: Callable[..., Any], tmp_path: Path
) -> None:
    journal = tmp_path / "journal.jsonl"
    ran = zp(guard_world, "plan", ACCOUNTS, "--account", "g_up", "--journal", str(journal))
    assert ran.code == 0, ran.stderr
    assert not journal.exists()


def test_a_busy_journal_only_warns_that_the_reads_are_not_counted(
    guard_world: Any, zp: Callable[..., Any], tmp_path: Path
) -> None:
    from reconciler.apply.journal import Journal, RunContext

    journal = tmp_path / "journal.jsonl"
    context = RunContext.for_this_process(plan_sha256="0" * 64, git_commit=None)
    with Journal(journal, context):  # another run holds it
        ran = zp(guard_world, "plan", ACCOUNTS, "--account", "g_down", "--allow-decrease",
                 "--journal", str(journal))  # fmt: skip
    assert ran.code == 0, ran.stderr
    assert "another zoomplans apply is using it right now" in ran.stderr
    assert "this plan's 1 Heavy usage read(s) are not counted" in ran.stderr

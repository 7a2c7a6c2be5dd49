"""The plan's own read as the compare-and-swap read (reconciler.apply.recent_reads): used when
recent and the journal shows nothing since; otherwise the account is read again. Against the
in-memory Zoom, whose reads are counted."""

from __future__ import annotations

import asyncio
import copy
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from reconciler.apply.journal_records import Result
from reconciler.apply.recent_reads import RecentRead, RecordingReader, reusable_read
from reconciler.zoom.errors import NoSubscription
from tests.apply.test_executor import run as run_accounts
from tests.fakes import FakeZoom

BASE = {"plan_base": {"type": "business_monthly", "hosts": 20, "status": "active"}}
MORE = {"type": "business_monthly", "hosts": 25}


def recorded(live: Any, *, age_s: float = 0.0) -> RecentRead:
    return RecentRead(
        copy.deepcopy(live), time.monotonic() - age_s, datetime.now(UTC) - timedelta(seconds=age_s)
    )


def run(kit, zoom, journal, reads):
    plan = kit.account("sub_a", BASE, kit.action("sub_a", "update_base", MORE))
    return run_accounts(kit, zoom, journal, [plan], reads=reads)


def test_a_recent_read_is_the_compare_and_swap_read(kit, open_journal) -> None:
    journal = open_journal()
    zoom = kit.zoom({"sub_a": BASE})
    report = run(kit, zoom, journal, {"sub_a": recorded(BASE)})
    assert report.accounts[0].state == "applied"
    assert zoom.reads == ["sub_a"]  # the verification read only
    assert zoom.writes == [("update_base", "sub_a", MORE)]


def test_the_recent_read_is_compared_with_the_plan(kit, open_journal) -> None:
    journal = open_journal()
    zoom = kit.zoom({"sub_a": BASE})
    moved = {"plan_base": {**BASE["plan_base"], "hosts": 21}}
    report = run(kit, zoom, journal, {"sub_a": recorded(moved)})
    assert report.accounts[0].state == "stale"
    assert zoom.writes == []


def test_an_old_read_is_read_again(kit, open_journal) -> None:
    journal = open_journal()
    zoom = kit.zoom({"sub_a": BASE})
    zoom.plans["sub_a"]["plan_base"]["hosts"] = 21  # changed after the plan's read
    report = run(kit, zoom, journal, {"sub_a": recorded(BASE, age_s=61.0)})
    assert report.accounts[0].state == "stale"  # the read now shows the change
    assert zoom.writes == [] and zoom.reads == ["sub_a"]


def test_a_journal_line_after_the_read_means_read_again(kit, open_journal) -> None:
    earlier = open_journal(run_id="run0")
    read = recorded(BASE, age_s=0.5)
    # Another run sent a call to sub_a after the read (refused: nothing is in flight).
    call = {"account_id": "sub_a", "op": "update_base", "method": "PUT", "body": MORE}
    call["path"] = "/accounts/sub_a/plans/base"
    intent_id = earlier.intent(**call)
    earlier.outcome(intent_id, **call, result=Result.FAILED, http_status=400, message="no")
    earlier.close()
    journal = open_journal(run_id="run1")
    zoom = kit.zoom({"sub_a": BASE})
    report = run(kit, zoom, journal, {"sub_a": read})
    assert report.accounts[0].state == "applied"
    assert zoom.reads == ["sub_a", "sub_a"]  # compare-and-swap read, verification read


def test_reusable_read_rules() -> None:
    reads = {"sub_a": recorded(BASE, age_s=5.0)}
    old_line = {"account_id": "sub_a", "ts": "2020-01-01T00:00:00.000Z"}
    other = {"account_id": "sub_b", "ts": datetime.now(UTC).isoformat()}
    use = {"max_age_s": 60.0, "journal_lines": (old_line, other), "journal_pending": False}
    assert reusable_read(reads, "sub_a", **use) is reads["sub_a"]
    assert reusable_read(reads, "sub_b", **use) is None  # never read by this process
    assert reusable_read(reads, "sub_a", **{**use, "max_age_s": 1.0}) is None
    assert reusable_read(reads, "sub_a", **{**use, "journal_pending": True}) is None
    unreadable = {"account_id": "sub_a", "ts": "yesterday"}
    assert reusable_read(reads, "sub_a", **{**use, "journal_lines": (unreadable,)}) is None


def test_the_recording_reader_keeps_no_subscription_as_an_answer() -> None:
    zoom = FakeZoom(
        {"sub_a": BASE},
        usage={"sub_a": {"plan_base": {"usage": 1}}},
        errors={"sub_new": NoSubscription("no subscription", status=400, code=4130)},
    )
    reader = RecordingReader(zoom)

    async def read_both() -> None:
        assert await reader.get_plans("sub_a") == BASE
        try:
            await reader.get_plans("sub_new")
        except NoSubscription:
            pass
        else:
            raise AssertionError("NoSubscription must reach the planner")
        assert await reader.get_usage("sub_a") == {"plan_base": {"usage": 1}}

    asyncio.run(read_both())
    assert reader.reads["sub_a"].live == BASE
    assert reader.reads["sub_new"].live is None
    assert set(reader.reads) == {"sub_a", "sub_new"}

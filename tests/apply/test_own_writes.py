"""Read your own writes (issue 18 item 1), rule by rule: which PUTs are laid over a read, how."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from reconciler.apply.in_flight import InFlightRules, Now
from reconciler.apply.own_writes import laid_over, own_writes
from reconciler.zoom.zoom_time import ZoomTime
from tests.apply.journal_lines import iso, line, records

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
RULES = InFlightRules()
BASE_PUT = {"op": "update_base", "method": "PUT", "path": "/accounts/sub_a/plans/base",
            "body": {"type": "business_monthly", "hosts": 30}}  # fmt: skip
PHONE_PUT = {"op": "update_addon", "method": "PUT", "path": "/accounts/sub_a/plans/addons",
             "body": {"type": "plan_phone", "plan_details": {"plan_calling": [
                 {"type": "phone_calling_monthly_metered", "hosts": 9}]}}}  # fmt: skip
LIVE = {
    "plan_base": {"type": "business_monthly", "hosts": 20, "status": "active"},
    "plan_phone": {"plan_calling": [
        {"type": "phone_calling_monthly_metered", "hosts": 4, "status": "active"}]},
}  # fmt: skip


def put(intent_id: str, call: dict[str, object], ago: timedelta, result: str | None = "ok",
        zoom: bool = True) -> list[dict[str, object]]:  # fmt: skip
    at = {"ts": iso(NOW - ago), **({"zoom_ts": iso(NOW - ago)} if zoom else {})}
    lines = [line("intent", intent_id=intent_id, **call, **at)]
    if result is not None:
        lines.append(line("outcome", intent_id=intent_id, **call, **at, result=result))
    return lines


def test_an_accepted_put_is_laid_over_the_read_at_any_depth_and_the_read_is_not_changed() -> None:
    lines = [*put("base", BASE_PUT, timedelta(seconds=5)),
             *put("phone", PHONE_PUT, timedelta(seconds=5))]  # fmt: skip
    writes = own_writes(records(lines), master_account_id=None, now=Now(NOW, NOW), rules=RULES)
    overlaid, held = laid_over(LIVE, writes["sub_a"])
    assert overlaid is not None
    assert overlaid["plan_base"]["hosts"] == 30
    assert overlaid["plan_phone"]["plan_calling"][0]["hosts"] == 9
    assert LIVE["plan_base"]["hosts"] == 20  # a copy: the read itself is untouched
    assert [w.intent.intent_id for w in held] == ["base", "phone"]
    assert "Zoom's read shows business_monthly hosts 20; this journal holds PUT hosts 30 " in (
        held[0].describe(LIVE)
    )
    shown, nothing = laid_over(overlaid, writes["sub_a"])  # a read that shows them: no overlay
    assert shown == overlaid and nothing == []


def test_which_puts_are_laid_over() -> None:
    later = {**BASE_PUT, "body": {"type": "business_monthly", "hosts": 25}}
    lines = [
        *put("replaced", BASE_PUT, timedelta(minutes=3)),
        *put("newer", later, timedelta(minutes=2)),  # a later write replaces the earlier one
        *put("doubt-old", BASE_PUT, timedelta(minutes=20), result="ambiguous"),
        *put("refused", BASE_PUT, timedelta(minutes=1), result="failed"),
        *put("legacy", BASE_PUT, timedelta(minutes=1), zoom=False),
    ]
    writes = own_writes(records(lines), master_account_id=None, now=Now(NOW, NOW), rules=RULES)
    assert [w.intent.intent_id for w in writes["sub_a"]] == ["replaced", "newer"]
    overlaid, _held = laid_over(LIVE, writes["sub_a"])
    assert overlaid is not None and overlaid["plan_base"]["hosts"] == 25


def test_zoom_s_time_runs_on_from_its_last_date_by_the_monotonic_clock() -> None:
    ticks = iter([100.0, 103.5])
    clock = ZoomTime(lambda: next(ticks))
    assert clock.now() is None
    clock.saw("Mon, 07 Dec 2026 12:00:00 GMT")
    assert clock.now() == NOW + timedelta(seconds=3.5)
    clock.saw("not a date")  # ignored: the last good one stands
    clock.saw(None)

"""Scheduled changes: an entry's `paid_period_start_date` sends both of Zoom's dates, equal.

The call carries them at the top of its body (POST and PUT /plans/addons, PUT /plans/base; in a
subscribe, `subscription_options`); a date that is not after the plan's day is blocked, and so
is a date on a group whose body has no dates (Contact Center, Node). Every reviewer's view says
"from DATE".
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from reconciler.desired.model import DesiredAccount, SourceMark
from reconciler.planner.core import build_plan, plan_account
from reconciler.planner.model import PlanOptions
from reconciler.render.html import render_html
from reconciler.render.markdown import render_markdown
from reconciler.render.text import render_text
from reconciler.zoom.live import LivePlans
from reconciler.zoom_2026.validation import request_problems
from tests.sample_contact import CONTACT

TODAY = date(2030, 6, 1)
LATER = "2030-07-01"
DATES = {"paid_period_start_date": LATER, "service_effective_date": LATER}
BASE = {"type": "business_monthly", "hosts": 20}
LIVE = {"plan_base": {**BASE, "status": "active"}}
ADDONS = "/accounts/sub_1/plans/addons"
ALL = PlanOptions(allow_decrease=True, allow_cancel=True)


def account(plans: dict[str, Any], **kw: Any) -> DesiredAccount:
    return DesiredAccount("sub_1", SourceMark("accounts/sub_1.yaml", 1), plans, **kw)


def planned(want: dict[str, Any], live: Any, usage: Any = None, **kw: Any) -> Any:
    return plan_account(account(want, **kw), LivePlans("sub_1", live, usage), ALL, today=TODAY)


def test_a_new_add_on_from_a_date_sends_both_dates_equal() -> None:
    want = {"plan_base": BASE, "plan_whiteboard": {"type": "zwb_monthly", "hosts": 8, **DATES}}
    (action,) = planned(want, LIVE).actions
    assert action.body == {"type": "zwb_monthly", "hosts": 8, **DATES}
    assert request_problems("POST", ADDONS, action.body) == []


def test_paid_period_start_date_alone_is_enough() -> None:
    want = {"plan_base": BASE, "plan_ztransl": {"type": "ztransl_monthly", "hosts": 3}}
    want["plan_ztransl"]["paid_period_start_date"] = LATER
    (action,) = planned(want, LIVE).actions
    assert action.body == {"type": "ztransl_monthly", "hosts": 3, **DATES}


def test_seat_changes_of_add_ons_and_the_base_plan_carry_the_dates(idle_usage: Any) -> None:
    live = {
        **LIVE,
        "plan_webinar": [{"type": "webinar500_monthly", "hosts": 2, "status": "active"}],
    }
    want = {
        "plan_base": {**BASE, "hosts": 25, "paid_period_start_date": LATER},
        "plan_webinar": [{"type": "webinar500_monthly", "hosts": 5, **DATES}],
    }
    result = planned(want, live, idle_usage(live))
    assert [(a.op, a.body) for a in result.actions] == [
        ("update_base", {"type": "business_monthly", "hosts": 25, **DATES}),
        ("update_addon", {"type": "webinar500_monthly", "hosts": 5, **DATES}),
    ]
    assert request_problems("PUT", "/accounts/sub_1/plans/base", result.actions[0].body) == []
    assert request_problems("PUT", ADDONS, result.actions[1].body) == []


def test_a_phone_entry_carries_the_dates_beside_its_plan_details() -> None:
    calling = {"type": "phone_calling_pro_monthly", "hosts": 4, "paid_period_start_date": LATER}
    want = {"plan_base": BASE, "plan_phone": {"plan_calling": [calling]}}
    (action,) = planned(want, LIVE).actions
    assert action.body == {
        "type": "plan_phone",
        "plan_details": {"plan_calling": [{"type": "phone_calling_pro_monthly", "hosts": 4}]},
        **DATES,
    }
    assert request_problems("POST", ADDONS, action.body) == []


def test_a_date_that_is_not_in_the_future_is_blocked_with_a_sentence() -> None:
    for when in ("2030-06-01", "2029-12-31"):
        entry = {"type": "zwb_monthly", "hosts": 8, "paid_period_start_date": when}
        result = planned({"plan_base": BASE, "plan_whiteboard": entry}, LIVE)
        assert result.status == "blocked" and not result.actions
        (item,) = result.blocked
        assert item.reason_code == "scheduled_in_past"
        assert f"paid_period_start_date {when} is not in the future" in item.message
        assert "today is 2030-06-01 UTC" in item.message


def test_contact_center_and_node_bodies_have_no_dates_so_a_date_there_is_blocked() -> None:
    package = {"type": "zccp_monthly", "hosts": 2, "paid_period_start_date": LATER}
    result = planned({"plan_base": BASE, "plan_zcc": {"plan_package_lists": [package]}}, LIVE)
    (item,) = result.blocked
    assert item.reason_code == "schedule_not_supported"
    assert "Contact Center packages has no date fields" in item.message


def test_a_subscription_starts_on_one_date_in_its_subscription_options() -> None:
    want = {"plan_base": {**BASE, "paid_period_start_date": LATER}}
    options = {"contract_term": 12}
    (action,) = planned(want, None, contact=CONTACT, subscription_options=options).actions
    assert action.body["subscription_options"] == {"contract_term": 12, **DATES}
    assert action.body["plan_base"] == BASE
    assert request_problems("POST", "/accounts/sub_1/plans", action.body) == []


def test_a_subscription_with_two_start_dates_is_blocked() -> None:
    want = {
        "plan_base": {**BASE, "paid_period_start_date": LATER},
        "plan_webinar": [
            {"type": "webinar500_monthly", "hosts": 2, "paid_period_start_date": "2030-08-01"}
        ],
    }
    result = planned(want, None, contact=CONTACT)
    (item,) = result.blocked
    assert item.reason_code == "subscribe_dates_differ"
    assert "plan_base 2030-07-01" in item.message
    assert "plan_webinar webinar500_monthly 2030-08-01" in item.message


def test_every_view_says_from_date() -> None:
    want = {"plan_base": BASE, "plan_whiteboard": {"type": "zwb_monthly", "hosts": 8, **DATES}}
    plan = build_plan(
        [account(want)],
        {"sub_1": LivePlans("sub_1", LIVE)},
        ALL,
        now=datetime(2030, 6, 1, 12, tzinfo=UTC),
    )
    line = "+ plan_whiteboard zwb_monthly: hosts 8 (from 2030-07-01)"
    assert line in render_text(plan)
    assert line in render_markdown(plan)
    assert f"<li>{line[2:]}</li>" in render_html(plan)
    assert plan.to_json()["accounts"][0]["actions"][0]["body"]["paid_period_start_date"] == LATER


def test_the_date_is_never_compared_so_an_applied_change_plans_to_nothing() -> None:
    live = {
        **LIVE,
        "plan_whiteboard": {
            "type": "zwb_monthly",
            "hosts": 8,
            "status": "active",
            "service_effective_date": LATER,
        },
    }
    want = {"plan_base": BASE, "plan_whiteboard": {"type": "zwb_monthly", "hosts": 8, **DATES}}
    assert planned(want, live).status == "in_sync"

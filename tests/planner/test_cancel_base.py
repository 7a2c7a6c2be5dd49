"""Cancelling the base plan: its own opt-in, sent last, refused while anything stays active.

`plan_base: {type, state: cancelled, reason, comment}` plans `cancel_base` (PATCH
/plans/base/status) only with --allow-cancel-base, after every add-on cancellation of the
account, and only when nothing would still be active; it is counted by the guard rails, priced
as the base plan's saving, recorded in saved plans, and read back by apply.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from reconciler.apply.effects import change_visible, verified, write_shown
from reconciler.apply.in_flight import write_key
from reconciler.apply.preflight import PlanTampered, check_actions
from reconciler.apply.resume import resumable
from reconciler.desired.model import DesiredAccount, SourceMark
from reconciler.guards.thresholds import TooManySeatsRemoved, seats_removed, tripped_guard_rails
from reconciler.planner.core import build_plan, plan_account
from reconciler.planner.costs import price_plan
from reconciler.planner.fingerprints import live_fingerprint
from reconciler.planner.model import Plan, PlanOptions
from reconciler.pricing.prices import Price, PriceList
from reconciler.render.html import render_html
from reconciler.render.markdown import render_markdown
from reconciler.render.text import render_text
from reconciler.service.refusal import Refused
from reconciler.service.requests import OptIn, opt_ins_of
from reconciler.service.saved_plan import refuse_opt_ins
from reconciler.zoom.live import LivePlans
from reconciler.zoom_2026.validation import request_problems

BASE = {"type": "business_monthly", "hosts": 20, "status": "active"}
WEBINAR = {"type": "webinar500_monthly", "hosts": 2, "status": "active"}
CANCEL = {"type": "business_monthly", "state": "cancelled", "reason": 6, "comment": "back later"}
STATUS_PATH = "/accounts/sub_1/plans/base/status"
EVERYTHING = PlanOptions(allow_cancel=True, allow_cancel_base=True)


def account(plans: dict[str, Any]) -> DesiredAccount:
    return DesiredAccount("sub_1", SourceMark("accounts/sub_1.yaml", 1), plans)


def planned(want: dict[str, Any], live: Any, options: PlanOptions = EVERYTHING) -> Any:
    return plan_account(account(want), LivePlans("sub_1", live), options)


def whole_plan(want: dict[str, Any], live: Any, options: PlanOptions = EVERYTHING) -> Plan:
    return build_plan([account(want)], {"sub_1": LivePlans("sub_1", live)}, options)


def test_without_the_flag_it_is_blocked_with_a_sentence_naming_it() -> None:
    result = planned({"plan_base": CANCEL}, {"plan_base": BASE}, PlanOptions(allow_cancel=True))
    assert result.status == "blocked" and not result.actions
    (item,) = result.blocked
    assert (item.reason_code, item.op, item.path) == (
        "cancel_base_not_allowed",
        "cancel_base",
        STATUS_PATH,
    )
    assert "needs --allow-cancel-base" in item.message


def test_with_the_flag_it_is_one_patch_with_zooms_reason_and_comment() -> None:
    result = planned({"plan_base": CANCEL}, {"plan_base": BASE})
    (action,) = result.actions
    assert (action.op, action.klass, action.method, action.path) == (
        "cancel_base", "base_cancelled", "PATCH", STATUS_PATH,
    )  # fmt: skip
    assert action.body == {"action": "cancel", "reason": 6, "comment": "back later"}
    assert action.before == {"type": "business_monthly", "hosts": 20}
    assert request_problems("PATCH", STATUS_PATH, action.body) == []


def test_it_goes_after_every_add_on_cancellation_of_the_account() -> None:
    live = {
        "plan_base": BASE,
        "plan_webinar": [WEBINAR],
        "plan_phone": {"plan_calling": [{"type": "phone_calling_pro_monthly", "hosts": 3}]},
        "plan_whiteboard": {"type": "zwb_monthly", "hosts": 4, "status": "active"},
    }
    want = {
        "plan_base": CANCEL,
        "plan_webinar": [{"type": "webinar500_monthly", "state": "cancelled"}],
        "plan_phone": {
            "plan_calling": [{"type": "phone_calling_pro_monthly", "state": "cancelled"}]
        },
        "plan_whiteboard": {"type": "zwb_monthly", "state": "cancelled"},
    }
    result = planned(want, live)
    assert [a.op for a in result.actions] == ["cancel_addon"] * 3 + ["cancel_base"]
    assert result.status == "changes"


@pytest.mark.parametrize(
    ("want_extra", "options", "listed"),
    [
        ({}, EVERYTHING, "plan_webinar webinar500_monthly"),  # the file does not mention it
        (
            {"plan_webinar": [{"type": "webinar500_monthly", "hosts": 2}]},
            EVERYTHING,
            "plan_webinar",
        ),
        ({"plan_ztransl": {"type": "ztransl_monthly", "hosts": 1}}, EVERYTHING, "plan_ztransl"),
    ],
    ids=["unmanaged add-on", "kept add-on", "new add-on"],
)
def test_anything_left_active_blocks_it_and_is_listed(
    want_extra: dict[str, Any], options: PlanOptions, listed: str
) -> None:
    result = planned(
        {"plan_base": CANCEL, **want_extra}, {"plan_base": BASE, "plan_webinar": [WEBINAR]}, options
    )
    assert result.status == "blocked"
    item = next(b for b in result.blocked if b.op == "cancel_base")
    assert item.reason_code == "addons_still_active"
    assert listed in item.message
    assert "Zoom cancels a base plan only once every add-on is cancelled" in item.message


def test_an_add_on_cancellation_without_its_own_flag_leaves_it_active() -> None:
    want = {
        "plan_base": CANCEL,
        "plan_webinar": [{"type": "webinar500_monthly", "state": "cancelled"}],
    }
    result = planned(
        want, {"plan_base": BASE, "plan_webinar": [WEBINAR]}, PlanOptions(allow_cancel_base=True)
    )
    assert sorted(b.reason_code for b in result.blocked) == [
        "addons_still_active",
        "cancel_not_allowed",
    ]


def test_a_live_group_zoomplans_does_not_know_also_blocks_it() -> None:
    result = planned(
        {"plan_base": CANCEL}, {"plan_base": BASE, "plan_future": {"type": "x", "hosts": 1}}
    )
    assert "plan_future (a plan group unknown to zoomplans)" in result.blocked[0].message


def test_another_live_type_is_never_cancelled() -> None:
    live = {"plan_base": {**BASE, "type": "business_yearly"}}
    (item,) = planned({"plan_base": CANCEL}, live).blocked
    assert item.reason_code == "base_type_mismatch"
    assert "the live base plan is business_yearly" in item.message


def test_an_already_cancelled_or_absent_base_is_in_sync() -> None:
    for live in ({"plan_base": {**BASE, "status": "cancelled"}}, None):
        assert planned({"plan_base": CANCEL}, live).status == "in_sync"


def test_guard_rails_summary_and_money_count_it() -> None:
    plan = whole_plan({"plan_base": CANCEL}, {"plan_base": BASE})
    assert plan.summary()["actions"]["cancel_base"] == 1
    assert seats_removed(plan) == 20
    limited = Plan(
        **{**plan.__dict__, "options": PlanOptions(allow_cancel_base=True, max_seats_removed=10)}
    )
    assert [type(t) for t in tripped_guard_rails(limited)] == [TooManySeatsRemoved]
    prices = PriceList(
        {"business_monthly": Price("business_monthly", Decimal("20"), True, "month", "USD")},
        "p.yaml",
    )
    priced = price_plan(plan, prices)
    (action,) = priced.accounts[0].actions
    assert action.cost is not None and action.cost.monthly == Decimal("-400")
    assert priced.summary()["cost"]["monthly"] == {"USD": "-400.00"}


def test_every_view_shows_it() -> None:
    plan = whole_plan({"plan_base": CANCEL}, {"plan_base": BASE})
    text = render_text(plan)
    assert "- plan_base business_monthly: hosts 20 (cancel the base plan)" in text
    assert "0 to cancel, 1 base plan(s) to cancel;" in text
    assert "| `cancel_base` | 1 |" in render_markdown(plan)
    html = render_html(plan)
    assert "<td>cancel_base</td>" in html
    assert "<li>plan_base business_monthly: hosts 20 (cancel the base plan)</li>" in html


def test_the_opt_in_is_recorded_in_the_plan_file_and_apply_plan_needs_it_given_again() -> None:
    plan = whole_plan({"plan_base": CANCEL}, {"plan_base": BASE})
    again = Plan.from_json(plan.to_json())
    assert again.options.allow_cancel_base is True
    assert again.accounts[0].actions[0].op == "cancel_base"
    check_actions(again.accounts)  # a plan as written passes apply's preflight
    where = Path("plan.json")
    with pytest.raises(Refused, match="apply was not given --allow-cancel-base"):
        refuse_opt_ins(again, where, opt_ins_of(again.options) - {OptIn.ALLOW_CANCEL_BASE})
    refuse_opt_ins(again, where, opt_ins_of(again.options))  # the same flags: accepted
    without = whole_plan({"plan_base": CANCEL}, {"plan_base": BASE}, PlanOptions())
    with pytest.raises(Refused, match="planned without --allow-cancel-base"):
        refuse_opt_ins(without, where, frozenset({OptIn.ALLOW_CANCEL_BASE}))


def test_a_tampered_cancel_base_body_is_refused_before_anything_is_sent() -> None:
    plan = whole_plan({"plan_base": CANCEL}, {"plan_base": BASE}).to_json()
    plan["accounts"][0]["actions"][0]["body"] = {"action": "cancel", "type": "business_monthly"}
    with pytest.raises(PlanTampered, match="a base plan cancellation names no type"):
        check_actions(Plan.from_json(plan).accounts)


def test_apply_sees_it_happen_and_can_resume_after_it() -> None:
    body = {"action": "cancel", "reason": 6}
    gone = {"plan_base": {**BASE, "status": "cancelled"}}
    assert change_visible("cancel_base", body, gone) and verified("cancel_base", body, gone)
    assert write_shown("cancel_base", body, gone)
    assert not change_visible("cancel_base", body, {"plan_base": BASE})
    assert write_key("cancel_base", body) == ("cancel_base", "")
    (action,) = planned({"plan_base": CANCEL}, {"plan_base": BASE}).actions
    assert resumable([action], gone, live_fingerprint({"plan_base": BASE}))
    assert not resumable([action], gone, live_fingerprint({"plan_base": {**BASE, "hosts": 3}}))

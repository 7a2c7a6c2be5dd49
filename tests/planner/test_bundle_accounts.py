"""A bundle-subscribed account: Zoom lists it subscribed, its base plan's type the bundle code.

The file that subscribed it (`plan_bundle`, no `plan_base`) is then in sync for its base plan
and its add-ons are planned as on any account; a file asking Zoom to change or cancel the
bundle's base plan, or declaring a bundle the account does not have, is blocked with a sentence
(Zoom refuses both for bundles, and a bundle is bought only by subscribing).
"""

from __future__ import annotations

from typing import Any

from reconciler.desired.model import DesiredAccount, SourceMark
from reconciler.importing.shape import answer_as_desired
from reconciler.planner.core import plan_account
from reconciler.planner.model import PlanOptions
from reconciler.zoom.live import LivePlans
from tests.sample_contact import CONTACT

CODE = "ACT-ENT-LMT_500-WBN_500-T_1-monthly"
BUNDLE = {"plan_bundle": [{"type": CODE}]}
DATES = {"service_effective_date": "2026-12-01T00:00:00Z", "next_invoice_date": "2027-01-01"}
LIVE = {"plan_base": {"type": CODE, "status": "active", **DATES}}
ALL = PlanOptions(allow_decrease=True, allow_cancel=True, allow_cancel_base=True)
WEBINAR = {"type": "webinar500_monthly", "hosts": 30}


def _plan(want: dict[str, Any], live: dict[str, Any] | None, **kw: Any) -> Any:
    desired = DesiredAccount("sub_1", SourceMark("accounts/sub_1.yaml", 1), want, **kw)
    return plan_account(desired, LivePlans("sub_1", live, None), ALL)


def test_the_bundle_the_file_subscribed_is_in_sync() -> None:
    result = _plan(BUNDLE, LIVE, contact=CONTACT)
    assert result.status == "in_sync"
    assert (result.actions, result.blocked, result.unmanaged) == ((), (), ())


def test_a_bundle_with_hosts_is_in_sync_too() -> None:
    live = {"plan_base": {**LIVE["plan_base"], "hosts": 10}}
    assert _plan(BUNDLE, live, contact=CONTACT).status == "in_sync"


def test_a_bundle_accounts_add_ons_are_planned_as_usual_without_a_base_seat_ceiling() -> None:
    """No base seats to hold a webinar's 30 hosts against: the bundle's seats are Zoom's."""
    (action,) = _plan({**BUNDLE, "plan_webinar": [WEBINAR]}, LIVE).actions
    assert (action.op, action.method, action.path) == (
        "add_addon",
        "POST",
        "/accounts/sub_1/plans/addons",
    )
    assert action.body == WEBINAR


def test_a_base_plan_change_on_a_bundle_account_is_blocked_with_a_sentence() -> None:
    result = _plan({"plan_base": {"type": "business_monthly", "hosts": 20}}, LIVE)
    assert result.actions == ()
    (item,) = result.blocked
    assert item.reason_code == "bundle_base_change"
    assert f"subscribed to the bundle {CODE}" in item.message
    assert f"plan_bundle: [{{type: {CODE}}}]" in item.message


def test_cancelling_a_bundle_accounts_base_plan_is_blocked_even_with_the_flag() -> None:
    want = {"plan_base": {"type": CODE, "state": "cancelled", "reason": 6}}
    result = _plan(want, LIVE)
    assert result.actions == ()
    (item,) = result.blocked
    assert item.reason_code == "bundle_cancel"
    assert "refuses cancellation requests for a bundle plan" in item.message


def test_a_declared_bundle_the_account_does_not_have_is_blocked() -> None:
    live = {"plan_base": {"type": "business_monthly", "hosts": 20, "status": "active"}}
    (item,) = _plan(BUNDLE, live).blocked
    assert item.reason_code == "bundle_not_live"
    assert f"subscribes {CODE}" in item.message and "base plan business_monthly" in item.message
    other = {"plan_base": {**LIVE["plan_base"], "type": "ACT-ENT-LMT_200-T_1-monthly"}}
    (item,) = _plan(BUNDLE, other).blocked
    assert "already subscribed to the bundle ACT-ENT-LMT_200-T_1-monthly" in item.message


def test_an_unsubscribed_account_still_plans_the_bundle_subscribe() -> None:
    (action,) = _plan(BUNDLE, None, contact=CONTACT).actions
    assert action.op == "subscribe" and action.body == {"contact": CONTACT, **BUNDLE}


def test_import_writes_a_bundle_account_as_its_bundle_and_plans_back_in_sync() -> None:
    live = {
        "plan_base": {**LIVE["plan_base"], "hosts": 10},
        "plan_webinar": [{**WEBINAR, "status": "active", **DATES}],
    }
    plans, subscribed, left_out = answer_as_desired("sub_1", live)
    assert subscribed
    assert plans == {"plan_webinar": [WEBINAR], **BUNDLE}
    assert left_out == [f"plan_bundle {CODE}: field(s) hosts"]
    assert _plan(plans, live).status == "in_sync"

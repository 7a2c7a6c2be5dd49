"""Reading a raw GET /plans answer for whether a call's change is there."""

from __future__ import annotations

from reconciler.apply import change_visible, verified

LIVE = {
    "plan_base": {"type": "business_monthly", "hosts": 25, "status": "active"},
    "plan_webinar": [
        {"type": "webinar500_monthly", "hosts": 3, "status": "active"},
        {"type": "webinar1000_monthly", "hosts": 1, "status": "cancelled"},
    ],
    "plan_recording": "cmr_monthly_commitment_40",
    "plan_recording_status": "active",
    "plan_audio": {"type": "tollfree_payongo", "tollfree_countries": "US,CA", "status": "active"},
    "plan_phone": {"plan_base": {"type": "phone_payongo", "callout_countries": "US"}},
}


def test_update_base_needs_the_new_hosts() -> None:
    assert change_visible("update_base", {"type": "business_monthly", "hosts": 25}, LIVE)
    assert not change_visible("update_base", {"type": "business_monthly", "hosts": 26}, LIVE)
    assert not change_visible("update_base", {"type": "business_yearly", "hosts": 25}, LIVE)


def test_add_addon_needs_the_type_active_with_its_hosts() -> None:
    assert change_visible("add_addon", {"type": "webinar500_monthly", "hosts": 3}, LIVE)
    assert not change_visible("add_addon", {"type": "webinar500_monthly", "hosts": 4}, LIVE)
    # A cancelled entry is still listed by Zoom, but it is not a plan the account keeps.
    assert not change_visible("add_addon", {"type": "webinar1000_monthly", "hosts": 1}, LIVE)
    assert change_visible("add_addon", {"type": "cmr_monthly_commitment_40", "hosts": 1}, LIVE)
    assert change_visible("add_addon", {"type": "phone_payongo", "hosts": 1}, LIVE)


def test_countries_compare_as_sets() -> None:
    body = {"type": "tollfree_payongo", "tollfree_countries": "CA,US"}
    assert change_visible("add_addon", body, LIVE)
    assert not change_visible("add_addon", {**body, "tollfree_countries": "US"}, LIVE)


def test_cancel_is_visible_when_cancelled_or_absent() -> None:
    assert change_visible("cancel_addon", {"action": "cancel", "type": "webinar1000_monthly"}, LIVE)
    assert change_visible("cancel_addon", {"action": "cancel", "type": "large500_monthly"}, LIVE)
    assert not change_visible(
        "cancel_addon", {"action": "cancel", "type": "webinar500_monthly"}, LIVE
    )
    cancelled = {**LIVE, "plan_recording_status": "cancelled"}
    body = {"action": "cancel", "type": "cmr_monthly_commitment_40"}
    assert change_visible("cancel_addon", body, cancelled)
    assert not change_visible("cancel_addon", body, LIVE)


def test_a_lost_subscribe_is_settled_by_any_active_base_but_verified_strictly() -> None:
    body = {
        "contact": {"first_name": "Ada"},
        "plan_base": {"type": "business_monthly", "hosts": 25},
        "plan_webinar": [{"type": "webinar500_monthly", "hosts": 3}],
        "plan_recording": "cmr_monthly_commitment_40",
    }
    assert change_visible("subscribe", body, LIVE)
    assert verified("subscribe", body, LIVE)
    assert not verified("subscribe", {**body, "plan_recording": "cmr_monthly_commitment_100"}, LIVE)
    assert not change_visible("subscribe", body, None)
    expired = {"plan_base": {"type": "business_monthly", "hosts": 25, "status": "expired"}}
    assert not change_visible("subscribe", body, expired)


def test_read_through_the_planner_s_normalisation() -> None:
    # Numeric strings seen in answers are numbers; "Canceled" in any case is inactive.
    live = {
        "plan_base": {"type": "business_monthly", "hosts": "25", "status": "active"},
        "plan_zoom_rooms": {"type": "zroom_monthly", "hosts": 2, "status": "Canceled"},
    }
    assert change_visible("update_base", {"type": "business_monthly", "hosts": 25}, live)
    assert change_visible("cancel_addon", {"action": "cancel", "type": "zroom_monthly"}, live)
    # An answer no reading explains shows nothing, and never raises.
    assert not change_visible("add_addon", {"type": "zroom_monthly", "hosts": 2}, {"plan_base": 7})
    assert not verified("subscribe", {"plan_base": {"type": "x", "hosts": 1}}, {"plan_base": 7})

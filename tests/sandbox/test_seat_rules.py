"""Zoom's add-on seat ceilings and subscribing an account whose base plan lapsed, over HTTP.

Webinar and Zoom Events hosts may not exceed the base plan's hosts; large-meeting hosts must
stay below them (Zoom's plan catalogue preconditions). A subscribe after a lapsed base keeps
the add-ons Zoom still lists and refuses to buy one of them again.
"""

from __future__ import annotations

from typing import Any

from tests.sample_contact import CONTACT

Zoom = tuple[Any, Any]
PRO3 = {"plan_base": {"type": "monthly", "hosts": 3, "status": "active"}}


def error(answer: Any) -> tuple[int, int, str]:
    body = answer.json()
    return answer.status_code, body["code"], body["message"]


def test_addon_hosts_above_base_hosts_are_code_300_and_change_nothing(zoom: Zoom) -> None:
    sb, client = zoom
    sb.set_plans("sub_pro", PRO3)
    before = sb.plans("sub_pro")
    too_many = client.post(
        "/accounts/sub_pro/plans/addons", json={"type": "webinar500_monthly", "hosts": 8}
    )
    assert error(too_many) == (
        400,
        300,
        "Webinar hosts must be equal or smaller than the base plan hosts (3).",
    )
    equal_large = client.post(
        "/accounts/sub_pro/plans/addons", json={"type": "large500_monthly", "hosts": 3}
    )
    assert error(equal_large) == (
        400,
        300,
        "Large Meeting hosts must be smaller than the base plan hosts (3).",
    )
    assert sb.plans("sub_pro") == before
    ok = client.post(
        "/accounts/sub_pro/plans/addons", json={"type": "zoomevents500_monthly", "hosts": 3}
    )
    assert ok.status_code == 201
    grow = client.put(
        "/accounts/sub_pro/plans/addons", json={"type": "zoomevents500_monthly", "hosts": 4}
    )
    assert error(grow)[:2] == (400, 300)
    assert sb.plans("sub_pro")["plan_zoom_events"][0]["hosts"] == 3


def test_base_decrease_below_addon_hosts_is_refused_and_increase_first_works(
    zoom: Zoom,
) -> None:
    sb, client = zoom
    sb.set_plans(
        "sub_pro",
        {**PRO3, "plan_webinar": [{"type": "webinar500_monthly", "hosts": 3}]},
    )
    lower = client.put("/accounts/sub_pro/plans/base", json={"type": "monthly", "hosts": 2})
    assert error(lower) == (
        400,
        300,
        "Webinar hosts must be equal or smaller than the base plan hosts (2).",
    )
    assert sb.plans("sub_pro")["plan_base"]["hosts"] == 3
    # Base increase first, then the add-on increase: valid at every step.
    base = client.put("/accounts/sub_pro/plans/base", json={"type": "monthly", "hosts": 8})
    assert base.status_code == 204
    addon = client.put(
        "/accounts/sub_pro/plans/addons", json={"type": "webinar500_monthly", "hosts": 8}
    )
    assert addon.status_code == 200  # Zoom's 2026 document: PUT add-ons answers 200


def test_subscribe_with_addons_above_its_base_is_refused(zoom: Zoom) -> None:
    sb, client = zoom
    body = {
        "contact": CONTACT,
        "plan_base": {"type": "monthly", "hosts": 3},
        "plan_webinar": [{"type": "webinar500_monthly", "hosts": 8}],
    }
    assert error(client.post("/accounts/sub_new/plans", json=body))[:2] == (400, 300)
    assert sb.plans("sub_new") == {}


LAPSED = {
    "plan_base": {"type": "business_monthly", "hosts": 12, "status": "cancelled"},
    "plan_webinar": [
        {"type": "webinar500_monthly", "hosts": 5, "status": "active"},
        {"type": "webinar1000_monthly", "hosts": 2, "status": "cancelled"},
    ],
}


def test_subscribe_after_a_lapse_keeps_active_addons_and_refuses_buying_them_again(
    zoom: Zoom,
) -> None:
    sb, client = zoom
    sb.set_plans("sub_lapsed", LAPSED)
    again = {
        "contact": CONTACT,
        "plan_base": {"type": "business_monthly", "hosts": 12},
        "plan_webinar": [{"type": "webinar500_monthly", "hosts": 5}],
    }
    assert error(client.post("/accounts/sub_lapsed/plans", json=again)) == (
        400,
        2100,
        "This subaccount already has the additional plan: webinar500_monthly.",
    )
    assert sb.plans("sub_lapsed")["plan_base"]["status"] == "cancelled"
    fresh = {**again, "plan_webinar": [{"type": "webinar1000_monthly", "hosts": 4}]}
    assert client.post("/accounts/sub_lapsed/plans", json=fresh).status_code == 201
    plans = sb.plans("sub_lapsed")
    assert plans["plan_base"]["status"] == "active"
    assert [(e["type"], e["hosts"], e["status"]) for e in plans["plan_webinar"]] == [
        ("webinar500_monthly", 5, "active"),  # kept from before the lapse
        ("webinar1000_monthly", 4, "active"),  # the cancelled one bought again
    ]


def test_subscribe_after_a_lapse_refuses_a_base_below_the_kept_addons(zoom: Zoom) -> None:
    sb, client = zoom
    sb.set_plans("sub_lapsed", LAPSED)
    body = {"contact": CONTACT, "plan_base": {"type": "monthly", "hosts": 4}}
    assert error(client.post("/accounts/sub_lapsed/plans", json=body)) == (
        400,
        300,
        "Webinar hosts must be equal or smaller than the base plan hosts (4).",
    )

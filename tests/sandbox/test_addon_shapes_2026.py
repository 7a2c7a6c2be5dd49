"""Buying, changing and cancelling add-ons in Zoom's 2026 shapes, over real loopback HTTP.

Every request and answer is checked against Zoom's 2026 document (tests/sandbox/zoom_calls.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from reconciler.sandbox import SandboxServer
from tests.sandbox.zoom_calls import SEED_2026, call, refusal

Factory = Callable[..., SandboxServer]
Zoom = tuple[SandboxServer, httpx.Client]
ADDONS = "/accounts/{}/plans/addons"
CANCEL = "/accounts/{}/plans/addons/status"


@pytest.fixture
def zoom(sandbox: Factory, client_for: Callable[[SandboxServer], httpx.Client]) -> Iterator[Zoom]:
    sb = sandbox(SEED_2026)
    yield sb, client_for(sb)


def test_whiteboard_seats_change_and_translation_is_bought_with_the_simple_shape(
    zoom: Zoom,
) -> None:
    sb, client = zoom
    bought = call(client, "POST", ADDONS.format("sub_biz"), {"type": "zwb_monthly", "hosts": 5})
    assert bought.status_code == 201
    assert bought.json() == {"plan_whiteboard": {"type": "zwb_monthly", "hosts": 5}}
    changed = call(client, "PUT", ADDONS.format("sub_biz"), {"type": "zwb_monthly", "hosts": 8})
    assert (changed.status_code, changed.content) == (200, b"")
    new = {"type": "ztransl_monthly", "hosts": 3}
    assert call(client, "POST", ADDONS.format("sub_biz"), new).status_code == 201
    plans = call(client, "GET", "/accounts/sub_biz/plans").json()
    assert plans["plan_whiteboard"]["hosts"] == 8
    assert plans["plan_whiteboard"]["status"] == "active"
    assert plans["plan_ztransl"] == {"type": "ztransl_monthly", "hosts": 3}  # no dates in GET
    assert plans == sb.plans("sub_biz")


def test_the_phone_shape_buys_base_calling_power_pack_and_numbers_at_once(zoom: Zoom) -> None:
    sb, client = zoom
    body = {
        "type": "plan_phone",
        "plan_details": {
            "plan_base": {"type": "phone_payongo", "callout_countries": "US,CA"},
            "plan_calling": [{"type": "phone_calling_usca_monthly_unlimited", "hosts": 5}],
            "plan_calling_addons": [{"type": "zp_power_pack_monthly", "hosts": 2}],
            "plan_number": [{"type": "phone_number_usca_monthly", "hosts": 3}],
        },
    }
    answer = call(client, "POST", ADDONS.format("sub_biz"), body)
    assert answer.status_code == 201
    assert answer.json()["plan_phone"]["plan_calling_addons"] == [
        {"type": "zp_power_pack_monthly", "hosts": 2}
    ]
    phone = call(client, "GET", "/accounts/sub_biz/plans").json()["plan_phone"]
    assert set(phone) == {"plan_base", "plan_calling", "plan_number"}  # GET has no Power Pack
    assert phone["plan_base"]["callout_countries"] == "US,CA"
    assert phone["plan_calling"][0]["hosts"] == 5
    held = sb.held_plans("sub_biz")["plan_phone"]["plan_calling_addons"]
    assert [(e["type"], e["hosts"], e["status"]) for e in held] == [
        ("zp_power_pack_monthly", 2, "active")
    ]
    # Zoom's older simple shape still buys a phone plan part.
    simple = {"type": "phone_number_usca_one_year", "hosts": 1}
    assert call(client, "POST", ADDONS.format("sub_biz"), simple).status_code == 201


def test_cancelling_the_phone_type_cancels_the_phone_base_and_every_phone_add_on(
    zoom: Zoom,
) -> None:
    sb, client = zoom
    power = {
        "type": "plan_phone",
        "plan_details": {"plan_calling_addons": [{"type": "zp_power_pack_yearly", "hosts": 1}]},
    }
    assert call(client, "POST", ADDONS.format("sub_phone"), power).status_code == 201
    cancel = {"action": "cancel", "type": "phone_payongo", "reason": 5, "comment": "wrong one"}
    assert call(client, "PATCH", CANCEL.format("sub_phone"), cancel).status_code == 200
    phone = sb.held_plans("sub_phone")["plan_phone"]
    assert phone["plan_base"]["status"] == "cancelled"
    assert phone["plan_calling"][0]["status"] == "cancelled"
    assert phone["plan_calling_addons"][0]["status"] == "cancelled"
    again = call(
        client, "PATCH", CANCEL.format("sub_phone"), {"action": "cancel", "type": "plan_phone"}
    )
    assert refusal(again) == (
        400,
        200,
        "You cannot perform this action because you do not have a Zoom Phone subscription "
        "for this account.",
    )


def test_a_power_pack_needs_a_calling_plan(zoom: Zoom) -> None:
    _sb, client = zoom
    body = {
        "type": "plan_phone",
        "plan_details": {
            "plan_base": {"type": "phone_payongo"},
            "plan_calling_addons": [{"type": "zp_power_pack_monthly", "hosts": 1}],
        },
    }
    status, code, message = refusal(call(client, "POST", ADDONS.format("sub_biz"), body))
    assert (status, code) == (400, 2100)
    assert message.endswith(
        "Zoom Phone Power Pack (zp_power_pack_monthly) needs a Zoom Phone calling plan."
    )


def zcc(**details: Any) -> dict[str, Any]:
    return {"type": "plan_zcc", "plan_zcc_details": details}


def test_the_contact_center_shape_buys_a_package_and_its_add_ons(zoom: Zoom) -> None:
    sb, client = zoom
    body = zcc(
        plan_package_list=[{"type": "zccp_monthly", "hosts": 10}],
        plan_ai_expert_assist={"type": "ai_expert_assist_monthly", "hosts": 10},
        plan_usage={"type": "zcc_pay_as_you_go", "callout_countries": "US"},
        plan_recording={"type": "zcc_cs_200gb"},
        plan_phone_number=[{"type": "vspn_usca_monthly", "hosts": 2}],
    )
    assert call(client, "POST", ADDONS.format("sub_biz"), body).status_code == 201
    shown = call(client, "GET", "/accounts/sub_biz/plans").json()["plan_zcc"]
    assert set(shown) == {
        "plan_package_lists",
        "plan_ai_expert_assist",
        "plan_usage",
        "plan_phone_number",
    }
    assert shown["plan_package_lists"][0]["hosts"] == 10
    assert shown["plan_ai_expert_assist"]["type"] == "ai_expert_assist_monthly"
    assert "hosts" not in shown["plan_ai_expert_assist"]  # Zoom's GET lists none
    assert sb.held_plans("sub_biz")["plan_zcc"]["plan_recording"]["type"] == "zcc_cs_200gb"
    seats = {"type": "zccp_monthly", "hosts": 12}
    assert call(client, "PUT", ADDONS.format("sub_biz"), seats).status_code == 200
    assert sb.plans("sub_biz")["plan_zcc"]["plan_package_lists"][0]["hosts"] == 12


@pytest.mark.parametrize(
    ("details", "rule"),
    [
        (
            {"plan_phone_number": [{"type": "vspn_usca_monthly", "hosts": 1}]},
            "Contact Center add-on vspn_usca_monthly needs a Contact Center package.",
        ),
        (
            {"plan_ai_expert_assist": {"type": "ai_expert_assist_yearly", "hosts": 1}},
            "AI Expert Assist ai_expert_assist_yearly needs a Contact Center basic plan.",
        ),
        (
            {
                "plan_package_list": [{"type": "zcc_con_pkg_monthly", "hosts": 5}],
                "plan_ai_expert_assist": {"type": "ai_expert_assist_yearly", "hosts": 1},
            },
            "AI Expert Assist ai_expert_assist_yearly cannot be combined with the concurrent "
            "plan zcc_con_pkg_monthly.",
        ),
    ],
)
def test_contact_center_preconditions(zoom: Zoom, details: dict[str, Any], rule: str) -> None:
    sb, client = zoom
    status, code, message = refusal(call(client, "POST", ADDONS.format("sub_biz"), zcc(**details)))
    assert (status, code) == (400, 2100)
    assert message == f"Account doesn't have the permission to purchase this plan. {rule}"
    assert "plan_zcc" not in sb.held_plans("sub_biz")


def test_the_node_shape_needs_a_phone_base_and_then_buys_its_parts(zoom: Zoom) -> None:
    sb, client = zoom
    body = {
        "type": "plan_znode",
        "plan_znode_details": {
            "plan_znode_base": {"type": "znode_monthly", "hosts": 1},
            "plan_zphybrid": {"type": "zph_monthly", "hosts": 4},
            "plan_rchybrid": {"type": "zrc_monthly", "hosts": 1},
        },
    }
    status, code, message = refusal(call(client, "POST", ADDONS.format("sub_biz"), body))
    assert (status, code) == (400, 2100)
    assert message.endswith("Zoom Node (znode_monthly) needs a Zoom Phone base plan.")
    assert call(client, "POST", ADDONS.format("sub_phone"), body).status_code == 201
    node = call(client, "GET", "/accounts/sub_phone/plans").json()["plan_znode"]
    assert {k: v["type"] for k, v in node.items()} == {
        "plan_znode_base": "znode_monthly",
        "plan_zphybrid": "zph_monthly",
        "plan_rchybrid": "zrc_monthly",
    }
    seats = {"type": "zph_monthly", "hosts": 6}
    assert call(client, "PUT", ADDONS.format("sub_phone"), seats).status_code == 200
    assert sb.plans("sub_phone")["plan_znode"]["plan_zphybrid"]["hosts"] == 6
    part = {
        "type": "plan_znode",
        "plan_znode_details": {"plan_zmhybrid": {"type": "zm_hybrid_monthly", "hosts": 1}},
    }
    assert call(client, "POST", ADDONS.format("sub_phone"), part).status_code == 201
    lone = {"type": "zmc_monthly", "hosts": 1}
    status, code, message = refusal(call(client, "POST", ADDONS.format("sub_biz"), lone))
    assert message.endswith("Zoom Node add-on zmc_monthly needs a Zoom Node base plan.")


def test_business_plus_needs_a_phone_base_plan(zoom: Zoom) -> None:
    _sb, client = zoom
    body = {"type": "zobp_usca_monthly_unlimited", "hosts": 10}
    status, code, message = refusal(call(client, "POST", ADDONS.format("sub_biz"), body))
    assert (status, code) == (400, 2100)
    assert "must be bought with a Zoom Phone base plan" in message
    assert call(client, "POST", ADDONS.format("sub_phone"), body).status_code == 201


def test_video_sdk_recording_only_on_a_video_sdk_base(zoom: Zoom) -> None:
    sb, client = zoom
    body = {"type": "zvsdkcr_1TB_monthly", "hosts": 1}
    status, code, message = refusal(call(client, "POST", ADDONS.format("sub_biz"), body))
    assert (status, code) == (400, 2100)
    assert "only for accounts whose base plan is a Video SDK plan" in message
    assert call(client, "POST", ADDONS.format("sub_vsdk"), body).status_code == 201
    assert sb.plans("sub_vsdk")["plan_recording"] == "zvsdkcr_1TB_monthly"


def test_a_group_without_status_in_get_is_no_longer_listed_once_cancelled(zoom: Zoom) -> None:
    sb, client = zoom
    cancel = {"action": "cancel", "type": "ztransl_monthly"}
    assert call(client, "PATCH", CANCEL.format("sub_all"), cancel).status_code == 200
    assert "plan_ztransl" not in sb.plans("sub_all")
    cancel = {"action": "cancel", "type": "zwb_monthly"}
    assert call(client, "PATCH", CANCEL.format("sub_all"), cancel).status_code == 200
    assert sb.plans("sub_all")["plan_whiteboard"]["status"] == "cancelled"


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"type": "plan_zcc", "plan_details": {}}, "type", "must be plan_phone with plan_details"),
        (
            zcc(plan_usage={"type": "zcc_pay_as_you_go", "hosts": 2}),
            "plan_zcc_details.plan_usage.hosts",
            "is not a field Zoom's API takes here",
        ),
        (
            {"type": "zwb_monthly", "hosts": 2, "host": 2},
            "host",
            "is not a field Zoom's API takes here",
        ),
        (
            {"type": "zwb_monthly", "hosts": 2, "callout_countries": "US"},
            "callout_countries",
            "is not a field of Whiteboard plans",
        ),
        (
            {
                "type": "plan_phone",
                "plan_details": {
                    "plan_calling": [{"type": "phone_calling_usca_one_year_unlimited"}]
                },
            },
            "plan_details.plan_calling[0].hosts",
            "is required",
        ),
        (zcc(), "plan_zcc_details", "must name at least one plan"),
    ],
)
def test_bad_add_on_bodies_name_the_field(
    zoom: Zoom, body: dict[str, Any], field: str, message: str
) -> None:
    _sb, client = zoom
    answer = call(client, "POST", ADDONS.format("sub_phone"), body, bad_request=True)
    assert (answer.status_code, answer.json()["code"]) == (400, 300)
    assert {"field": field, "message": message} in answer.json()["errors"]


def test_a_code_in_the_wrong_part_of_a_nested_body_is_2100(zoom: Zoom) -> None:
    _sb, client = zoom
    body = zcc(plan_package_list=[{"type": "vspn_usca_monthly", "hosts": 1}])
    assert refusal(call(client, "POST", ADDONS.format("sub_biz"), body)) == (
        400,
        2100,
        "Invalid Contact Center Package Plan Type: vspn_usca_monthly",
    )


@pytest.mark.parametrize("code", ["siptrunk_monthly", "concurrent_basic_monthly", "zva_monthly"])
def test_codes_zoom_s_answer_has_no_place_for_are_not_sold(zoom: Zoom, code: str) -> None:
    _sb, client = zoom
    answer = call(client, "POST", ADDONS.format("sub_biz"), {"type": code, "hosts": 1})
    assert refusal(answer) == (400, 2100, f"Invalid Addon Plan Type: {code}")

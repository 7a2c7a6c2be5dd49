"""request_problems / answer_problems: Zoom's 2026 schemas, read strictly."""

from __future__ import annotations

from typing import Any

import pytest

from reconciler.zoom_2026.validation import answer_problems, request_problems

ADDONS = "/accounts/sub_1/plans/addons"
CONTACT = {
    "first_name": "Ada",
    "last_name": "Lovelace",
    "email": "ada@example.com",
    "phone_number": "555-555-1234",
    "address": "1 Main St",
    "city": "London",
    "state": "LND",
    "zip": "N1",
    "country": "GB",
}


@pytest.mark.parametrize(
    "body",
    [
        {"type": "zwb_monthly", "hosts": 8},
        {
            "type": "webinar500_monthly",
            "hosts": 2,
            "paid_period_start_date": "2031-01-01",
            "service_effective_date": "2031-01-01",
        },
        {
            "type": "plan_phone",
            "plan_details": {
                "plan_base": {"type": "phone_payongo", "callout_countries": "US,CA"},
                "plan_calling": [{"type": "phone_calling_usca_monthly_unlimited", "hosts": 3}],
                "plan_calling_addons": [{"type": "zp_power_pack_monthly", "hosts": 1}],
                "plan_number": [{"type": "phone_number_usca_monthly", "hosts": 2}],
            },
        },
        {
            "type": "plan_zcc",
            "plan_zcc_details": {
                "plan_package_list": [{"type": "zccp_monthly", "hosts": 5}],
                "plan_ai_expert_assist": {"type": "ai_expert_assist_monthly", "hosts": 5},
                "plan_usage": {"type": "zcc_pay_as_you_go", "callout_countries": "US"},
                "plan_recording": {"type": "zcc_cs_200gb"},
                "plan_phone_number": [{"type": "vspn_usca_monthly", "hosts": 1}],
            },
        },
        {
            "type": "plan_znode",
            "plan_znode_details": {
                "plan_znode_base": {"type": "znode_monthly", "hosts": 1},
                "plan_zphybrid": {"type": "zph_monthly", "hosts": 2},
            },
        },
    ],
)
def test_each_of_zoom_s_four_add_on_shapes_is_accepted(body: dict[str, Any]) -> None:
    assert request_problems("POST", ADDONS, body) == []


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ({"type": "zwb_monthly"}, "(body): 'hosts' is a required property"),
        ({"type": "zwb_monthly", "hosts": "8"}, "hosts: '8' is not of type 'integer'"),
        (
            {"type": "zwb_monthly", "hosts": 8, "host": 8},
            "(body): Additional properties are not allowed ('host' was unexpected)",
        ),
        (
            {"type": "plan_zcc", "plan_zcc_details": {"plan_usage": {"type": "x", "hosts": 1}}},
            "plan_zcc_details.plan_usage: Additional properties are not allowed "
            "('hosts' was unexpected)",
        ),
        (
            {"type": "zph_monthly", "plan_znode_details": {}},
            "type: must be 'plan_znode' with plan_znode_details, not 'zph_monthly'",
        ),
        (
            {"type": "plan_phone", "plan_details": {}, "plan_zcc_details": {}},
            "(body): carries plan_details and plan_zcc_details; Zoom's shapes take one of them",
        ),
        (
            {"type": "plan_phone", "plan_details": {"plan_calling": [{"type": 3}]}},
            "plan_details.plan_calling[0].type: 3 is not of type 'string'",
        ),
        (
            {"type": "plan_zcc", "hosts": 3},  # the type names the Contact Center shape too
            "(body): Additional properties are not allowed ('hosts' was unexpected)",
        ),
        ({"type": "plan_phone"}, "(body): 'plan_details' is a required property"),
    ],
)
def test_a_bad_add_on_body_is_named_by_field(body: dict[str, Any], problem: str) -> None:
    assert request_problems("POST", ADDONS, body) == [problem]


def test_subscribe_takes_the_2026_options_and_checks_the_contract_term() -> None:
    body: dict[str, Any] = {
        "contact": {**CONTACT, "employee_count": "15"},
        "plan_base": {"type": "business_monthly", "hosts": 12},
        "subscription_options": {"contract_term": 12, "purchase_order_number": "PO-1"},
        "plan_whiteboard": {"type": "zwb_monthly", "hosts": 3},
        "plan_zoom_one": [{"type": "zobp_usca_monthly_unlimited", "hosts": 3}],
    }
    assert request_problems("POST", "/accounts/a/plans", body) == []
    body["subscription_options"]["contract_term"] = 13
    del body["contact"]["zip"]
    assert request_problems("POST", "/accounts/a/plans", body) == [
        "contact: 'zip' is a required property",
        "subscription_options.contract_term: 13 is not one of "
        "[1, 12, 24, 36, 48, 60, 72, 84, 96, 108, 120]",
    ]


def test_cancel_bodies_take_reason_one_to_six() -> None:
    path = "/accounts/a/plans/base/status"
    assert request_problems("PATCH", path, {"action": "cancel", "reason": 4, "comment": "x"}) == []
    assert request_problems("PATCH", path, {"action": "cancel", "reason": 7}) == [
        "reason: 7 is not one of [1, 2, 3, 4, 5, 6]"
    ]
    assert request_problems("PATCH", "/accounts/a/plans/addons/status", {"type": "x"}) == []


def test_a_read_takes_no_body() -> None:
    assert request_problems("GET", "/accounts/a/plans", None) == []
    assert request_problems("GET", "/accounts/a/plans", {}) == [
        "GET /accounts/{accountId}/plans takes no request body"
    ]


@pytest.mark.parametrize(
    ("method", "path", "status", "body", "problems"),
    [
        ("PUT", ADDONS, 200, None, []),
        ("PUT", ADDONS, 204, None, ["PUT /accounts/{accountId}/plans/addons answers 200, not 204"]),
        ("PUT", "/accounts/a/plans/base", 204, None, []),
        ("PATCH", "/accounts/a/plans/addons/status", 200, None, []),
        (
            "PATCH",
            "/accounts/a/plans/base/status",
            200,
            {"ok": True},
            ["PATCH /accounts/{accountId}/plans/base/status 200 has no body"],
        ),
        (
            "PUT",
            ADDONS,
            400,
            {"code": 3261, "message": "Must subscribe to a major plan first."},
            [],
        ),
        ("PUT", ADDONS, 404, {"code": 3200, "message": "Cannot find Zuora subscription."}, []),
        (
            "PUT",
            ADDONS,
            404,
            {"code": 1001, "message": "User does not exist."},
            [
                "PUT /accounts/{accountId}/plans/addons: "
                "code 1001 is not documented for 404 (2001, 3200)"
            ],
        ),
        ("POST", "/accounts/a/plans", 400, {"code": 10200, "message": "Invalid contract term"}, []),
        (
            "POST",
            ADDONS,
            400,
            {
                "code": 300,
                "message": "Validation Failed.",
                "errors": [{"field": "x", "message": "y"}],
            },
            [],
        ),
        ("GET", "/accounts/a/plans", 401, {"code": 124, "message": "Invalid access token."}, []),
        (
            "GET",
            "/accounts/a/plans",
            404,
            {"code": 2001, "message": "x"},
            ["GET /accounts/{accountId}/plans documents no 404 answer"],
        ),
        ("PUT", ADDONS, 400, {"code": 3261}, ["(body): 'message' is a required property"]),
    ],
)
def test_answers_carry_the_documented_status_body_and_code(
    method: str, path: str, status: int, body: Any, problems: list[str]
) -> None:
    assert answer_problems(method, path, status, body) == problems


def test_a_get_answer_in_the_2026_shape_passes_and_a_2018_shape_does_not() -> None:
    dated = {
        "status": "active",
        "next_invoice_date": "2026-03-01T00:00:00Z",
        "service_effective_date": "2026-02-01T00:00:00Z",
    }
    answer = {
        "plan_base": {"type": "business_monthly", "hosts": 12, "active_hosts": 10, **dated},
        "plan_whiteboard": {"type": "zwb_monthly", "hosts": 8, **dated},
        "plan_ztransl": {"type": "ztransl_monthly", "hosts": 3},
        "plan_sdk_cmr": {"type": "vsdk_cmr_monthly_100"},
        "plan_room_connector": {"type": "roomconnector_monthly", "hosts": 1, **dated},
        "plan_recording": "cmr_monthly_commitment_40",
        "plan_recording_status": "active",
        "plan_znode": {"plan_znode_base": {"type": "znode_monthly", "hosts": 1, **dated}},
    }
    assert answer_problems("GET", "/accounts/a/plans", 200, answer) == []
    answer["plan_sdk_cmr"] = [{"type": "vsdk_cmr_monthly_100"}]  # the 2022 array shape
    answer["plan_ztransl"] = {"type": "ztransl_monthly", "hosts": 3, **dated}
    assert answer_problems("GET", "/accounts/a/plans", 200, answer) == [
        "plan_sdk_cmr: [{'type': 'vsdk_cmr_monthly_100'}] is not of type 'object'",
        "plan_ztransl: Additional properties are not allowed "
        "('next_invoice_date', 'service_effective_date', 'status' were unexpected)",
    ]

"""The write endpoints, with Zoom's validation rules and codes, over real loopback HTTP."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from reconciler.sandbox import SandboxServer
from tests.sample_contact import CONTACT

Zoom = tuple[SandboxServer, httpx.Client]


def error(answer: httpx.Response) -> tuple[int, int, str]:
    body = answer.json()
    return answer.status_code, body["code"], body["message"]


# ----- subscribe ------------------------------------------------------------------------------


def test_subscribe_creates_base_and_addons_in_one_call(zoom: Zoom) -> None:
    sb, client = zoom
    body = {
        "contact": CONTACT,
        "plan_base": {"type": "business_monthly", "hosts": 12},
        "plan_webinar": [{"type": "webinar500_monthly", "hosts": 2}],
        "plan_zoom_rooms": {"type": "zroom_monthly", "hosts": 1},
        "plan_recording": "cmr_monthly_commitment_100",
        "plan_audio": {"type": "tollfree_payongo", "tollfree_countries": "US,CA"},
        "plan_phone": {
            "plan_base": {"type": "phone_payongo", "callout_countries": "US"},
            "plan_calling": [{"type": "phone_calling_usca_monthly_unlimited", "hosts": 3}],
        },
    }
    answer = client.post("/accounts/sub_new/plans", json=body)
    assert answer.status_code == 201
    assert answer.json()["plan_base"]["hosts"] == 12
    plans = client.get("/accounts/sub_new/plans").json()
    assert plans == sb.plans("sub_new")
    assert plans["plan_base"]["status"] == "active"
    assert plans["plan_webinar"][0]["type"] == "webinar500_monthly"
    assert plans["plan_zoom_rooms"]["hosts"] == 1
    assert plans["plan_recording"] == "cmr_monthly_commitment_100"
    assert plans["plan_recording_status"] == "active"
    assert plans["plan_audio"] == {
        "type": "tollfree_payongo",
        "tollfree_countries": "US,CA",
        "premium_countries": "",
        "callout_countries": "",
        "ddi_numbers": 0,
        "status": "active",
        "service_effective_date": plans["plan_audio"]["service_effective_date"],
        "next_invoice_date": plans["plan_audio"]["next_invoice_date"],
    }
    assert plans["plan_phone"]["plan_calling"][0]["hosts"] == 3


def test_subscribe_after_a_cancelled_base_is_allowed(zoom: Zoom) -> None:
    _sb, client = zoom
    body = {"contact": CONTACT, "plan_base": {"type": "business_monthly", "hosts": 10}}
    assert client.post("/accounts/sub_lapsed/plans", json=body).status_code == 201


def test_subscribe_when_a_base_is_active_is_code_200(zoom: Zoom) -> None:
    _sb, client = zoom
    body = {"contact": CONTACT, "plan_base": {"type": "business_monthly", "hosts": 20}}
    assert error(client.post("/accounts/sub_8Jk2Lm/plans", json=body)) == (
        400,
        200,
        "One account only can have one active billing subscription.",
    )


def test_subscribe_without_contact_lists_every_missing_field(zoom: Zoom) -> None:
    _sb, client = zoom
    answer = client.post(
        "/accounts/sub_new/plans",
        json={"contact": {"first_name": "Ada", "zip": 75001}, "plan_base": {"type": "monthly"}},
    )
    assert answer.status_code == 400
    body = answer.json()
    assert body["code"] == 300
    assert body["message"] == "Validation Failed."
    fields = {item["field"]: item["message"] for item in body["errors"]}
    assert fields["contact.last_name"] == "is required"
    assert fields["contact.zip"] == "must be a string"
    assert fields["plan_base.hosts"] == "is required"
    assert "contact.first_name" not in fields
    missing = client.post("/accounts/sub_new/plans", json={"plan_base": {"type": "monthly"}})
    assert {e["field"] for e in missing.json()["errors"]} >= {"contact", "plan_base.hosts"}


def test_subscribe_with_an_unknown_group_is_rejected(zoom: Zoom) -> None:
    _sb, client = zoom
    body = {"contact": CONTACT, "plan_base": {"type": "monthly", "hosts": 1}, "plan_whatever": {}}
    answer = client.post("/accounts/sub_new/plans", json=body)
    assert answer.status_code == 400
    assert answer.json()["errors"][0]["field"] == "plan_whatever"


def test_subscribe_with_an_addon_in_the_wrong_group_is_2100(zoom: Zoom) -> None:
    _sb, client = zoom
    body = {
        "contact": CONTACT,
        "plan_base": {"type": "monthly", "hosts": 1},
        "plan_webinar": [{"type": "zroom_monthly", "hosts": 1}],
    }
    assert error(client.post("/accounts/sub_new/plans", json=body)) == (
        400,
        2100,
        "Invalid Webinar Plan Type: zroom_monthly",
    )


def test_subscribe_with_an_unknown_base_type_is_2100_and_changes_nothing(zoom: Zoom) -> None:
    sb, client = zoom
    body = {"contact": CONTACT, "plan_base": {"type": "platinum", "hosts": 1}}
    assert error(client.post("/accounts/sub_new/plans", json=body)) == (
        400,
        2100,
        "Invalid Base Plan Type: platinum",
    )
    assert sb.plans("sub_new") == {}


# ----- update base ----------------------------------------------------------------------------


def test_update_base_sets_absolute_hosts_and_answers_204(zoom: Zoom) -> None:
    sb, client = zoom
    answer = client.put(
        "/accounts/sub_8Jk2Lm/plans/base", json={"type": "business_monthly", "hosts": 25}
    )
    assert answer.status_code == 204
    assert answer.content == b""
    assert sb.plans("sub_8Jk2Lm")["plan_base"]["hosts"] == 25
    again = client.put(
        "/accounts/sub_8Jk2Lm/plans/base", json={"type": "business_monthly", "hosts": 25}
    )
    assert again.status_code == 204
    assert sb.plans("sub_8Jk2Lm")["plan_base"]["hosts"] == 25  # absolute: idempotent


def test_increasing_hosts_is_relative(zoom: Zoom) -> None:
    sb, client = zoom
    body = {"type": "business_monthly", "hosts": 20, "increasing_hosts": 2}
    client.put("/accounts/sub_8Jk2Lm/plans/base", json=body)
    client.put("/accounts/sub_8Jk2Lm/plans/base", json=body)
    assert sb.plans("sub_8Jk2Lm")["plan_base"]["hosts"] == 24  # why clients must never use it


def test_base_type_change_is_code_300(zoom: Zoom) -> None:
    _sb, client = zoom
    answer = client.put(
        "/accounts/sub_8Jk2Lm/plans/base", json={"type": "business_yearly", "hosts": 20}
    )
    assert error(answer) == (
        400,
        300,
        "Plan types do not match, oldPlanType: business_monthly newPlanType: business_yearly.",
    )


@pytest.mark.parametrize(
    ("account", "plan_type", "hosts", "message"),
    [
        (
            "sub_8Jk2Lm",
            "business_monthly",
            9,
            "Insufficient number of hosts for business plan type.",
        ),
        (
            "sub_8Jk2Lm",
            "business_monthly",
            50,
            "Too many hosts for business plan type, at most 49.",
        ),
        ("sub_8Jk2Lm", "business_monthly", 10000, "Buy hosts must equal or smaller than 9999."),
        ("sub_pro", "monthly", 0, "Insufficient number of hosts for pro plan type."),
        ("sub_pro", "monthly", 10, "Too many hosts for pro plan type, at most 9."),
    ],
)
def test_base_hosts_outside_the_family_range_are_code_300(
    zoom: Zoom, account: str, plan_type: str, hosts: int, message: str
) -> None:
    sb, client = zoom
    before = sb.plans(account)
    answer = client.put(f"/accounts/{account}/plans/base", json={"type": plan_type, "hosts": hosts})
    assert error(answer) == (400, 300, message)
    assert sb.plans(account) == before


def test_legacy_base_type_read_from_get_is_rejected_on_put(zoom: Zoom) -> None:
    _sb, client = zoom
    legacy = client.get("/accounts/sub_legacy/plans").json()["plan_base"]
    answer = client.put(
        "/accounts/sub_legacy/plans/base", json={"type": legacy["type"], "hosts": 31}
    )
    assert error(answer) == (400, 2100, "Invalid Base Plan Type: business_yearly_c50")


def test_update_base_without_subscription_is_code_200(zoom: Zoom) -> None:
    _sb, client = zoom
    for account in ("sub_new", "sub_lapsed"):
        answer = client.put(
            f"/accounts/{account}/plans/base", json={"type": "business_monthly", "hosts": 10}
        )
        assert error(answer) == (400, 200, "You do not have a subscription yet.")


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"hosts": 20}, "type", "is required"),
        ({"type": "business_monthly"}, "hosts", "is required"),
        ({"type": "business_monthly", "hosts": "25"}, "hosts", "must be an integer"),
        ({"type": "business_monthly", "hosts": 25.0}, "hosts", "must be an integer"),
        ({"type": "business_monthly", "hosts": True}, "hosts", "must be an integer"),
        ({"type": 7, "hosts": 25}, "type", "must be a string"),
    ],
)
def test_update_base_body_schema(
    zoom: Zoom, body: dict[str, Any], field: str, message: str
) -> None:
    _sb, client = zoom
    answer = client.put("/accounts/sub_8Jk2Lm/plans/base", json=body)
    assert answer.status_code == 400
    assert answer.json()["code"] == 300
    assert {"field": field, "message": message} in answer.json()["errors"]


@pytest.mark.parametrize("content", [b"", b"not json", b"[1, 2]", b'"text"', b"\xff\xfe", b"{"])
def test_non_json_or_non_object_body_is_code_300(zoom: Zoom, content: bytes) -> None:
    _sb, client = zoom
    answer = client.put(
        "/accounts/sub_8Jk2Lm/plans/base",
        content=content,
        headers={"Content-Type": "application/json"},
    )
    assert error(answer) == (400, 300, "Request Body should be a valid JSON object.")


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (b'{"type": "business_monthly", "hosts": 25}', "text/plain"),
        (b"type=business_monthly&hosts=25", "application/x-www-form-urlencoded"),
        (
            b'--x\r\nContent-Disposition: form-data; name="type"\r\n\r\nb\r\n--x--',
            "multipart/form-data; boundary=x",
        ),
    ],
)
def test_only_json_bodies_are_accepted(zoom: Zoom, content: bytes, content_type: str) -> None:
    sb, client = zoom
    answer = client.put(
        "/accounts/sub_8Jk2Lm/plans/base", content=content, headers={"Content-Type": content_type}
    )
    assert error(answer) == (400, 300, "Request Body should be a valid JSON object.")
    assert sb.plans("sub_8Jk2Lm")["plan_base"]["hosts"] == 20


# ----- add-ons --------------------------------------------------------------------------------


def test_add_addon_appears_in_its_group_by_type_code(zoom: Zoom) -> None:
    sb, client = zoom
    answer = client.post(
        "/accounts/sub_pro/plans/addons", json={"type": "large500_monthly", "hosts": 2}
    )
    assert answer.status_code == 201  # Zoom's reply: the updated add-on groups
    assert answer.json() == {"plan_large_meeting": [{"type": "large500_monthly", "hosts": 2}]}
    client.post("/accounts/sub_pro/plans/addons", json={"type": "zroom_yearly", "hosts": 3})
    client.post(
        "/accounts/sub_pro/plans/addons", json={"type": "cmr_monthly_commitment_40", "hosts": 1}
    )
    client.post(
        "/accounts/sub_pro/plans/addons", json={"type": "phone_number_usca_monthly", "hosts": 5}
    )
    plans = sb.plans("sub_pro")
    assert plans["plan_large_meeting"][0]["hosts"] == 2
    assert plans["plan_zoom_rooms"]["type"] == "zroom_yearly"
    assert plans["plan_recording"] == "cmr_monthly_commitment_40"
    assert plans["plan_phone"]["plan_number"][0]["hosts"] == 5
    assert plans["plan_large_meeting"][0]["next_invoice_date"].endswith("Z")


def test_audio_addon_takes_countries_and_the_hosts_zoom_s_schema_requires(zoom: Zoom) -> None:
    sb, client = zoom
    body = {"type": "tollfree_monthly_commitment_100", "tollfree_countries": "US", "ddi_numbers": 2}
    assert client.post("/accounts/sub_pro/plans/addons", json=body).json()["errors"] == [
        {"field": "hosts", "message": "is required"}
    ]
    body["hosts"] = 1
    assert client.post("/accounts/sub_pro/plans/addons", json=body).status_code == 201
    audio = sb.plans("sub_pro")["plan_audio"]
    assert (audio["tollfree_countries"], audio["callout_countries"], audio["ddi_numbers"]) == (
        "US",
        "",
        2,
    )
    bad = {"type": "tollfree_payongo", "hosts": 1, "callout_countries": "us,Canada"}
    sb.set_plans("sub_pro", {"plan_base": {"type": "monthly", "hosts": 5}})
    assert error(client.post("/accounts/sub_pro/plans/addons", json=bad))[:2] == (400, 300)
    as_list = {"type": "tollfree_payongo", "hosts": 1, "tollfree_countries": ["US"]}
    assert client.post("/accounts/sub_pro/plans/addons", json=as_list).json()["errors"] == [
        {"field": "tollfree_countries", "message": "must be a string"}
    ]


def test_recording_addon_requires_hosts_like_zoom_schema(zoom: Zoom) -> None:
    _sb, client = zoom
    answer = client.post(
        "/accounts/sub_pro/plans/addons", json={"type": "cmr_monthly_commitment_40"}
    )
    assert answer.status_code == 400
    assert answer.json()["errors"] == [{"field": "hosts", "message": "is required"}]


def test_add_addon_already_active_is_rejected(zoom: Zoom) -> None:
    sb, client = zoom
    before = sb.plans("sub_8Jk2Lm")
    for body in (
        {"type": "webinar500_monthly", "hosts": 1},
        {"type": "zroom_yearly", "hosts": 1},  # another type in a one-entry group
        {"type": "cmr_monthly_commitment_100", "hosts": 1},
    ):
        status, code, message = error(client.post("/accounts/sub_8Jk2Lm/plans/addons", json=body))
        assert (status, code) == (400, 2100)  # Zoom's "already has the additional plan"
        assert message.startswith("This subaccount already has the additional plan: ")
    assert sb.plans("sub_8Jk2Lm") == before


def test_reposting_a_cancelled_addon_reactivates_it(zoom: Zoom) -> None:
    sb, client = zoom
    answer = client.post(
        "/accounts/sub_8Jk2Lm/plans/addons", json={"type": "webinar1000_monthly", "hosts": 4}
    )
    assert answer.status_code == 201
    webinars = sb.plans("sub_8Jk2Lm")["plan_webinar"]
    assert [w["type"] for w in webinars] == ["webinar500_monthly", "webinar1000_monthly"]
    assert webinars[1]["status"] == "active"
    assert webinars[1]["hosts"] == 4


def test_unknown_addon_type_and_base_type_on_addons_are_2100(zoom: Zoom) -> None:
    _sb, client = zoom
    for plan_type in ("webinar999_monthly", "business_monthly"):
        answer = client.post("/accounts/sub_pro/plans/addons", json={"type": plan_type, "hosts": 1})
        assert error(answer) == (400, 2100, f"Invalid Addon Plan Type: {plan_type}")


def test_addon_without_subscription_is_zoom_s_free_plan_answer(zoom: Zoom) -> None:
    _sb, client = zoom
    answer = client.post(
        "/accounts/sub_new/plans/addons", json={"type": "webinar500_monthly", "hosts": 1}
    )
    assert error(answer) == (
        400,
        2100,
        "Cannot update Additional plan for a subaccount under free plan.",
    )


def test_addon_hosts_bounds(zoom: Zoom) -> None:
    _sb, client = zoom
    zero = client.post(
        "/accounts/sub_pro/plans/addons", json={"type": "webinar100_monthly", "hosts": 0}
    )
    assert error(zero)[:2] == (400, 300)
    huge = client.post(
        "/accounts/sub_pro/plans/addons", json={"type": "webinar100_monthly", "hosts": 10000}
    )
    assert error(huge) == (400, 300, "Buy hosts must equal or smaller than 9999.")


def test_update_addon_sets_absolute_hosts(zoom: Zoom) -> None:
    sb, client = zoom
    answer = client.put(
        "/accounts/sub_8Jk2Lm/plans/addons", json={"type": "webinar500_monthly", "hosts": 7}
    )
    assert answer.status_code == 200
    assert answer.content == b""
    assert sb.plans("sub_8Jk2Lm")["plan_webinar"][0]["hosts"] == 7
    client.put("/accounts/sub_8Jk2Lm/plans/addons", json={"type": "zroom_monthly", "hosts": 5})
    assert sb.plans("sub_8Jk2Lm")["plan_zoom_rooms"]["hosts"] == 5
    audio = {"type": "tollfree_payongo", "hosts": 1, "callout_countries": "US,GB"}
    assert client.put("/accounts/sub_8Jk2Lm/plans/addons", json=audio).status_code == 200
    assert sb.plans("sub_8Jk2Lm")["plan_audio"]["callout_countries"] == "US,GB"


def test_update_of_an_addon_that_is_not_there_is_rejected(zoom: Zoom) -> None:
    _sb, client = zoom
    for body in (
        {"type": "webinar100_monthly", "hosts": 2},  # never bought
        {"type": "webinar1000_monthly", "hosts": 2},  # cancelled
        {"type": "cmr_monthly_commitment_100", "hosts": 1},  # another recording tier
    ):
        status, code, message = error(client.put("/accounts/sub_8Jk2Lm/plans/addons", json=body))
        assert (status, code) == (400, 3261)  # Zoom's "Failed to change sub plan"
        assert message.startswith("Failed to change sub plan of account:sub_8Jk2Lm. ")
        assert "has no active" in message


# ----- cancellations --------------------------------------------------------------------------


def test_cancel_addon_keeps_it_listed_as_cancelled(zoom: Zoom) -> None:
    sb, client = zoom
    body = {"action": "cancel", "type": "webinar500_monthly", "reason": 2, "comment": "not used"}
    assert client.patch("/accounts/sub_8Jk2Lm/plans/addons/status", json=body).status_code == 200
    webinar = sb.plans("sub_8Jk2Lm")["plan_webinar"][0]
    assert (webinar["type"], webinar["status"]) == ("webinar500_monthly", "cancelled")
    record = {"action": "cancel", "type": "cmr_monthly_commitment_40"}
    assert client.patch("/accounts/sub_8Jk2Lm/plans/addons/status", json=record).status_code == 200
    plans = sb.plans("sub_8Jk2Lm")
    assert plans["plan_recording"] == "cmr_monthly_commitment_40"
    assert plans["plan_recording_status"] == "cancelled"


def test_cancel_of_an_addon_that_is_not_there_is_rejected(zoom: Zoom) -> None:
    _sb, client = zoom
    for plan_type in ("webinar100_monthly", "webinar1000_monthly"):
        body = {"action": "cancel", "type": plan_type}
        assert error(client.patch("/accounts/sub_8Jk2Lm/plans/addons/status", json=body)) == (
            400,
            200,
            f'You do not have a "{plan_type}" plan subscription.',
        )


def test_cancel_body_rules(zoom: Zoom) -> None:
    _sb, client = zoom
    url = "/accounts/sub_8Jk2Lm/plans/addons/status"
    no_type = client.patch(url, json={"action": "cancel"})
    assert no_type.json()["errors"] == [{"field": "type", "message": "is required"}]
    wrong = client.patch(url, json={"action": "pause", "type": "zroom_monthly", "reason": 9})
    fields = {e["field"] for e in wrong.json()["errors"]}
    assert fields == {"action", "reason"}
    unknown = client.patch(url, json={"action": "cancel", "type": "nope"})
    assert error(unknown) == (400, 2100, "Invalid Addon Plan Type: nope")


def test_cancel_base_needs_every_addon_cancelled_first(zoom: Zoom) -> None:
    sb, client = zoom
    url = "/accounts/sub_8Jk2Lm/plans/base/status"
    status, code, message = error(client.patch(url, json={"action": "cancel"}))
    assert (status, code) == (400, 200)
    assert message.startswith("You should first cancel all additional subscriptions.")
    assert "webinar500_monthly" in message
    assert (
        client.patch("/accounts/sub_pro/plans/base/status", json={"action": "cancel"}).status_code
        == 200
    )
    assert sb.plans("sub_pro")["plan_base"]["status"] == "cancelled"
    again = client.patch("/accounts/sub_pro/plans/base/status", json={"action": "cancel"})
    assert error(again)[1] == 200


def test_writes_lists_only_plan_writes_with_their_bodies(zoom: Zoom) -> None:
    sb, client = zoom
    client.get("/accounts/sub_pro/plans")
    client.put("/accounts/sub_pro/plans/base", json={"type": "monthly", "hosts": 3})
    client.post("/accounts/sub_pro/plans/addons", json={"type": "nope", "hosts": 1})
    writes = sb.writes()
    assert [(w.method, w.status, w.zoom_code) for w in writes] == [
        ("PUT", 204, None),
        ("POST", 400, 2100),
    ]
    assert writes[0].body == {"type": "monthly", "hosts": 3}


def test_a_seed_can_teach_the_sandbox_new_plan_codes(
    sandbox: Callable[..., SandboxServer], client_for: Callable[[SandboxServer], httpx.Client]
) -> None:
    seed = {
        "credentials": {"account_id": "M", "client_id": "c", "client_secret": "s"},
        "plan_types": {
            "webinar2000_monthly": "plan_webinar",
            "business_flex": "plan_base/business",
        },
        "accounts": {"a1": {"plans": {"plan_base": {"type": "business_flex", "hosts": 20}}}},
    }
    sb = sandbox(seed)
    client = client_for(sb)
    added = client.post(
        "/accounts/a1/plans/addons", json={"type": "webinar2000_monthly", "hosts": 2}
    )
    assert added.status_code == 201
    assert sb.plans("a1")["plan_webinar"][0]["type"] == "webinar2000_monthly"
    assert (
        client.put(
            "/accounts/a1/plans/base", json={"type": "business_flex", "hosts": 30}
        ).status_code
        == 204
    )
    too_few = client.put("/accounts/a1/plans/base", json={"type": "business_flex", "hosts": 5})
    assert error(too_few) == (400, 300, "Insufficient number of hosts for business plan type.")
    assert client.get("/accounts").json()["accounts"][0]["account_type"] == "Business"


def test_expired_entries_count_as_absent(zoom: Zoom) -> None:
    sb, client = zoom
    sb.set_plans(
        "sub_pro",
        {
            "plan_base": {"type": "monthly", "hosts": 5, "status": "expired"},
            "plan_webinar": [{"type": "webinar100_monthly", "hosts": 1, "status": "expired"}],
        },
    )
    refused = client.post(
        "/accounts/sub_pro/plans/addons", json={"type": "zroom_monthly", "hosts": 1}
    )
    assert error(refused)[1] == 2100  # an expired base plan is no subscription (free plan)
    body = {"contact": CONTACT, "plan_base": {"type": "monthly", "hosts": 2}}
    assert client.post("/accounts/sub_pro/plans", json=body).status_code == 201
    sb.set_plans(
        "sub_pro",
        {
            "plan_base": {"type": "monthly", "hosts": 5},
            "plan_webinar": [{"type": "webinar100_monthly", "hosts": 1, "status": "expired"}],
        },
    )
    again = client.post(
        "/accounts/sub_pro/plans/addons", json={"type": "webinar100_monthly", "hosts": 2}
    )
    assert again.status_code == 201
    assert sb.plans("sub_pro")["plan_webinar"] == [
        {**sb.plans("sub_pro")["plan_webinar"][0], "status": "active", "hosts": 2}
    ]

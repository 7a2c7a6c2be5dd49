"""GET /plans, GET /plans/usage and the account-level errors every plan call shares."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from reconciler.sandbox import SandboxServer, SeedError

Zoom = tuple[SandboxServer, httpx.Client]


def test_get_plans_is_the_seeded_answer_with_dates_filled_in(zoom: Zoom) -> None:
    _sb, client = zoom
    answer = client.get("/accounts/sub_8Jk2Lm/plans")
    assert answer.status_code == 200
    plans = answer.json()
    assert plans["plan_base"]["type"] == "business_monthly"
    assert plans["plan_base"]["hosts"] == 20
    assert plans["plan_base"]["status"] == "active"
    assert plans["plan_base"]["service_effective_date"].endswith("T00:00:00Z")
    assert plans["plan_base"]["next_invoice_date"] > plans["plan_base"]["service_effective_date"]
    assert plans["plan_recording"] == "cmr_monthly_commitment_40"
    assert plans["plan_recording_status"] == "active"
    assert "plan_recording_next_invoice_date" in plans
    cancelled = [w for w in plans["plan_webinar"] if w["type"] == "webinar1000_monthly"]
    assert cancelled[0]["status"] == "cancelled"  # Zoom keeps listing cancelled add-ons
    assert plans["plan_audio"]["tollfree_countries"] == "US,CA"


def test_unsubscribed_account_answers_an_empty_plan_object(zoom: Zoom) -> None:
    _sb, client = zoom
    answer = client.get("/accounts/sub_new/plans")
    assert answer.status_code == 200
    assert answer.json() == {}


def test_phone_plans_nest_under_plan_phone(zoom: Zoom) -> None:
    _sb, client = zoom
    phone = client.get("/accounts/sub_phone/plans").json()["plan_phone"]
    assert phone["plan_base"]["type"] == "phone_payongo"
    assert phone["plan_calling"][0]["hosts"] == 10
    assert phone["plan_number"][0]["type"] == "phone_number_usca_monthly"


@pytest.mark.parametrize(
    ("method", "suffix", "body"),
    [
        ("GET", "/plans", None),
        ("GET", "/plans/usage", None),
        ("POST", "/plans/addons", {"type": "webinar100_monthly", "hosts": 1}),
        ("PUT", "/plans/base", {"type": "business_monthly", "hosts": 20}),
    ],
)
def test_missing_account_is_404_code_2001(
    zoom: Zoom, method: str, suffix: str, body: dict[str, object] | None
) -> None:
    _sb, client = zoom
    answer = client.request(method, f"/accounts/nobody{suffix}", json=body)
    assert answer.status_code == 404
    assert answer.json() == {"code": 2001, "message": "Account does not exist: nobody."}


@pytest.mark.parametrize(
    ("method", "suffix", "body"),
    [
        ("GET", "/plans", None),
        ("GET", "/plans/usage", None),
        ("PUT", "/plans/base", {"type": "business_monthly", "hosts": 20}),
        ("PATCH", "/plans/addons/status", {"action": "cancel", "type": "zroom_monthly"}),
    ],
)
def test_self_pay_account_is_400_code_2100_on_every_plan_call(
    zoom: Zoom, method: str, suffix: str, body: dict[str, object] | None
) -> None:
    _sb, client = zoom
    answer = client.request(method, f"/accounts/sub_self{suffix}", json=body)
    assert answer.status_code == 400
    assert answer.json()["code"] == 2100
    assert "self-pay" in answer.json()["message"]


def test_usage_lists_hosts_usage_and_pending(zoom: Zoom) -> None:
    _sb, client = zoom
    answer = client.get("/accounts/sub_8Jk2Lm/plans/usage")
    assert answer.status_code == 200
    usage = answer.json()
    assert usage["plan_base"] == {
        "type": "business_monthly",
        "hosts": 20,
        "usage": 14,
        "pending": 1,
    }
    # Each entry carries the fields Zoom's 2026 usage schema lists (rooms have no "pending").
    assert usage["plan_webinar"] == [
        {"type": "webinar500_monthly", "hosts": 3, "usage": 2, "pending": 0}
    ]
    assert usage["plan_zoom_rooms"] == {"type": "zroom_monthly", "hosts": 2, "usage": 0}


def test_usage_of_a_plain_integer_seed(zoom: Zoom) -> None:
    _sb, client = zoom
    usage = client.get("/accounts/sub_pro/plans/usage").json()
    assert usage["plan_base"] == {"type": "monthly", "hosts": 5, "usage": 4, "pending": 0}


def test_usage_without_subscription_is_code_200(zoom: Zoom) -> None:
    _sb, client = zoom
    answer = client.get("/accounts/sub_new/plans/usage")
    assert answer.status_code == 400
    assert answer.json()["code"] == 200


def test_unknown_path_is_404_and_wrong_method_is_405(zoom: Zoom) -> None:
    _sb, client = zoom
    assert client.get("/accounts/sub_pro/plans/nothing").status_code == 404
    assert client.get("/users/me").status_code == 404
    assert client.delete("/accounts/sub_pro/plans").status_code == 405
    assert client.get("/accounts/sub_pro/plans/base").status_code == 405


def test_rate_labels_are_logged(zoom: Zoom) -> None:
    sb, client = zoom
    client.get("/accounts")
    client.get("/accounts/sub_pro/plans")
    client.get("/accounts/sub_pro/plans/usage")
    client.put("/accounts/sub_pro/plans/base", json={"type": "monthly", "hosts": 6})
    labels = [(r.method, r.path.rsplit("/", 1)[-1], r.label) for r in sb.requests[1:]]
    assert labels == [
        ("GET", "accounts", "Medium"),
        ("GET", "plans", "Medium"),
        ("GET", "usage", "Heavy"),
        ("PUT", "base", "Heavy"),
    ]


def test_set_plans_changes_what_get_answers(zoom: Zoom) -> None:
    sb, client = zoom
    sb.set_plans("sub_pro", {"plan_base": {"type": "monthly", "hosts": 7}})
    plans = client.get("/accounts/sub_pro/plans").json()
    assert plans["plan_base"]["hosts"] == 7
    assert plans["plan_base"]["status"] == "active"
    sb.set_plans("sub_pro", None)
    assert client.get("/accounts/sub_pro/plans").json() == {}
    sb.set_plans("sub_brand_new", {"plan_base": {"type": "monthly", "hosts": 2}})
    assert client.get("/accounts/sub_brand_new/plans").json()["plan_base"]["hosts"] == 2


def test_set_plans_refuses_a_shape_get_never_answers(zoom: Zoom) -> None:
    sb, _client = zoom
    with pytest.raises(SeedError, match="plan_base"):
        sb.set_plans("sub_pro", {"plan_base": {"type": "monthly"}})
    with pytest.raises(SeedError, match="must be a list"):
        sb.set_plans("sub_pro", {"plan_base": {"type": "monthly", "hosts": 1}, "plan_webinar": {}})
    assert sb.plans("sub_pro")["plan_base"]["hosts"] == 5


def test_seeded_account_type_overrides_the_derived_one(
    sandbox: Callable[..., SandboxServer], client_for: Callable[[SandboxServer], httpx.Client]
) -> None:
    seed = {
        "credentials": {"account_id": "M", "client_id": "c", "client_secret": "s"},
        "accounts": {"a1": {"account_type": "Enterprise", "plans": None}},
    }
    rows = client_for(sandbox(seed)).get("/accounts").json()["accounts"]
    assert rows[0]["account_type"] == "Enterprise"

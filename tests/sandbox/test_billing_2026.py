"""The billing contact (GET, PATCH) and the upcoming renewals, over real loopback HTTP.

Every request and answer is checked against Zoom's 2026 document (tests/sandbox/zoom_calls.py).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from math import inf
from pathlib import Path
from typing import Any

import httpx
import pytest

from reconciler.sandbox import SandboxServer
from reconciler.sandbox.errors import SeedError
from reconciler.sandbox.seed import load_seed
from tests.sample_contact import CONTACT as SAMPLE_CONTACT
from tests.sandbox.zoom_calls import call, refusal

Factory = Callable[..., SandboxServer]
Clients = Callable[[SandboxServer], httpx.Client]
BILLING = "/accounts/{}/billing"
RENEWALS = "/accounts/billing/renewals"
CONTACT = {**SAMPLE_CONTACT, "apt": "", "employee_count": "51-250"}
ACTIVE = {"plan_base": {"type": "business_monthly", "hosts": 20, "status": "active"}}


def days_ahead(days: int) -> str:
    return (datetime.now(UTC).date() + timedelta(days=days)).isoformat()


def renewal(days: int, amount: float = 300.0, quantity: int = 20) -> dict[str, Any]:
    return {
        "next_renewal_date": days_ahead(days),
        "auto_renew": days % 2 == 0,
        "renewable_subscriptions": [
            {
                "plan_name": "Zoom Workplace Business",
                "quantity": quantity,
                "billing_cycle": "Annual",
                "service_effective_date": "2026-01-01",
                "next_invoice_date": days_ahead(days),
                "next_invoice_amount": amount,
            }
        ],
    }


def seed(accounts: dict[str, Any]) -> dict[str, Any]:
    return {
        "credentials": {"account_id": "M1", "client_id": "c", "client_secret": "s"},
        "accounts": accounts,
    }


def test_the_contact_reads_patches_and_trails_its_write_like_zoom(
    sandbox: Factory, client_for: Clients
) -> None:
    sb = sandbox(seed({"sub_a": {"plans": ACTIVE, "billing": CONTACT}}), read_lag_s=0.4)
    client = client_for(sb)
    assert call(client, "GET", BILLING.format("sub_a")).json() == CONTACT
    changed = call(
        client, "PATCH", BILLING.format("sub_a"), {"email": "ap@acme.example", "city": "Leeds"}
    )
    assert (changed.status_code, changed.content) == (200, b"")
    # Zoom's reads trail its writes: the old contact until the lag has passed.
    assert call(client, "GET", BILLING.format("sub_a")).json()["email"] == CONTACT["email"]
    time.sleep(0.5)
    after = call(client, "GET", BILLING.format("sub_a")).json()
    assert after == {**CONTACT, "email": "ap@acme.example", "city": "Leeds"}
    assert [r.label for r in sb.requests if r.path.endswith("/billing")] == [
        "Medium",
        "Heavy",
        "Medium",
        "Medium",
    ]


def test_a_subscribe_s_contact_becomes_the_billing_contact(
    sandbox: Factory, client_for: Clients
) -> None:
    sb = sandbox(seed({"sub_new": {"plans": None}}))
    client = client_for(sb)
    empty = call(client, "GET", BILLING.format("sub_new")).json()
    assert empty["email"] == "" and empty["employee_count"] == "Just Me"
    refused = call(client, "PATCH", BILLING.format("sub_new"), {"city": "Leeds"})
    assert refusal(refused) == (400, 200, "Please subscribe a plan for this sub account first.")
    contact = {k: v for k, v in CONTACT.items() if k not in ("apt",)}
    body = {"contact": contact, "plan_base": {"type": "business_monthly", "hosts": 10}}
    assert call(client, "POST", "/accounts/sub_new/plans", body).status_code == 201
    assert call(client, "GET", BILLING.format("sub_new")).json() == CONTACT


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"country": "XX"}, (400, 2100, "Invalid country parameter: XX.")),
        ({"country": "US", "state": "Ontario"}, (400, 2100, "Invalid state parameter: Ontario.")),
        (
            {"first_name": "Ada<script>"},
            (
                400,
                300,
                'Your request was not accepted because "first_name" contains special character(s).',
            ),
        ),
        ({"employee_count": "2-10"}, (400, 300, "Validation Failed.")),
        ({"zip": 70112}, (400, 300, "Validation Failed.")),
    ],
)
def test_a_patch_zoom_would_refuse_is_refused_and_changes_nothing(
    sandbox: Factory, client_for: Clients, body: dict[str, Any], expected: tuple[int, int, str]
) -> None:
    sb = sandbox(seed({"sub_a": {"plans": ACTIVE, "billing": CONTACT}}))
    client = client_for(sb)
    answer = call(client, "PATCH", BILLING.format("sub_a"), body, bad_request=True)
    assert refusal(answer) == expected
    assert call(client, "GET", BILLING.format("sub_a")).json() == CONTACT


def test_self_pay_and_missing_accounts_are_refused_with_zoom_s_codes(
    sandbox: Factory, client_for: Clients
) -> None:
    sb = sandbox(seed({"sub_self": {"plans": ACTIVE, "self_pay": True}}))
    client = client_for(sb)
    for method, body in (("GET", None), ("PATCH", {"city": "Leeds"})):
        answer = call(client, method, BILLING.format("sub_self"), body)
        assert refusal(answer) == (400, 2100, "This subaccount is on self pay mode.")
        missing = call(client, method, BILLING.format("sub_none"), body)
        assert refusal(missing)[:2] == (404, 2001)


def test_renewals_page_through_every_account_renewing_within_the_interval(
    sandbox: Factory, client_for: Clients
) -> None:
    accounts = {f"sub_{n:02}": {"plans": ACTIVE, "renewal": renewal(n)} for n in range(1, 71)}
    accounts["sub_self"] = {"plans": ACTIVE, "renewal": renewal(3), "self_pay": True}
    accounts["sub_past"] = {"plans": ACTIVE, "renewal": renewal(-2)}
    sb = sandbox(seed(accounts))
    client = client_for(sb)
    seen: list[dict[str, Any]] = []
    token = ""
    pages = 0
    while True:
        query = f"?interval=60&page_size=25&next_page_token={token}"
        page = call(client, "GET", RENEWALS + query).json()
        pages += 1
        assert page["interval"] == 60 and page["total_records"] == 60
        seen += page["results"]
        token = page.get("next_page_token", "")
        if not token:
            break
    assert pages == 3
    assert [row["account_id"] for row in seen] == [f"sub_{n:02}" for n in range(1, 61)]
    first = seen[0]
    assert first["next_renewal_date"] == days_ahead(1) and first["auto_renew"] is False
    assert first["total_renewal_amount"] == 300
    assert first["renewable_subscriptions"][0]["billing_cycle"] == "Annual"
    default = call(client, "GET", RENEWALS).json()
    assert (default["interval"], default["page_size"], default["total_records"]) == (30, 30, 30)


@pytest.mark.parametrize(
    ("query", "code"),
    [("?interval=45", 2100), ("?page_size=51", 2100), ("?next_page_token=forged", 300)],
)
def test_bad_renewal_queries_get_zoom_s_answers(
    sandbox: Factory, client_for: Clients, query: str, code: int
) -> None:
    sb = sandbox(seed({"sub_a": {"plans": ACTIVE, "renewal": renewal(5)}}))
    answer = call(client_for(sb), "GET", RENEWALS + query)
    assert answer.status_code == 400 and answer.json()["code"] == code


def test_the_contact_survives_a_restart_through_the_state_file(
    sandbox: Factory, client_for: Clients, tmp_path: Path
) -> None:
    state = tmp_path / "state.json"
    first = sandbox(seed({"sub_a": {"plans": ACTIVE, "billing": CONTACT}}), state_file=state)
    call(client_for(first), "PATCH", BILLING.format("sub_a"), {"city": "York"})
    first.stop()
    second = sandbox(seed({"sub_a": {"plans": ACTIVE, "billing": CONTACT}}), state_file=state)
    assert call(client_for(second), "GET", BILLING.format("sub_a")).json()["city"] == "York"


@pytest.mark.parametrize(
    ("account", "message"),
    [
        ({"billing": {"mail": "x"}}, "unknown billing field 'mail'"),
        ({"billing": {"zip": 12345}}, "'zip' must be a string"),
        ({"renewal": {"next_renewal_date": "soon"}}, "dates must be YYYY-MM-DD"),
        ({"renewal": {**renewal(3), "total_renewal_amount": 1.5}}, "must be an integer"),
        (
            {
                "renewal": {
                    **renewal(3),
                    "renewable_subscriptions": [
                        {**renewal(3)["renewable_subscriptions"][0], "next_invoice_amount": inf}
                    ],
                }
            },
            "finite number",
        ),
    ],
)
def test_a_bad_billing_seed_names_its_place(account: dict[str, Any], message: str) -> None:
    with pytest.raises(SeedError, match=message):
        load_seed(seed({"sub_a": {"plans": ACTIVE, **account}}))

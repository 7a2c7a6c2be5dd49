"""The client's billing calls (contact read and PATCH, renewals paged) against the sandbox over
real loopback HTTP; every request and answer the sandbox logged is one Zoom's document allows."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from reconciler.zoom import SelfPayAccount, ZoomError
from reconciler.zoom.billing import AccountRenewal
from reconciler.zoom.bodies import InvalidRequestBody
from reconciler.zoom.contact_fields import contact_body_problems
from reconciler.zoom.errors import UnexpectedAnswer
from reconciler.zoom_2026.validation import answer_problems, request_problems
from tests.sample_contact import CONTACT as SAMPLE_CONTACT

CONTACT = {**SAMPLE_CONTACT, "employee_count": "51-250"}
ACTIVE = {"plan_base": {"type": "business_monthly", "hosts": 20, "status": "active"}}


def in_days(days: int) -> str:
    return (datetime.now(UTC).date() + timedelta(days=days)).isoformat()


def renewal(days: int) -> dict[str, Any]:
    return {
        "next_renewal_date": in_days(days),
        "auto_renew": False,
        "renewable_subscriptions": [
            {
                "plan_name": "Zoom Workplace Business",
                "quantity": 20,
                "billing_cycle": "Annual",
                "service_effective_date": "2026-01-01",
                "next_invoice_date": in_days(days),
                "next_invoice_amount": 2999.5,
            }
        ],
    }


def logged_calls_follow_zoom(sb: Any) -> None:
    for request in sb.requests:
        if not request.path.startswith("/v2/"):
            continue
        if request.method == "PATCH":
            assert request_problems(request.method, request.path, request.body) == []
        assert request.status in (200, 400), request


async def test_the_contact_is_read_and_patched_with_only_the_given_fields(
    sandbox: Any, zoom_seed: dict[str, Any], client_for: Any
) -> None:
    zoom_seed["accounts"]["sub_bill"] = {"plans": ACTIVE, "billing": CONTACT}
    sb = sandbox(seed=zoom_seed)
    async with client_for(sb) as zoom:
        before = await zoom.get_billing("sub_bill")
        result = await zoom.update_billing("sub_bill", {"email": "ap@acme.example"})
        after = await zoom.get_billing("sub_bill")
        with pytest.raises(SelfPayAccount):
            await zoom.get_billing("sub_self")
    assert before["email"] == "billing@acme.example" and after["email"] == "ap@acme.example"
    assert result.status == 200
    patches = [r for r in sb.requests if r.method == "PATCH"]
    assert [r.body for r in patches] == [{"email": "ap@acme.example"}]
    assert answer_problems("GET", "/accounts/sub_bill/billing", 200, after) == []
    logged_calls_follow_zoom(sb)


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ({}, "names no field"),
        ({"employee_count": "2-10"}, "not a field of Zoom's billing contact"),
        ({"zip": 70112}, "body.zip must be a string"),
    ],
)
async def test_a_contact_body_that_breaks_the_contract_is_never_sent(
    sandbox: Any, zoom_seed: dict[str, Any], client_for: Any, body: dict[str, Any], problem: str
) -> None:
    sb = sandbox(seed=zoom_seed)
    async with client_for(sb) as zoom:
        with pytest.raises(InvalidRequestBody, match=problem):
            await zoom.update_billing("sub_8Jk2Lm", body)
    assert not [r for r in sb.requests if r.method == "PATCH"]
    assert contact_body_problems(body)


async def test_renewals_are_read_over_every_page_at_zoom_s_widest_interval(
    sandbox: Any, zoom_seed: dict[str, Any], client_for: Any
) -> None:
    for n in range(1, 121):
        zoom_seed["accounts"][f"sub_r{n:03}"] = {"plans": ACTIVE, "renewal": renewal(n % 95)}
    sb = sandbox(seed=zoom_seed)
    async with client_for(sb) as zoom:
        renewals = await zoom.list_renewals()
    pages = [r for r in sb.requests if r.path == "/v2/accounts/billing/renewals"]
    assert len(pages) == 3 and all("interval=90" in r.query for r in pages)
    assert all("page_size=50" in r.query for r in pages)
    expected = [f"sub_r{n:03}" for n in range(1, 121) if n % 95 <= 90]
    assert [r.account_id for r in renewals] == expected
    first = renewals[0]
    assert first.next_renewal_date == date.fromisoformat(in_days(1))
    assert first.auto_renew is False and first.total_renewal_amount == Decimal(3000)
    assert first.subscriptions[0].next_invoice_amount == Decimal("2999.5")
    assert first.subscriptions[0].billing_cycle == "Annual"


@pytest.mark.parametrize(
    ("row", "where"),
    [
        ({"account_id": "a", "auto_renew": "yes"}, "auto_renew"),
        (
            {"account_id": "a", "auto_renew": True, "next_renewal_date": "soon"},
            "next_renewal_date",
        ),
        (
            {
                "account_id": "a",
                "auto_renew": True,
                "next_renewal_date": "2027-01-01",
                "total_renewal_amount": "NaN",
            },
            "finite",
        ),
        (
            {
                "account_id": "a",
                "auto_renew": True,
                "next_renewal_date": "2027-01-01",
                "total_renewal_amount": "1e999999",
            },
            "total_renewal_amount is not a plausible amount",
        ),
    ],
)
def test_a_renewal_row_outside_zoom_s_shape_is_an_error_naming_the_field(
    row: dict[str, Any], where: str
) -> None:
    with pytest.raises(UnexpectedAnswer, match=where) as caught:
        list(AccountRenewal.page_from_json({"results": [row]}))
    assert isinstance(caught.value, ZoomError)

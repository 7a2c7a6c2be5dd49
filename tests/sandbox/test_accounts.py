"""GET /accounts: sub-account listing with page_size and next_page_token."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from reconciler.sandbox import SandboxServer


def many_accounts(count: int) -> dict[str, Any]:
    return {
        "credentials": {"account_id": "M", "client_id": "c", "client_secret": "s"},
        "accounts": {
            f"sub_{i:04d}": {
                "name": f"Customer {i}",
                "plans": {"plan_base": {"type": "business_monthly", "hosts": 10 + i % 40}},
            }
            for i in range(count)
        },
    }


def test_700_accounts_come_in_three_pages_of_300(
    sandbox: Callable[..., SandboxServer], client_for: Callable[[SandboxServer], httpx.Client]
) -> None:
    sb = sandbox(many_accounts(700))
    seen: list[str] = []
    sizes: list[int] = []
    client = client_for(sb)
    params: dict[str, Any] = {"page_size": 300}
    while True:
        page = client.get("/accounts", params=params).json()
        assert page["total_records"] == 700
        assert page["page_size"] == 300
        sizes.append(len(page["accounts"]))
        seen += [row["id"] for row in page["accounts"]]
        if not page["next_page_token"]:
            break
        params = {"page_size": 300, "next_page_token": page["next_page_token"]}
    assert sizes == [300, 300, 100]
    assert seen == [f"sub_{i:04d}" for i in range(700)]


def test_default_page_size_is_30_and_rows_have_zoom_fields(
    sandbox: Callable[..., SandboxServer],
    client_for: Callable[[SandboxServer], httpx.Client],
) -> None:
    sb = sandbox(many_accounts(45))
    client = client_for(sb)
    page = client.get("/accounts").json()
    assert page["page_size"] == 30
    assert len(page["accounts"]) == 30
    assert page["next_page_token"]
    row = page["accounts"][1]
    assert set(row) == {
        "id",
        "account_name",
        "owner_email",
        "account_type",
        "seats",
        "subscription_start_time",
        "subscription_end_time",
        "created_at",
    }
    assert (row["account_name"], row["account_type"], row["seats"]) == (
        "Customer 1",
        "Business",
        11,
    )


def test_page_size_over_300_or_junk_is_code_300(zoom: tuple[SandboxServer, httpx.Client]) -> None:
    _sb, client = zoom
    for size in ("301", "0", "ten", "-5"):
        answer = client.get("/accounts", params={"page_size": size})
        assert answer.status_code == 400
        assert answer.json()["code"] == 300


def test_unknown_page_token_is_rejected(zoom: tuple[SandboxServer, httpx.Client]) -> None:
    _sb, client = zoom
    answer = client.get("/accounts", params={"next_page_token": "made-up"})
    assert answer.status_code == 400
    assert answer.json() == {"code": 300, "message": "The next page token is invalid or expired."}


def test_page_token_expires_after_15_minutes(
    sandbox: Callable[..., SandboxServer], client_for: Callable[[SandboxServer], httpx.Client]
) -> None:
    sb = sandbox(many_accounts(40))
    client = client_for(sb)
    token = client.get("/accounts").json()["next_page_token"]
    assert client.get("/accounts", params={"next_page_token": token}).status_code == 200
    sb.app.expire_page_tokens()  # as if 15 minutes had passed
    assert client.get("/accounts", params={"next_page_token": token}).status_code == 400


def test_unsubscribed_and_self_pay_accounts_are_listed(
    zoom: tuple[SandboxServer, httpx.Client],
) -> None:
    _sb, client = zoom
    rows = {row["id"]: row for row in client.get("/accounts").json()["accounts"]}
    assert rows["sub_new"]["account_type"] == "Basic"
    assert rows["sub_new"]["seats"] == 0
    assert "sub_self" in rows
    assert rows["sub_pro"]["account_type"] == "Pro"

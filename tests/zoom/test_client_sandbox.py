"""The client against the sandbox over real loopback HTTP: every endpoint, every error class,
OAuth, faults and the daily limit. (Pacing has its own module: test_pacing_sandbox.py.)"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta

import pytest

from reconciler.zoom import (
    AccountNotFound,
    AmbiguousWriteError,
    AuthError,
    BadRequest,
    DailyLimitReached,
    InvalidPlanType,
    NetworkError,
    NoSubscription,
    PlanTypeMismatch,
    RateLimited,
    RetryPolicy,
    SelfPayAccount,
    ServerError,
    ZoomClient,
    ZoomConfig,
)
from tests.sample_contact import CONTACT as SAMPLE_CONTACT

CONTACT = {**SAMPLE_CONTACT, "email": "billing@umbrella.example"}


def token_requests(sb) -> list:
    return [r for r in sb.requests if r.path == "/oauth/token"]


def api_requests(sb, method: str | None = None) -> list:
    return [
        r
        for r in sb.requests
        if r.path.startswith("/v2/") and (method is None or r.method == method)
    ]


async def test_reads_list_plans_and_usage(sandbox, zoom_seed, client_for) -> None:
    for n in range(650):
        zoom_seed["accounts"][f"sub_bulk_{n:03d}"] = {"name": f"Bulk {n}"}
    sb = sandbox(seed=zoom_seed)
    async with client_for(sb) as zoom:
        subs = await zoom.list_sub_accounts()
        plans = await zoom.get_plans("sub_8Jk2Lm")
        usage = await zoom.get_usage("sub_8Jk2Lm")
    assert len(subs) == 655
    assert len({s.id for s in subs}) == 655
    assert {"sub_8Jk2Lm", "sub_self", "sub_bulk_649"} <= {s.id for s in subs}
    pages = [r.query for r in api_requests(sb) if r.path == "/v2/accounts"]
    assert len(pages) == 3
    assert all("page_size=300" in q for q in pages)
    assert "next_page_token=" in pages[1]
    assert plans["plan_base"]["type"] == "business_monthly"
    assert plans["plan_base"]["hosts"] == 20
    assert usage["plan_base"]["hosts"] == 20


async def test_every_write_endpoint_changes_the_world(sandbox, zoom_seed, client_for) -> None:
    sb = sandbox(seed=zoom_seed)
    async with client_for(sb) as zoom:
        subscribed = await zoom.subscribe(
            "sub_new",
            {"contact": CONTACT, "plan_base": {"type": "monthly", "hosts": 3}},
        )
        base = await zoom.update_base("sub_8Jk2Lm", {"type": "business_monthly", "hosts": 25})
        added = await zoom.add_addon("sub_8Jk2Lm", {"type": "webinar1000_monthly", "hosts": 1})
        updated = await zoom.update_addon("sub_8Jk2Lm", {"type": "zroom_monthly", "hosts": 4})
        cancelled = await zoom.cancel_addon(
            "sub_8Jk2Lm", {"action": "cancel", "type": "webinar500_monthly"}
        )
    assert subscribed.status == 201
    # Zoom's 2026 document: PUT base 204, PUT add-ons 200, PATCH add-ons status 200.
    assert [base.status, updated.status, cancelled.status] == [204, 200, 200]
    assert added.status == 201
    assert all(r.duration_ms >= 0 for r in (subscribed, base, added, updated, cancelled))
    assert sb.plans("sub_new")["plan_base"]["hosts"] == 3
    acme = sb.plans("sub_8Jk2Lm")
    assert acme["plan_base"]["hosts"] == 25
    assert acme["plan_zoom_rooms"]["hosts"] == 4
    webinars = {w["type"]: w.get("status") for w in acme["plan_webinar"]}
    assert webinars["webinar500_monthly"] == "cancelled"
    assert webinars["webinar1000_monthly"] == "active"
    assert [r.method for r in api_requests(sb)] == ["POST", "PUT", "POST", "PUT", "PATCH"]


LEGACY = {"type": "business_yearly_c50", "hosts": 31}
MISMATCH = {"type": "business_monthly", "hosts": 12}
ERRORS = [
    ("get_plans", "sub_missing", None, AccountNotFound, 404, 2001),
    ("get_plans", "sub_self", None, SelfPayAccount, 400, 2100),
    ("update_base", "sub_legacy", LEGACY, InvalidPlanType, 400, 2100),
    ("update_base", "sub_new", {"type": "monthly", "hosts": 2}, NoSubscription, 400, 200),
    ("update_base", "sub_pro", MISMATCH, PlanTypeMismatch, 400, 300),
    ("update_base", "sub_pro", {"type": "monthly", "hosts": 12}, BadRequest, 400, 300),
]  # fmt: skip


@pytest.mark.parametrize(("call", "account", "body", "kind", "status", "code"), ERRORS)
async def test_zoom_errors_from_the_sandbox(
    sandbox, zoom_seed, client_for, call, account, body, kind, status, code
) -> None:
    sb = sandbox(seed=zoom_seed)
    async with client_for(sb) as zoom:
        method = getattr(zoom, call)
        with pytest.raises(kind) as caught:
            await (method(account) if body is None else method(account, body))
    err = caught.value
    assert (err.status, err.code) == (status, code)
    assert str(err).startswith(f"{account}: ")
    assert str(err).endswith(f"(HTTP {status}, Zoom code {code})")
    assert len(api_requests(sb)) == 1, "a 4xx answer is final"


async def test_wrong_credentials_are_an_auth_error(sandbox, zoom_seed) -> None:
    sb = sandbox(seed=zoom_seed)
    env = {**sb.env(), "ZOOM_CLIENT_SECRET": "not-the-secret"}
    async with ZoomClient(ZoomConfig.from_env(env)) as zoom:
        with pytest.raises(AuthError) as caught:
            await zoom.get_plans("sub_8Jk2Lm")
    assert "Zoom refused the OAuth credentials (Invalid client_id or client_secret)" in str(
        caught.value
    )
    assert "(HTTP 401)" in str(caught.value)
    assert api_requests(sb) == []


async def test_one_token_for_many_concurrent_calls(sandbox, zoom_seed, client_for) -> None:
    sb = sandbox(seed=zoom_seed)
    async with client_for(sb) as zoom:
        await asyncio.gather(*(zoom.get_plans("sub_8Jk2Lm") for _ in range(30)))
    assert len(token_requests(sb)) == 1
    assert [r.status for r in api_requests(sb)] == [200] * 30


async def test_revoked_token_is_renewed_once(sandbox, zoom_seed, client_for) -> None:
    sb = sandbox(seed=zoom_seed)
    async with client_for(sb) as zoom:
        await zoom.get_plans("sub_8Jk2Lm")
        sb.faults.revoke_tokens()
        await asyncio.gather(*(zoom.get_plans("sub_pro") for _ in range(5)))
    assert len(token_requests(sb)) == 2
    statuses = [r.status for r in api_requests(sb)]
    assert statuses.count(401) >= 1
    assert statuses[-5:] == [200] * 5


async def test_expiring_token_is_replaced_before_it_expires(sandbox, zoom_seed, client_for) -> None:
    sb = sandbox(seed=zoom_seed, token_ttl_s=61)  # usable for 1 s after the one-minute margin
    async with client_for(sb) as zoom:
        await zoom.get_plans("sub_8Jk2Lm")
        await asyncio.sleep(1.1)
        await zoom.get_plans("sub_8Jk2Lm")
    assert len(token_requests(sb)) == 2
    assert all(r.status == 200 for r in api_requests(sb))


async def test_given_access_token_that_is_bad_fails_at_once(sandbox, zoom_seed) -> None:
    sb = sandbox(seed=zoom_seed)
    config = ZoomConfig(api_base_url=sb.api_base_url, access_token="not-a-token")
    async with ZoomClient(config) as zoom:
        with pytest.raises(AuthError, match="ZOOM_ACCESS_TOKEN"):
            await zoom.get_plans("sub_8Jk2Lm")
    assert token_requests(sb) == []
    assert [(r.status, r.zoom_code) for r in api_requests(sb)] == [(401, 124)]


async def test_faulty_sandbox_gets_and_puts_all_succeed(sandbox, zoom_seed, client_for) -> None:
    sb = sandbox(seed=zoom_seed, fault_rate=0.2, seed_rng=7)
    async with client_for(sb) as zoom:
        reads = await asyncio.gather(*(zoom.get_plans("sub_8Jk2Lm") for _ in range(40)))
        for hosts in range(21, 31):
            await zoom.update_base("sub_8Jk2Lm", {"type": "business_monthly", "hosts": hosts})
    assert all(r["plan_base"]["type"] == "business_monthly" for r in reads)
    assert sb.plans("sub_8Jk2Lm")["plan_base"]["hosts"] == 30
    statuses = [r.status for r in api_requests(sb)]
    assert any(s >= 500 for s in statuses), "the sandbox injected no fault: the test proves nothing"


async def test_dropped_post_answer_is_ambiguous_and_sent_once(
    sandbox, zoom_seed, client_for
) -> None:
    sb = sandbox(seed=zoom_seed, fault_rate=0.2, seed_rng=3)
    sb.faults.drop_response(1, "POST")
    body = {"type": "webinar1000_monthly", "hosts": 2}
    async with client_for(sb) as zoom:
        with pytest.raises(AmbiguousWriteError) as caught:
            await zoom.add_addon("sub_8Jk2Lm", body)
    err = caught.value
    assert (err.method, err.path, err.body) == ("POST", "/accounts/sub_8Jk2Lm/plans/addons", body)
    assert err.cause is not None
    assert len(api_requests(sb, "POST")) == 1


async def test_post_5xx_is_ambiguous_even_with_an_html_body(sandbox, zoom_seed, client_for) -> None:
    sb = sandbox(seed=zoom_seed)
    sb.faults.fail_next(1, 502)
    async with client_for(sb) as zoom:
        with pytest.raises(AmbiguousWriteError) as caught:
            await zoom.add_addon("sub_8Jk2Lm", {"type": "webinar1000_monthly", "hosts": 1})
    assert caught.value.status == 502
    assert "non-JSON error answer" in str(caught.value)
    assert len(api_requests(sb, "POST")) == 1


async def test_persistent_5xx_on_a_get_is_a_server_error(sandbox, zoom_seed, client_for) -> None:
    sb = sandbox(seed=zoom_seed)
    sb.faults.fail_next(6, 503)
    async with client_for(sb) as zoom:
        with pytest.raises(ServerError, match="gave up after 6 attempts"):
            await zoom.get_plans("sub_8Jk2Lm")
    assert len(api_requests(sb)) == 6


async def test_persistent_429_is_rate_limited(sandbox, zoom_seed, client_for) -> None:
    sb = sandbox(seed=zoom_seed, rate_limits={"medium": 1})
    async with client_for(sb, retry=RetryPolicy(max_attempts=1)) as zoom:
        with pytest.raises(RateLimited) as caught:
            await asyncio.gather(*(zoom.get_plans("sub_8Jk2Lm") for _ in range(3)))
    assert caught.value.status == 429
    assert "after 1 attempts" in str(caught.value)


async def test_daily_limit_ends_the_call_within_a_second(sandbox, zoom_seed, client_for) -> None:
    sb = sandbox(seed=zoom_seed)
    reset = (datetime.now(UTC) + timedelta(hours=5)).replace(microsecond=0)
    sb.faults.daily_limit(reset)
    started = time.monotonic()
    async with client_for(sb) as zoom:
        with pytest.raises(DailyLimitReached) as caught:
            await zoom.update_base("sub_8Jk2Lm", {"type": "business_monthly", "hosts": 21})
    # At once: one call, no retry, no wait for the reset.
    assert len(api_requests(sb)) == 1
    assert time.monotonic() - started < 1.0
    err = caught.value
    assert err.reset_at == reset
    assert "daily limit of 60000 Heavy API calls reached" in str(err)
    assert f"it resets at {reset.isoformat()}" in str(err)
    assert len(api_requests(sb)) == 1


async def test_unreachable_zoom_is_a_network_error(sandbox, zoom_seed) -> None:
    sb = sandbox(seed=zoom_seed)
    config = ZoomConfig(api_base_url=sb.api_base_url, access_token="t")
    sb.stop()
    retry = RetryPolicy(max_attempts=2, base_delay_s=0.01, max_delay_s=0.01)
    async with ZoomClient(config, retry=retry) as zoom:
        with pytest.raises(NetworkError, match="could not connect"):
            await zoom.get_plans("sub_8Jk2Lm")

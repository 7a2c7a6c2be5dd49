"""Retries, OAuth, 429 and error mapping of the client, against a scripted Zoom in memory.

These pin the money rules precisely (how many requests went out for each failure); the same
behaviours are exercised end to end against the sandbox in test_client_sandbox.py.
"""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest

from reconciler.zoom import (
    AccountNotFound,
    AmbiguousWriteError,
    AuthError,
    DailyLimitReached,
    InvalidRequestBody,
    NetworkError,
    RateLabel,
    RateLimited,
    RetryPolicy,
    ServerError,
    UnexpectedAnswer,
    ZoomClient,
    ZoomConfig,
)


def client(config: ZoomConfig, scripted, retry: RetryPolicy) -> ZoomClient:
    return ZoomClient(config, transport=scripted.transport(), retry=retry)


async def test_get_retries_5xx_then_succeeds(scripted, oauth_config, fast_retry) -> None:
    scripted.answers = [
        scripted.reply(503, {"code": 0, "message": "busy"}),
        scripted.reply(200, {"a": 1}),
    ]
    async with client(oauth_config, scripted, fast_retry) as zoom:
        assert await zoom.get_plans("sub_1") == {"a": 1}
    assert len(scripted.requests) == 2


async def test_get_gives_up_after_six_attempts_with_server_error(
    scripted, oauth_config, fast_retry
) -> None:
    scripted.answers = [httpx.Response(502, text="<html>Bad gateway</html>")] * 6
    async with client(oauth_config, scripted, fast_retry) as zoom:
        with pytest.raises(ServerError) as caught:
            await zoom.get_plans("sub_1")
    assert len(scripted.requests) == 6
    assert caught.value.status == 502
    assert "non-JSON error answer" in str(caught.value)
    assert str(caught.value).startswith("sub_1: ")


async def test_put_retries_network_errors(scripted, oauth_config, fast_retry) -> None:
    scripted.answers = [
        httpx.ReadTimeout("timed out"),
        httpx.RemoteProtocolError("cut"),
        httpx.Response(204),
    ]
    async with client(oauth_config, scripted, fast_retry) as zoom:
        result = await zoom.update_base("sub_1", {"type": "business_monthly", "hosts": 12})
    assert result.status == 204
    assert result.data is None
    assert len(scripted.requests) == 3


async def test_get_network_errors_exhaust_into_network_error(
    scripted, oauth_config, fast_retry
) -> None:
    scripted.answers = [httpx.ConnectError("refused")] * 6
    async with client(oauth_config, scripted, fast_retry) as zoom:
        with pytest.raises(NetworkError, match="could not connect"):
            await zoom.get_plans("sub_1")
    assert len(scripted.requests) == 6


@pytest.mark.parametrize(
    "failure",
    [
        httpx.ReadTimeout("timed out"),
        httpx.RemoteProtocolError("Server disconnected without sending a response."),
        httpx.ReadError("connection reset"),
    ],
)
async def test_post_failing_after_send_is_ambiguous_and_sent_once(
    scripted, oauth_config, fast_retry, failure
) -> None:
    scripted.answers = [failure]
    body = {"type": "webinar500_monthly", "hosts": 1}
    async with client(oauth_config, scripted, fast_retry) as zoom:
        with pytest.raises(AmbiguousWriteError) as caught:
            await zoom.add_addon("sub_1", body)
    err = caught.value
    assert len(scripted.requests) == 1
    assert (err.method, err.path, err.body) == ("POST", "/accounts/sub_1/plans/addons", body)
    assert err.cause is failure
    assert "read the live plans before sending it again" in str(err)


async def test_post_5xx_is_ambiguous_and_not_resent(scripted, oauth_config, fast_retry) -> None:
    scripted.answers = [scripted.reply(500, {"code": 0, "message": "Internal error"})]
    async with client(oauth_config, scripted, fast_retry) as zoom:
        with pytest.raises(AmbiguousWriteError) as caught:
            await zoom.subscribe(
                "sub_1",
                {"contact": {"first_name": "A"}, "plan_base": {"type": "monthly", "hosts": 1}},
            )
    assert caught.value.status == 500
    assert isinstance(caught.value.cause, ServerError)
    assert len(scripted.requests) == 1


async def test_patch_5xx_is_ambiguous(scripted, oauth_config, fast_retry) -> None:
    scripted.answers = [scripted.reply(502, {"code": 0, "message": "bad gateway"})]
    async with client(oauth_config, scripted, fast_retry) as zoom:
        with pytest.raises(AmbiguousWriteError):
            await zoom.cancel_addon("sub_1", {"action": "cancel", "type": "zroom_monthly"})
    assert [r.method for r in scripted.requests] == ["PATCH"]


async def test_post_not_sent_at_all_is_retried(scripted, oauth_config, fast_retry) -> None:
    scripted.answers = [httpx.ConnectError("refused"), scripted.reply(201, {"type": "x"})]
    async with client(oauth_config, scripted, fast_retry) as zoom:
        result = await zoom.add_addon("sub_1", {"type": "zroom_monthly", "hosts": 1})
    assert (result.status, result.data) == (201, {"type": "x"})
    assert len(scripted.requests) == 2


async def test_post_is_retried_on_per_second_429(scripted, oauth_config, fast_retry) -> None:
    too_fast = {"code": 429, "message": "You have reached the maximum per-second rate limit."}
    scripted.answers = [
        scripted.reply(429, too_fast, {"Retry-After": "0"}),
        scripted.reply(201, {"ok": True}),
    ]
    async with client(oauth_config, scripted, fast_retry) as zoom:
        result = await zoom.add_addon("sub_1", {"type": "zroom_monthly", "hosts": 1})
    assert result.status == 201
    assert len(scripted.requests) == 2


async def test_retry_after_as_http_date_and_headerless_429(
    scripted, oauth_config, fast_retry
) -> None:
    past = format_datetime(datetime.now(UTC) - timedelta(seconds=5), usegmt=True)
    scripted.answers = [
        scripted.reply(429, {"code": 429, "message": "slow"}, {"Retry-After": past}),
        httpx.Response(429, text=""),
        scripted.reply(200, {"ok": 1}),
    ]
    async with client(oauth_config, scripted, fast_retry) as zoom:
        assert await zoom.get_plans("sub_1") == {"ok": 1}
        # Two 429s within one second count as one burst: Medium slowed once by a fifth.
        assert zoom.pacer.limiter(RateLabel.MEDIUM).per_second == 47


async def test_429_with_stated_limit_slows_the_label_below_it(
    scripted, oauth_config, fast_retry
) -> None:
    scripted.answers = [
        scripted.reply(429, {"code": 429, "message": "slow"}, {"X-RateLimit-Limit": "20"}),
        scripted.reply(200, {}),
    ]
    async with client(oauth_config, scripted, fast_retry) as zoom:
        await zoom.get_plans("sub_1")
        assert zoom.pacer.limiter(RateLabel.MEDIUM).per_second == 19
        assert zoom.pacer.limiter(RateLabel.HEAVY).per_second == 39


async def test_long_retry_after_is_not_waited_out(scripted, oauth_config, fast_retry) -> None:
    scripted.answers = [
        scripted.reply(429, {"code": 429, "message": "slow"}, {"Retry-After": "600"})
    ]
    async with client(oauth_config, scripted, fast_retry) as zoom:
        with pytest.raises(RateLimited, match="wait 600 s"):
            await zoom.get_plans("sub_1")


async def test_persistent_429_ends_in_rate_limited(scripted, oauth_config, fast_retry) -> None:
    scripted.answers = [scripted.reply(429, {"code": 429, "message": "slow"})] * 6
    async with client(oauth_config, scripted, fast_retry) as zoom:
        with pytest.raises(RateLimited, match="after 6 attempts"):
            await zoom.get_plans("sub_1")
    assert len(scripted.requests) == 6


async def test_daily_limit_stops_at_once_with_limit_and_reset(
    scripted, oauth_config, fast_retry
) -> None:
    headers = {
        "X-RateLimit-Type": "Daily-limit",
        "X-RateLimit-Category": "Heavy",
        "X-RateLimit-Limit": "60000",
        "Retry-After": "2026-11-23T00:00:00Z",
    }
    message = "You have reached the maximum daily rate limit for this API."
    scripted.answers = [scripted.reply(429, {"code": 429, "message": message}, headers)]
    started = time.monotonic()
    async with client(oauth_config, scripted, fast_retry) as zoom:
        with pytest.raises(DailyLimitReached) as caught:
            await zoom.update_base("sub_1", {"type": "monthly", "hosts": 2})
    assert len(scripted.requests) == 1  # no retry, no wait for the reset
    assert time.monotonic() - started < 1.0
    err = caught.value
    assert err.reset_at == datetime(2026, 11, 23, tzinfo=UTC)
    assert str(err) == (
        "sub_1: daily limit of 60000 Heavy API calls reached; no more calls are sent, "
        "it resets at 2026-11-23T00:00:00+00:00 (HTTP 429, Zoom code 429)"
    )


async def test_daily_limit_reset_given_in_seconds(scripted, oauth_config, fast_retry) -> None:
    headers = {"X-RateLimit-Type": "Daily-limit", "Retry-After": "20261123"}
    scripted.answers = [scripted.reply(429, {"code": 429, "message": "Daily limit."}, headers)]
    before = datetime.now(UTC)
    async with client(oauth_config, scripted, fast_retry) as zoom:
        with pytest.raises(DailyLimitReached) as caught:
            await zoom.get_usage("sub_1")
    reset_at = caught.value.reset_at
    assert reset_at is not None
    assert timedelta(seconds=20261123) <= reset_at - before < timedelta(seconds=20261125)
    assert "daily limit for Heavy API calls reached" in str(caught.value)


async def test_daily_limit_recognised_from_message_alone(
    scripted, oauth_config, fast_retry
) -> None:
    message = "You have reached the maximum daily rate limit for this API."
    scripted.answers = [scripted.reply(429, {"code": 429, "message": message})]
    async with client(oauth_config, scripted, fast_retry) as zoom:
        with pytest.raises(DailyLimitReached, match="did not say when it resets"):
            await zoom.get_plans("sub_1")
    assert len(scripted.requests) == 1


async def test_success_that_is_not_json_is_reported(scripted, oauth_config, fast_retry) -> None:
    scripted.answers = [httpx.Response(200, text="<html>login</html>")]
    async with client(oauth_config, scripted, fast_retry) as zoom:
        with pytest.raises(UnexpectedAnswer, match="not JSON"):
            await zoom.get_plans("sub_1")


async def test_a_write_answered_2xx_with_junk_still_succeeded(
    scripted, oauth_config, fast_retry
) -> None:
    scripted.answers = [httpx.Response(201, text="<html>created</html>")]
    async with client(oauth_config, scripted, fast_retry) as zoom:
        result = await zoom.add_addon("sub_1", {"type": "zroom_monthly", "hosts": 1})
    assert (result.status, result.data) == (201, None)
    assert len(scripted.requests) == 1


async def test_oauth_request_shape_and_one_token_for_many_calls(
    scripted, oauth_config, fast_retry
) -> None:
    async with client(oauth_config, scripted, fast_retry) as zoom:
        await asyncio.gather(*(zoom.get_plans(f"sub_{i}") for i in range(25)))
    assert len(scripted.token_requests) == 1
    token_request = scripted.token_requests[0]
    assert token_request.method == "POST"
    assert token_request.url.query == b""
    assert token_request.content == b"grant_type=account_credentials&account_id=MASTER1"
    assert token_request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert token_request.headers["authorization"].startswith("Basic ")
    assert set(scripted.bearer_tokens()) == {f"Bearer {scripted.issued[0]}"}


async def test_401_fetches_one_fresh_token_and_retries_once(
    scripted, oauth_config, fast_retry
) -> None:
    scripted.answers = [scripted.reply(401, {"code": 124, "message": "Invalid access token."})]
    async with client(oauth_config, scripted, fast_retry) as zoom:
        await zoom.add_addon("sub_1", {"type": "zroom_monthly", "hosts": 1})
    assert len(scripted.token_requests) == 2
    assert scripted.bearer_tokens() == [f"Bearer {t}" for t in scripted.issued]


async def test_second_401_is_an_auth_error(scripted, oauth_config, fast_retry) -> None:
    invalid = scripted.reply(401, {"code": 124, "message": "Invalid access token."})
    scripted.answers = [invalid, invalid]
    async with client(oauth_config, scripted, fast_retry) as zoom:
        with pytest.raises(AuthError, match="freshly issued access token") as caught:
            await zoom.get_plans("sub_1")
    assert caught.value.status == 401
    assert len(scripted.token_requests) == 2
    assert len(scripted.requests) == 2


async def test_given_access_token_skips_oauth_and_401_is_final(scripted, fast_retry) -> None:
    config = ZoomConfig(api_base_url="https://api.zoom.test/v2", access_token="ready-token-xyz")
    scripted.answers = [scripted.reply(401, {"code": 124, "message": "Invalid access token."})]
    async with client(config, scripted, fast_retry) as zoom:
        with pytest.raises(AuthError, match="ZOOM_ACCESS_TOKEN") as caught:
            await zoom.get_plans("sub_1")
    assert str(caught.value) == (
        "sub_1: Zoom refused the access token given in ZOOM_ACCESS_TOKEN (Invalid access token.); "
        "set a fresh one, or use the OAuth credentials instead (HTTP 401, Zoom code 124)"
    )
    assert scripted.token_requests == []
    assert scripted.bearer_tokens() == ["Bearer ready-token-xyz"]


async def test_wrong_credentials_name_the_variables(scripted, oauth_config, fast_retry) -> None:
    scripted.oauth_status = 401
    async with client(oauth_config, scripted, fast_retry) as zoom:
        with pytest.raises(AuthError) as caught:
            await zoom.get_plans("sub_1")
    line = str(caught.value)
    assert "ZOOM_CLIENT_ID" in line and "ZOOM_CLIENT_SECRET" in line and "HTTP 401" in line
    assert scripted.requests == []


async def test_list_sub_accounts_follows_pages(scripted, oauth_config, fast_retry) -> None:
    scripted.answers = [
        scripted.reply(200, {"next_page_token": "p2", "accounts": [{"id": "a", "seats": 3}]}),
        scripted.reply(
            200, {"next_page_token": "", "accounts": [{"id": "b", "account_name": "B"}]}
        ),
    ]
    async with client(oauth_config, scripted, fast_retry) as zoom:
        subs = await zoom.list_sub_accounts()
    assert [(s.id, s.seats, s.account_name) for s in subs] == [("a", 3, None), ("b", None, "B")]
    queries = [dict(r.url.params) for r in scripted.requests]
    assert queries == [{"page_size": "300"}, {"page_size": "300", "next_page_token": "p2"}]


async def test_account_ids_are_quoted_into_the_path(scripted, oauth_config, fast_retry) -> None:
    async with client(oauth_config, scripted, fast_retry) as zoom:
        await zoom.get_usage("a/../b")
    assert scripted.requests[0].url.raw_path == b"/v2/accounts/a%2F..%2Fb/plans/usage"


async def test_info_log_has_one_line_per_call_and_no_secret(
    scripted, oauth_config, fast_retry, caplog
) -> None:
    caplog.set_level(logging.DEBUG)
    scripted.answers = [scripted.reply(404, {"code": 2001, "message": "Account does not exist."})]
    async with client(oauth_config, scripted, fast_retry) as zoom:
        with pytest.raises(AccountNotFound):
            await zoom.get_plans("sub_1")
    lines = [r.getMessage() for r in caplog.records if r.name == "reconciler.zoom"]
    assert any(line.startswith("GET /accounts/sub_1/plans -> 404 code 2001 ") for line in lines)
    assert all("attempt" in line for line in lines)
    text = caplog.text
    assert scripted.issued[0] not in text
    assert oauth_config.client_secret not in text
    assert "Authorization" not in text and "Bearer" not in text


@pytest.mark.parametrize(
    ("op", "body", "problem"),
    [
        ("update_base", {"type": "monthly", "increasing_hosts": 2, "hosts": 3}, "increasing_hosts"),
        ("update_base", {"type": "monthly", "hosts": "3"}, "body.hosts must be a whole number"),
        ("update_addon", {"type": "zroom_monthly", "hosts": 0}, "at least 1"),
        ("add_addon", {"hosts": 1}, "body.type must be a plan type code"),
        ("cancel_addon", {"type": "zroom_monthly"}, 'body.action must be "cancel"'),
        ("subscribe", {"plan_base": {"type": "monthly", "hosts": 1}}, "body.contact"),
        ("subscribe", {"contact": {}, "plan_base": {"type": "monthly"}}, "plan_base.hosts"),
        ("add_addon", {"type": "zroom_monthly", "hosts": float("nan")}, "not plain JSON"),
    ],
)
async def test_bodies_breaking_the_wire_contract_are_never_sent(
    scripted, oauth_config, fast_retry, op, body, problem
) -> None:
    async with client(oauth_config, scripted, fast_retry) as zoom:
        with pytest.raises(InvalidRequestBody) as caught:
            await getattr(zoom, op)("sub_1", body)
    assert problem in str(caught.value)
    assert str(caught.value).startswith(f"sub_1: refused to send {op}: ")
    assert scripted.requests == []


async def test_a_label_slowed_by_a_429_recovers_after_quiet_answers(
    scripted, oauth_config, fast_retry
) -> None:
    """The session tells the pacer about every answer: ten quiet seconds, one step back up."""
    skipped = 0.0
    scripted.answers = [
        scripted.reply(429, {"code": 429, "message": "You have reached the maximum per-second"}),
        scripted.reply(200, {"a": 1}),
        scripted.reply(200, {"a": 2}),
    ]
    zoom = ZoomClient(
        oauth_config,
        transport=scripted.transport(),
        retry=fast_retry,
        clock=lambda: time.monotonic() + skipped,
    )
    medium = zoom.pacer.limiter(RateLabel.MEDIUM)
    async with zoom:
        assert await zoom.get_plans("sub_1") == {"a": 1}
        assert medium.per_second == 47  # 59 slowed by a fifth, not yet recovered
        skipped = 10.0
        assert await zoom.get_plans("sub_1") == {"a": 2}
    assert medium.per_second == 50


async def test_a_429_slows_the_label_zoom_names(scripted, oauth_config, fast_retry) -> None:
    """A GET is Medium to us; if Zoom says it counted it as Heavy, Heavy slows down."""
    scripted.answers = [
        scripted.reply(429, {"code": 429, "message": "slow"}, {"X-RateLimit-Category": "Heavy"}),
        scripted.reply(200, {}),
    ]
    async with client(oauth_config, scripted, fast_retry) as zoom:
        await zoom.get_plans("sub_1")
        assert zoom.pacer.limiter(RateLabel.HEAVY).per_second == 31  # 39 slowed by a fifth
        assert zoom.pacer.limiter(RateLabel.MEDIUM).per_second == 59

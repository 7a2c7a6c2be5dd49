"""When a call takes its bearer token, and what a revoked token costs (scripted Zoom in memory).

The token is taken once the call holds its rate slot, so calls queued behind the pacer never
carry a token that died while they waited; a burst of 401s on one dead token makes one token
request; a POST refused with 401 is resent once with the new token (Zoom did not act on it).
The same rules are measured over real loopback against the sandbox in
test_token_revocation.py.
"""

from __future__ import annotations

import asyncio

import httpx
import pytest

from reconciler.zoom import (
    AuthError,
    NetworkError,
    TokenEndpointUnavailable,
    ZoomClient,
    ZoomConfig,
)
from reconciler.zoom.auth import TOKEN_FETCH_ATTEMPTS, TokenSource
from reconciler.zoom.session import MAX_RENEWALS
from tests.sample_contact import CONTACT

INVALID = {"code": 124, "message": "Invalid access token."}


def client(config: ZoomConfig, scripted, retry) -> ZoomClient:
    return ZoomClient(config, transport=scripted.transport(), retry=retry)


class RevokingZoom:
    """Answers after `latency_s`; refuses (401) every token in `revoked` at answer time."""

    def __init__(self, scripted, latency_s: float) -> None:
        self.scripted = scripted
        self.latency_s = latency_s
        self.revoked: set[str] = set()
        self.statuses: list[int] = []
        self.in_flight = 0
        self.max_in_flight = 0

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth/token":
            return self.scripted(request)
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        await asyncio.sleep(self.latency_s)
        self.in_flight -= 1
        self.scripted.requests.append(request)
        token = request.headers["authorization"].removeprefix("Bearer ")
        status = 401 if token in self.revoked else 200
        self.statuses.append(status)
        if status == 401:
            return self.scripted.reply(401, INVALID)
        return self.scripted.reply(200, {"plan_base": {"type": "monthly", "hosts": 1}})


async def test_calls_queued_behind_the_pacer_never_carry_a_token_revoked_meanwhile(
    scripted, oauth_config, fast_retry
) -> None:
    """40 calls at once: the pacer lets them out over about 0.7 s. The token dies at 0.3 s,
    with at most latency x rate (+1) calls in flight; only those may be answered 401."""
    zoom_side = RevokingZoom(scripted, latency_s=0.1)
    transport = httpx.MockTransport(zoom_side)
    async with ZoomClient(oauth_config, transport=transport, retry=fast_retry) as zoom:

        async def revoke_later() -> None:
            await asyncio.sleep(0.3)
            zoom_side.revoked.update(scripted.issued)

        revoking = asyncio.create_task(revoke_later())
        answers = await asyncio.gather(*(zoom.get_plans("sub_1") for _ in range(40)))
        await revoking
    assert len(answers) == 40
    refused = zoom_side.statuses.count(401)
    assert 1 <= refused <= zoom_side.max_in_flight
    # Paced at 59/s with 0.1 s latency: about 6 calls on the wire at once, and the re-sends of
    # the 401s on top (each 401 gives its place on the schedule back: they start at once).
    assert zoom_side.max_in_flight <= 7 + refused
    # Before this rule every call queued with the old token: about 20 of them came back 401.
    assert len(scripted.token_requests) == 2
    assert zoom_side.statuses.count(200) == 40


async def test_a_401_asks_for_the_new_token_at_once_not_at_the_next_slot(
    scripted, oauth_config, fast_retry
) -> None:
    """The next call to need a token may be a paced interval away: the token that replaces a
    refused one is asked for as soon as the 401 is in, before anyone asks."""
    async with client(oauth_config, scripted, fast_retry) as zoom:
        dead = await zoom.tokens.token()
        zoom.tokens.discard(dead)
        for _ in range(20):  # the request goes out in the background, with no caller
            await asyncio.sleep(0)
        assert len(scripted.token_requests) == 2
        assert await zoom.tokens.token() == scripted.issued[-1] != dead
        zoom.tokens.discard(dead)  # a second 401 on the same dead token asks for nothing
        await asyncio.sleep(0)
    assert len(scripted.token_requests) == 2


async def test_many_401s_on_one_dead_token_make_one_token_request(
    scripted, oauth_config, fast_retry
) -> None:
    zoom_side = RevokingZoom(scripted, latency_s=0.25)
    transport = httpx.MockTransport(zoom_side)
    async with ZoomClient(oauth_config, transport=transport, retry=fast_retry) as zoom:
        await zoom.get_plans("sub_1")
        zoom_side.revoked.update(scripted.issued)
        # Sent within 0.2 s of each other, all with the same token, all answered 401.
        await asyncio.gather(*(zoom.get_plans("sub_1") for _ in range(8)))
    assert zoom_side.statuses.count(401) >= 3
    assert len(scripted.token_requests) == 2
    assert zoom_side.statuses.count(200) == 1 + 8


@pytest.mark.parametrize(
    ("operation", "body"),
    [
        ("subscribe", None),
        ("add_addon", {"type": "zroom_monthly", "hosts": 1}),
        ("cancel_addon", {"action": "cancel", "type": "zroom_monthly"}),
    ],
)
async def test_a_write_refused_with_401_is_resent_once_with_a_fresh_token(
    operation: str, body, scripted, oauth_config, fast_retry
) -> None:
    if body is None:
        body = {
            "contact": dict(CONTACT),
            "plan_base": {"type": "business_monthly", "hosts": 10},
        }
    scripted.answers = [scripted.reply(401, INVALID), scripted.reply(201, {"ok": True})]
    async with client(oauth_config, scripted, fast_retry) as zoom:
        result = await getattr(zoom, operation)("sub_1", body)
    assert result.status == 201
    assert len(scripted.requests) == 2
    assert [r.headers["authorization"] for r in scripted.requests] == [
        f"Bearer {token}" for token in scripted.issued
    ]
    assert len(scripted.issued) == 2


def revoked_once_it_worked(zoom_holder: list[ZoomClient], scripted, works_from: int):
    """A handler: tok-N (N >= works_from) answers 200; earlier tokens are revoked, each right
    after it worked for another call (marked accepted), as a rotation between two calls does."""

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth/token":
            return scripted(request)
        scripted.requests.append(request)
        token = request.headers["authorization"].removeprefix("Bearer ")
        number = scripted.issued.index(token) + 1
        if number >= works_from:
            return scripted.reply(200, {"plan_base": {}})
        zoom_holder[0].tokens.accepted(token)
        return scripted.reply(401, INVALID)

    return answer


@pytest.mark.parametrize("works_from", [2, 3, 1 + MAX_RENEWALS])
async def test_tokens_that_had_worked_are_renewed_each_time_they_die(
    works_from: int, scripted, oauth_config, fast_retry
) -> None:
    holder: list[ZoomClient] = []
    transport = httpx.MockTransport(revoked_once_it_worked(holder, scripted, works_from))
    async with ZoomClient(oauth_config, transport=transport, retry=fast_retry) as zoom:
        holder.append(zoom)
        assert await zoom.get_plans("sub_1") == {"plan_base": {}}
    assert len(scripted.issued) == works_from
    assert len(scripted.requests) == works_from


async def test_a_call_stops_after_its_renewals_are_used_up(
    scripted, oauth_config, fast_retry
) -> None:
    holder: list[ZoomClient] = []
    transport = httpx.MockTransport(revoked_once_it_worked(holder, scripted, works_from=99))
    async with ZoomClient(oauth_config, transport=transport, retry=fast_retry) as zoom:
        holder.append(zoom)
        with pytest.raises(AuthError, match=f"revoked {MAX_RENEWALS + 1} access tokens in a row"):
            await zoom.get_plans("sub_1")
    assert len(scripted.requests) == 1 + MAX_RENEWALS


async def test_a_token_revoked_before_it_ever_worked_is_renewed_once_more(
    scripted, oauth_config, fast_retry
) -> None:
    """A revocation racing a renewal: tok-1 worked and dies, tok-2 dies before any answer
    proved it, tok-3 works. One unproven token is a race, not a refused app."""
    ok = scripted.reply(200, {"plan_base": {}})
    invalid = scripted.reply(401, INVALID)
    async with client(oauth_config, scripted, fast_retry) as zoom:
        scripted.answers = [ok]
        await zoom.get_plans("sub_1")
        scripted.answers = [invalid, invalid, ok]
        assert await zoom.get_plans("sub_1") == {"plan_base": {}}
    assert len(scripted.issued) == 3
    assert [r.headers["authorization"] for r in scripted.requests[1:]] == [
        f"Bearer {token}" for token in scripted.issued
    ]


async def test_a_fresh_token_that_never_worked_is_an_auth_error(
    scripted, oauth_config, fast_retry
) -> None:
    invalid = scripted.reply(401, INVALID)
    scripted.answers = [invalid, invalid, invalid]
    async with client(oauth_config, scripted, fast_retry) as zoom:
        with pytest.raises(AuthError, match="freshly issued access token"):
            await zoom.get_plans("sub_1")
    assert len(scripted.requests) == 2
    assert len(scripted.issued) == 2


async def test_a_token_endpoint_failing_5xx_fails_every_later_call_at_once(
    scripted, oauth_config, fast_retry
) -> None:
    scripted.oauth_status = 503
    async with client(oauth_config, scripted, fast_retry) as zoom:
        zoom.tokens._backoff = lambda _attempt: 0.001  # type: ignore[attr-defined]
        results = await asyncio.gather(
            *(zoom.get_plans(f"sub_{n}") for n in range(10)), return_exceptions=True
        )
    assert all(isinstance(r, TokenEndpointUnavailable) for r in results)
    assert isinstance(results[0], AuthError)  # run-wide wherever AuthError is
    assert len(scripted.token_requests) == TOKEN_FETCH_ATTEMPTS
    assert scripted.requests == []
    line = str(results[0])
    assert line.startswith("cannot get an access token from the Zoom OAuth endpoint")
    assert f"gave up after {TOKEN_FETCH_ATTEMPTS} attempts (HTTP 503)" in line
    assert "\n" not in line


async def test_an_unreachable_token_endpoint_is_named_and_sticky(oauth_config) -> None:
    calls = 0

    def refuse(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        raise httpx.ConnectError("refused", request=request)

    async with httpx.AsyncClient(transport=httpx.MockTransport(refuse)) as http:
        tokens = TokenSource(oauth_config, http, backoff=lambda _attempt: 0.001)
        with pytest.raises(TokenEndpointUnavailable, match=r"unreachable \(ConnectError\)"):
            await tokens.token()
        with pytest.raises(TokenEndpointUnavailable):
            await tokens.token()
    assert calls == TOKEN_FETCH_ATTEMPTS


@pytest.mark.parametrize(
    ("failure", "named"),
    [
        (httpx.DecodingError("bad gzip"), "could not be decoded"),
        (httpx.RemoteProtocolError("cut"), "connection failed"),
        (httpx.ReadTimeout("slow"), "no answer from Zoom in time"),
    ],
)
async def test_every_httpx_failure_of_a_get_is_a_named_error(
    failure: Exception, named: str, scripted, oauth_config, fast_retry
) -> None:
    scripted.answers = [failure] * 6
    async with client(oauth_config, scripted, fast_retry) as zoom:
        with pytest.raises(NetworkError, match=named):
            await zoom.get_plans("sub_1")
    assert len(scripted.requests) == 6

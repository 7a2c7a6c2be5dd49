"""Recorded conversations with the sandbox, replayed with no sandbox and the network blocked.

`make record` runs this module with ``--record-mode=rewrite``: each test then starts the sandbox
(tests/zoom/seed.yaml), scripts its faults, and vcrpy writes the exchange to
tests/zoom/cassettes/test_cassettes/<test>.yaml. By default (record mode ``none``) no sandbox is
started: the client talks to a fixed loopback port that nothing listens on, every answer comes
from the cassette, and the ``block_network`` mark makes any real connection fail the test.

Before anything is written, Authorization headers (Basic and Bearer) and cookies are dropped,
tokens in OAuth answers are replaced, and the sandbox's random port becomes REPLAY_PORT.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import pytest

from reconciler.zoom import (
    AccountNotFound,
    AuthError,
    DailyLimitReached,
    InvalidPlanType,
    NoSubscription,
    PlanTypeMismatch,
    RetryPolicy,
    SelfPayAccount,
    ZoomClient,
    ZoomConfig,
)
from tests.sample_contact import CONTACT

REPLAY_PORT = 59999
REPLAY_ORIGIN = f"http://127.0.0.1:{REPLAY_PORT}"
REDACTED_TOKEN = "REDACTED-ACCESS-TOKEN"
_LOOPBACK_ORIGIN = re.compile(r"http://127\.0\.0\.1:\d+")
FAST = RetryPolicy(base_delay_s=0.01, max_delay_s=0.05)

pytestmark = [pytest.mark.vcr, pytest.mark.block_network]


def _fixed_port(request: Any) -> Any:
    request.uri = _LOOPBACK_ORIGIN.sub(REPLAY_ORIGIN, request.uri)
    return request


def _scrub_response(response: dict[str, Any]) -> dict[str, Any]:
    headers = response.get("headers", {})
    for name in list(headers):
        # content-length no longer fits a scrubbed body; cookies could carry a session.
        if name.lower() in ("set-cookie", "authorization", "content-length"):
            del headers[name]
    body = response.get("body", {}).get("string")
    if isinstance(body, bytes) and b"access_token" in body:
        payload = json.loads(body)
        payload["access_token"] = REDACTED_TOKEN
        response["body"]["string"] = json.dumps(payload).encode()
    return response


@pytest.fixture(scope="module")
def vcr_config() -> dict[str, Any]:
    return {
        # host carries the random port of the recording sandbox
        "filter_headers": ["authorization", "cookie", "set-cookie", "host"],
        "before_record_request": _fixed_port,
        "before_record_response": _scrub_response,
        "decode_compressed_response": True,
    }


@dataclass
class World:
    """Where the client goes: a live sandbox while recording, the fixed port when replaying."""

    config: ZoomConfig
    sandbox: Any | None  # a SandboxServer only while recording

    def script(self, action: Callable[[Any], None]) -> None:
        """Script a sandbox fault; when replaying, the cassette already holds its effect."""
        if self.sandbox is not None:
            action(self.sandbox)


@pytest.fixture
def world(record_mode: str, sandbox, zoom_seed: dict[str, Any]) -> World:
    creds = zoom_seed["credentials"]
    if record_mode == "none":
        config = ZoomConfig(
            api_base_url=f"{REPLAY_ORIGIN}/v2",
            oauth_token_url=f"{REPLAY_ORIGIN}/oauth/token",
            account_id=creds["account_id"],
            client_id=creds["client_id"],
            client_secret=creds["client_secret"],
        )
        return World(config, None)
    sb = sandbox(seed=zoom_seed)
    return World(ZoomConfig.from_env(sb.env()), sb)


@pytest.fixture
async def zoom(world: World) -> AsyncIterator[ZoomClient]:
    async with ZoomClient(world.config, retry=FAST) as client:
        yield client


async def test_reads_and_every_write(zoom: ZoomClient) -> None:
    subs = await zoom.list_sub_accounts()
    assert {s.id for s in subs} == {"sub_8Jk2Lm", "sub_pro", "sub_legacy", "sub_new", "sub_self"}
    plans = await zoom.get_plans("sub_8Jk2Lm")
    assert plans["plan_base"] == {**plans["plan_base"], "type": "business_monthly", "hosts": 20}
    usage = await zoom.get_usage("sub_8Jk2Lm")
    assert usage["plan_base"]["usage"] == 14
    base = await zoom.update_base("sub_8Jk2Lm", {"type": "business_monthly", "hosts": 22})
    added = await zoom.add_addon("sub_8Jk2Lm", {"type": "large500_monthly", "hosts": 1})
    updated = await zoom.update_addon("sub_8Jk2Lm", {"type": "zroom_monthly", "hosts": 3})
    cancelled = await zoom.cancel_addon(
        "sub_8Jk2Lm", {"action": "cancel", "type": "webinar500_monthly"}
    )
    contact = {**CONTACT, "email": "billing@umbrella.example"}
    subscribed = await zoom.subscribe(
        "sub_new", {"contact": contact, "plan_base": {"type": "monthly", "hosts": 2}}
    )
    assert [base.status, added.status, updated.status, cancelled.status] == [204, 201, 200, 200]
    assert subscribed.status == 201
    after = await zoom.get_plans("sub_8Jk2Lm")
    assert after["plan_base"]["hosts"] == 22
    assert after["plan_zoom_rooms"]["hosts"] == 3


async def test_error_answers(zoom: ZoomClient) -> None:
    with pytest.raises(AccountNotFound, match=r"^sub_gone: account does not exist \(HTTP 404"):
        await zoom.get_plans("sub_gone")
    with pytest.raises(SelfPayAccount):
        await zoom.get_plans("sub_self")
    with pytest.raises(NoSubscription):
        await zoom.update_base("sub_new", {"type": "monthly", "hosts": 2})
    with pytest.raises(PlanTypeMismatch):
        await zoom.update_base("sub_pro", {"type": "business_monthly", "hosts": 12})
    with pytest.raises(InvalidPlanType):
        await zoom.update_base("sub_legacy", {"type": "business_yearly_c50", "hosts": 31})


async def test_retries_then_daily_limit(world: World, zoom: ZoomClient) -> None:
    world.script(lambda sb: sb.faults.fail_next(2, 503))
    plans = await zoom.get_plans("sub_pro")
    assert plans["plan_base"]["type"] == "monthly"
    world.script(lambda sb: sb.faults.daily_limit())
    with pytest.raises(DailyLimitReached, match="daily limit of 60000 Heavy API calls") as caught:
        await zoom.update_base("sub_pro", {"type": "monthly", "hosts": 6})
    assert caught.value.reset_at is not None


async def test_revoked_token_is_renewed(world: World, zoom: ZoomClient) -> None:
    await zoom.get_plans("sub_pro")
    world.script(lambda sb: sb.faults.revoke_tokens())
    assert (await zoom.get_plans("sub_pro"))["plan_base"]["hosts"] == 5
    assert zoom.tokens.fetch_count == 2


async def test_wrong_credentials(world: World) -> None:
    config = ZoomConfig(
        api_base_url=world.config.api_base_url,
        oauth_token_url=world.config.oauth_token_url,
        account_id=world.config.account_id,
        client_id=world.config.client_id,
        client_secret="wrong-secret",
    )
    async with ZoomClient(config, retry=FAST) as zoom:
        with pytest.raises(AuthError, match="Invalid client_id or client_secret"):
            await zoom.get_plans("sub_pro")

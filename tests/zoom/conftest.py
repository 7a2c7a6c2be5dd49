"""Fixtures for the Zoom client tests: a scripted in-memory Zoom for httpx.MockTransport.

The scripted Zoom is deliberately tiny: it issues OAuth tokens, records every request and
answers API calls from a queue the test fills. Behaviour that needs a faithful Zoom (validation,
rate limits, faults) is tested against the sandbox over loopback instead.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from reconciler.zoom import RetryPolicy, ZoomClient, ZoomConfig

CLIENT_SECRET = "s3cr3t-client-secret-value"
API = "https://api.zoom.test/v2"
OAUTH = "https://zoom.test/oauth/token"

Scripted = httpx.Response | Exception | Callable[[httpx.Request], httpx.Response]


def zoom_json(status: int, body: Any, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(status, json=body, headers=headers)


@dataclass
class ScriptedZoom:
    """An httpx MockTransport handler: OAuth plus a queue of answers for API calls."""

    answers: list[Scripted] = field(default_factory=list)
    requests: list[httpx.Request] = field(default_factory=list)
    token_requests: list[httpx.Request] = field(default_factory=list)
    expires_in: int = 3600
    oauth_status: int = 200
    issued: list[str] = field(default_factory=list)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth/token":
            self.token_requests.append(request)
            if self.oauth_status != 200:
                return zoom_json(
                    self.oauth_status, {"reason": "Invalid client_id or client_secret"}
                )
            token = f"tok-{len(self.issued) + 1}-abcdefghijklmnop"
            self.issued.append(token)
            return zoom_json(
                200, {"access_token": token, "token_type": "bearer", "expires_in": self.expires_in}
            )
        self.requests.append(request)
        if not self.answers:
            return zoom_json(200, {"plan_base": {"type": "monthly", "hosts": 1}})
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        if callable(answer) and not isinstance(answer, httpx.Response):
            return answer(request)
        return answer

    reply = staticmethod(zoom_json)

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self)

    def bearer_tokens(self) -> list[str]:
        return [r.headers.get("authorization", "") for r in self.requests]

    def bodies(self) -> list[Any]:
        return [json.loads(r.content) if r.content else None for r in self.requests]


def basic_auth(client_id: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()


SEED_PATH = Path(__file__).parent / "seed.yaml"


@pytest.fixture
def zoom_seed() -> dict[str, Any]:
    """The committed test world (tests/zoom/seed.yaml) as a mapping tests may extend."""
    return yaml.safe_load(SEED_PATH.read_text())


@pytest.fixture
def seed_secret(zoom_seed: dict[str, Any]) -> str:
    return str(zoom_seed["credentials"]["client_secret"])


@pytest.fixture
def client_for() -> Callable[..., ZoomClient]:
    """A ZoomClient configured from a sandbox's ZOOM_* variables, with fast retries."""

    def build(sb: Any, *, rate_tier: str = "business", **client_options: Any) -> ZoomClient:
        config = ZoomConfig.from_env({**sb.env(), "ZOOM_RATE_TIER": rate_tier})
        client_options.setdefault(
            "retry", RetryPolicy(base_delay_s=0.01, max_delay_s=0.1, max_retry_after_s=5.0)
        )
        return ZoomClient(config, **client_options)

    return build


@pytest.fixture
def scripted() -> ScriptedZoom:
    return ScriptedZoom()


@pytest.fixture
def oauth_config() -> ZoomConfig:
    return ZoomConfig(
        api_base_url=API,
        oauth_token_url=OAUTH,
        account_id="MASTER1",
        client_id="client-1",
        client_secret=CLIENT_SECRET,
        rate_tier="business",
    )


@pytest.fixture
def fast_retry() -> RetryPolicy:
    """Real retry rules with millisecond backoff so the tests stay fast."""
    return RetryPolicy(base_delay_s=0.001, max_delay_s=0.005, max_retry_after_s=5.0)

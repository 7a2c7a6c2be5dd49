"""Secrets never leave the client: not in cassettes, logs, output, error messages or reprs."""

from __future__ import annotations

import base64
import logging
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from reconciler.zoom import (
    AccountNotFound,
    AmbiguousWriteError,
    AuthError,
    DailyLimitReached,
    ZoomClient,
    ZoomConfig,
    ZoomError,
)

CASSETTES = Path(__file__).parent / "cassettes"


class TokenSpy(httpx.AsyncBaseTransport):
    """Real loopback transport that remembers every bearer token it carried."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.tokens: set[str] = set()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        auth = request.headers.get("authorization", "")
        if auth.startswith("Bearer "):
            self.tokens.add(auth.removeprefix("Bearer "))
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


def secrets_of(seed: dict[str, Any]) -> list[str]:
    creds = seed["credentials"]
    basic = base64.b64encode(f"{creds['client_id']}:{creds['client_secret']}".encode()).decode()
    return [creds["client_secret"], basic]


def test_cassettes_hold_no_secret_or_token(zoom_seed: dict[str, Any]) -> None:
    files = sorted(CASSETTES.rglob("*.yaml"))
    assert files, "no cassettes found: the scan would prove nothing"
    tokens_seen = 0
    for path in files:
        text = path.read_text()
        for secret in secrets_of(zoom_seed):
            assert secret not in text, f"{path.name} holds the client secret"
        assert "Bearer " not in text and "Basic " not in text, f"{path.name} holds an auth header"
        for interaction in yaml.safe_load(text)["interactions"]:
            request, response = interaction["request"], interaction["response"]
            assert "authorization" not in {h.lower() for h in request["headers"]}
            assert "set-cookie" not in {h.lower() for h in response["headers"]}
            assert request["uri"].startswith("http://127.0.0.1:59999/"), request["uri"]
            if request["uri"].endswith("/oauth/token") and response["status"]["code"] == 200:
                body = yaml.safe_load(response["body"]["string"])
                assert body["access_token"] == "REDACTED-ACCESS-TOKEN"
                tokens_seen += 1
    assert tokens_seen >= 1, "no OAuth answer in the cassettes: the token check proved nothing"


async def test_logs_output_errors_and_reprs_carry_no_secret(
    sandbox, zoom_seed, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    caplog.set_level(logging.DEBUG)
    sb = sandbox(seed=zoom_seed)
    spy = TokenSpy()
    config = ZoomConfig.from_env(sb.env())
    said: list[str] = []
    async with ZoomClient(config, transport=spy) as zoom:
        said += [repr(zoom), repr(zoom.tokens), repr(config), str(config)]
        await zoom.get_plans("sub_8Jk2Lm")
        sb.faults.revoke_tokens()
        await zoom.get_plans("sub_8Jk2Lm")
        expected: list[tuple[type[ZoomError], Any]] = [
            (AccountNotFound, zoom.get_plans("sub_gone")),
        ]
        sb.faults.drop_response(1, "POST")
        expected.append(
            (
                AmbiguousWriteError,
                zoom.add_addon("sub_8Jk2Lm", {"type": "large500_monthly", "hosts": 1}),
            )
        )
        for kind, call in expected:
            with pytest.raises(kind) as caught:
                await call
            said += [str(caught.value), repr(caught.value)]
        sb.faults.daily_limit()
        with pytest.raises(DailyLimitReached) as daily:
            await zoom.update_base("sub_8Jk2Lm", {"type": "business_monthly", "hosts": 21})
        said += [str(daily.value), repr(daily.value)]
        sb.faults.revoke_tokens()
    bad = ZoomConfig.from_env({**sb.env(), "ZOOM_CLIENT_SECRET": "wrong-secret-value"})
    async with ZoomClient(bad) as zoom:
        with pytest.raises(AuthError) as auth:
            await zoom.get_plans("sub_8Jk2Lm")
        said += [str(auth.value), repr(auth.value)]
    assert len(spy.tokens) == 2, "the spy must have seen both real tokens"
    out = capsys.readouterr()
    haystacks = {
        "log": caplog.text,
        "stdout": out.out,
        "stderr": out.err,
        "errors and reprs": "\n".join(said),
    }
    needles = [*secrets_of(zoom_seed), "wrong-secret-value", *spy.tokens]
    for where, text in haystacks.items():
        for needle in needles:
            assert needle not in text, f"a secret or token leaked into {where}"
    assert "Authorization" not in caplog.text
    lines = [r.getMessage() for r in caplog.records if r.name == "reconciler.zoom"]
    assert any(line.startswith("GET /accounts/sub_8Jk2Lm/plans -> 401 code 124") for line in lines)
    assert not [r for r in caplog.records if r.name == "httpx" and r.levelno < logging.WARNING]

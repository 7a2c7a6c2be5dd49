"""Helpers for the sandbox tests: a real httpx client with a token from the sandbox."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest

from reconciler.sandbox import SandboxServer


def token_for(sb: SandboxServer) -> str:
    env = sb.env()
    answer = httpx.post(
        sb.oauth_token_url,
        auth=(env["ZOOM_CLIENT_ID"], env["ZOOM_CLIENT_SECRET"]),
        data={"grant_type": "account_credentials", "account_id": env["ZOOM_ACCOUNT_ID"]},
    )
    assert answer.status_code == 200, answer.text
    return str(answer.json()["access_token"])


def api_client(sb: SandboxServer) -> httpx.Client:
    """An httpx client on the sandbox's /v2 with a fresh bearer token."""
    return httpx.Client(
        base_url=sb.api_base_url,
        headers={"Authorization": f"Bearer {token_for(sb)}"},
        timeout=10,
    )


@pytest.fixture
def zoom(sandbox: Callable[..., SandboxServer]) -> Iterator[tuple[SandboxServer, httpx.Client]]:
    """The default sandbox and an authorised client for it."""
    sb = sandbox()
    with api_client(sb) as client:
        yield sb, client

"""Helpers for the sandbox tests: a real httpx client with a token from the sandbox."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest

from reconciler.sandbox import SandboxServer


def plain_http() -> httpx.Client:
    """A client for plain-HTTP loopback: no TLS context to build (saves ~40 ms per client)."""
    return httpx.Client(verify=False, timeout=10)


def token_for(sb: SandboxServer, http: httpx.Client | None = None) -> str:
    env = sb.env()
    answer = (http or plain_http()).post(
        sb.oauth_token_url,
        auth=(env["ZOOM_CLIENT_ID"], env["ZOOM_CLIENT_SECRET"]),
        data={"grant_type": "account_credentials", "account_id": env["ZOOM_ACCOUNT_ID"]},
    )
    assert answer.status_code == 200, answer.text
    return str(answer.json()["access_token"])


def api_client(sb: SandboxServer) -> httpx.Client:
    """An httpx client on the sandbox's /v2 with a fresh bearer token."""
    client = httpx.Client(base_url=sb.api_base_url, verify=False, timeout=10)
    client.headers["Authorization"] = f"Bearer {token_for(sb, client)}"
    return client


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    """A plain loopback HTTP client, closed after the test."""
    with plain_http() as client:
        yield client


@pytest.fixture
def zoom(sandbox: Callable[..., SandboxServer]) -> Iterator[tuple[SandboxServer, httpx.Client]]:
    """The default sandbox and an authorised client for it."""
    sb = sandbox()
    client = api_client(sb)
    try:
        yield sb, client
    finally:
        client.close()

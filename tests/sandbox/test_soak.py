"""Benchmark-sized load: 1,000 accounts, 50 requests a second, 100 ms latency (make soak)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from reconciler.sandbox import SandboxServer


def thousand_accounts() -> dict[str, Any]:
    return {
        "credentials": {"account_id": "M", "client_id": "c", "client_secret": "s"},
        "accounts": {
            f"sub_{i:04d}": {"plans": {"plan_base": {"type": "business_monthly", "hosts": 20}}}
            for i in range(1000)
        },
    }


@pytest.mark.slow
async def test_paced_load_at_latency_is_served_without_429_or_serialising(
    sandbox: Callable[..., SandboxServer], client_for: Callable[[SandboxServer], httpx.Client]
) -> None:
    sb = sandbox(thousand_accounts(), latency_ms=100)
    authorization = client_for(sb).headers["Authorization"]
    rate = 50.0
    async with httpx.AsyncClient(
        base_url=sb.api_base_url,
        headers={"Authorization": authorization},
        limits=httpx.Limits(max_connections=100),
        verify=False,
    ) as client:

        async def read(i: int) -> int:
            await asyncio.sleep(i / rate)
            return (await client.get(f"/accounts/sub_{i:04d}/plans")).status_code

        async def write(i: int) -> int:
            await asyncio.sleep(i / (rate * 0.6))
            body = {"type": "business_monthly", "hosts": 21}
            return (await client.put(f"/accounts/sub_{i:04d}/plans/base", json=body)).status_code

        reads = await asyncio.gather(*(read(i) for i in range(400)))
        writes = await asyncio.gather(*(write(i) for i in range(150)))
    assert set(reads) == {200}
    assert set(writes) == {204}
    assert sb.max_concurrent_requests >= 3  # 50/s at 100 ms: about 5 in flight at any moment
    assert all(sb.plans(f"sub_{i:04d}")["plan_base"]["hosts"] == 21 for i in range(150))

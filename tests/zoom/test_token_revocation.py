"""What a token revoked mid-run costs, over real loopback against the sandbox.

The client takes its bearer token only when the call holds its rate slot, so a revocation can
only hit the calls already on the wire: at most one 401 per call in flight, however many calls
wait in the pacer's queue, and one token request per revocation. The sandbox revokes either
once (a test thread) or on its own timer (`revoke_every_s`, what `make bench` uses).
"""

from __future__ import annotations

import asyncio
import threading


def token_requests(sb) -> list:
    return [r for r in sb.requests if r.path == "/oauth/token"]


def api_statuses(sb) -> list[int]:
    return [r.status for r in sb.requests if r.path.startswith("/v2/")]


async def test_a_revoked_token_costs_at_most_one_401_per_call_in_flight(
    sandbox, zoom_seed, client_for
) -> None:
    sb = sandbox(seed=zoom_seed, latency_ms=50)
    revoke = threading.Timer(0.4, sb.faults.revoke_tokens)
    async with client_for(sb) as zoom:
        revoke.start()
        # 60 reads queued at once (as `plan` queues its accounts): about 1 s at 57/s.
        answers = await asyncio.gather(*(zoom.get_plans("sub_pro") for _ in range(60)))
    revoke.join()
    statuses = api_statuses(sb)
    in_flight = sb.max_concurrent_requests
    assert len(answers) == 60
    assert statuses.count(200) == 60
    assert 1 <= statuses.count(401) <= in_flight
    # 57/s with 50 ms answers keeps few calls on the wire; the queue behind them held dozens.
    assert in_flight <= 8
    assert len(token_requests(sb)) == 2
    assert 429 not in statuses


async def test_tokens_revoked_on_a_timer_cost_one_token_request_and_few_401s_each(
    sandbox, zoom_seed, client_for
) -> None:
    sb = sandbox(seed=zoom_seed, latency_ms=50, revoke_every_s=0.3)
    async with client_for(sb) as zoom:
        # 90 reads queued at once: about 1.6 s at 57/s, so the timer fires at least 4 times.
        await asyncio.gather(*(zoom.get_plans("sub_pro") for _ in range(90)))
    sb.stop()
    revocations = sb.revocations
    statuses = api_statuses(sb)
    assert revocations >= 4
    assert statuses.count(200) == 90
    assert statuses.count(401) <= revocations * sb.max_concurrent_requests
    assert len(token_requests(sb)) <= revocations + 1
    assert 429 not in statuses

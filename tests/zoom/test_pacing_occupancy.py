"""The occupancy ceiling: whatever the network does to arrival times, Zoom never counts more than
its limit in one second.

Zoom counts a call when it arrives, which is somewhere between when we sent it and when its
answer came back. These tests put every call's arrival at an adversarial point of that interval
(some at once, some only as the answer leaves), on a virtual clock, and check every one-second
window of arrivals. The same run without the ceiling trips the limit, so the check has teeth.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import random
from collections.abc import Coroutine
from typing import Any

import pytest

from reconciler.zoom.pacing import Pacer, RateLabel, SlidingWindowLimiter
from tests.windows import most_in_one_second


class VirtualTime:
    """A discrete-event clock: time jumps to the next sleeper once every task is blocked."""

    def __init__(self) -> None:
        self.now = 100.0
        self._timers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._timers, (self.now + max(0.0, seconds), next(self._order), future))
        await future

    async def run(self, main: Coroutine[Any, Any, Any]) -> Any:
        task = asyncio.ensure_future(main)
        while not task.done():
            for _ in range(20):  # let every runnable task reach its next wait
                await asyncio.sleep(0)
            if self._timers and not task.done():
                when, _, future = heapq.heappop(self._timers)
                self.now = max(self.now, when)
                future.set_result(None)
        return task.result()


async def steady_starts(
    limiter: SlidingWindowLimiter, vt: VirtualTime, per_worker: int, workers: int = 10
) -> list[float]:
    """When each call started: `workers` callers, `per_worker` calls each of a steady 100 ms."""
    starts: list[float] = []

    async def worker() -> None:
        for _ in range(per_worker):
            async with limiter.slot():
                starts.append(vt.now)
                await vt.sleep(0.1)

    await vt.run(asyncio.gather(*(worker() for _ in range(workers))))
    return starts


async def arrivals(limiter: SlidingWindowLimiter, vt: VirtualTime, seed: int) -> list[float]:
    """300 calls, 24 at a time, each 20-400 ms long, arriving at its start or at its end."""
    rng = random.Random(seed)
    plans = [(rng.uniform(0.02, 0.4), rng.choice((0.0, 1.0))) for _ in range(300)]
    seen: list[float] = []
    queue = iter(plans)

    async def worker() -> None:
        for latency, where in queue:
            async with limiter.slot():
                sent = vt.now
                await vt.sleep(latency)
                seen.append(sent + where * latency)

    await asyncio.gather(*(worker() for _ in range(24)))
    return seen


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
async def test_no_second_at_zoom_holds_more_than_the_ceiling(seed: int) -> None:
    vt = VirtualTime()
    limiter = SlidingWindowLimiter(19, ceiling=20, clock=vt.clock, sleep=vt.sleep)
    seen = await vt.run(arrivals(limiter, vt, seed))
    assert len(seen) == 300
    assert most_in_one_second(seen) <= 20


async def test_without_the_ceiling_the_same_traffic_trips_the_limit() -> None:
    """The even schedule alone (the pacer before CI caught a 429) fails this traffic."""
    worst = 0
    for seed in [1, 2, 3, 4, 5]:
        vt = VirtualTime()
        limiter = SlidingWindowLimiter(19, ceiling=10_000, clock=vt.clock, sleep=vt.sleep)
        worst = max(worst, most_in_one_second(await vt.run(arrivals(limiter, vt, seed))))
    assert worst > 20


async def test_the_ceiling_costs_one_round_trip_per_second() -> None:
    """Calls of a steady 100 ms each: about 20/1.1 = 18.2 a second, not the scheduled 19."""
    vt = VirtualTime()
    limiter = SlidingWindowLimiter(19, ceiling=20, clock=vt.clock, sleep=vt.sleep)
    starts = await steady_starts(limiter, vt, 20)
    rate = (len(starts) - 1) / (starts[-1] - starts[0])
    assert 20 / 1.1 * 0.97 <= rate <= 20 / 1.1 * 1.03, f"{rate:.2f}/s"


async def test_a_full_ceiling_waits_for_an_answer_then_one_second() -> None:
    vt = VirtualTime()
    limiter = SlidingWindowLimiter(3, ceiling=3, clock=vt.clock, sleep=vt.sleep)

    async def scenario() -> float:
        for _ in range(3):
            await limiter.acquire()  # three calls in flight, none answered
        fourth = asyncio.ensure_future(limiter.acquire())
        await vt.sleep(5.0)
        assert not fourth.done(), "started while every slot was still in flight"
        answered = vt.now
        limiter.release()
        await fourth
        return vt.now - answered

    assert await vt.run(scenario()) >= 1.0


async def test_a_cancelled_waiter_leaves_the_count_alone() -> None:
    vt = VirtualTime()
    limiter = SlidingWindowLimiter(1, ceiling=1, clock=vt.clock, sleep=vt.sleep)

    async def scenario() -> None:
        await limiter.acquire()
        waiter = asyncio.ensure_future(limiter.acquire())
        await asyncio.sleep(0)
        waiter.cancel()
        limiter.release()
        await vt.sleep(1.5)
        await asyncio.wait_for(limiter.acquire(), timeout=1.0)

    await vt.run(scenario())


def test_a_429_lowers_the_ceiling_to_zooms_stated_limit() -> None:
    pacer = Pacer("business")
    medium = pacer.limiter(RateLabel.MEDIUM)
    assert (medium.per_second, medium.ceiling) == (59, 60)
    pacer.on_rate_limited(RateLabel.MEDIUM, 10)
    assert (medium.per_second, medium.ceiling) == (9, 10)
    medium.slow_down(30, 50)
    assert (medium.per_second, medium.ceiling) == (9, 10), "never raised"

"""The pacer keeps the rate budget full when the event loop wakes it late (slow suite).

`make bench` showed planning 1,000 accounts about 1 s slower than the pacing allows: every
wake-up came a little late, and each late start pushed every later call back. The pacer now
follows an even schedule, so lateness is caught up (never by more than one interval) while no
one-second window ever holds more than the paced rate.
"""

from __future__ import annotations

import asyncio
import itertools

import pytest

from reconciler.zoom.pacing import SlidingWindowLimiter
from tests.windows import most_in_one_second


class LateClock:
    """Simulated time whose sleeps always overshoot by `late` seconds, like a busy loop."""

    def __init__(self, late: float) -> None:
        self.now = 500.0
        self.late = late

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += max(0.0, seconds) + self.late
        await asyncio.sleep(0)


@pytest.mark.slow
@pytest.mark.parametrize("late_ms", [2, 5, 10])
async def test_late_wake_ups_do_not_lose_budget(late_ms: int) -> None:
    time = LateClock(late_ms / 1000)
    limiter = SlidingWindowLimiter(57, clock=time.clock, sleep=time.sleep)
    starts: list[float] = []

    async def one() -> None:
        async with limiter.slot():
            starts.append(time.now)

    await asyncio.gather(*(one() for _ in range(570)))
    assert most_in_one_second(starts) <= 57
    rate = (len(starts) - 1) / (starts[-1] - starts[0])
    # Without the schedule, 10 ms late per wake-up would pace at 1/(1/57 + 0.01) = 36/s.
    assert rate >= 57 * 0.97, f"{rate:.1f}/s"


@pytest.mark.slow
async def test_idle_time_never_builds_a_burst() -> None:
    time = LateClock(0.0)
    limiter = SlidingWindowLimiter(19, clock=time.clock, sleep=time.sleep)
    for _ in range(5):
        async with limiter.slot():
            pass
    time.now += 30.0  # idle: the schedule must not let the next calls through at once
    starts = []
    for _ in range(19):
        async with limiter.slot():
            starts.append(time.now)
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert min(gaps) >= 1 / 19 - 1e-6

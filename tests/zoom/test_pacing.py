"""The pacer on a simulated clock: never more than the paced rate in any one-second window
(including the first second), and throughput close to it."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from reconciler.zoom import RateLabel, ZoomConfig
from reconciler.zoom.auth import TokenSource
from reconciler.zoom.pacing import Pacer, SlidingWindowLimiter, paced_rate
from tests.windows import most_in_one_second


class SimulatedTime:
    """A clock that only moves when a waiter sleeps, so pacing tests take no real time."""

    def __init__(self) -> None:
        self.now = 1000.0

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += max(0.0, seconds)
        await asyncio.sleep(0)


@pytest.mark.parametrize(
    ("zoom_limit", "paced"), [(10, 9), (20, 19), (30, 29), (40, 39), (60, 59), (80, 79)]
)
def test_paced_rate_is_one_call_a_second_under_zooms_limit(zoom_limit: int, paced: int) -> None:
    assert paced_rate(zoom_limit) == paced
    assert 0.9 <= paced / zoom_limit < 1.0


@pytest.mark.parametrize("per_second", [1, 9, 19, 57])
async def test_no_window_holds_more_than_the_rate_even_at_the_start(per_second: int) -> None:
    time = SimulatedTime()
    limiter = SlidingWindowLimiter(per_second, clock=time.clock, sleep=time.sleep)
    starts: list[float] = []

    async def one() -> None:
        async with limiter.slot():
            starts.append(time.now)

    await asyncio.gather(*(one() for _ in range(per_second * 5)))
    assert len(starts) == per_second * 5
    assert most_in_one_second(starts) == per_second
    # Throughput: evenly spaced, within 2% of the paced rate.
    ideal = (len(starts) - 1) / per_second
    assert ideal <= starts[-1] - starts[0] <= ideal * 1.02


async def test_first_second_is_not_a_burst() -> None:
    time = SimulatedTime()
    limiter = SlidingWindowLimiter(19, clock=time.clock, sleep=time.sleep)
    starts = []
    for _ in range(40):
        async with limiter.slot():
            pass
        starts.append(time.now - 1000.0)
    assert sum(1 for s in starts if s < 1.0) == 19


async def test_slow_down_never_speeds_up() -> None:
    limiter = SlidingWindowLimiter(19)
    limiter.slow_down(30)
    assert limiter.per_second == 19
    limiter.slow_down(5)
    assert limiter.per_second == 5
    limiter.slow_down(0)
    assert limiter.per_second == 1


def test_pacer_sizes_labels_for_the_tier() -> None:
    pro = Pacer("pro")
    business = Pacer("business")
    assert [pro.limiter(label).per_second for label in RateLabel] == [29, 19, 9]
    assert [business.limiter(label).per_second for label in RateLabel] == [79, 59, 39]


async def test_token_is_renewed_a_minute_before_expiry() -> None:
    time = SimulatedTime()
    issued: list[str] = []

    def oauth(request: httpx.Request) -> httpx.Response:
        issued.append(f"token-{len(issued)}")
        return httpx.Response(200, json={"access_token": issued[-1], "expires_in": 3600})

    config = ZoomConfig(account_id="M", client_id="c", client_secret="s")
    async with httpx.AsyncClient(transport=httpx.MockTransport(oauth)) as http:
        tokens = TokenSource(config, http, clock=time.clock)
        assert await tokens.token() == "token-0"
        time.now += 3539
        assert await tokens.token() == "token-0"
        time.now += 1
        assert await tokens.token() == "token-1"
        # A 401 seen with an already replaced token does not fetch again.
        assert await tokens.renew("token-0") == "token-1"
        assert await tokens.renew("token-1") == "token-2"
    assert tokens.fetch_count == 3


def test_one_burst_of_429s_slows_a_label_once_per_second() -> None:
    time = SimulatedTime()
    pacer = Pacer("pro", clock=time.clock)
    for _ in range(5):
        pacer.on_rate_limited(RateLabel.MEDIUM, None)
    assert pacer.limiter(RateLabel.MEDIUM).per_second == 15  # 19 -> 15, once
    time.now += 1.0
    pacer.on_rate_limited(RateLabel.MEDIUM, 10)
    assert pacer.limiter(RateLabel.MEDIUM).per_second == 9  # below Zoom's stated 10
    assert pacer.limiter(RateLabel.HEAVY).per_second == 9  # other labels untouched


def business_pacer() -> tuple[SimulatedTime, Pacer, SlidingWindowLimiter]:
    """A Business-tier pacer on simulated time, and its Medium limiter."""
    time = SimulatedTime()
    pacer = Pacer("business", clock=time.clock)
    return time, pacer, pacer.limiter(RateLabel.MEDIUM)


def test_a_slowed_label_climbs_back_one_step_per_quiet_ten_seconds() -> None:
    """Another app's burst is brief: the rate comes back, 5% of the limit at a time."""
    time, pacer, medium = business_pacer()
    pacer.on_rate_limited(RateLabel.MEDIUM, None)  # no header: shared quota
    assert (medium.per_second, medium.ceiling) == (47, 48)
    time.now += 9.0
    pacer.on_answer(RateLabel.MEDIUM)
    assert (medium.per_second, medium.ceiling) == (47, 48), "not before ten quiet seconds"
    time.now += 1.0
    pacer.on_answer(RateLabel.MEDIUM)
    assert (medium.per_second, medium.ceiling) == (50, 51)
    pacer.on_answer(RateLabel.MEDIUM)
    assert medium.per_second == 50, "one step per ten seconds, however many answers"
    seen = []
    for _ in range(10):
        time.now += 10.0
        pacer.on_answer(RateLabel.MEDIUM)
        seen.append((medium.per_second, medium.ceiling))
    assert seen[:3] == [(53, 54), (56, 57), (59, 60)]
    assert set(seen[3:]) == {(59, 60)}, "never above the tier's rate"
    assert not medium.slowed


def test_a_429_during_recovery_restarts_the_wait() -> None:
    time, pacer, medium = business_pacer()
    pacer.on_rate_limited(RateLabel.MEDIUM, None)
    time.now += 10.0
    pacer.on_answer(RateLabel.MEDIUM)
    assert medium.per_second == 50
    time.now += 5.0
    pacer.on_rate_limited(RateLabel.MEDIUM, None)
    assert medium.per_second == 40
    time.now += 9.0
    pacer.on_answer(RateLabel.MEDIUM)
    assert medium.per_second == 40


def test_recovery_never_climbs_past_the_limit_zoom_stated() -> None:
    """Told `business`, but Zoom's X-RateLimit-Limit says 10: 9/s with a ceiling of 10, for good."""
    time, pacer, medium = business_pacer()
    pacer.on_rate_limited(RateLabel.MEDIUM, 10)
    for _ in range(20):
        time.now += 10.0
        pacer.on_answer(RateLabel.MEDIUM)
    assert (medium.per_second, medium.ceiling) == (9, 10)


def test_a_limit_zoom_states_holds_even_inside_the_one_second_window() -> None:
    """A header-less 429, then half a second later one saying 10: capped at 10 for good."""
    time, pacer, medium = business_pacer()
    pacer.on_rate_limited(RateLabel.MEDIUM, None)
    time.now += 0.5
    pacer.on_rate_limited(RateLabel.MEDIUM, 10)
    assert (medium.per_second, medium.ceiling) == (9, 10)
    for _ in range(10):
        time.now += 10.0
        pacer.on_answer(RateLabel.MEDIUM)
    assert (medium.per_second, medium.ceiling) == (9, 10)


async def test_an_answer_a_hair_under_a_second_old_still_fills_the_ceiling() -> None:
    """`t + 1 - now` rounds to 0 for some t just below a power of two; `1 - (now - t)` does not."""
    time = SimulatedTime()
    time.now = 16383.495435087092
    limiter = SlidingWindowLimiter(1, ceiling=1, clock=time.clock, sleep=time.sleep)
    async with limiter.slot():
        pass
    time.now = 16384.49543508709  # 0.999999999998 s after the answer
    await limiter.acquire()
    assert time.now - 16383.495435087092 >= 1.0, "started while the answer still counted"

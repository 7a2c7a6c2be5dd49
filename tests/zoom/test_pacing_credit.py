"""The round-trip credit: pacing at the schedule (one call a second under Zoom's limit) instead of
losing a round trip per second of budget, without letting a stall on the way out trip the limit.

The traffic here keeps the credit's one assumption (a call spends at least about the fastest
round trip after Zoom counted it) and is otherwise hostile: calls held back on the way out for
up to 400 ms, then delivered together with later ones, arriving at the last moment the
assumption allows. A 429 ends the credit for the rest of the run.
"""

from __future__ import annotations

import asyncio
import random

import pytest

from reconciler.zoom.pacing import (
    CREDIT_AFTER_TRIPS,
    CREDIT_MARGIN_S,
    Pacer,
    RateLabel,
    SlidingWindowLimiter,
)
from tests.windows import most_in_one_second
from tests.zoom.test_pacing_occupancy import VirtualTime, steady_starts

#: Zoom's part of every round trip (its work and the way back): 80 to 130 ms.
BACK_S = (0.08, 0.13)


async def stalled_arrivals(
    limiter: SlidingWindowLimiter,
    vt: VirtualTime,
    seed: int,
    count: int = 300,
    refused: float = 0.0,
) -> list[float]:
    """When Zoom counted each of `count` calls, 24 at a time: the way out 0-5 ms, except runs of
    three held 150-400 ms; a share `refused` of them is refused for its token (a 401: not
    counted, and resent)."""
    rng = random.Random(seed)
    seen: list[float] = []
    sent = 0

    async def worker() -> None:
        nonlocal sent
        while sent < count:
            sent += 1
            held = sent % 40 in (1, 2, 3) or rng.random() < 0.03
            out = rng.uniform(0.15, 0.4) if held else rng.uniform(0.0, 0.005)
            back = rng.uniform(*BACK_S)
            async with limiter.slot() as ticket:
                started = vt.now
                await vt.sleep(out + back)
                if rng.random() < refused:
                    ticket.counted = False
                    sent -= 1
                else:
                    seen.append(started + out)

    await asyncio.gather(*(worker() for _ in range(24)))
    return seen


def credited(per_second: int, ceiling: int, vt: VirtualTime) -> SlidingWindowLimiter:
    return SlidingWindowLimiter(
        per_second, ceiling=ceiling, credit_margin=CREDIT_MARGIN_S, clock=vt.clock, sleep=vt.sleep
    )


@pytest.mark.parametrize("refused", [0.0, 0.15])
@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5, 6])
async def test_calls_held_on_the_way_out_never_fill_a_second_past_the_limit(
    seed: int, refused: float
) -> None:
    """Also with 401s among them: each gives its place back, and its re-send may start ahead of
    the schedule; and a schedule held back catches up, as the count and the ceiling allow."""
    vt = VirtualTime()
    limiter = credited(19, 20, vt)
    seen = await vt.run(stalled_arrivals(limiter, vt, seed, refused=refused))
    assert len(seen) == 300
    assert limiter.credit > 0.05, "the credit was in use"
    assert most_in_one_second(seen) <= 20


async def test_without_the_ceiling_the_same_stalls_trip_the_limit() -> None:
    """The check above has teeth: the even schedule alone fails this traffic."""
    worst = 0
    for seed in [1, 2, 3, 4, 5, 6]:
        vt = VirtualTime()
        limiter = credited(19, 10_000, vt)
        worst = max(worst, most_in_one_second(await vt.run(stalled_arrivals(limiter, vt, seed))))
    assert worst > 20


async def steady_rate(limiter: SlidingWindowLimiter, vt: VirtualTime) -> float:
    """Starts per second of the last 300 of 600 calls of a steady 100 ms, ten at a time."""
    last = (await steady_starts(limiter, vt, 60))[-300:]
    return (len(last) - 1) / (last[-1] - last[0])


async def test_with_the_credit_steady_round_trips_keep_the_schedule() -> None:
    """19/s at 100 ms round trips, where the uncredited ceiling allows 20/1.1 = 18.2/s."""
    vt = VirtualTime()
    rate = await steady_rate(credited(19, 20, vt), vt)
    assert 19 * 0.98 <= rate <= 19 * 1.02, f"{rate:.2f}/s"
    vt = VirtualTime()
    strict = await steady_rate(
        SlidingWindowLimiter(19, ceiling=20, clock=vt.clock, sleep=vt.sleep), vt
    )
    assert strict <= 20 / 1.1 * 1.02, f"{strict:.2f}/s"


async def calls(limiter: SlidingWindowLimiter, vt: VirtualTime, trips: list[float]) -> list[float]:
    """One call after another with these round trips; the credit after each."""
    credits = []

    async def run() -> None:
        for trip in trips:
            started = await limiter.acquire()
            await vt.sleep(trip)
            limiter.release(started)
            credits.append(limiter.credit)

    await vt.run(run())
    return credits


async def test_no_credit_before_enough_round_trips_and_none_after_a_429() -> None:
    vt = VirtualTime()
    pacer = Pacer("business", clock=vt.clock)
    medium = pacer.limiter(RateLabel.MEDIUM)
    assert medium.credit == 0.0, "nothing is known before an answer"
    # The first call's trip is not measured (the first wave opens connections).
    credits = await calls(medium, vt, [0.5] + [0.1] * CREDIT_AFTER_TRIPS)
    assert set(credits[:-1]) == {0.0}, "not before enough round trips"
    assert credits[-1] == pytest.approx(0.1 - CREDIT_MARGIN_S)
    pacer.on_rate_limited(RateLabel.MEDIUM, None)
    assert medium.credit == 0.0
    assert set(await calls(medium, vt, [0.1] * 3)) == {0.0}, "a 429 ends it for the run"


async def test_the_fastest_round_trip_sets_the_credit() -> None:
    """A slow answer never raises the credit; a faster one lowers it."""
    vt = VirtualTime()
    limiter = credited(10, 10, vt)
    warm = [0.01] + [0.2] * (CREDIT_AFTER_TRIPS - 1)  # the first trip is not measured
    credits = await calls(limiter, vt, [*warm, 0.5, 0.05, 0.3])
    assert credits[-3:] == pytest.approx([0.19, 0.04, 0.04])


@pytest.mark.parametrize(("counted", "next_start"), [(True, 101.5), (False, 100.5)])
async def test_a_call_zoom_did_not_count_occupies_nothing(counted: bool, next_start: float) -> None:
    """A 401 for the token: Zoom knows no account to count it against, so the revoked token's
    re-send waits neither for its budget nor for the schedule."""
    vt = VirtualTime()
    limiter = SlidingWindowLimiter(1, ceiling=1, clock=vt.clock, sleep=vt.sleep)

    async def two_calls() -> float:
        started = await limiter.acquire()
        await vt.sleep(0.5)
        limiter.release(started, counted=counted)
        return await limiter.acquire()

    assert await vt.run(two_calls()) == pytest.approx(next_start, abs=1e-3)


async def test_places_given_back_let_as_many_calls_start_ahead_of_the_schedule() -> None:
    """Three 401s in flight when a token dies: their three re-sends and the next scheduled call
    start together once the new token is there, then the schedule goes on; a place not used
    within a second is gone (idle time never builds a burst)."""
    vt = VirtualTime()
    limiter = SlidingWindowLimiter(10, ceiling=10, clock=vt.clock, sleep=vt.sleep)

    async def run() -> list[float]:
        refused = [await limiter.acquire() for _ in range(3)]  # 100.0, 100.1, 100.2
        await vt.sleep(0.25)  # their 401s come back at 100.45
        for started in refused:
            limiter.release(started, counted=False)
        again = [await limiter.acquire() for _ in range(5)]
        await vt.sleep(3.0)
        limiter.release(again[0], counted=False)
        await vt.sleep(1.0)
        late = [await limiter.acquire() for _ in range(2)]
        return [*again, *late]

    starts = await vt.run(run())
    assert starts[:5] == pytest.approx([100.45, 100.45, 100.45, 100.45, 100.55], abs=1e-3)
    assert starts[6] - starts[5] == pytest.approx(0.1, abs=1e-3), "no place left a second later"


async def test_a_second_the_count_held_back_is_caught_up() -> None:
    """Ten calls burst at once (places given back), then the schedule; a second later the
    count holds the schedule back until the burst leaves the window, and the calls held then
    start as soon as it has, instead of losing their slots (at most CATCH_UP_S of them)."""
    vt = VirtualTime()
    limiter = SlidingWindowLimiter(20, ceiling=1000, clock=vt.clock, sleep=vt.sleep)

    async def run() -> list[float]:
        refused = [await limiter.acquire() for _ in range(10)]  # 100.00 .. 100.45
        await vt.sleep(0.1)
        for started in refused:
            limiter.release(started, counted=False)
        starts = []
        for _ in range(70):
            started = await limiter.acquire()
            limiter.release(started)
            starts.append(started)
        return starts

    starts = await vt.run(run())
    assert most_in_one_second(starts) <= 20
    # The even schedule alone sends the 70th 3.45 s after the first (3.4 s when the held calls
    # catch up one interval only); catching up sends it sooner.
    assert starts[-1] - starts[0] <= 3.3


async def first_starts(limiter: SlidingWindowLimiter, vt: VirtualTime, count: int) -> float:
    """Seconds from the first to the `count`th start, calls of a steady 100 ms, ten at a time
    (Business Medium's schedule: the floor is known within the first second)."""
    starts = await steady_starts(limiter, vt, count // 10)
    return starts[count - 1] - starts[0]


async def test_the_credit_covers_calls_answered_before_it_was_known() -> None:
    """The first second pays no round trip: once the floor is known, the calls answered before
    it get the credit too, so the ceiling does not stop the schedule at the first second."""
    vt = VirtualTime()
    credited_span = await first_starts(credited(59, 60, vt), vt, 180)
    vt = VirtualTime()
    strict = SlidingWindowLimiter(59, ceiling=60, clock=vt.clock, sleep=vt.sleep)
    strict_span = await first_starts(strict, vt, 180)
    assert credited_span <= 179 / 59 * 1.01, f"{credited_span:.3f} s"
    assert strict_span > credited_span + 0.15, "the strict rule pays a round trip a second"

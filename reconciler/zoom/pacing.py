"""Client-side pacing below Zoom's per-second limits, one limiter per rate label.

Zoom counts calls per master account and label (Light, Medium, Heavy) per second. A token
bucket would let a full bucket *plus* the refill through in the first second (twice the rate),
so each label here is a sliding window that also spaces calls evenly: at most ``per_second``
calls start in any one-second window, one every ``1/per_second`` seconds. ``per_second`` is 95%
of Zoom's limit (rounded down), which keeps throughput at 90-100% of the limit (SPEC section 6)
and leaves one call of headroom for jitter between our clock and Zoom's.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import deque
from collections.abc import Awaitable, Callable
from enum import StrEnum

from reconciler.zoom.config import RateTier


class RateLabel(StrEnum):
    """Zoom's rate-limit label of an endpoint."""

    LIGHT = "Light"
    MEDIUM = "Medium"
    HEAVY = "Heavy"


#: Zoom's documented per-second limits per tier (shared/zoom-api/README.md).
ZOOM_LIMITS: dict[str, dict[RateLabel, int]] = {
    "pro": {RateLabel.LIGHT: 30, RateLabel.MEDIUM: 20, RateLabel.HEAVY: 10},
    "business": {RateLabel.LIGHT: 80, RateLabel.MEDIUM: 60, RateLabel.HEAVY: 40},
}

#: Share of Zoom's limit we aim for.
TARGET_SHARE = 0.95
WINDOW_S = 1.0


def paced_rate(zoom_limit: int) -> int:
    """Calls per second we allow ourselves for a Zoom limit (95%, at least one)."""
    return max(1, math.floor(zoom_limit * TARGET_SHARE))


class SlidingWindowLimiter:
    """At most ``per_second`` starts in any one-second window, evenly spaced.

    Callers queue on a FIFO lock and each sleeps (holding it) until its start is allowed. The
    start recorded for the window is the real time after the sleep, so the count limit holds
    whatever the wake-up delay. The even spacing follows a schedule instead: a call that woke
    up late lets the next one start sooner by that delay (at most one interval), so a busy event
    loop does not lose a few percent of the budget to every late wake-up (the benchmark showed
    about 1 s lost per 1,000 calls), and never lets more than two calls start close together.
    """

    def __init__(
        self,
        per_second: int,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if per_second < 1:
            raise ValueError("per_second must be at least 1")
        self._per_second = per_second
        self._clock = clock
        self._sleep = sleep
        self._starts: deque[float] = deque()
        #: When the next call is due on the even schedule (None: no call yet).
        self._next_slot: float | None = None
        self._lock = asyncio.Lock()

    @property
    def per_second(self) -> int:
        return self._per_second

    def slow_down(self, per_second: int) -> None:
        """Lower the rate (never raises it): Zoom said we were too fast."""
        self._per_second = max(1, min(self._per_second, per_second))

    def _wait_needed(self, now: float) -> float:
        starts = self._starts
        while starts and now - starts[0] >= WINDOW_S:
            starts.popleft()
        wait = 0.0
        if self._next_slot is not None:
            wait = max(wait, self._next_slot - now)
        if len(starts) >= self._per_second:
            # The oldest start that must leave the window before one more may begin.
            oldest = starts[len(starts) - self._per_second]
            wait = max(wait, oldest + WINDOW_S - now)
        return wait

    def _schedule_next(self, now: float, waited: bool) -> None:
        """The next slot is one interval after this call's due time when this call waited for
        it and woke up late (by at most one interval); otherwise one interval after `now`, so
        idle time never builds up a burst."""
        interval = WINDOW_S / self._per_second
        due = self._next_slot if waited and self._next_slot is not None else now
        self._next_slot = max(due, now - interval) + interval

    async def acquire(self) -> None:
        """Wait until one more call may start now, and record it."""
        async with self._lock:
            waited = False
            while True:
                now = self._clock()
                wait = self._wait_needed(now)
                if wait <= 0:
                    self._starts.append(now)
                    self._schedule_next(now, waited)
                    return
                # A tiny epsilon so the float comparison above is strictly past the boundary.
                await self._sleep(wait + 1e-4)
                waited = True


class Pacer:
    """The limiters of one client, one per label, sized for the account's tier."""

    def __init__(self, tier: RateTier, *, clock: Callable[[], float] = time.monotonic) -> None:
        limits = ZOOM_LIMITS[tier]
        self._clock = clock
        self._limiters = {
            label: SlidingWindowLimiter(paced_rate(limit), clock=clock)
            for label, limit in limits.items()
        }
        self._last_slow_down: dict[RateLabel, float] = {}

    def limiter(self, label: RateLabel) -> SlidingWindowLimiter:
        return self._limiters[label]

    async def acquire(self, label: RateLabel) -> None:
        await self._limiters[label].acquire()

    def on_rate_limited(self, label: RateLabel, zoom_limit: int | None) -> None:
        """After a per-second 429: slow the label by a fifth, and below Zoom's stated limit.

        A 429 while we already pace under the stated limit means other apps on the master
        account share the quota, so the rate still goes down. The 429s of one burst (calls
        already in flight) count once: at most one slow-down per label per second.
        """
        now = self._clock()
        last = self._last_slow_down.get(label)
        if last is not None and now - last < WINDOW_S:
            return
        self._last_slow_down[label] = now
        limiter = self._limiters[label]
        slower = math.floor(limiter.per_second * 0.8)
        if zoom_limit is not None and zoom_limit > 0:
            slower = min(slower, paced_rate(zoom_limit))
        limiter.slow_down(slower)

"""Client-side pacing below Zoom's per-second limits, one limiter per rate label.

Zoom counts calls per master account and label (Light, Medium, Heavy) per second, by when they
*arrive*. We only know when a call left and when its answer came back; between the two, a busy
network or a stalled machine can hold early calls back and deliver them together with later
ones, so "at most N starts in any second" alone still trips the limit (CI saw exactly that: one
429 in 400 GETs on a loaded two-core runner). Each label therefore holds two rules:

- an even schedule one call a second under Zoom's limit (59 of 60): one call every
  ``1/per_second`` seconds, never a first-second burst, and no more than ``per_second`` starts in
  any one-second window;
- an occupancy ceiling at Zoom's limit: a call counts from the moment it is sent until one
  second after Zoom counted it *at the latest*. Zoom saw it somewhere between send and answer,
  so no one-second window at Zoom can hold more than the ceiling, whatever the delays (proof in
  :class:`SlidingWindowLimiter`).

"At the latest" is the answer's arrival less a *round-trip credit*: the fastest round trip the
label has seen, less a margin (``CREDIT_MARGIN_S``). Any call spends about that long after Zoom
counted it (Zoom's work, the way back); a call held back on the way out (the stall above) shows
it in a longer round trip, which the credit does not cover. Without the credit (no answer yet,
or after any 429 on the label, for the rest of the run) a call counts until one second after
its answer: provable with no assumption, but a round trip per second of budget (91% of the
limit at 100 ms). With it the rate stays at the schedule, 98% of the limit.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
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

WINDOW_S = 1.0
#: How much less than the fastest round trip a call is assumed to spend after Zoom counted it.
CREDIT_MARGIN_S = 0.010
#: Round trips a label must have measured before it takes any credit. Only calls started after
#: the label's first answer count: the first wave of a run opens its connections (TCP, TLS)
#: before Zoom sees it, a detour out that says nothing of the way back; later calls find open
#: connections (as many are in flight as the rate times the round trip, a handful).
CREDIT_AFTER_TRIPS = 20
#: How far behind its even schedule a label may fall and still catch up (then start calls
#: closer together, as the count and the ceiling allow): a second held back by the count
#: after a burst, a token renewal, a late wake-up. Longer delays are not made up.
CATCH_UP_S = 0.2
#: Seconds without a 429 before a slowed label takes one step back up.
RECOVER_AFTER_S = 10.0


def paced_rate(zoom_limit: int) -> int:
    """Calls per second we allow ourselves for a Zoom limit: one under it (at least one).

    One call a second is the margin for what no clock here sees (Zoom's own clock, a late
    wake-up); a share (95%) would leave three calls a second unused on Business Medium.
    """
    return max(1, zoom_limit - 1)


class SlidingWindowLimiter:
    """Paced starts (``per_second``, evenly spaced) under an occupancy ``ceiling``.

    Callers queue on a FIFO lock and each sleeps (holding it) until its start is allowed. The
    start recorded for the window is the real time after the sleep, so the count limit holds
    whatever the wake-up delay. The even spacing follows a schedule instead: a call that
    started late (a late wake-up, or held by the count or the ceiling) lets the next ones start
    sooner, until the schedule is caught up (at most ``CATCH_UP_S`` behind), so neither a busy
    event loop nor a second that the count held back loses its budget (the benchmark showed
    about 1 s lost per 1,000 calls to late wake-ups alone). Catching up never passes the count
    or the ceiling, which are what keeps Zoom's limit.

    Occupancy: a call occupies the window from :meth:`acquire` until one second after its
    *counted-by* time, its answer's arrival less the credit (below); a new call starts only
    while fewer than ``ceiling`` are occupied. Why that bounds what Zoom counts: take any
    one-second window at Zoom and, of the calls that arrived in it, the one *sent* last (k).
    Every other call j of the window was sent no later than k and arrived no later than its
    counted-by time, which is after (arrival of k) - 1 >= (start of k) - 1. So when k started,
    each j was still in flight or counted less than a second before: all were occupied, and k
    only started because fewer than ``ceiling`` were.

    The credit: with ``credit_margin`` None, none (counted-by = answer: true of any call). With
    a margin, the fastest round trip seen so far less the margin: this assumes the part of a
    round trip after Zoom counts a call never runs shorter than in that fastest trip by more
    than the margin, and that the fastest trip was not slow on its way out by more (hence no
    credit before ``CREDIT_AFTER_TRIPS`` round trips after the first answer). The credit applies
    to every answered call still in the window, including those answered before it was known:
    the assumption is about every call, and the credit only waited for a floor to trust. A
    delay on the way out (a stalled machine, a queue, a new connection) lengthens that call's
    round trip, so it stays covered.
    :meth:`distrust` drops the credit for good (a 429 says the assumption failed).
    """

    def __init__(
        self,
        per_second: int,
        *,
        ceiling: int | None = None,
        credit_margin: float | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if per_second < 1:
            raise ValueError("per_second must be at least 1")
        self._per_second = per_second
        self._ceiling = per_second if ceiling is None else max(per_second, ceiling)
        #: What :meth:`recover` climbs back to: as configured, or Zoom's stated limit if lower.
        self._top = (self._per_second, self._ceiling)
        self._clock = clock
        self._sleep = sleep
        self._starts: deque[float] = deque()
        #: When the next call is due on the even schedule (None: no call yet).
        self._next_slot: float | None = None
        #: When calls Zoom did not count gave their place on the schedule back, oldest first:
        #: each lets one call start ahead of the schedule within the second after it.
        self._given_back: deque[float] = deque()
        #: When the last call started (None: none yet): a call right behind it is catching up.
        self._last_start: float | None = None
        self._in_flight = 0
        #: When finished calls were answered, oldest first; each still occupies the second after
        #: its counted-by time (answer less the credit, applied when the window is checked).
        self._ends: deque[float] = deque()
        self._credit_margin = credit_margin
        #: The fastest round trip seen (acquire to release), None before the first answer.
        self._fastest: float | None = None
        self._trips = 0
        #: When the label's first answer came (calls started before it are the first wave).
        self._first_answer: float | None = None
        self._released = asyncio.Event()
        self._lock = asyncio.Lock()

    @property
    def per_second(self) -> int:
        return self._per_second

    @property
    def ceiling(self) -> int:
        return self._ceiling

    @property
    def credit(self) -> float:
        """Seconds before an answer by which Zoom is taken to have counted its call."""
        if self._credit_margin is None or self._fastest is None:
            return 0.0
        if self._trips < CREDIT_AFTER_TRIPS:
            return 0.0
        return max(0.0, self._fastest - self._credit_margin)

    def distrust(self) -> None:
        """No round-trip credit from now on: count every call until its answer (provable)."""
        self._credit_margin = None

    @property
    def slowed(self) -> bool:
        """Below the rate it may recover to."""
        return (self._per_second, self._ceiling) != self._top

    def slow_down(self, per_second: int, ceiling: int | None = None) -> None:
        """Lower the rate and the ceiling (never raises them): Zoom said we were too fast."""
        self._per_second = max(1, min(self._per_second, per_second))
        lowered = self._ceiling if ceiling is None else min(self._ceiling, ceiling)
        self._ceiling = max(self._per_second, lowered)

    def cap(self, per_second: int, ceiling: int) -> None:
        """Never recover above these (Zoom stated a lower limit than the tier's)."""
        top_rate = max(1, min(self._top[0], per_second))
        self._top = (top_rate, max(top_rate, min(self._top[1], ceiling)))

    def recover(self) -> None:
        """One step (5% of the top) back towards the rate and ceiling it may use."""
        top_rate, top_ceiling = self._top
        self._per_second = min(top_rate, self._per_second + max(1, round(top_rate * 0.05)))
        raised = self._ceiling + max(1, round(top_ceiling * 0.05))
        self._ceiling = max(self._per_second, min(top_ceiling, raised))

    def _expire(self, now: float) -> None:
        starts, ends, credit = self._starts, self._ends, self.credit
        while starts and now - starts[0] >= WINDOW_S:
            starts.popleft()
        while ends and now - (ends[0] - credit) >= WINDOW_S:
            ends.popleft()
        given_back = self._given_back
        while given_back and now - given_back[0] >= WINDOW_S:
            given_back.popleft()

    def _wait_needed(self, now: float) -> float | None:
        """Seconds until one more call may start, or None: not before a call in flight ends.

        Waits are computed as ``1 - (now - t)``, the very difference `_expire` tests, so a time
        kept in a window always means a positive wait (``t + 1 - now`` can round to 0 first).
        """
        self._expire(now)
        starts = self._starts
        wait = 0.0
        if self._next_slot is not None and not self._given_back:
            wait = max(wait, self._next_slot - now)
        if len(starts) >= self._per_second:
            # The oldest start that must leave the window before one more may begin.
            oldest = starts[len(starts) - self._per_second]
            wait = max(wait, WINDOW_S - (now - oldest))
        excess = self._in_flight + len(self._ends) - self._ceiling
        if excess >= 0:
            # Only an answered call's second running out frees room; answers come in order.
            if excess >= len(self._ends):
                return None
            wait = max(wait, WINDOW_S - (now - (self._ends[excess] - self.credit)))
        return wait

    def _schedule_next(self, now: float, waited: bool) -> None:
        """The next slot is one interval after this call's due time, when this call waited (for
        the schedule, the count or the ceiling) or follows the last start within an interval
        (catching up): behind by at most ``CATCH_UP_S``. Otherwise (the label was idle) one
        interval after `now`, so idle time never builds up a burst."""
        interval = WINDOW_S / self._per_second
        back_to_back = self._last_start is not None and now - self._last_start <= interval
        busy = waited or back_to_back
        due = self._next_slot if busy and self._next_slot is not None else now
        self._next_slot = max(due, now - CATCH_UP_S) + interval

    async def acquire(self) -> float:
        """Wait until one more call may start now, and record it; return the start for
        :meth:`release`."""
        async with self._lock:
            waited = False
            while True:
                now = self._clock()
                wait = self._wait_needed(now)
                if wait is None:
                    self._released.clear()
                    await self._released.wait()
                elif wait <= 0:
                    self._starts.append(now)
                    self._in_flight += 1
                    if self._next_slot is not None and self._next_slot > now:
                        self._given_back.popleft()  # ahead of the schedule: a place given back
                    else:
                        self._schedule_next(now, waited)
                    self._last_start = now
                    return now
                else:
                    # A tiny epsilon so the float comparison above is strictly past the boundary.
                    await self._sleep(wait + 1e-4)
                waited = True

    def release(self, started: float | None = None, *, counted: bool = True) -> None:
        """The answer (or failure) of the call that started at `started` is here: it occupies
        the second after its counted-by time, then none. Without `started`, its round trip is
        not measured.

        ``counted=False``: Zoom did not count the call (a 401 for the token: Zoom counts per
        account, and knows the account only from a token it accepts), so it gives its start
        back to the window, occupies nothing, and gives its place on the schedule back: within
        the next second one call may start ahead of the schedule in its stead (the count and
        the ceiling still hold). A revoked token's re-sends then cost neither budget nor time.
        """
        now = self._clock()
        self._in_flight -= 1
        if started is not None:
            if self._first_answer is None:
                self._first_answer = now
            elif started >= self._first_answer:
                trip = now - started
                self._trips += 1
                self._fastest = trip if self._fastest is None else min(self._fastest, trip)
        if not counted and started is not None:
            if started in self._starts:
                self._starts.remove(started)
            self._given_back.append(now)
        else:
            # Keep the order `_wait_needed` relies on (a clock that went back).
            self._ends.append(max(now, self._ends[-1]) if self._ends else now)
        self._released.set()

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[SlotTicket]:
        """Hold a paced slot for exactly one request and its answer."""
        started = await self.acquire()
        ticket = SlotTicket()
        try:
            yield ticket
        finally:
            self.release(started, counted=ticket.counted)


@dataclass
class SlotTicket:
    """One paced call; set ``counted = False`` when its answer shows Zoom did not count it."""

    counted: bool = True


class Pacer:
    """The limiters of one client, one per label, sized for the account's tier."""

    def __init__(self, tier: RateTier, *, clock: Callable[[], float] = time.monotonic) -> None:
        limits = ZOOM_LIMITS[tier]
        self._clock = clock
        self._limiters = {
            label: SlidingWindowLimiter(
                paced_rate(limit), ceiling=limit, credit_margin=CREDIT_MARGIN_S, clock=clock
            )
            for label, limit in limits.items()
        }
        self._last_slow_down: dict[RateLabel, float] = {}
        #: When a slowed label last changed rate (a slow-down or a recovery step).
        self._last_change: dict[RateLabel, float] = {}

    def limiter(self, label: RateLabel) -> SlidingWindowLimiter:
        return self._limiters[label]

    def slot(self, label: RateLabel) -> AbstractAsyncContextManager[SlotTicket]:
        """``async with pacer.slot(label):`` around sending one request and reading its answer."""
        return self._limiters[label].slot()

    def on_rate_limited(self, label: RateLabel, zoom_limit: int | None) -> None:
        """After a per-second 429: slow the label by a fifth, and below Zoom's stated limit.

        A 429 while we already pace under the stated limit means other apps on the master
        account share the quota, so the rate still goes down. The 429s of one burst (calls
        already in flight) count once: at most one slow-down per label per second.
        """
        now = self._clock()
        limiter = self._limiters[label]
        limiter.distrust()
        fifth_slower = (math.floor(limiter.per_second * 0.8), math.floor(limiter.ceiling * 0.8))
        if zoom_limit is not None and zoom_limit > 0:
            # A stated limit always holds, even inside the one-slow-down-per-second window.
            limiter.cap(paced_rate(zoom_limit), zoom_limit)
            limiter.slow_down(paced_rate(zoom_limit), zoom_limit)
        last = self._last_slow_down.get(label)
        if last is not None and now - last < WINDOW_S:
            return
        self._last_slow_down[label] = now
        limiter.slow_down(*fifth_slower)
        self._last_change[label] = now

    def on_answer(self, label: RateLabel) -> None:
        """After an answer that was not a 429: a slowed label climbs back, one step per
        ``RECOVER_AFTER_S`` without a 429.

        Another app's burst on the shared quota is usually brief; without recovery, one 429 in
        the first minute would cost a long apply a fifth of its rate to the end. A limit Zoom
        stated in ``X-RateLimit-Limit`` is never climbed past.
        """
        limiter = self._limiters[label]
        if not limiter.slowed:
            return
        now = self._clock()
        if now - self._last_change.get(label, now) < RECOVER_AFTER_S:
            return
        limiter.recover()
        self._last_change[label] = now

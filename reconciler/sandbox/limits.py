"""Zoom's rate limits: per-label requests per second, and the daily cap on Heavy calls.

Zoom counts per master account, in a window of one second; a request over the limit is answered
429 and is not counted (it did nothing). The sliding window makes "no more than N accepted
requests in any one-second window" exactly true, which is what a client's pacing is tested by.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

LIGHT = "Light"
MEDIUM = "Medium"
HEAVY = "Heavy"
LABELS = (LIGHT, MEDIUM, HEAVY)

# Business-and-up limits from Zoom's rate limit table.
DEFAULT_PER_SECOND: dict[str, int] = {LIGHT: 80, MEDIUM: 60, HEAVY: 40}
DEFAULT_DAILY_HEAVY = 60_000


class RateLimitSpecError(ValueError):
    """A --rate-limit value that cannot be read; the message says which part."""


def parse_rate_limits(text: str) -> dict[str, int]:
    """`light=80,medium=60,heavy=40` (any subset, any case) -> {"Light": 80, ...}."""
    limits: dict[str, int] = {}
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        name, sep, value = part.partition("=")
        label = name.strip().title()
        if not sep or label not in LABELS:
            raise RateLimitSpecError(f"'{part}': expected light=N, medium=N or heavy=N")
        try:
            number = int(value.strip())
        except ValueError:
            raise RateLimitSpecError(f"'{part}': {value.strip()!r} is not a whole number") from None
        if number < 1:
            raise RateLimitSpecError(f"'{part}': the limit must be at least 1 per second")
        limits[label] = number
    if not limits:
        raise RateLimitSpecError("no limits given; expected e.g. light=80,medium=60,heavy=40")
    return limits


def normalise_limits(
    given: Mapping[str, int] | None, defaults: Mapping[str, int]
) -> dict[str, int]:
    """Defaults overlaid by the given limits, whose keys may be `heavy` or `Heavy`."""
    limits = dict(defaults)
    for key, value in (given or {}).items():
        label = str(key).title()
        if label not in defaults:
            raise RateLimitSpecError(f"unknown rate label {key!r}; use light, medium or heavy")
        limits[label] = int(value)
    return limits


@dataclass(frozen=True)
class Verdict:
    """Whether a request may proceed; if not, what the 429 should say."""

    allowed: bool
    label: str
    limit: int
    remaining: int
    daily: bool = False
    reset_at: datetime | None = None


def next_utc_midnight(now: datetime) -> datetime:
    """When Zoom's daily counters reset."""
    return (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)


class RateLimiter:
    """Sliding one-second windows per label, plus the daily Heavy counter."""

    def __init__(
        self,
        per_second: Mapping[str, int] | None = None,
        daily: Mapping[str, int] | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.per_second = normalise_limits(per_second, DEFAULT_PER_SECOND)
        self.daily_limit = normalise_limits(daily, {HEAVY: DEFAULT_DAILY_HEAVY})[HEAVY]
        self._clock = clock
        self._wall = wall_clock
        self._lock = threading.Lock()
        self._windows: dict[str, deque[float]] = {label: deque() for label in LABELS}
        self._day = self._wall().date()
        self._heavy_today = 0
        self._forced_until: datetime | None = None

    def force_daily_limit(self, reset_at: datetime | None = None) -> datetime:
        """From now until reset_at (default: next UTC midnight), Heavy calls get the daily 429."""
        with self._lock:
            when = reset_at or next_utc_midnight(self._wall())
            if when.tzinfo is None:
                when = when.replace(tzinfo=UTC)
            self._forced_until = when
            return when

    def admit(self, label: str) -> Verdict:
        """Count the request if it is within every limit; otherwise say which limit it hit."""
        with self._lock:
            if label == HEAVY:
                verdict = self._daily_verdict()
                if verdict is not None:
                    return verdict
            limit = self.per_second[label]
            window = self._windows[label]
            now = self._clock()
            while window and window[0] <= now - 1.0:
                window.popleft()
            if len(window) >= limit:
                return Verdict(False, label, limit, 0)
            window.append(now)
            if label == HEAVY:
                self._heavy_today += 1
            return Verdict(True, label, limit, limit - len(window))

    def _daily_verdict(self) -> Verdict | None:
        wall = self._wall()
        if self._forced_until is not None:
            if wall < self._forced_until:
                return Verdict(False, HEAVY, self.daily_limit, 0, True, self._forced_until)
            self._forced_until = None
        if wall.date() != self._day:
            self._day, self._heavy_today = wall.date(), 0
        if self._heavy_today >= self.daily_limit:
            return Verdict(False, HEAVY, self.daily_limit, 0, True, next_utc_midnight(wall))
        return None

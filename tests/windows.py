"""The busiest one-second window of a list of times: what Zoom's per-second limit counts."""

from __future__ import annotations

from collections.abc import Iterable


def most_in_one_second(times: Iterable[float], window: float = 1.0) -> int:
    """The most times in any half-open window [t, t + window)."""
    ordered = sorted(times)
    best, first = 0, 0
    for last, at in enumerate(ordered):
        while at - ordered[first] >= window:
            first += 1
        best = max(best, last - first + 1)
    return best

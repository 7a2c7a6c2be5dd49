"""Zoom's clock, as the ``Date`` header of its answers tells it.

Why: apply measures how old a purchase is (may a write in doubt be sent again? has the window
ended?) from journal lines that other runs, on other machines, wrote. Their clocks may be
wrong by minutes; Zoom's is the one clock every run hears. So every answer's ``Date`` is
noted with this process's monotonic time, and "Zoom's time now" is the latest ``Date`` plus
the monotonic time since (whole seconds: that is what HTTP dates carry).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime


class ZoomTime:
    """The latest ``Date`` Zoom sent, and how long ago by this process's monotonic clock."""

    def __init__(self, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._monotonic = monotonic
        self._seen: tuple[datetime, float] | None = None

    def saw(self, header: str | None) -> None:
        """Note an answer's ``Date`` header; one that cannot be read is ignored."""
        if not header:
            return
        try:
            moment = parsedate_to_datetime(header)
        except (TypeError, ValueError, IndexError):
            return
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        self._seen = (moment.astimezone(UTC), self._monotonic())

    def now(self) -> datetime | None:
        """Zoom's time now; None before Zoom's first answer with a ``Date``."""
        if self._seen is None:
            return None
        moment, at = self._seen
        return moment + timedelta(seconds=max(self._monotonic() - at, 0.0))

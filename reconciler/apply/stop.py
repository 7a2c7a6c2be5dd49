"""A stop asked for from outside the run (SIGTERM, a cancelled CI job): finish, never cut.

The executor checks :class:`RunControl` before each new call: once a stop is asked for, no call
is started, the calls already sent get their answer and their outcome line, and the run
returns its report. The command that owns the process decides what a signal means; this module
only carries the request into the run, and whether sending has begun out of it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class RunControl:
    """One run's mutable control state, shared by the command and the executor (never global)."""

    #: Why the run was asked to stop (``SIGTERM``); None while it may go on.
    stop_reason: str | None = None
    #: Set once calls may be sent: an interruption after it may have cut one.
    sending: bool = False

    def request_stop(self, reason: str) -> None:
        if self.stop_reason is None:
            self.stop_reason = reason

    @property
    def stopping(self) -> bool:
        return self.stop_reason is not None

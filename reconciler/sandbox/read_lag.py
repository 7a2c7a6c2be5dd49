"""The sandbox's read lag setting: how far GET answers trail the writes.

It is a setting checked once, apart from the world's plan rules, so the server, the app and the
tests can share its one reading (seconds, or the older milliseconds name) and its one error.
"""

from __future__ import annotations

from reconciler.sandbox.errors import SandboxError


class ReadLagError(SandboxError, ValueError):
    """A read lag that makes no sense (negative, or given both in seconds and milliseconds)."""


def read_lag(read_lag_s: float, visibility_delay_ms: float = 0) -> float:
    """The lag in seconds; `visibility_delay_ms` is the older name of the same setting."""
    if read_lag_s < 0 or visibility_delay_ms < 0:
        raise ReadLagError("the read lag cannot be negative")
    if read_lag_s and visibility_delay_ms:
        raise ReadLagError("give the read lag once: read_lag_s or visibility_delay_ms, not both")
    return float(read_lag_s or visibility_delay_ms / 1000.0)

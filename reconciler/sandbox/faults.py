"""Scripted and random failures, so tests can make the sandbox fail exactly when they need to.

The interesting failure for a billing tool is the ambiguous one: Zoom applied the write but the
answer never arrived. `drop_response` applies the write and then cuts the connection after the
status line, so the client sees a broken response (never a clean answer it could trust).
`error_after_write` (and `write_error_rate`) applies the write and then answers it with a 5xx, as
a gateway in front of Zoom does when the backend was slow: the charge happened, the answer says
it failed.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from reconciler.sandbox.requestlog import WRITE_METHODS

SERVER_ERROR_STATUSES = (500, 502, 503, 504)
#: What a successful write is answered with under `write_error_rate` (Zoom's gateway when busy).
WRITE_ERROR_STATUS = 503


class FaultScriptError(ValueError):
    """A fault asked for with values that make no sense (e.g. nth_write=0)."""


@dataclass
class _PendingDrop:
    """A scripted loss: the `remaining`-th matching write gets `status` (0 = cut connection)."""

    remaining: int
    method: str | None
    path_suffix: str | None
    status: int = 0

    def matches(self, method: str, path: str) -> bool:
        if self.method is not None and method != self.method:
            return False
        return self.path_suffix is None or path.endswith(self.path_suffix)


class FaultScript:
    """What should go wrong next; shared by the test thread and the server thread."""

    def __init__(
        self,
        *,
        fault_rate: float,
        rng: random.Random,
        force_daily_limit: Callable[[datetime | None], datetime],
        revoke: Callable[[], None],
        drop_rate: float = 0.0,
        write_error_rate: float = 0.0,
    ) -> None:
        if not 0.0 <= fault_rate <= 1.0:
            raise FaultScriptError(f"fault rate {fault_rate} must be between 0 and 1")
        if not 0.0 <= drop_rate <= 1.0:
            raise FaultScriptError(f"drop rate {drop_rate} must be between 0 and 1")
        if not 0.0 <= write_error_rate <= 1.0:
            raise FaultScriptError(f"write error rate {write_error_rate} must be between 0 and 1")
        self.fault_rate = fault_rate
        #: Share of plan writes applied and then answered with a cut connection (soak tests).
        self.drop_rate = drop_rate
        #: Share of plan writes applied and then answered with a 503 (not counting dropped ones).
        self.write_error_rate = write_error_rate
        self._rng = rng
        self._force_daily_limit = force_daily_limit
        self._revoke = revoke
        self._lock = threading.Lock()
        self._drops: list[_PendingDrop] = []
        self._fail_next: list[int] = []

    def drop_response(
        self, nth_write: int = 1, method: str | None = "POST", path_suffix: str | None = None
    ) -> None:
        """Apply the Nth matching plan write from now, then cut the connection before the body."""
        self._script_loss(nth_write, method, path_suffix, status=0)

    def error_after_write(
        self,
        nth_write: int = 1,
        status: int = WRITE_ERROR_STATUS,
        method: str | None = "POST",
        path_suffix: str | None = None,
    ) -> None:
        """Apply the Nth matching plan write from now (if Zoom's rules accept it), then answer
        it with `status` (a 5xx), as if it had failed."""
        if not 500 <= status <= 599:
            raise FaultScriptError("error_after_write needs a 5xx status")
        self._script_loss(nth_write, method, path_suffix, status=status)

    def _script_loss(
        self, nth_write: int, method: str | None, path_suffix: str | None, *, status: int
    ) -> None:
        if nth_write < 1:
            raise FaultScriptError("nth_write counts from 1")
        wanted = method.upper() if method else None
        if wanted is not None and wanted not in WRITE_METHODS:
            raise FaultScriptError(f"{method} is not a write method (POST, PUT, PATCH)")
        with self._lock:
            self._drops.append(_PendingDrop(nth_write, wanted, path_suffix, status))

    def daily_limit(self, reset_at: datetime | None = None) -> datetime:
        """Heavy calls answer the daily-limit 429 until reset_at (default next UTC midnight)."""
        return self._force_daily_limit(reset_at)

    def fail_next(self, n: int = 1, status: int = 500) -> None:
        """The next n API calls (not OAuth) answer `status` without doing anything."""
        if n < 1 or not 400 <= status <= 599:
            raise FaultScriptError("fail_next needs n >= 1 and a 4xx or 5xx status")
        with self._lock:
            self._fail_next.extend([status] * n)

    def revoke_tokens(self) -> None:
        """Every access token issued so far stops working (401 / 124), as after a key rotation."""
        self._revoke()

    # ----- used by the app -----------------------------------------------------------------

    def injected_failure(self) -> int | None:
        """A scripted status first, then a random 5xx at the configured rate; None to proceed."""
        with self._lock:
            if self._fail_next:
                return self._fail_next.pop(0)
            if self.fault_rate and self._rng.random() < self.fault_rate:
                return self._rng.choice(SERVER_ERROR_STATUSES)
        return None

    def lost_answer(self, method: str, path: str, *, applied: bool = True) -> int | None:
        """Called once per plan write that reached Zoom's logic: how its answer is lost.

        None keeps the answer; 0 cuts the connection after the status line; a 5xx replaces
        the answer with that status. Scripted losses first (every matching script counts the
        write; the first that reaches its Nth decides); otherwise, for writes that were
        `applied` (the interesting loss: the charge happened, the answer did not say so), a
        random share `drop_rate` is cut, then a random share `write_error_rate` of the rest is
        answered with a 503. Both draws are made from the seeded RNG in that order.
        """
        with self._lock:
            outcome: int | None = None
            for drop in self._drops:
                if drop.matches(method, path):
                    drop.remaining -= 1
                    if drop.remaining == 0 and outcome is None:
                        outcome = drop.status
            self._drops = [d for d in self._drops if d.remaining > 0]
            if outcome is not None or not applied:
                return outcome
            if self.drop_rate and self._rng.random() < self.drop_rate:
                return 0
            if self.write_error_rate and self._rng.random() < self.write_error_rate:
                return WRITE_ERROR_STATUS
            return None

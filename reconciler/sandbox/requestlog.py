"""The request log: which calls reached the sandbox, in arrival order, and how each ended.

Tests assert on it ("exactly one POST", "no more than 20 requests in any second"), so it records
every request, including the ones answered 401, 429 or with an injected fault. It never records
headers, so no token or secret can end up in it.
"""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass
from typing import Any

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH"})


@dataclass(frozen=True)
class LoggedRequest:
    """One request: `at` is time.monotonic() at arrival and `done` when its answer was ready
    to send (a benchmark's timeline draws each request from one to the other); status 0 means
    the answer was dropped.

    `applied` is true for a plan write that Zoom's rules accepted, even when its answer was then
    cut (`dropped`) or replaced by a 5xx: the log tells what happened, not what the client saw.
    """

    at: float
    method: str
    path: str
    query: str
    status: int
    label: str | None
    zoom_code: int | None
    body: Any
    dropped: bool = False
    applied: bool = False
    done: float = 0.0

    @property
    def is_plan_write(self) -> bool:
        return self.method in WRITE_METHODS and "/plans" in self.path

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


class RequestLog:
    """Thread-safe append-only log; readers get snapshots."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: list[LoggedRequest] = []

    def add(self, entry: LoggedRequest) -> None:
        with self._lock:
            self._entries.append(entry)

    def snapshot(self) -> list[LoggedRequest]:
        with self._lock:
            return list(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

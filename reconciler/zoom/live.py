"""Read the live plans of many sub-accounts at once, one account's failure never stopping the rest.

The client paces itself below Zoom's Medium limit, so this module adds no second limiter; it
only bounds how many reads are in flight (a fixed pool of workers), so 10,000 accounts never
mean 10,000 open sockets. Some errors end the whole run, because every further call would fail
the same way and burn quota or time: those whose class says so (``stops_the_run``: the master
credentials or a scope refused, the daily limit, a master with bulk licences, a configuration
error), and Zoom being unreachable from the start (the first reads all fail to connect and none
has answered).
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TextIO

from reconciler.zoom.errors import NetworkError, NoSubscription, ZoomError, stops_the_run

DEFAULT_IN_FLIGHT = 100
#: With no account answered yet, this many failures to connect stop the run.
UNREACHABLE_AFTER = 10

WantUsage = Callable[[str, dict[str, Any] | None], bool]


class PlanReader(Protocol):
    """The one read of an account's plans (`reconciler.zoom.ZoomClient.get_plans`); apply's
    reads need only this (tests pass a tiny fake)."""

    async def get_plans(self, account_id: str) -> dict[str, Any]: ...


class PlanAndUsageReader(PlanReader, Protocol):
    """What planning reads: the plans, and the usage when a decrease must be checked."""

    async def get_usage(self, account_id: str) -> dict[str, Any]: ...


class LiveReadStopped(Exception):
    """A run-wide failure (credentials or scope refused, daily limit, bulk licences, Zoom never
    reached): reading the others is pointless.

    `read` counts the accounts whose plans were read; the ones that failed before the stop do
    not count, so a run against an address nothing answers says it read none (issue 20: it
    said "after 10 of 29 accounts" though none was read).
    """

    def __init__(self, cause: ZoomError, read: int, total: int) -> None:
        self.cause = cause
        if read:
            text = f"stopped reading live plans after reading {read} of {total} accounts: {cause}"
        else:
            text = f"read no account's live plans (of {total}): {cause}"
            if isinstance(cause, NetworkError):
                text += (
                    "; nothing answered at that address: check ZOOM_API_BASE_URL (or the "
                    "sandbox's address, if you meant it) and the network"
                )
        super().__init__(text)


@dataclass(frozen=True)
class LivePlans:
    """One account as Zoom answered: raw plans (None: no subscription), usage if read, error."""

    account_id: str
    plans: dict[str, Any] | None
    usage: dict[str, Any] | None = None
    error: ZoomError | None = None


class _Progress:
    """`reading live plans 120/10000` on stderr, redrawn in place; only on a terminal."""

    def __init__(self, total: int, stream: TextIO | None, enabled: bool | None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.total = total
        self.done = 0

    def step(self) -> None:
        self.done += 1
        if self.enabled and (self.done == self.total or self.done % 25 == 0):
            width = 30
            filled = width * self.done // max(self.total, 1)
            bar = "#" * filled + "-" * (width - filled)
            self.stream.write(f"\rreading live plans [{bar}] {self.done}/{self.total}")
            if self.done == self.total:
                self.stream.write("\n")
            self.stream.flush()


async def _read_one(
    client: PlanAndUsageReader, account_id: str, want_usage: WantUsage | bool
) -> LivePlans:
    try:
        plans: dict[str, Any] | None = await client.get_plans(account_id)
    except NoSubscription:
        # Some accounts answer GET /plans with "no subscription yet": that is an unsubscribed
        # account, not an error.
        plans = None
    except ZoomError as error:
        if stops_the_run(error):
            raise
        return LivePlans(account_id, None, None, error)
    wanted = want_usage(account_id, plans) if callable(want_usage) else bool(want_usage)
    if not wanted:
        return LivePlans(account_id, plans)
    try:
        usage = await client.get_usage(account_id)
    except ZoomError as error:
        if stops_the_run(error):
            raise
        # Without usage the planner blocks the decrease; the plans themselves were read fine.
        return LivePlans(account_id, plans, None, None)
    return LivePlans(account_id, plans, usage)


async def read_live(
    client: PlanAndUsageReader,
    account_ids: Sequence[str],
    *,
    want_usage: WantUsage | bool = False,
    in_flight: int = DEFAULT_IN_FLIGHT,
    progress: bool | None = None,
    progress_stream: TextIO | None = None,
    on_read: Callable[[LivePlans], None] | None = None,
) -> dict[str, LivePlans]:
    """Read every account's plans (and usage where `want_usage` says so), concurrently.

    Returns one LivePlans per distinct account id, with per-account errors recorded on it.
    Raises LiveReadStopped for a run-wide failure. `progress=None` means "on a terminal only".
    `on_read` sees each account's reading as soon as it is complete: work done there fills the
    time the rate limit leaves idle, instead of following the last answer.
    """
    ids = list(dict.fromkeys(account_ids))
    results: dict[str, LivePlans] = {}
    bar = _Progress(len(ids), progress_stream, progress)
    # Zoom has never answered and the first reads all failed to connect: stop rather than wait
    # through every account's retries (10,000 accounts would take hours to fail one by one).
    reach = {"answered": 0, "unreachable": 0}

    queue: asyncio.Queue[str] = asyncio.Queue()
    for account_id in ids:
        queue.put_nowait(account_id)

    async def worker() -> None:
        while True:
            try:
                account_id = queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            live = await _read_one(client, account_id, want_usage)
            results[account_id] = live
            if on_read is not None:
                on_read(live)
            bar.step()
            if not isinstance(live.error, NetworkError):
                reach["answered"] += 1
                continue
            reach["unreachable"] += 1
            if not reach["answered"] and reach["unreachable"] >= min(UNREACHABLE_AFTER, len(ids)):
                raise live.error

    workers = [asyncio.create_task(worker()) for _ in range(max(1, min(in_flight, len(ids))))]
    try:
        await asyncio.gather(*workers)
    except Exception as error:
        for task in workers:
            task.cancel()
        await asyncio.gather(*workers, return_exceptions=True)
        if isinstance(error, ZoomError):
            read = sum(1 for live in results.values() if live.error is None)
            raise LiveReadStopped(error, read, len(ids)) from None
        raise
    return {account_id: results[account_id] for account_id in ids}

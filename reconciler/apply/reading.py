"""Reading an account's live plans the way apply needs it: once, or until a change shows.

Zoom's reads are eventually consistent: a write may show a moment later. Apply therefore reads
*until* something holds (a lost answer's change, convergence after the calls), with doubling
pauses and a deadline, and treats "no subscription yet" as an answer rather than an error.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Mapping
from typing import Any

from reconciler.zoom.errors import NoSubscription, ZoomError
from reconciler.zoom.live import PlanReader

log = logging.getLogger(__name__)

#: A raw GET /plans answer; None for an account Zoom says has no subscription yet.
LivePlansDict = Mapping[str, Any] | None


async def read_plans(client: PlanReader, account_id: str) -> LivePlansDict:
    """GET /plans as the planner reads it: "no subscription yet" is an answer, not an error."""
    try:
        return await client.get_plans(account_id)
    except NoSubscription:
        return None


async def read_until(
    client: PlanReader,
    account_id: str,
    predicate: Callable[[LivePlansDict], bool],
    *,
    deadline: float,
    first_pause_s: float,
) -> tuple[bool | None, LivePlansDict]:
    """Read until ``predicate`` holds or ``deadline`` (time.monotonic) has passed.

    Returns True when the predicate held, False when it never did, None when no read
    succeeded at all, with the last answer read. A failed read is logged and retried.
    """
    pause = first_pause_s
    any_read = False
    last: LivePlansDict = None
    while True:
        try:
            last = await read_plans(client, account_id)
            any_read = True
            if predicate(last):
                return True, last
        except ZoomError as exc:
            log.info("read of %s failed while checking: %s", account_id, exc)
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        # The last pause is cut to the deadline, so the window is read to its end.
        await asyncio.sleep(min(pause, remaining))
        pause *= 2
    return (False if any_read else None), last

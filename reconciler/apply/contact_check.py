"""Has Zoom's billing contact taken this run's `update_contact` calls? Read GET /billing until so.

The contact is not part of GET /plans, so the plans' convergence check cannot see it; and
Zoom's reads trail its writes, so one read right after the PATCH may still show the old
contact. Like the plans' check, this reads with doubling pauses until the deadline, and
journals each shown call as settled (a later run then has nothing to look for).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Mapping, Sequence
from typing import Any

from reconciler.apply.intents import UnsettledIntent
from reconciler.apply.journal import Journal
from reconciler.apply.journal_records import Result
from reconciler.groups.operations import Visibility, spec_of
from reconciler.planner.model import Action
from reconciler.zoom.contact_reads import ContactReader
from reconciler.zoom.errors import ZoomError

log = logging.getLogger(__name__)


def contact_calls(actions: Sequence[Action]) -> list[Action]:
    """The calls settled by a read of the billing contact (the op table's `settled_by`)."""
    return [a for a in actions if spec_of(a.op).settled_by is Visibility.CONTACT_FIELDS]


def contact_shows(body: Mapping[str, Any], contact: Mapping[str, Any]) -> bool:
    """Every field the PATCH sent is what GET /billing answers now (compared as trimmed text)."""
    return all(str(contact.get(k) or "").strip() == str(v).strip() for k, v in body.items())


async def contact_settled(
    client: ContactReader,
    journal: Journal,
    account_id: str,
    own: Sequence[tuple[str, Action]],
    *,
    deadline: float,
    first_pause_s: float,
) -> bool:
    """Read the contact until every contact call of ``own`` shows, or ``deadline`` (monotonic)
    passes; True when shown (each call journaled as settled), False when not (yet)."""
    calls = [(intent_id, a) for intent_id, a in own if contact_calls([a])]
    if not calls:
        return True
    pause = first_pause_s
    while True:
        try:
            contact = await client.get_billing(account_id)
            if all(contact_shows(action.body, contact) for _i, action in calls):
                break
        except ZoomError as exc:
            log.info("read of %s's billing contact failed while checking: %s", account_id, exc)
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return False
        await asyncio.sleep(min(pause, remaining))
        pause *= 2
    for intent_id, action in calls:
        item = UnsettledIntent(
            intent_id, journal.context.run_id, "", account_id, action.op, action.method,
            action.path, dict(action.body), "ok",
        )  # fmt: skip
        await asyncio.to_thread(
            journal.resolution, item, result=Result.RESOLVED_PRESENT,
            message="a read of the billing contact shows it: settled",
        )  # fmt: skip
    return True

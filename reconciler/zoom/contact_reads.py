"""Reading the billing contacts a plan compares: GET /accounts/{id}/billing per account.

Only accounts that are subscribed and whose file declares a `contact` are read (one Medium
call each), so a project without contacts makes no call and needs no billing scope. A refused
read is kept on its account (a self-pay account answers 2100: reported, never written);
credentials or a daily limit stop the run the same way a plans read does.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from reconciler.zoom.errors import AuthError, DailyLimitReached, ZoomError

#: How many contact reads are in flight at once (the client paces them to the Medium label).
_CONCURRENCY = 8


class ContactReader(Protocol):
    """The one read of a billing contact (`reconciler.zoom.ZoomClient.get_billing`)."""

    async def get_billing(self, account_id: str) -> dict[str, Any]: ...


@dataclass(frozen=True)
class ContactRead:
    """One account's billing contact as Zoom answered, or the error that answered instead."""

    account_id: str
    contact: dict[str, Any] | None
    error: ZoomError | None = None


async def read_contact(client: ContactReader, account_id: str) -> ContactRead:
    """One account's contact; an account-level refusal is kept, a run-wide one raised."""
    try:
        return ContactRead(account_id, await client.get_billing(account_id))
    except (AuthError, DailyLimitReached):
        raise
    except ZoomError as exc:
        return ContactRead(account_id, None, exc)


async def read_contacts(
    client: ContactReader, account_ids: Iterable[str]
) -> dict[str, ContactRead]:
    """The contacts of ``account_ids``, read concurrently, by account id."""
    gate = asyncio.Semaphore(_CONCURRENCY)

    async def one(account_id: str) -> ContactRead:
        async with gate:
            return await read_contact(client, account_id)

    reads = await asyncio.gather(*(one(i) for i in sorted(set(account_ids))))
    return {read.account_id: read for read in reads}

"""The read a plan (or a saved plan's proof) was made from, reused as the compare-and-swap read.

Apply proves the whole plan before its first call, so each account is read once before anything
is sent. Reading it a second time just before its calls costs one GET /plans per account
(SPEC section 8 counts two: the compare-and-swap read and the verification read). That second
read adds nothing when the first one is recent and nothing can have changed since: the
executor then compares the plan with *that* read and sends against it. It reads again when:

- the read is older than ``ApplySettings.reuse_read_s`` (a run of thousands of accounts, a
  slow proof): the window in which a change made elsewhere could go unseen stays bounded;
- the journal (read under this run's lock, after the proof) has a line for the account written
  at or after the read: another run wrote to it, or left something to settle;
- the journal holds a call in flight, unsettled, or a write Zoom does not show yet for the
  account: a read taken now may show what the earlier one did not (Zoom's reads trail its
  writes);
- a person was asked to confirm after the read, or the run holds no journal lock
  (``--no-journal-lock``): the reads are then not handed to the executor at all;
- the account was not read (an error), or read outside this process.

No other zoomplans run can write meanwhile: apply holds the journal's exclusive lock from
before the first call (``reconciler.apply.journal``), and a run that held it between the read
and this lock left journal lines, which the second rule catches.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from reconciler.apply.reading import LivePlansDict, read_plans
from reconciler.zoom.errors import NoSubscription
from reconciler.zoom.live import PlanAndUsageReader, PlanReader

#: Journal lines are stamped to the millisecond by this machine's clock, as the read moments
#: are; a line this close before a read is treated as after it.
_MARGIN = timedelta(seconds=1)


@dataclass(frozen=True)
class RecentRead:
    """One GET /plans answer (None: no subscription yet) and when this process received it."""

    live: LivePlansDict
    monotonic_s: float
    at: datetime


class RecordingReader:
    """A :class:`PlanAndUsageReader` that keeps the last plans answer per account.

    Planning reads through it; apply hands :attr:`reads` to the executor, which sends against
    them (see the module's rules). Usage reads pass through unrecorded.
    """

    def __init__(self, client: PlanAndUsageReader) -> None:
        self._client = client
        self.reads: dict[str, RecentRead] = {}

    async def get_plans(self, account_id: str) -> dict[str, Any]:
        try:
            plans = await self._client.get_plans(account_id)
        except NoSubscription:
            self._keep(account_id, None)
            raise
        self._keep(account_id, plans)
        return plans

    async def get_usage(self, account_id: str) -> dict[str, Any]:
        return await self._client.get_usage(account_id)

    def __getattr__(self, name: str) -> Any:
        """Everything else is the client's (Zoom's clock, for the journal's own writes)."""
        return getattr(self._client, name)

    def _keep(self, account_id: str, live: LivePlansDict) -> None:
        self.reads[account_id] = RecentRead(live, time.monotonic(), datetime.now(UTC))


async def read_before_writing(
    client: PlanReader,
    account_id: str,
    reads: Mapping[str, RecentRead],
    max_age_s: float,
    journal_lines: tuple[Mapping[str, Any], ...],
    *,
    pending: bool,
) -> LivePlansDict:
    """The compare-and-swap read: the plan's own read when it may stand in for one, else a
    read now."""
    recent = reusable_read(
        reads, account_id, max_age_s=max_age_s, journal_lines=journal_lines, journal_pending=pending
    )
    if recent is not None:
        return recent.live
    return await read_plans(client, account_id)


def reusable_read(
    reads: Mapping[str, RecentRead],
    account_id: str,
    *,
    max_age_s: float,
    journal_lines: tuple[Mapping[str, Any], ...],
    journal_pending: bool,
) -> RecentRead | None:
    """The account's recorded read when the executor may send against it, else None."""
    read = reads.get(account_id)
    if read is None or journal_pending:
        return None
    if time.monotonic() - read.monotonic_s > max_age_s:
        return None
    since = read.at - _MARGIN
    for line in journal_lines:
        if line.get("account_id") == account_id and _stamp(line) >= since:
            return None
    return read


def _stamp(line: Mapping[str, Any]) -> datetime:
    """A journal line's ``ts``; one that cannot be read counts as written now (re-read)."""
    try:
        return datetime.fromisoformat(str(line["ts"]).replace("Z", "+00:00"))
    except (KeyError, ValueError):
        return datetime.now(UTC)

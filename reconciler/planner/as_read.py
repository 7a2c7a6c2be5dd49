"""What `make_plan` does between answers, while the rate limit holds the next reads back.

A run of 600 accounts spends ten seconds waiting on Zoom's limit with the CPU idle, then used to
plan every account after the last answer. Planning each account as its answer comes in moves
that work into the wait: what is left after the last answer is the accounts whose billing
contact is read after the plans, and putting the plan together.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from datetime import date

from reconciler.desired.model import DesiredAccount
from reconciler.planner.contact import compares_contact
from reconciler.planner.core import plan_read_account
from reconciler.planner.fingerprints import desired_fingerprint
from reconciler.planner.model import AccountPlan, PlanOptions
from reconciler.planner.renewals import Renewals
from reconciler.zoom.live import LivePlans


class PlanAsRead:
    """Called with each account's reading (``read_live(on_read=...)``) of the accounts in
    `by_id` (the desired accounts by id); `planned` and `desired_sha256` then go to
    :func:`reconciler.planner.core.build_plan`.

    An account is planned only once the renewals are known (a removal near a renewal is
    dated by it) and unless its billing contact is still to be read; `build_plan` plans the
    rest exactly as these would have been. The desired files' fingerprint is taken at the
    first answer, not before the first read: nothing delays the first call.
    """

    def __init__(
        self,
        by_id: Mapping[str, DesiredAccount],
        options: PlanOptions,
        today: date,
        renewals_read: asyncio.Future[Renewals],
    ) -> None:
        self._by_id = by_id
        self._options = options
        self._today = today
        self._renewals_read = renewals_read
        self.planned: dict[str, AccountPlan] = {}
        self.desired_sha256: str | None = None

    def __call__(self, live: LivePlans) -> None:
        if self.desired_sha256 is None:
            self.desired_sha256 = desired_fingerprint(list(self._by_id.values()))
        renewals = self._renewals()
        desired = self._by_id[live.account_id]
        if renewals is None or compares_contact(desired, live.plans):
            return
        self.planned[live.account_id] = plan_read_account(
            desired, live, self._options, self._today, renewals
        )

    def _renewals(self) -> Renewals | None:
        """The renewals as read, or None while the read runs (or if it failed: the plan waits
        for it as it would have)."""
        read = self._renewals_read
        if not read.done() or read.cancelled() or read.exception() is not None:
            return None
        return read.result()

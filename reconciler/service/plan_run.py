"""`plan` as a library call: a :class:`PlanRequest` in, a :class:`PlanResult` out.

The command writes and prints the plan; what makes it fail (bad files, a selector, a guard
rail, a blocked or unread account) and which exit code that gives is decided here.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from reconciler.planner.model import Plan
from reconciler.service.planning import (
    Say,
    fresh_options,
    guard_rail_errors,
    load_accounts,
    marked_in_flight,
    own_writes_reader,
    plan_now,
    say_own_writes,
    select_accounts,
)
from reconciler.service.requests import PlanRequest
from reconciler.zoom.client import ZoomClient
from reconciler.zoom.errors import ZoomError
from reconciler.zoom.live import LiveReadStopped

EXIT_OK, EXIT_ERROR, EXIT_PENDING = 0, 1, 2


class PlanRefused(Exception):
    """No plan could be made (bad files, selector, limits, Zoom stopped the reads);
    ``exit_code`` 1, or 64 for a usage error (a money limit flag that cannot be used)."""

    def __init__(self, message: str, exit_code: int = EXIT_ERROR) -> None:
        super().__init__(message)
        self.exit_code = exit_code


@dataclass(frozen=True)
class PlanResult:
    """The plan, and what makes `plan` exit 1: guard rails tripped, accounts blocked or
    unread (``failed``: the sentence that counts them)."""

    plan: Plan
    errors: tuple[str, ...]
    failed: str | None = None

    def exit_code(self, *, detailed: bool) -> int:
        """0, 1 on any error, or 2 with --detailed-exitcode when calls are pending."""
        if self.errors or self.failed:
            return EXIT_ERROR
        return EXIT_PENDING if detailed and self.plan.pending else EXIT_OK


async def make_plan_for(request: PlanRequest, say: Say) -> PlanResult:
    """Load, select, read Zoom and plan; mark the journal's purchases in flight; judge."""
    from reconciler.service.refusal import Refused

    try:
        selection = request.selection
        options = fresh_options(selection, request.guards)
        # The files load in a thread while the client is made and the access token is asked
        # for: a round trip off every run's start. Nothing is read from Zoom until the files
        # are good. The yield hands the loading to its thread now, not at the first await.
        loading = asyncio.ensure_future(
            asyncio.to_thread(load_accounts, request.selection, request.guards, say)
        )
        await asyncio.sleep(0)
        try:
            client = ZoomClient(request.zoom)
        except ZoomError:
            await loading  # the files' problems first, as ever
            raise
        async with client:
            asking = asyncio.ensure_future(client.zoom_now())
            try:
                accounts, git = await loading
                chosen = select_accounts(accounts, selection.account_ids, selection.selectors)
            except BaseException:
                asking.cancel()
                raise
            journal = request.journal_path, request.zoom.account_id, request.settings.rules
            # Read your own writes: the journal's seat changes Zoom's reads do not show yet.
            reader = await own_writes_reader(client, *journal)
            plan = await plan_now(
                chosen,
                reader,
                options,
                (selection, request.guards),
                ttl=request.ttl,
                header=(git, request.shown_settings),
            )
            say_own_writes(reader, say)
            # Purchases the journal holds as awaiting Zoom: shown as in flight, not new ones.
            plan = marked_in_flight(plan, *journal, say, client)
        _record_usage_reads(plan, request, say)
    except Refused as exc:
        raise PlanRefused(str(exc), exc.exit_code) from None
    except (LiveReadStopped, ZoomError) as exc:
        raise PlanRefused(str(exc)) from None
    failed = None
    if plan.failed:
        s = plan.summary()
        failed = f"{s['blocked']} account(s) blocked, {s['errors']} could not be planned"
    return PlanResult(plan, tuple(guard_rail_errors(plan, say)), failed)


def _record_usage_reads(plan: Plan, request: PlanRequest, say: Say) -> None:
    """Journal the Heavy usage reads this plan made, so apply's daily budget counts them; a
    journal that cannot take the line (an apply holds it, a read-only checkout) is a warning:
    the plan itself is still right."""
    from reconciler.apply.budget import record_heavy_reads
    from reconciler.apply.journal import JournalError

    try:
        record_heavy_reads(plan, request.journal_path, request.zoom.account_id)
    except JournalError as exc:
        reads = sum(1 for account in plan.accounts if account.usage_read)
        say(
            f"zoomplans: warning: {exc}; this plan's {reads} Heavy usage read(s) are not "
            "counted against the daily Heavy budget"
        )

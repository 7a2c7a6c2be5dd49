"""The "choose accounts, read live, plan" sequence, shared by `plan` and `apply`.

Kept out of the CLI so the commands stay thin (parse, call, render, exit code) and apply can
plan exactly the way `plan` does before it writes anything.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Protocol

from reconciler.desired.model import DesiredAccount
from reconciler.planner.as_read import PlanAsRead
from reconciler.planner.contact import compares_contact
from reconciler.planner.core import build_plan
from reconciler.planner.costs import price_plan
from reconciler.planner.model import DEFAULT_TTL, Plan, PlanOptions
from reconciler.planner.renewals import DEFAULT_NOTICE_DAYS, RenewalsReader, read_renewals
from reconciler.planner.usage_reads import needs_usage
from reconciler.pricing.prices import PriceList
from reconciler.zoom.contact_reads import ContactRead, ContactReader, read_contacts
from reconciler.zoom.errors import AuthError, DailyLimitReached
from reconciler.zoom.live import LivePlans, LiveReadStopped, PlanAndUsageReader, read_live


class SelectionError(ValueError):
    """`--account`/`--select` matched nothing, or a selector is not KEY=VALUE."""


def parse_selector(text: str) -> tuple[str, str]:
    """`tier=gold` -> ("tier", "gold"); SelectionError for anything without a key and `=`."""
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise SelectionError(f"--select {text!r} is not KEY=VALUE (e.g. --select tier=gold)")
    return key.strip(), value.strip()


def select_accounts(
    accounts: Sequence[DesiredAccount],
    account_ids: Sequence[str] = (),
    selectors: Sequence[str] = (),
) -> list[DesiredAccount]:
    """Accounts named by `--account` (any of them) and matching every `--select` label.

    With neither option every account is selected. An `--account` id that is not declared, or
    a selection that leaves nothing, is a SelectionError: a typo must never plan zero accounts
    and report success.
    """
    wanted = [parse_selector(s) for s in selectors]
    declared = {a.account_id for a in accounts}
    unknown = [i for i in account_ids if i not in declared]
    if unknown:
        raise SelectionError(
            "--account names accounts no YAML declares: " + ", ".join(sorted(set(unknown)))
        )
    chosen = [
        a
        for a in accounts
        if (not account_ids or a.account_id in account_ids)
        and all(k in a.labels and str(a.labels[k]) == v for k, v in wanted)
    ]
    if not chosen and (account_ids or selectors):
        criteria = [f"--account {i}" for i in account_ids] + [f"--select {s}" for s in selectors]
        raise SelectionError("no declared account matches " + " ".join(criteria))
    return chosen


async def make_plan(
    desired_accounts: Sequence[DesiredAccount],
    client: PlanningReader,
    options: PlanOptions,
    *,
    now: datetime | None = None,
    ttl: timedelta = DEFAULT_TTL,
    git_commit: str | None = None,
    progress: bool | None = None,
    prices: PriceList | None = None,
    notice_days: int = DEFAULT_NOTICE_DAYS,
) -> Plan:
    """Read the live plans of `desired_accounts`, plan them all, and price every call.

    The renewals list is read once, beside the plans rather than after them (one round trip
    less at the end of every run); a refused or failing read only leaves renewal dates unknown,
    and a credential that cannot read plans still stops the run at the plans.

    Raises reconciler.zoom.live.LiveReadStopped when the master credentials or the daily limit stop
    the run; every other failure is recorded on its account.
    """
    by_id = {a.account_id: a for a in desired_accounts}
    # The plan is dated when the reading begins: its age counts from the oldest answer in it,
    # and the accounts planned while others are read share its day.
    created = now or datetime.now(UTC)
    renewals_read = asyncio.ensure_future(read_renewals(client, notice_days))
    as_read = PlanAsRead(by_id, options, created.astimezone(UTC).date(), renewals_read)
    try:
        lives = await read_live(
            client,
            sorted(by_id),
            want_usage=lambda account_id, plans: needs_usage(by_id[account_id], plans, options),
            progress=progress,
            on_read=as_read,
        )
        contacts = await _read_contacts(client, [by_id[i] for i in sorted(by_id)], lives)
    except BaseException:
        renewals_read.cancel()
        raise
    renewals = await renewals_read
    plan = build_plan(
        desired_accounts,
        lives,
        options,
        now=created,
        ttl=ttl,
        git_commit=git_commit,
        contacts=contacts,
        renewals=renewals,
        planned=as_read.planned,
        desired_sha256=as_read.desired_sha256,
    )
    return price_plan(plan, prices)


class PlanningReader(PlanAndUsageReader, ContactReader, RenewalsReader, Protocol):
    """What planning reads: plans, usage where a decrease is checked, billing contacts, and
    the renewals list."""


async def _read_contacts(
    client: ContactReader, desired: Sequence[DesiredAccount], lives: Mapping[str, LivePlans]
) -> dict[str, ContactRead]:
    """GET /billing for every account `compares_contact` names; a run-wide refusal (credentials,
    scope, daily limit) stops the run as a plans read would."""
    wanted = [
        account.account_id
        for account in desired
        if account.account_id in lives
        and lives[account.account_id].error is None
        and compares_contact(account, lives[account.account_id].plans)
    ]
    if not wanted:
        return {}
    try:
        return await read_contacts(client, wanted)
    except (AuthError, DailyLimitReached) as exc:
        raise LiveReadStopped(exc, len(lives), len(lives)) from None

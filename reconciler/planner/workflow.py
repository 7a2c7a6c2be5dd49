"""The "choose accounts, read live, plan" sequence, shared by `plan` and `apply`.

Kept out of the CLI so the commands stay thin (parse, call, render, exit code) and apply can
plan exactly the way `plan` does before it writes anything.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from reconciler.desired.model import DesiredAccount
from reconciler.planner.core import build_plan, needs_usage
from reconciler.planner.costs import price_plan
from reconciler.planner.model import DEFAULT_TTL, Plan, PlanOptions
from reconciler.pricing.prices import PriceList
from reconciler.zoom.live import PlanAndUsageReader, read_live


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
    client: PlanAndUsageReader,
    options: PlanOptions,
    *,
    now: datetime | None = None,
    ttl: timedelta = DEFAULT_TTL,
    git_commit: str | None = None,
    progress: bool | None = None,
    prices: PriceList | None = None,
) -> Plan:
    """Read the live plans of `desired_accounts`, plan them all, and price every call.

    Raises reconciler.zoom.live.LiveReadStopped when the master credentials or the daily limit stop
    the run; every other failure is recorded on its account.
    """
    by_id = {a.account_id: a for a in desired_accounts}
    lives = await read_live(
        client,
        sorted(by_id),
        want_usage=lambda account_id, plans: needs_usage(by_id[account_id], plans, options),
        progress=progress,
    )
    plan = build_plan(desired_accounts, lives, options, now=now, ttl=ttl, git_commit=git_commit)
    return price_plan(plan, prices)

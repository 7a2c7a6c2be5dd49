"""Prove that a saved plan's actions are exactly what the desired files and Zoom imply.

A plan file is data from outside the process: someone may edit ``body`` and ``after`` together
(so the reviewed text agrees with the edited call), or add a group to a subscribe body. Shape
checks cannot catch that. So ``apply --plan`` loads the desired files again and:

1. refuses the whole plan when their ``desired_sha256`` is not the plan's (other files);
2. at each account's compare-and-swap read (which proves live == the plan's live snapshot),
   plans the account again with the plan's recorded options, and refuses the account unless
   the re-planned actions equal the saved ones exactly;
3. verifies each account after its calls against the desired files, never the plan's ``after``;
4. refuses the whole plan when its recorded costs are not what its price list says (the money
   guard rail reads them).

Same files + same live plans + same options give the same actions: the planner is
deterministic, so any difference means the plan file is not what ``zoomplans plan`` wrote.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from reconciler.apply.effects import all_calls_visible
from reconciler.apply.preflight import PlanRefused
from reconciler.apply.reading import LivePlansDict
from reconciler.apply.report import AccountState
from reconciler.apply.seams import Confirm, Converged
from reconciler.desired.model import DesiredAccount
from reconciler.planner.contact import compares_contact
from reconciler.planner.core import plan_account
from reconciler.planner.costs import price_plan
from reconciler.planner.fingerprints import desired_fingerprint
from reconciler.planner.model import AccountPlan, Plan, PlanOptions
from reconciler.planner.renewal_record import Renewal
from reconciler.planner.usage_reads import needs_usage
from reconciler.pricing.prices import PriceList
from reconciler.zoom.contact_reads import ContactReader, read_contact
from reconciler.zoom.live import LivePlans


class UsageReader(ContactReader, Protocol):
    """The reads a re-plan may need (``reconciler.zoom.ZoomClient.get_usage``, and
    ``get_billing`` where the file declares a contact)."""

    async def get_usage(self, account_id: str) -> dict[str, Any]: ...


class DesiredFilesChanged(PlanRefused):
    """The desired files given to apply are not the ones the plan was made from."""

    def __init__(self, paths: Sequence[str], planned: str, found: str) -> None:
        super().__init__(
            f"the files at {' '.join(paths)} are not the ones this plan was made from "
            f"(desired_sha256 {planned[:12]} in the plan, {found[:12]} from the files); "
            "re-run plan on these files, review it, and apply the new plan"
        )
        self.planned = planned
        self.found = found


def check_desired_files(
    plan: Plan, selected: Sequence[DesiredAccount], paths: Sequence[str]
) -> None:
    """Refuse the plan (nothing is sent) unless ``selected`` hashes to its desired_sha256.

    ``selected`` are the accounts the files declare, chosen with the plan's recorded
    ``--account``/``--select``, exactly as ``plan`` chose them.
    """
    found = desired_fingerprint(selected)
    if found != plan.desired_sha256:
        raise DesiredFilesChanged(paths, plan.desired_sha256, found)


class CostsChanged(PlanRefused):
    """The costs recorded in a saved plan are not what its price list says."""

    def __init__(self, prices: str, where: Sequence[str]) -> None:
        listed = ", ".join(where[:5]) + (f" (and {len(where) - 5} more)" if len(where) > 5 else "")
        super().__init__(
            f"the costs in the plan file are not what {prices} says ({listed}): the file was "
            "edited or the price list changed since; re-run plan and review the new plan"
        )


def check_costs(plan: Plan, prices: PriceList) -> None:
    """Refuse the plan unless every action's recorded cost is what ``prices`` gives it.

    The money guard rail (--max-monthly-increase) and the reviewer both read these costs, so
    a cost edited in the file would let a bigger plan through.
    """
    again = price_plan(plan, prices)
    differ = [
        f"{account.account_id} action {number}"
        for account, priced in zip(plan.accounts, again.accounts, strict=True)
        for number, (saved, fresh) in enumerate(
            zip(account.actions, priced.actions, strict=True), start=1
        )
        if (saved.cost and saved.cost.to_json()) != (fresh.cost and fresh.cost.to_json())
    ]
    if differ:
        raise CostsChanged(str(plan.options.prices), differ)


def comparable(actions: Sequence[Any], *, changes: bool = True) -> list[str]:
    """Each action as canonical JSON without what planning does not decide: its cost (priced
    after planning) and in_flight (from the journal, not the files).

    ``changes=False`` leaves the field-level changes out too: for a plan file written before
    plans recorded them, whose ``before``/``after`` (compared here) say the same thing.
    """
    left_out = {"cost", "in_flight", "renewal_notice"}  # shown to the reviewer, not sent
    if not changes:
        left_out.add("changes")
    shown = []
    for action in actions:
        data = {k: v for k, v in action.to_json().items() if k not in left_out}
        shown.append(json.dumps(data, sort_keys=True, separators=(",", ":"), default=str))
    return shown


def difference(saved: list[str], again: list[str]) -> str:
    for number, (old, new) in enumerate(zip(saved, again, strict=False), start=1):
        if old != new:
            return f"action {number} in the file is {old}; the files and Zoom imply {new}"
    if len(saved) > len(again):
        return f"the file has {len(saved) - len(again)} action(s) more than the files imply"
    return f"the file lacks {len(again) - len(saved)} action(s) the files imply"


def replan_confirm(
    desired: Sequence[DesiredAccount],
    options: PlanOptions,
    client: UsageReader,
    renewals: Mapping[str, Renewal] | None = None,
) -> Confirm:
    """The check of point 2 above, for the executor to call before an account's first write.

    A re-plan that needs seats in use (an allowed decrease) reads GET /plans/usage again, as
    ``plan`` did; a ZoomError from that read propagates (the executor reports it, sends nothing).
    """
    by_id = {account.account_id: account for account in desired}

    async def confirm(account: AccountPlan, live: LivePlansDict) -> tuple[AccountState, str] | None:
        wanted = by_id.get(account.account_id)
        if wanted is None:
            return "mismatch", "the desired files do not declare this account; nothing sent"
        plans = dict(live) if live is not None else None
        usage = None
        if needs_usage(wanted, plans, options):
            usage = await client.get_usage(account.account_id)
        contact = None
        if compares_contact(wanted, plans):  # the billing contact, read as `plan` read it
            contact = await read_contact(client, account.account_id)
        live_now = LivePlans(account.account_id, plans, usage)
        renewal = (renewals or {}).get(account.account_id)
        again = plan_account(wanted, live_now, options, contact=contact, renewal=renewal)
        recorded = any(getattr(a, "changes", None) is not None for a in account.actions)
        saved = comparable(account.actions, changes=recorded)
        implied = comparable(again.actions, changes=recorded)
        if again.status == "blocked" and account.status != "blocked":
            # Same files, same plans: only what plan_account reads besides them (seats in use)
            # can have moved. Not an edit, but the reviewed calls no longer hold either.
            reasons = "; ".join(item.message for item in again.blocked)
            return "blocked", (
                f"planned again now, the account is blocked ({reasons}); nothing sent; "
                "run `zoomplans plan` again and review the new plan"
            )
        if again.status != account.status or saved != implied:
            detail = (
                f"re-planned status is {again.status}, the file says {account.status}"
                if saved == implied
                else difference(saved, implied)
            )
            return "mismatch", (
                f"the saved actions are not what the desired files and Zoom imply ({detail}); "
                "the plan file was edited or made from other files; nothing sent; "
                "run `zoomplans plan` again and review the new plan"
            )
        return None

    return confirm


def replan_converged(
    desired: Sequence[DesiredAccount],
    options: PlanOptions,
    renewals: Mapping[str, Renewal] | None = None,
) -> Converged:
    """Converged when planning the account again against a fresh read leaves it in sync.
    ``renewals``: each account's renewal as this run read it (never a plan file's)."""
    by_id: Mapping[str, DesiredAccount] = {account.account_id: account for account in desired}

    def converged(account: AccountPlan, live: LivePlansDict) -> bool:
        wanted = by_id.get(account.account_id)
        if wanted is None:
            return all_calls_visible(account, live)
        plans = dict(live) if live is not None else None
        renewal = (renewals or {}).get(account.account_id)
        again = plan_account(wanted, LivePlans(account.account_id, plans), options, renewal=renewal)
        return again.status == "in_sync" and not again.actions

    return converged

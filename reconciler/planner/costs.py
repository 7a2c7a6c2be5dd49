"""Put a price on every call of a plan: its recurring cost change, as a monthly equivalent.

The rules, in the reviewer's words: a seat change costs (new hosts - old hosts) x the price of
one host; a new add-on costs its hosts x its price (or its flat price); a subscription costs the
sum of every plan it buys (a bundle by its code); a cancellation saves what the plan cost, and a
base plan's cancellation what the base plan cost. Every plan is priced by its type code, the
entry's inside a nested Phone, Contact Center or Node body, with the account's own price first
(`accounts:` in the price list: what that account is billed) and the list's otherwise. A yearly
price counts as a twelfth per month, a quarterly one a third, a two-year one a twenty-fourth.
A call touching a type with no price is *unknown* (with the type named), never zero. A
subscription whose plans are priced in several currencies costs an amount in each: the amounts
are never added together, and never hidden as "unknown" from a per-currency limit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from decimal import Decimal
from typing import Any

from reconciler.groups.operations import Sides, Target, spec_of
from reconciler.planner.bodies import entry_type
from reconciler.planner.model import AccountPlan, Action, Plan
from reconciler.pricing.money import Cost
from reconciler.pricing.prices import PriceList


def _hosts(fields: Mapping[str, Any] | None) -> int | None:
    value = (fields or {}).get("hosts")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _sum(
    prices: PriceList, account_id: str | None, entries: Iterable[tuple[Mapping[str, Any], int]]
) -> Cost:
    """Sum entries (fields, sign): +1 buys the entry, -1 gives it up."""
    totals: dict[str, Decimal] = {}
    missing: list[str] = []
    hostless: list[str] = []
    for fields, sign in entries:
        plan_type = str(fields.get("type"))
        price = prices.get(plan_type, account_id)
        if price is None:
            missing.append(plan_type)
            continue
        monthly = price.monthly(_hosts(fields))
        if monthly is None:
            hostless.append(plan_type)
            continue
        totals[price.currency] = totals.get(price.currency, Decimal(0)) + sign * monthly
    if missing:
        return Cost.unknown(f"no price for {', '.join(sorted(set(missing)))}", missing)
    if hostless:
        return Cost.unknown(
            f"{', '.join(sorted(set(hostless)))} has a per_host price but no host count; "
            "give it a flat price",
            hostless,
        )
    if not totals:
        return Cost.unknown("nothing to price")
    return Cost.in_currencies(totals)


def action_cost(action: Action, prices: PriceList, account_id: str | None = None) -> Cost:
    """The monthly cost change of one call of `account_id` (its own prices first)."""
    spec = spec_of(action.op)
    if spec.sides is Sides.SUBSCRIPTION:
        after = action.after or {}
        entries = [
            *([after["plan_base"]] if after.get("plan_base") is not None else []),
            *({"type": code} for code in after.get("bundle") or ()),
            *(after.get("addons") or []),
        ]
        return _sum(prices, account_id, [(entry, spec.cost_sign) for entry in entries])
    if spec.cost_sign:
        side = dict((action.after if spec.cost_sign > 0 else action.before) or {})
        if spec.target is Target.ADDON:
            side["type"] = entry_type(action.body)
        return _sum(prices, account_id, [(side, spec.cost_sign)])
    plan_type = entry_type(action.body)
    price = prices.get(plan_type, account_id)
    if price is None:
        return Cost.unknown(f"no price for {plan_type}", [plan_type])
    old, new = _hosts(action.before), _hosts(action.after)
    if old is None or new is None:
        return Cost.unknown(f"{plan_type}: host counts not known")
    delta = price.monthly(new - old) if price.per_host else Decimal(0)
    return Cost.of(price.currency, delta or Decimal(0))


def _priced_account(account: AccountPlan, prices: PriceList) -> AccountPlan:
    actions = tuple(
        replace(a, cost=action_cost(a, prices, account.account_id)) for a in account.actions
    )
    return replace(account, actions=actions)


def price_plan(plan: Plan, prices: PriceList | None) -> Plan:
    """The same plan with `cost` on every action and the price list recorded in its options."""
    if prices is None:
        return plan
    return replace(
        plan,
        options=replace(plan.options, prices=prices.source),
        accounts=tuple(_priced_account(a, prices) for a in plan.accounts),
    )

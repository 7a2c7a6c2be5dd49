"""Prices from Zoom: what each plan code costs, read off what Zoom will next invoice.

A price list copied by hand drifts from the contract. Zoom's renewals list (GET
/accounts/billing/renewals) names, for every sub-account renewing within 90 days, each
subscription's plan, seat count, billing cycle and next invoice amount: the unit price is the
amount over the quantity, per that cycle. The list names plans in words ("Zoom Workplace
Enterprise", "Annual"), not by code, so the catalogue's names make the match: a code whose name,
less its cycle words, is the plan's name, or else the one code of the section so named that bills
by that cycle. Where a section sells several codes of one cycle (Pro with 25 or 50 participants)
the code the account holds decides, when the caller read it; anything else is listed as
unmatched with the reason, never guessed.

One code billed at different unit prices to different accounts (a discount) keeps both: the price
most accounts pay goes under `prices:`, and every account billed otherwise gets its own under
`accounts:`, so each plan's costs are what that account is billed. The list carries no currency;
the caller names it (the master account's billing currency).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from typing import Any, Protocol

import yaml

from reconciler.desired import catalogue
from reconciler.desired.reader import read_bytes
from reconciler.groups import table
from reconciler.pricing.currencies import minor_units
from reconciler.pricing.cycles import ZOOM_CYCLES, Period, cycle_of, without_cycle
from reconciler.pricing.money import TOO_LARGE
from reconciler.pricing.prices import Price, parse_prices
from reconciler.zoom.billing import AccountRenewal, RenewableSubscription
from reconciler.zoom.errors import ZoomError
from reconciler.zoom_2026 import catalogue_rows

#: The days of renewals read: Zoom's widest interval.
INTERVAL_DAYS = 90
_QUANTUM = Decimal("0.0001")  # the price list's finest amount
_LONGEST_ID = 128  # the price list's longest account id (prices.schema.json)


def _spaced(name: str) -> str:
    """A section's name as compared: `Zoom  Room plans` -> `zoom room plans`."""
    return " ".join(name.casefold().split())


@dataclass(frozen=True)
class _Catalogue:
    """Catalogue codes by (name less its cycle, cycle) and by (section, cycle)."""

    by_name: Mapping[tuple[str, Period], tuple[str, ...]]
    by_section: Mapping[tuple[str, Period], tuple[str, ...]]
    names: frozenset[str]


@cache
def _catalogue() -> _Catalogue:
    by_name: dict[tuple[str, Period], list[str]] = {}
    by_section: dict[tuple[str, Period], list[str]] = {}
    names: set[str] = set()
    for row in catalogue_rows():
        names |= {without_cycle(row.name), _spaced(row.section)}
        cycle = cycle_of(row.code)
        if cycle is None:
            continue
        by_name.setdefault((without_cycle(row.name), cycle), []).append(row.code)
        by_section.setdefault((_spaced(row.section), cycle), []).append(row.code)
    return _Catalogue(
        {key: tuple(codes) for key, codes in by_name.items()},
        {key: tuple(codes) for key, codes in by_section.items()},
        frozenset(names),
    )


@dataclass(frozen=True)
class Unmatched:
    """A subscription no price could be taken from, and why (shown to the user as data)."""

    account_id: str
    plan_name: str
    billing_cycle: str
    reason: str
    #: The codes it fits, when several do (the account's plans would decide).
    fits: tuple[str, ...] = ()


@dataclass(frozen=True)
class ZoomPrices:
    """The price list read from Zoom, with what it could not read."""

    currency: str
    source: str
    day: date
    prices: Mapping[str, Price]
    accounts: Mapping[str, Mapping[str, Price]]
    unmatched: tuple[Unmatched, ...] = ()
    #: Accounts whose subscription fits several codes of one section: reading what they hold
    #: (GET /plans) would decide it.
    undecided: frozenset[str] = field(default_factory=frozenset)


def candidates(plan_name: str, billing_cycle: str) -> tuple[str, ...]:
    """The catalogue codes a renewals entry may be: by name first, else by section."""
    cycle = ZOOM_CYCLES.get(billing_cycle)
    if cycle is None:
        return ()
    listed = _catalogue()
    by_name = listed.by_name.get((without_cycle(plan_name), cycle), ())
    if by_name:
        return by_name
    return listed.by_section.get((_spaced(plan_name), cycle), ())


def match(subscription: RenewableSubscription, held: frozenset[str]) -> str | Unmatched:
    """The one code of a subscription, or why there is none (account id left blank)."""
    found = candidates(subscription.plan_name, subscription.billing_cycle)
    if len(found) > 1 and held:
        found = tuple(code for code in found if code in held) or found
    if len(found) == 1:
        return found[0]
    if found:
        reason = f"fits {len(found)} codes of Zoom's catalogue ({', '.join(found)})"
        return Unmatched("", subscription.plan_name, subscription.billing_cycle, reason, found)
    names = _catalogue().names
    if without_cycle(subscription.plan_name) in names or _spaced(subscription.plan_name) in names:
        reason = f"Zoom's catalogue has no {subscription.billing_cycle} code for this plan"
    else:
        reason = "no plan or section of Zoom's catalogue has this name"
    return Unmatched("", subscription.plan_name, subscription.billing_cycle, reason)


def _seated(code: str) -> bool:
    """Priced per seat (hosts) or flat for the whole plan, as the groups the code lives in."""
    groups = catalogue.groups_of(code)
    if not groups:
        return True
    return any(
        table.group(key).seats and (key != table.BASE.key or table.base_needs_hosts(code))
        for key in groups
    )


def _amount(value: Decimal, currency: str) -> Decimal:
    """To the price list's finest step, and at least the currency's own decimals."""
    exact = value.quantize(_QUANTUM, ROUND_HALF_UP).normalize()
    decimals = max(-int(exact.as_tuple().exponent), minor_units(currency))
    return exact.quantize(Decimal(1).scaleb(-decimals))


@dataclass
class _Billed:
    """What one account is invoiced for one code: amounts and seats, added over subscriptions."""

    amount: Decimal = Decimal(0)
    quantity: int = 0


def derive_prices(
    renewals: Iterable[AccountRenewal],
    *,
    currency: str,
    source: str,
    day: date,
    held: Mapping[str, frozenset[str]] | None = None,
) -> ZoomPrices:
    """Unit prices per code (and per account where they differ) from the renewals list.

    `held` is, per account, the plan codes it holds (GET /plans): it decides a subscription
    that fits several codes of one section. Without it such a subscription is unmatched, and
    its account is in `undecided`.
    """
    billed: dict[str, dict[str, _Billed]] = {}
    unmatched: list[Unmatched] = []
    undecided: set[str] = set()
    for renewal in renewals:
        own = (held or {}).get(renewal.account_id, frozenset())
        for subscription in renewal.subscriptions:
            found = match(subscription, own)
            if isinstance(found, Unmatched):
                unmatched.append(_of(renewal.account_id, found))
                if found.fits and renewal.account_id not in (held or {}):
                    undecided.add(renewal.account_id)
                continue
            problem = _unpriceable(subscription, renewal.account_id)
            if problem is not None:
                unmatched.append(_of(renewal.account_id, problem))
                continue
            entry = billed.setdefault(found, {}).setdefault(renewal.account_id, _Billed())
            entry.amount += subscription.next_invoice_amount
            entry.quantity += subscription.quantity
    prices: dict[str, Price] = {}
    accounts: dict[str, dict[str, Price]] = {}
    for code, by_account in sorted(billed.items()):
        period = cycle_of(code)
        assert period is not None  # matched codes bill by a cycle
        unit = {
            account_id: _amount(entry.amount / entry.quantity, currency)
            for account_id, entry in by_account.items()
        }
        counted = Counter(unit.values()).most_common()
        most = max(n for _, n in counted)
        common = min(amount for amount, n in counted if n == most)
        seated = _seated(code)
        prices[code] = Price(code, common, seated, period, currency)
        for account_id, amount in sorted(unit.items()):
            if amount != common:
                own_price = Price(code, amount, seated, period, currency)
                accounts.setdefault(account_id, {})[code] = own_price
    return ZoomPrices(
        currency=currency,
        source=source,
        day=day,
        prices=prices,
        accounts=dict(sorted(accounts.items())),
        unmatched=tuple(unmatched),
        undecided=frozenset(undecided),
    )


def _of(account_id: str, found: Unmatched) -> Unmatched:
    return replace(found, account_id=account_id)


def _unpriceable(subscription: RenewableSubscription, account_id: str) -> Unmatched | None:
    """A subscription no unit price can come from: no seats, a credit, an amount or an account
    id the price list cannot hold."""
    if not 1 <= len(account_id) <= _LONGEST_ID:
        reason = f"an account id of {len(account_id)} characters is none a price list holds"
    elif subscription.quantity <= 0:
        reason = "quantity 0: no unit price"
    elif subscription.next_invoice_amount < 0:
        reason = "a negative invoice amount (a credit) is no price"
    elif subscription.next_invoice_amount / subscription.quantity >= TOO_LARGE:
        reason = "a unit price of a trillion or more is no price a price list holds"
    else:
        return None
    return Unmatched("", subscription.plan_name, subscription.billing_cycle, reason)


def plan_types(answer: Any) -> frozenset[str]:
    """Every plan code in a GET /plans answer (nested Phone, Contact Center and Node included)."""
    found: set[str] = set()
    stack = [answer]
    while stack:
        item = stack.pop()
        if isinstance(item, Mapping):
            code = item.get("type")
            if isinstance(code, str):
                found.add(code)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return frozenset(found)


def _entry(price: Price) -> dict[str, str]:
    key = "per_host" if price.per_host else "flat"
    return {key: str(price.amount), "period": price.period}


def price_list_yaml(found: ZoomPrices) -> str:
    """The price list `plan --prices` reads. Zoom's strings are data: every key and value is
    written by the YAML emitter (quoted and escaped where needed, ASCII only), never pasted."""
    document: dict[str, Any] = {
        "source": found.source,
        "date": found.day.isoformat(),
        "currency": found.currency,
        "prices": {code: _entry(price) for code, price in found.prices.items()},
    }
    if found.accounts:
        document["accounts"] = {
            account_id: {code: _entry(price) for code, price in own.items()}
            for account_id, own in found.accounts.items()
        }
    header = (
        "# Written by `zoomplans prices --from-zoom`: unit prices of Zoom's next invoices\n"
        "# (amount / quantity per billing cycle); `accounts:` holds an account's own price where\n"
        "# it is billed differently. Review before committing.\n"
    )
    body = yaml.safe_dump(
        document, sort_keys=False, default_flow_style=None, allow_unicode=False, width=100
    )
    return header + body


class RenewalsReader(Protocol):
    """What reading prices from Zoom needs of a client (`ZoomClient` is one)."""

    async def list_renewals(self, interval_days: int = ...) -> list[AccountRenewal]: ...

    async def get_plans(self, account_id: str) -> dict[str, Any]: ...


class PriceListBroken(Exception):
    """The price list written would not load (a bug: reported, never written)."""


async def read_zoom_prices(
    zoom: RenewalsReader, *, currency: str, source: str, day: date
) -> ZoomPrices:
    """The renewals list (90 days, every page) made a price list; the plans of the accounts
    whose subscription fits several codes are read (one GET /plans each) to decide them."""
    renewals = await zoom.list_renewals(INTERVAL_DAYS)
    found = derive_prices(renewals, currency=currency, source=source, day=day)
    if not found.undecided:
        return found
    held: dict[str, frozenset[str]] = {}
    for account_id in sorted(found.undecided):
        try:
            held[account_id] = plan_types(await zoom.get_plans(account_id))
        except ZoomError:
            held[account_id] = frozenset()  # stays unmatched, with the codes it fits
    return derive_prices(renewals, currency=currency, source=source, day=day, held=held)


def checked_yaml(found: ZoomPrices, display: str) -> str:
    """`price_list_yaml`, read back as `plan --prices` reads it: what is written always loads."""
    text = price_list_yaml(found)
    read = read_bytes(text.encode("utf-8"), display)
    problems = [p for p in read.problems if p.severity == "error"]
    if not problems and len(read.documents) == 1:
        prices, problems = parse_prices(read.documents[0])
        problems = [p for p in problems if p.severity == "error"] if prices is None else []
    if problems or len(read.documents) != 1:
        raise PriceListBroken("; ".join(map(str, problems)) or "not one YAML document")
    return text

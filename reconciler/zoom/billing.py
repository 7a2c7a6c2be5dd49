"""Zoom's billing operations beside the plans, as the client reads and writes them.

The billing contact (GET and PATCH `/accounts/{id}/billing`) says who receives a sub-account's
invoices; the renewals list (GET `/accounts/billing/renewals`) says when each sub-account renews,
whether automatically, and for how much. Field names and shapes are Zoom's 2026 document's; an
answer that breaks them is an `UnexpectedAnswer` naming the field, never a guess.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from reconciler.zoom.contact_fields import CONTACT_PATCH_FIELDS as CONTACT_PATCH_FIELDS
from reconciler.zoom.errors import UnexpectedAnswer

#: Zoom's intervals for the renewals list; a plan reads the widest once per run.
RENEWAL_INTERVAL_DAYS = 90
#: Zoom's largest page of the renewals list.
RENEWALS_PAGE_SIZE = 50
#: Zoom's billing cycles, as the renewals list names them.
BILLING_CYCLES = ("Monthly", "Quarterly", "Annual", "Two years", "Three years")
_RENEWALS = "/accounts/billing/renewals"
#: No invoice reaches this in any currency: a larger (or `1e999999`) amount is no amount, and
#: would not survive the plan's JSON (an integer of a million digits, a float of infinity).
_IMPLAUSIBLE = Decimal(10) ** 15


@dataclass(frozen=True)
class RenewableSubscription:
    """One subscription that renews with its account (Zoom's `renewable_subscriptions[]`)."""

    plan_name: str
    quantity: int
    billing_cycle: str
    service_effective_date: date
    next_invoice_date: date
    next_invoice_amount: Decimal


@dataclass(frozen=True)
class AccountRenewal:
    """One sub-account's next renewal, as GET /accounts/billing/renewals lists it."""

    account_id: str
    next_renewal_date: date
    auto_renew: bool
    total_renewal_amount: Decimal
    subscriptions: tuple[RenewableSubscription, ...]

    @classmethod
    def page_from_json(cls, page: Mapping[str, Any]) -> Iterator[AccountRenewal]:
        """The renewals of one answer page; a row that breaks Zoom's shape is an error."""
        rows = page.get("results")
        if not isinstance(rows, list):
            raise _unexpected("the answer has no results list")
        for number, row in enumerate(rows):
            yield cls.from_json(row, f"results[{number}]")

    @classmethod
    def from_json(cls, row: Any, where: str) -> AccountRenewal:
        if not isinstance(row, Mapping) or not isinstance(row.get("account_id"), str):
            raise _unexpected(f"{where} has no account_id")
        auto_renew = row.get("auto_renew")
        if not isinstance(auto_renew, bool):
            raise _unexpected(f"{where}.auto_renew is not true or false")
        subscriptions = row.get("renewable_subscriptions") or []
        if not isinstance(subscriptions, list):
            raise _unexpected(f"{where}.renewable_subscriptions is not a list")
        return cls(
            account_id=row["account_id"],
            next_renewal_date=_date(row.get("next_renewal_date"), f"{where}.next_renewal_date"),
            auto_renew=auto_renew,
            total_renewal_amount=_amount(
                row.get("total_renewal_amount"), f"{where}.total_renewal_amount"
            ),
            subscriptions=tuple(
                _subscription(item, f"{where}.renewable_subscriptions[{n}]")
                for n, item in enumerate(subscriptions)
            ),
        )


def _subscription(item: Any, where: str) -> RenewableSubscription:
    if not isinstance(item, Mapping):
        raise _unexpected(f"{where} is not an object")
    quantity = item.get("quantity")
    if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 0:
        raise _unexpected(f"{where}.quantity is not a whole number")
    cycle = item.get("billing_cycle")
    if cycle not in BILLING_CYCLES:
        raise _unexpected(f"{where}.billing_cycle {cycle!r} is not one of Zoom's cycles")
    name = item.get("plan_name")
    if not isinstance(name, str) or not name:
        raise _unexpected(f"{where}.plan_name is missing")
    return RenewableSubscription(
        plan_name=name,
        quantity=quantity,
        billing_cycle=str(cycle),
        service_effective_date=_date(
            item.get("service_effective_date"), f"{where}.service_effective_date"
        ),
        next_invoice_date=_date(item.get("next_invoice_date"), f"{where}.next_invoice_date"),
        next_invoice_amount=_amount(
            item.get("next_invoice_amount"), f"{where}.next_invoice_amount"
        ),
    )


def _date(value: Any, where: str) -> date:
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        raise _unexpected(f"{where} is not a date") from None


def _amount(value: Any, where: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise _unexpected(f"{where} is not a number")
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise _unexpected(f"{where} is not a number") from None
    if not amount.is_finite():
        raise _unexpected(f"{where} is not a finite number")
    if abs(amount) >= _IMPLAUSIBLE:
        raise _unexpected(f"{where} is not a plausible amount (10**15 or more)")
    return amount


def _unexpected(what: str) -> UnexpectedAnswer:
    return UnexpectedAnswer(f"GET {_RENEWALS}: {what}", method="GET", path=_RENEWALS)

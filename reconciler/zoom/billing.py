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

from reconciler.zoom.bodies import InvalidRequestBody
from reconciler.zoom.errors import UnexpectedAnswer

#: The fields PATCH /billing takes (Zoom's request schema); GET also answers `employee_count`.
CONTACT_PATCH_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "phone_number",
    "address",
    "apt",
    "city",
    "state",
    "zip",
    "country",
)
#: Zoom's intervals for the renewals list; a plan reads the widest once per run.
RENEWAL_INTERVAL_DAYS = 90
#: Zoom's largest page of the renewals list.
RENEWALS_PAGE_SIZE = 50
#: Zoom's billing cycles, as the renewals list names them.
BILLING_CYCLES = ("Monthly", "Quarterly", "Annual", "Two years", "Three years")
_RENEWALS = "/accounts/billing/renewals"


def contact_body_problems(body: Any) -> list[str]:
    """Every way a PATCH /billing body breaks the contract: known fields only, strings, and at
    least one field (an empty PATCH changes nothing and still costs a Heavy call)."""
    if not isinstance(body, Mapping):
        return ["the body must be a JSON object"]
    problems = [
        f"body.{key} is not a field of Zoom's billing contact"
        for key in body
        if key not in CONTACT_PATCH_FIELDS
    ]
    problems += [
        f"body.{key} must be a string"
        for key, value in body.items()
        if key in CONTACT_PATCH_FIELDS and not isinstance(value, str)
    ]
    if not body:
        problems.append("the body names no field to change")
    return problems


def check_contact_body(body: Any, path: str) -> None:
    """Raise InvalidRequestBody (nothing sent) for a PATCH /billing body breaking the contract."""
    problems = contact_body_problems(body)
    if problems:
        raise InvalidRequestBody(
            f"refused to send update_contact: {'; '.join(problems)}", method="PATCH", path=path
        )


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
    return amount


def _unexpected(what: str) -> UnexpectedAnswer:
    return UnexpectedAnswer(f"GET {_RENEWALS}: {what}", method="GET", path=_RENEWALS)

"""An account's next renewal and the run's reading of the renewals list, as a plan records them.

Kept apart from `planner/renewals.py` (which reads the list and acts on it) so the plan model
can hold them without importing the client: `AccountPlan.renewal` is one account's
`{next_renewal_date, auto_renew, total_renewal_amount}` (SPEC section 7), `Plan.renewals` says
once for the whole plan whether the list was read, and why not.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any


def amount_json(amount: Decimal) -> int | float:
    """Zoom's amount as a JSON number (an integer when it is whole, as Zoom sends it)."""
    return int(amount) if amount == amount.to_integral_value() else float(amount)


@dataclass(frozen=True, kw_only=True)
class Renewal:
    """One account's next renewal, as the renewals list gave it."""

    next_renewal_date: date
    auto_renew: bool
    #: Zoom's amount, in the account's billing currency (the list does not name it).
    total_renewal_amount: Decimal
    #: The billing cycles of the subscriptions that renew (`Annual`, `Monthly`...), sorted.
    billing_cycles: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "next_renewal_date": self.next_renewal_date.isoformat(),
            "auto_renew": self.auto_renew,
            "total_renewal_amount": amount_json(self.total_renewal_amount),
            "billing_cycles": list(self.billing_cycles),
        }

    @classmethod
    def from_json(cls, data: Any) -> Renewal | None:
        if not isinstance(data, Mapping):
            return None
        return cls(
            next_renewal_date=date.fromisoformat(str(data["next_renewal_date"])),
            auto_renew=bool(data["auto_renew"]),
            total_renewal_amount=Decimal(str(data["total_renewal_amount"])),
            billing_cycles=tuple(str(c) for c in data.get("billing_cycles") or ()),
        )


@dataclass(frozen=True, kw_only=True)
class RenewalReading:
    """Whether this plan read the renewals list, why not, and its notice window."""

    interval_days: int
    notice_days: int
    #: Why renewal dates are unknown (None: the list was read).
    unknown: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "read": self.unknown is None,
            "interval_days": self.interval_days,
            "notice_days": self.notice_days,
            "unknown_reason": self.unknown,
        }

    @classmethod
    def from_json(cls, data: Any) -> RenewalReading | None:
        if not isinstance(data, Mapping):
            return None
        return cls(
            interval_days=int(data["interval_days"]),
            notice_days=int(data["notice_days"]),
            unknown=data.get("unknown_reason"),
        )

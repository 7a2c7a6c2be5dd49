"""The opt-ins and guard rails a plan is made with, recorded in the plan file.

`apply --plan` reads them back, so a reviewed plan is applied with exactly the choices it was
made with (`reconciler.planner.model` re-exports `PlanOptions`, where callers find it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any


@dataclass(frozen=True, kw_only=True)
class PlanOptions:
    """The opt-ins and guard rails a plan was made with; recorded so apply --plan reuses them."""

    allow_decrease: bool = False
    allow_cancel: bool = False
    #: --allow-cancel-base: cancelling a base plan the YAML marks `state: cancelled`.
    allow_cancel_base: bool = False
    max_accounts_changed: int | None = None
    accounts: tuple[str, ...] = ()
    select: tuple[str, ...] = ()
    max_seats_removed: int | None = None
    #: (currency, ceiling on the gross monthly increase), sorted; a currency not listed has
    #: none, so any increase in it is refused (`reconciler.guards.thresholds`).
    max_monthly_increase: tuple[tuple[str, Decimal], ...] = ()
    #: --require-prices: a call with no known price is refused, not just warned about.
    require_prices: bool = False
    #: (threshold name, where its value came from: a flag, zoomplans.yaml or built-in default);
    #: money limits are named per currency, `max_monthly_increase.USD`.
    limit_sources: tuple[tuple[str, str], ...] = ()
    prices: str | None = None  # the price list the costs were computed from
    #: Codes zoomplans.yaml allows beyond the catalogue (`extra_plan_types`): a seat change
    #: naming a base type Zoom no longer sells is planned only when it is listed here.
    extra_plan_types: tuple[str, ...] = ()
    #: --at-renewal: seat decreases and cancellations wait for the account's next renewal.
    at_renewal: bool = False

    def to_json(self) -> dict[str, Any]:
        increase = {currency: f"{amount:f}" for currency, amount in self.max_monthly_increase}
        # Written only when given, so the plan_sha256 of a plan without it stays as it was.
        timing = {"at_renewal": True} if self.at_renewal else {}
        return {
            "allow_decrease": self.allow_decrease,
            "allow_cancel": self.allow_cancel,
            "allow_cancel_base": self.allow_cancel_base,
            "max_accounts_changed": self.max_accounts_changed,
            "accounts": list(self.accounts),
            "select": list(self.select),
            "max_seats_removed": self.max_seats_removed,
            "max_monthly_increase": increase or None,
            "require_prices": self.require_prices,
            "limit_sources": dict(self.limit_sources),
            "prices": self.prices,
            "extra_plan_types": list(self.extra_plan_types),
            **timing,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PlanOptions:
        increase = data.get("max_monthly_increase") or {}
        return cls(
            allow_decrease=bool(data.get("allow_decrease", False)),
            allow_cancel=bool(data.get("allow_cancel", False)),
            allow_cancel_base=bool(data.get("allow_cancel_base", False)),
            max_accounts_changed=data.get("max_accounts_changed"),
            accounts=tuple(data.get("accounts", ())),
            select=tuple(data.get("select", ())),
            max_seats_removed=data.get("max_seats_removed"),
            max_monthly_increase=tuple(
                sorted((str(cur), Decimal(str(amount))) for cur, amount in increase.items())
            ),
            require_prices=bool(data.get("require_prices", False)),
            limit_sources=tuple(sorted((data.get("limit_sources") or {}).items())),
            prices=data.get("prices"),
            extra_plan_types=tuple(data.get("extra_plan_types") or ()),
            at_renewal=bool(data.get("at_renewal", False)),
        )

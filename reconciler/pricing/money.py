"""Money as the plan carries it: a recurring cost change per month, exact, or honestly unknown.

Floats lose cents (0.1 + 0.2), so every amount is a `decimal.Decimal`, written to JSON as a
string. A price that is missing is *unknown*, never zero: a reviewer must not read "+$0.00" for
a webinar add-on nobody priced. Each action's monthly figure is rounded to the cent once (half
up, as invoices are); totals are the sums of those figures, so a reviewer can add them up.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

CENT = Decimal("0.01")
# The reason of a cost that is unknown because its plans are priced in more than one currency
# (a subscription): the price list has every price, so "add a price" would be wrong advice.
SEVERAL_CURRENCIES = "priced in several currencies"
_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "AUD": "A$", "CAD": "C$"}


class CostFormatError(ValueError):
    """A `cost` object in a plan file that is neither a known amount nor an unknown one."""


def to_cents(amount: Decimal) -> Decimal:
    """Round to the cent, half up (how an invoice rounds)."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Cost:
    """The recurring monthly cost change of one call: known (currency, monthly) or unknown."""

    currency: str | None = None
    monthly: Decimal | None = None
    reason: str | None = None
    missing: tuple[str, ...] = ()  # plan types with no price, when unknown for that reason

    @property
    def known(self) -> bool:
        return self.monthly is not None and self.currency is not None

    @property
    def several_currencies(self) -> bool:
        """Unknown only because the plans it buys are priced in different currencies."""
        return not self.known and (self.reason or "").startswith(SEVERAL_CURRENCIES)

    @classmethod
    def of(cls, currency: str, monthly: Decimal) -> Cost:
        return cls(currency=currency, monthly=to_cents(monthly))

    @classmethod
    def unknown(cls, reason: str, missing: Iterable[str] = ()) -> Cost:
        return cls(reason=reason, missing=tuple(sorted(set(missing))))

    def to_json(self) -> dict[str, Any]:
        if self.known:
            return {"known": True, "currency": self.currency, "monthly": str(self.monthly)}
        return {"known": False, "reason": self.reason or "no price", "missing": list(self.missing)}

    @classmethod
    def from_json(cls, data: Any) -> Cost | None:
        if data is None:
            return None
        if not isinstance(data, Mapping):
            raise CostFormatError("cost must be an object or null")
        if data.get("known") is False:
            missing = data.get("missing") or ()
            return cls.unknown(str(data.get("reason") or "no price"), map(str, missing))
        try:
            return cls(currency=str(data["currency"]), monthly=Decimal(str(data["monthly"])))
        except (KeyError, InvalidOperation) as exc:
            raise CostFormatError(f"cost {dict(data)!r} is not a known amount ({exc})") from None


@dataclass(frozen=True, kw_only=True)
class CostTotals:
    """Per-currency sums of known action costs, and how many actions had no price.

    `monthly` is the net change (savings subtracted); `increases` is the gross increase, the
    sum of every call that costs more, so that new seats cannot hide behind cancellations.
    """

    monthly: tuple[tuple[str, Decimal], ...] = ()
    unknown: int = 0
    unknown_types: tuple[str, ...] = ()
    several_currencies: int = 0  # of the unknown calls, those priced in several currencies
    increases: tuple[tuple[str, Decimal], ...] = ()  # gross: positive costs only, per currency

    @property
    def unpriced(self) -> int:
        """Unknown calls for want of a price (or a host count): not a currency mix."""
        return self.unknown - self.several_currencies

    @classmethod
    def of(cls, costs: Iterable[Cost | None]) -> CostTotals:
        sums: dict[str, Decimal] = {}
        gross: dict[str, Decimal] = {}
        unknown = several = 0
        unknown_types: list[str] = []
        for cost in costs:
            if cost is None:
                continue
            if cost.known:
                assert cost.currency is not None and cost.monthly is not None
                sums[cost.currency] = sums.get(cost.currency, Decimal(0)) + cost.monthly
                if cost.monthly > 0:
                    gross[cost.currency] = gross.get(cost.currency, Decimal(0)) + cost.monthly
            else:
                unknown += 1
                several += cost.several_currencies
                unknown_types.extend(cost.missing)
        types = tuple(sorted(set(unknown_types)))
        return cls(
            monthly=tuple(sorted(sums.items())),
            unknown=unknown,
            unknown_types=types,
            several_currencies=several,
            increases=tuple(sorted(gross.items())),
        )

    def increase(self, currency: str) -> Decimal:
        """The net change in `currency` (savings subtracted)."""
        return dict(self.monthly).get(currency, Decimal(0))

    def gross_increase(self, currency: str) -> Decimal:
        """Every increase in `currency` added up, savings not subtracted."""
        return dict(self.increases).get(currency, Decimal(0))

    def to_json(self) -> dict[str, Any]:
        return {
            "monthly": {currency: str(amount) for currency, amount in self.monthly},
            "gross_increase": {currency: str(amount) for currency, amount in self.increases},
            "unknown_actions": self.unknown,
            "unknown_types": list(self.unknown_types),
        }


def format_money(amount: Decimal, currency: str, *, signed: bool = True) -> str:
    """`+$1,240.00`, `-€15.99`, `+CHF 12.00`: sign first, grouped thousands, two decimals."""
    sign = "-" if amount < 0 else "+"
    digits = f"{abs(to_cents(amount)):,.2f}"
    symbol = _SYMBOLS.get(currency)
    body = f"{symbol}{digits}" if symbol else f"{currency} {digits}"
    return f"{sign}{body}" if signed else body


def format_totals(totals: CostTotals) -> str:
    """`+$1,240.00/month` (several currencies joined by ", "); notes calls with no price."""
    parts = [f"{format_money(amount, cur)}/month" for cur, amount in totals.monthly]
    notes = []
    if totals.unpriced:
        notes.append(f"{totals.unpriced} call(s) with no price")
    if totals.several_currencies:
        notes.append(f"{totals.several_currencies} call(s) priced in several currencies")
    if not parts and notes:
        return f"unknown ({'; '.join(notes)})"
    if not parts:
        return "no change"
    text = ", ".join(parts)
    if notes:
        text += f" (+ {'; '.join(notes)}: cost unknown)"
    return text

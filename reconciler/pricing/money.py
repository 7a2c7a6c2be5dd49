"""Money as the plan carries it: a recurring cost change per month, exact, or honestly unknown.

Floats lose cents (0.1 + 0.2), so every amount is a `decimal.Decimal`, written to JSON as a
string. A price that is missing is *unknown*, never zero: a reviewer must not read "+$0.00" for
a webinar add-on nobody priced. One call may cost in several currencies (a subscription whose
plans are priced in USD and EUR): it then carries one amount per currency, each counted in its
own currency, never added together and never turned into "unknown". Each amount is rounded to
its currency's minor unit once (cents, whole yen; half up, as invoices are); totals are the
sums of those figures, so a reviewer can add them up.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from reconciler.pricing.currencies import MINOR_UNITS

#: The first amount too large for a price or a limit (the price list, `prices --from-zoom`,
#: `--max-monthly-increase`): no plan costs a trillion a month.
TOO_LARGE = Decimal(10) ** 12

_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "AUD": "A$", "CAD": "C$"}


class CostFormatError(ValueError):
    """A `cost` object in a plan file that is neither a known amount nor an unknown one."""


def to_minor_unit(amount: Decimal, currency: str) -> Decimal:
    """Round to `currency`'s minor unit (cents; whole yen), half up; two decimals for a code
    ISO 4217 does not list (only an edited plan file can hold one)."""
    return amount.quantize(Decimal(1).scaleb(-MINOR_UNITS.get(currency, 2)), ROUND_HALF_UP)


@dataclass(frozen=True)
class Cost:
    """The recurring monthly cost change of one call: known (an amount per currency it is
    priced in, usually one) or unknown (with the reason and the plan types with no price)."""

    amounts: tuple[tuple[str, Decimal], ...] = ()  # (currency, monthly), sorted by currency
    reason: str | None = None
    missing: tuple[str, ...] = ()  # plan types with no price, when unknown for that reason

    @property
    def known(self) -> bool:
        return self.reason is None and bool(self.amounts)

    @property
    def currency(self) -> str | None:
        """The one currency of a known cost priced in one; None otherwise."""
        return self.amounts[0][0] if self.known and len(self.amounts) == 1 else None

    @property
    def monthly(self) -> Decimal | None:
        """The amount of a known cost priced in one currency; None otherwise."""
        return self.amounts[0][1] if self.known and len(self.amounts) == 1 else None

    @classmethod
    def of(cls, currency: str, monthly: Decimal) -> Cost:
        return cls.in_currencies({currency: monthly})

    @classmethod
    def in_currencies(cls, amounts: Mapping[str, Decimal]) -> Cost:
        """A known cost of one amount per currency (each rounded to its minor unit)."""
        rounded = ((cur, to_minor_unit(amount, cur)) for cur, amount in amounts.items())
        return cls(amounts=tuple(sorted(rounded)))

    @classmethod
    def unknown(cls, reason: str, missing: Iterable[str] = ()) -> Cost:
        return cls(reason=reason, missing=tuple(sorted(set(missing))))

    def to_json(self) -> dict[str, Any]:
        """One currency: `{known, currency, monthly}`; several: `{known, by_currency}`."""
        if not self.known:
            return {
                "known": False,
                "reason": self.reason or "no price",
                "missing": list(self.missing),
            }
        if len(self.amounts) == 1:
            (currency, monthly), *_ = self.amounts
            return {"known": True, "currency": currency, "monthly": str(monthly)}
        return {"known": True, "by_currency": {cur: str(amount) for cur, amount in self.amounts}}

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
            listed = data.get("by_currency")
            if isinstance(listed, Mapping) and listed:
                amounts = {str(cur): Decimal(str(value)) for cur, value in listed.items()}
            else:
                amounts = {str(data["currency"]): Decimal(str(data["monthly"]))}
        except (KeyError, InvalidOperation) as exc:
            raise CostFormatError(f"cost {dict(data)!r} is not a known amount ({exc})") from None
        if not all(amount.is_finite() for amount in amounts.values()):
            raise CostFormatError(f"cost {dict(data)!r} is not a finite amount")
        return cls(amounts=tuple(sorted(amounts.items())))


@dataclass(frozen=True, kw_only=True)
class CostTotals:
    """Per-currency sums of known action costs, and how many actions had no price.

    `monthly` is the net change (savings subtracted); `increases` is the gross increase, the
    sum of every call that costs more, so that new seats cannot hide behind cancellations. A
    call priced in several currencies adds each of its amounts to its own currency.
    """

    monthly: tuple[tuple[str, Decimal], ...] = ()
    unknown: int = 0
    unknown_types: tuple[str, ...] = ()
    increases: tuple[tuple[str, Decimal], ...] = ()  # gross: positive costs only, per currency

    @classmethod
    def of(cls, costs: Iterable[Cost | None]) -> CostTotals:
        sums: dict[str, Decimal] = {}
        gross: dict[str, Decimal] = {}
        unknown = 0
        unknown_types: list[str] = []
        for cost in costs:
            if cost is None:
                continue
            if not cost.known:
                unknown += 1
                unknown_types.extend(cost.missing)
                continue
            for currency, monthly in cost.amounts:
                sums[currency] = sums.get(currency, Decimal(0)) + monthly
                if monthly > 0:
                    gross[currency] = gross.get(currency, Decimal(0)) + monthly
        return cls(
            monthly=tuple(sorted(sums.items())),
            unknown=unknown,
            unknown_types=tuple(sorted(set(unknown_types))),
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
    """`+$1,240.00`, `-€15.99`, `+¥5,000`, `+CHF 12.00`: sign first, grouped thousands, the
    currency's own decimals (two for a code ISO 4217 does not list)."""
    sign = "-" if amount < 0 else "+"
    decimals = MINOR_UNITS.get(currency, 2)
    digits = f"{abs(to_minor_unit(amount, currency)):,.{decimals}f}"
    symbol = _SYMBOLS.get(currency)
    body = f"{symbol}{digits}" if symbol else f"{currency} {digits}"
    return f"{sign}{body}" if signed else body


def format_cost(cost: Cost) -> str:
    """`+$79.95/month`, `+$100.00/month and +€50.00/month`, or `cost unknown: <reason>`."""
    if not cost.known:
        return f"cost unknown: {cost.reason}"
    return " and ".join(f"{format_money(amount, cur)}/month" for cur, amount in cost.amounts)


def format_totals(totals: CostTotals) -> str:
    """`+$1,240.00/month` (several currencies joined by ", "); notes calls with no price."""
    parts = [f"{format_money(amount, cur)}/month" for cur, amount in totals.monthly]
    note = f"{totals.unknown} call(s) with no price" if totals.unknown else ""
    if not parts and note:
        return f"unknown ({note})"
    if not parts:
        return "no change"
    text = ", ".join(parts)
    if note:
        text += f" (+ {note}: cost unknown)"
    return text

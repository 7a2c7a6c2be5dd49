"""Monthly-increase limits, one per currency: `500USD` on the command line, `{USD: 500}` in
zoomplans.yaml, a built-in default for USD.

Why per currency: a limit of "100000" meant to accept ¥100,000 also accepted +$48,043.98, and
amounts in two currencies cannot be added without an exchange rate nobody reviewed. So each
currency has its own ceiling, and a currency with none is refused when it increases
(`reconciler.guards.thresholds`). A limit is a finite amount, at least 0, with no more decimals
than its currency has (JPY 0, USD 2, KWD 3), in an ISO 4217 currency: anything else is an error
where it was written (a usage error for the flag, `file:line:column` for zoomplans.yaml). A bare
amount (`500`) is accepted only where the price list prices in exactly one currency, and means
that one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from reconciler.pricing.currencies import UnknownCurrency, is_currency, minor_units
from reconciler.pricing.money import TOO_LARGE

#: The built-in ceiling: this much per month, in US dollars only (any other currency needs a
#: limit of its own: 5,000 means something else in every currency).
DEFAULT_CURRENCY = "USD"
DEFAULT_AMOUNT = Decimal("5000")
#: Decimals a bare amount may have before its currency is known.
BARE_DECIMALS = 2
FLAG = "--max-monthly-increase"
FORM = f"{FLAG} AMOUNTCURRENCY, e.g. {FLAG} 500USD (repeat it for each currency)"


class MonthlyLimitError(ValueError):
    """A monthly-increase limit that cannot be used; `usage` when it came from the command line
    (exit 64), else the message starts with where it was written (exit 1)."""

    def __init__(self, message: str, *, usage: bool) -> None:
        self.usage = usage
        super().__init__(message)


@dataclass(frozen=True)
class MonthlyLimit:
    """One ceiling on the gross monthly increase and where it was set (`flag`, `default`, or
    `file:line:column` in zoomplans.yaml). `currency` None: a bare amount, not yet bound."""

    amount: Decimal
    currency: str | None
    source: str

    def shown(self) -> str:
        """How the flag spells this limit: `500.00USD`."""
        return f"{self.amount:f}{self.currency or ''}"


def default_limit() -> MonthlyLimit:
    return MonthlyLimit(DEFAULT_AMOUNT.quantize(Decimal("0.01")), DEFAULT_CURRENCY, "default")


def checked_amount(value: object, currency: str | None) -> Decimal:
    """The exact amount `value` spells, with `currency`'s decimals; ValueError saying why not.

    A YAML float is read through its shortest spelling (0.1 stays 0.1). NaN, infinities,
    negatives, 10**12 and up, and more decimals than the currency has are refused.
    """
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise ValueError(f"{value!r} is not an amount")
    try:
        amount = Decimal(repr(value) if isinstance(value, float) else str(value).strip())
    except InvalidOperation:
        raise ValueError(f"{str(value)[:40]!r} is not an amount") from None
    if not amount.is_finite():
        raise ValueError(f"{value} is not a finite amount")
    if amount < 0:
        raise ValueError(f"{value} is negative; a limit is an amount >= 0")
    if amount >= TOO_LARGE:
        raise ValueError(f"{value} is too large; a limit is below 1,000,000,000,000")
    decimals = BARE_DECIMALS if currency is None else minor_units(currency)
    exponent = amount.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > decimals:
        what = f"{currency} has" if currency else "an amount without a currency has at most"
        unit = "no decimals" if decimals == 0 else f"{decimals} decimals"
        raise ValueError(f"{value} has too many decimals: {what} {unit}")
    return amount.quantize(Decimal(1).scaleb(-decimals))


def parse_flag(text: str) -> MonthlyLimit:
    """`500USD`, `1,250.50 EUR`, `100000JPY`, or a bare `500`; MonthlyLimitError (usage) else."""
    spelled = text.strip().replace(",", "")
    amount, currency = spelled, None
    try:
        Decimal(spelled)  # a bare amount (NaN and Infinity too: refused below, by name)
    except InvalidOperation:
        amount, currency = spelled[:-3].strip(), spelled[-3:]
    try:
        if currency is not None and not is_currency(currency):
            raise UnknownCurrency(currency)
        return MonthlyLimit(checked_amount(amount, currency), currency, "flag")
    except ValueError as exc:
        raise MonthlyLimitError(f"{FLAG} {text!r}: {exc}; write {FORM}", usage=True) from None


def bind(limits: Iterable[MonthlyLimit], currencies: frozenset[str]) -> dict[str, MonthlyLimit]:
    """Limits by currency: a bare amount is the price list's one currency; a currency given
    twice by the same source, or a bare amount beside several currencies, is an error."""
    bound: dict[str, MonthlyLimit] = {}
    for limit in limits:
        usage = limit.source == "flag"
        where = FLAG if usage else f"{limit.source}: max_monthly_increase"
        currency = limit.currency
        if currency is None:
            if len(currencies) != 1:
                listed = ", ".join(sorted(currencies)) or "no currency"
                form = FORM if usage else "max_monthly_increase: {USD: 500, EUR: 450}"
                raise MonthlyLimitError(
                    f"{where} {limit.amount:f} has no currency, and the price list prices in "
                    f"{listed}: name the currency: {form}",
                    usage=usage,
                )
            (currency,) = currencies
            try:
                limit = MonthlyLimit(checked_amount(limit.amount, currency), currency, limit.source)
            except ValueError as exc:
                raise MonthlyLimitError(f"{where}: {exc}", usage=usage) from None
        if currency in bound:
            raise MonthlyLimitError(f"{where}: {currency} is given twice", usage=usage)
        bound[currency] = limit
    return bound

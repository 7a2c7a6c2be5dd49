"""prices.yaml: what each plan type costs, read with the same care as the account files.

A price list is optional; without one the plan shows no money at all. With one, every problem
is reported as `file:line:column: message` (all at once) through the desired-state reader, which
already refuses duplicate keys, YAML 1.1 surprises and oversized files. Amounts become
`decimal.Decimal`: a YAML number is read back through its shortest spelling (15.99 stays 15.99),
and at most four decimals are accepted, so no amount is ever a binary approximation.

`prices:` holds what a code costs; `accounts: {id: {code: price}}` what one account is billed
where it differs (a discount, an old contract), so a plan's costs are that account's own. A
price's `period` is one of Zoom's billing cycles (month, quarter, year, two or three years); one
that disagrees with its code's cycle is a located warning (`cycles.py`).
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from reconciler.desired import catalogue
from reconciler.desired.packaged_schemas import packaged_schema_errors
from reconciler.desired.problems import Problem, Severity, bounded_schema_message, excerpt
from reconciler.desired.reader import Document, read_file
from reconciler.desired.rules import TYPO_CUTOFF
from reconciler.pricing.currencies import UnknownCurrency, is_currency
from reconciler.pricing.cycles import MONTHS, PERIODS, Period, cycle_of, period_words
from reconciler.pricing.money import TOO_LARGE

if TYPE_CHECKING:
    from jsonschema import ValidationError

SCHEMA_FILE = "prices.schema.json"


class PricesError(Exception):
    """prices.yaml cannot be used; `problems` are located, one line each."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) in the price list")


@dataclass(frozen=True)
class Price:
    """One plan type's price: per host (seat) or flat for the whole plan, per billing period."""

    plan_type: str
    amount: Decimal
    per_host: bool
    period: Period
    currency: str

    def monthly(self, hosts: int | None) -> Decimal | None:
        """The monthly equivalent for `hosts` seats (a yearly price / 12, a two-year one / 24);
        None if not countable.

        A per-host price needs a host count; a flat price ignores it.
        """
        if self.per_host:
            if hosts is None:
                return None
            return self.amount * hosts / MONTHS[self.period]
        return self.amount / MONTHS[self.period]


@dataclass(frozen=True)
class PriceList:
    """Prices by plan type code, each account's own where it is billed differently, and the
    file they came from (recorded in the plan)."""

    prices: Mapping[str, Price]
    source: str
    warnings: tuple[Problem, ...] = ()  # located, e.g. a key that is not a known plan type
    accounts: Mapping[str, Mapping[str, Price]] = field(default_factory=dict)

    def get(self, plan_type: str | None, account_id: str | None = None) -> Price | None:
        """The account's own price of `plan_type` when it has one, else the list's."""
        if not plan_type:
            return None
        own = self.accounts.get(account_id, {}) if account_id is not None else {}
        return own.get(plan_type) or self.prices.get(plan_type)

    @property
    def currencies(self) -> frozenset[str]:
        """Every currency some price is in (what a bare money limit must be told apart from)."""
        own = (price for prices in self.accounts.values() for price in prices.values())
        return frozenset(price.currency for price in (*self.prices.values(), *own))


def _message(error: ValidationError) -> str:
    path = "/".join(str(p) for p in error.absolute_path) or "(top)"
    if error.validator == "additionalProperties":
        schema = cast(Mapping[str, Any], error.schema)  # an object schema: it has properties
        given: Any = error.instance  # the price entry's mapping, as read
        extra = sorted(set(given) - set(schema.get("properties", {})))
        allowed = ", ".join(schema.get("properties", {}))
        return f"{path}: unknown key {', '.join(extra)} (allowed: {allowed})"
    if error.validator == "oneOf" and isinstance(error.instance, Mapping):
        return f"{path}: give exactly one of per_host (price of one seat) or flat (whole plan)"
    if error.validator == "oneOf":
        return (
            f"{path}: {excerpt(error.instance)} is not an amount; write a decimal number >= 0 with "
            "at most 4 decimals, e.g. 15.99"
        )
    if error.validator == "enum":
        return f"{path}: {excerpt(error.instance)} is not a period; use {', '.join(PERIODS)}"
    if error.validator == "pattern" and path.endswith("currency"):
        return f"{path}: {excerpt(error.instance)} is not a currency code; use ISO 4217, e.g. USD"
    if error.validator == "pattern":
        return f"{path}: {excerpt(error.instance)} is not a plan type code (letters, digits, _)"
    top = not error.absolute_path
    return f"{path}: {bounded_schema_message(error.message, error.instance, top=top)}"


def _amount(value: Any) -> Decimal | None:
    """The exact decimal the YAML spelt, or None when it is not a plain amount."""
    if isinstance(value, bool):
        return None
    try:
        amount = Decimal(repr(value) if isinstance(value, float) else str(value))
    except InvalidOperation:
        return None
    if not amount.is_finite() or amount < 0 or amount.as_tuple().exponent < -4:  # type: ignore[operator]
        return None
    if amount >= TOO_LARGE:
        return None
    return amount


def _problem(
    document: Document,
    path: tuple[str | int, ...],
    message: str,
    severity: Severity = "error",
) -> Problem:
    where = document.at(path)
    return Problem(where.file, where.line, where.column, severity, message)


def _unknown_type_warning(
    document: Document, path: tuple[str, ...], plan_type: Any
) -> list[Problem]:
    """A price for a code not in Zoom's list is kept (legacy codes are real) but flagged, with
    the listed code it most likely misspells: a misspelt key prices nothing, silently."""
    if not isinstance(plan_type, str) or catalogue.is_known(plan_type):
        return []
    close = difflib.get_close_matches(plan_type, catalogue.known_types(), n=1, cutoff=TYPO_CUTOFF)
    hint = (
        f"; did you mean '{close[0]}'?"
        if close
        else "; it prices only a plan whose type is exactly this code"
    )
    shown = "/".join(path)
    message = f"{shown}: {excerpt(plan_type)} is not a plan type in Zoom's list{hint}"
    return [_problem(document, path, message, "warning")]


def _currency_problem(document: Document, path: tuple[str | int, ...], code: Any) -> list[Problem]:
    """A currency the schema's pattern lets through (three capitals) but ISO 4217 does not list:
    a limit or a total in it could never be compared with anything."""
    if is_currency(code):
        return []
    where = "/".join(map(str, path))
    return [_problem(document, path, f"{where}: {UnknownCurrency(str(code))}")]


def _period_warning(
    document: Document, path: tuple[str | int, ...], plan_type: str, period: str
) -> list[Problem]:
    """A price whose period is not its code's billing cycle: `yearly` priced per month counts
    twelve times too much in every plan, and nobody sees it in a single figure."""
    cycle = cycle_of(plan_type)
    if cycle is None or cycle == period:
        return []
    shown = "/".join(map(str, path))
    factor = max(MONTHS[cycle], MONTHS[period]) / min(MONTHS[cycle], MONTHS[period])
    message = (
        f"{shown}/period: {plan_type} is billed {period_words(cycle)}, but its price is "
        f"{period_words(period)}; a price for the wrong period is off by a factor of {factor} "
        f"in every cost: write the price {period_words(cycle)} with period: {cycle}"
    )
    return [_problem(document, (*path, "period"), message, "warning")]


@dataclass
class _Reading:
    """One parse's findings so far: every entry is checked, all problems reported at once."""

    document: Document
    broken: set[tuple[Any, ...]]
    default_currency: Any
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    def entries(self, path: tuple[str, ...], entries: Any) -> dict[str, Price]:
        """The prices of one `{code: entry}` mapping at `path` (`prices`, `accounts/<id>`)."""
        prices: dict[str, Price] = {}
        if path in self.broken or path[:1] in self.broken:
            return prices
        for plan_type, entry in (entries if isinstance(entries, Mapping) else {}).items():
            price = self.entry((*path, plan_type), plan_type, entry)
            if price is not None:
                prices[plan_type] = price
        return prices

    def entry(
        self, path: tuple[str, ...], plan_type: str, entry: Mapping[str, Any]
    ) -> Price | None:
        if path in self.broken:
            return None  # already reported; every other entry is still checked
        shown = "/".join(path)
        self.warnings += _unknown_type_warning(self.document, path, plan_type)
        key = "per_host" if "per_host" in entry else "flat"
        amount = _amount(entry[key])
        if amount is None:
            self.problems.append(
                _problem(
                    self.document,
                    (*path, key),
                    f"{shown}/{key}: {excerpt(entry[key])} is not an amount; write a "
                    "decimal number >= 0 with at most 4 decimals, e.g. 15.99",
                )
            )
            return None
        currency = entry.get("currency", self.default_currency)
        if "currency" not in entry and ("currency",) in self.broken:
            return None  # the top-level currency is reported; the amount above was still checked
        if "currency" in entry:
            self.problems += _currency_problem(self.document, (*path, "currency"), currency)
        if currency is None:
            self.problems.append(
                _problem(
                    self.document,
                    path,
                    f"{shown}: no currency; add `currency: USD` at the top of the file or to "
                    "this entry",
                )
            )
            return None
        self.warnings += _period_warning(self.document, path, plan_type, entry["period"])
        return Price(plan_type, amount, key == "per_host", entry["period"], currency)


def parse_prices(document: Document) -> tuple[PriceList | None, list[Problem]]:
    """One read document -> (PriceList, its warnings), or (None, every located problem)."""
    data = document.data
    errors = sorted(
        packaged_schema_errors(SCHEMA_FILE, data), key=lambda e: list(map(str, e.absolute_path))
    )
    problems = [_problem(document, tuple(e.absolute_path), _message(e)) for e in errors]
    broken = {tuple(map(str, e.absolute_path))[:3] for e in errors}
    broken |= {path[:2] for path in broken if path[:1] == ("prices",)}
    top = data if isinstance(data, Mapping) else {}
    reading = _Reading(document, broken, top.get("currency"), problems)
    if ("currency",) not in broken and reading.default_currency is not None:
        reading.problems += _currency_problem(document, ("currency",), reading.default_currency)
    prices = reading.entries(("prices",), top.get("prices"))
    accounts = top.get("accounts")
    own = {
        str(account_id): reading.entries(("accounts", str(account_id)), entries)
        for account_id, entries in (accounts if isinstance(accounts, Mapping) else {}).items()
    }
    if reading.problems:
        return None, reading.problems
    warnings = reading.warnings
    return PriceList(prices, document.file, tuple(warnings), own), warnings


def load_prices(path: Path, display: str | None = None) -> PriceList:
    """Read and check prices.yaml; PricesError with every located problem otherwise."""
    shown = display or str(path)
    read = read_file(path, shown)
    errors = [p for p in read.problems if p.severity == "error"]
    if errors:
        raise PricesError(errors)
    if len(read.documents) != 1:
        raise PricesError(
            [Problem(shown, 1, 1, "error", "a price list is exactly one YAML document")]
        )
    prices, problems = parse_prices(read.documents[0])
    if prices is None:
        raise PricesError([p for p in problems if p.severity == "error"])
    return prices

"""prices.yaml: what each plan type costs, read with the same care as the account files.

A price list is optional; without one the plan shows no money at all. With one, every problem
is reported as `file:line:column: message` (all at once) through the desired-state reader, which
already refuses duplicate keys, YAML 1.1 surprises and oversized files. Amounts become
`decimal.Decimal`: a YAML number is read back through its shortest spelling (15.99 stays 15.99),
and at most four decimals are accepted, so no amount is ever a binary approximation.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any, Literal

from jsonschema import Draft202012Validator, ValidationError

from reconciler.desired import catalogue
from reconciler.desired.packaged_schemas import packaged_schema
from reconciler.desired.problems import Problem, bounded_schema_message, excerpt
from reconciler.desired.reader import Document, read_file
from reconciler.desired.rules import TYPO_CUTOFF
from reconciler.pricing.currencies import UnknownCurrency, is_currency

SCHEMA_FILE = "prices.schema.json"
Period = Literal["month", "year"]
MONTHS = {"month": Decimal(1), "year": Decimal(12)}


class PricesError(Exception):
    """prices.yaml cannot be used; `problems` are located, one line each."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) in the price list")


@dataclass(frozen=True)
class Price:
    """One plan type's price: per host (seat) or flat for the whole plan, per month or year."""

    plan_type: str
    amount: Decimal
    per_host: bool
    period: Period
    currency: str

    def monthly(self, hosts: int | None) -> Decimal | None:
        """The monthly equivalent for `hosts` seats (a yearly price / 12); None if not countable.

        A per-host price needs a host count; a flat price ignores it.
        """
        if self.per_host:
            if hosts is None:
                return None
            return self.amount * hosts / MONTHS[self.period]
        return self.amount / MONTHS[self.period]


@dataclass(frozen=True)
class PriceList:
    """Prices by plan type code, and the file they came from (recorded in the plan)."""

    prices: Mapping[str, Price]
    source: str
    warnings: tuple[Problem, ...] = ()  # located, e.g. a key that is not a known plan type

    def get(self, plan_type: str | None) -> Price | None:
        return self.prices.get(plan_type) if plan_type else None

    @property
    def currencies(self) -> frozenset[str]:
        """Every currency some price is in (what a bare money limit must be told apart from)."""
        return frozenset(price.currency for price in self.prices.values())


@cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(packaged_schema(SCHEMA_FILE))


def _message(error: ValidationError) -> str:
    path = "/".join(str(p) for p in error.absolute_path) or "(top)"
    if error.validator == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        return f"{path}: unknown key {', '.join(extra)} (allowed: per_host, flat, period, currency)"
    if error.validator == "oneOf" and isinstance(error.instance, Mapping):
        return f"{path}: give exactly one of per_host (price of one seat) or flat (whole plan)"
    if error.validator == "oneOf":
        return (
            f"{path}: {excerpt(error.instance)} is not an amount; write a decimal number >= 0 with "
            "at most 4 decimals, e.g. 15.99"
        )
    if error.validator == "enum":
        return f"{path}: {excerpt(error.instance)} is not a period; use month or year"
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
    if amount >= Decimal(10) ** 12:
        return None
    return amount


def _problem(document: Document, path: tuple[str | int, ...], message: str) -> Problem:
    where = document.at(path)
    return Problem(where.file, where.line, where.column, "error", message)


def _unknown_type_warning(document: Document, plan_type: Any) -> list[Problem]:
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
    where = document.at(("prices", plan_type))
    return [
        Problem(
            where.file,
            where.line,
            where.column,
            "warning",
            f"prices/{plan_type}: {excerpt(plan_type)} is not a plan type in Zoom's list{hint}",
        )
    ]


def _currency_problem(document: Document, path: tuple[str | int, ...], code: Any) -> list[Problem]:
    """A currency the schema's pattern lets through (three capitals) but ISO 4217 does not list:
    a limit or a total in it could never be compared with anything."""
    if is_currency(code):
        return []
    where = "/".join(map(str, path))
    return [_problem(document, path, f"{where}: {UnknownCurrency(str(code))}")]


def parse_prices(document: Document) -> tuple[PriceList | None, list[Problem]]:
    """One read document -> (PriceList, its warnings), or (None, every located problem)."""
    data = document.data
    errors = sorted(_validator().iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
    problems = [_problem(document, tuple(e.absolute_path), _message(e)) for e in errors]
    broken = {tuple(e.absolute_path)[:2] for e in errors}
    default_currency = data.get("currency") if isinstance(data, Mapping) else None
    if ("currency",) not in broken and default_currency is not None:
        problems += _currency_problem(document, ("currency",), default_currency)
    entries = data.get("prices") if isinstance(data, Mapping) else None
    prices: dict[str, Price] = {}
    warnings: list[Problem] = []
    for plan_type, entry in (entries if isinstance(entries, Mapping) else {}).items():
        if ("prices", plan_type) in broken or ("prices",) in broken:
            continue  # already reported; every other entry is still checked
        warnings += _unknown_type_warning(document, plan_type)
        key = "per_host" if "per_host" in entry else "flat"
        amount = _amount(entry[key])
        if amount is None:
            problems.append(
                _problem(
                    document,
                    ("prices", plan_type, key),
                    f"prices/{plan_type}/{key}: {excerpt(entry[key])} is not an amount; write a "
                    "decimal number >= 0 with at most 4 decimals, e.g. 15.99",
                )
            )
            continue
        currency = entry.get("currency", default_currency)
        if "currency" not in entry and ("currency",) in broken:
            continue  # the top-level currency is reported; the amount above was still checked
        if "currency" in entry:
            problems += _currency_problem(document, ("prices", plan_type, "currency"), currency)
        if currency is None:
            problems.append(
                _problem(
                    document,
                    ("prices", plan_type),
                    f"prices/{plan_type}: no currency; add `currency: USD` at the top of the "
                    "file or to this entry",
                )
            )
            continue
        prices[plan_type] = Price(plan_type, amount, key == "per_host", entry["period"], currency)
    if problems:
        return None, problems
    return PriceList(prices, document.file, tuple(warnings)), warnings


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

"""Billing cycles: how long a price's period is, and which cycle each of Zoom's plan codes bills.

Zoom sells plans by the month, quarter, year, two years and three years, and a code names its
cycle: `zoe_three_year` ("Zoom Workplace Enterprise Three Year"), `yearly` ("Standard Pro
Annual"). A price written for the wrong period is a silent multiple (a `*_yearly` code priced per
month counts twelve times too much), so the price list warns when the two disagree; and
`prices --from-zoom` reads the cycle Zoom's renewals list names (`Annual`, `Two years`) to find
the code. The catalogue's names are the first witness (they spell the cycle in words), the code's
own words the second (`cmr_monthly_commitment_40` is "Cloud Recording 100 GB").
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import cache
from types import MappingProxyType
from typing import Literal

from reconciler.zoom_2026 import catalogue_rows

Period = Literal["month", "quarter", "year", "two_years", "three_years"]

#: A period -> how many months it lasts (a price per period / months = its monthly equivalent).
MONTHS: MappingProxyType[str, Decimal] = MappingProxyType(
    {
        "month": Decimal(1),
        "quarter": Decimal(3),
        "year": Decimal(12),
        "two_years": Decimal(24),
        "three_years": Decimal(36),
    }
)
PERIODS: tuple[Period, ...] = ("month", "quarter", "year", "two_years", "three_years")

#: Zoom's `billing_cycle` (renewals list) -> the price list's period.
ZOOM_CYCLES: MappingProxyType[str, Period] = MappingProxyType(
    {
        "Monthly": "month",
        "Quarterly": "quarter",
        "Annual": "year",
        "Two years": "two_years",
        "Three years": "three_years",
    }
)

# Longest cycles first: "One Year Prepay 30 GB Monthly Usage" bills per year, and a usage
# allowance ("Monthly Usage") is no cycle at all.
_NAME_WORDS: tuple[tuple[re.Pattern[str], Period], ...] = (
    (re.compile(r"\bthree[ -]years?\b"), "three_years"),
    (re.compile(r"\btwo[ -]years?\b"), "two_years"),
    (re.compile(r"\bquarterly\b"), "quarter"),
    (re.compile(r"\b(annual|yearly|one[ -]year)\b"), "year"),
    (re.compile(r"\bmonthly\b"), "month"),
)
_USAGE_ALLOWANCE = re.compile(r"\bmonthly usage\b")
_FILLER = re.compile(r"\b(prepay|plans?)\b")  # "Prepay", "Plan": no part of the plan's name
_CAPACITY = re.compile(r"(?<=[a-z])\d+\b")  # `yearly25`: the cycle, then a capacity


def cycle_in_name(name: str) -> Period | None:
    """The cycle a catalogue name spells (`Webinar 500 Two Years Prepay` -> two_years)."""
    text = _USAGE_ALLOWANCE.sub("", name.casefold())
    return next((period for pattern, period in _NAME_WORDS if pattern.search(text)), None)


def without_cycle(name: str) -> str:
    """A plan's name less its cycle, as compared: `Webinar 500 Two Years Prepay` -> `webinar
    500`, the name Zoom's renewals list gives the plan whatever its cycle."""
    text = _USAGE_ALLOWANCE.sub(" ", name.casefold())
    for pattern, _ in _NAME_WORDS:
        text = pattern.sub(" ", text)
    return " ".join(_FILLER.sub(" ", text).split())


def _cycle_in_code(code: str) -> Period | None:
    """The cycle a code's own words spell: `plan_pro_two_years`, `monthly25` (a capacity)."""
    return cycle_in_name(_CAPACITY.sub("", code.casefold().replace("_", " ")))


@cache
def _listed_cycles() -> MappingProxyType[str, Period | None]:
    return MappingProxyType(
        {row.code: cycle_in_name(row.name) or _cycle_in_code(row.code) for row in catalogue_rows()}
    )


def cycle_of(plan_type: str) -> Period | None:
    """The cycle `plan_type` bills by, or None when neither its name nor its code says one
    (pay-as-you-go audio, a usage plan)."""
    listed = _listed_cycles()
    if plan_type in listed:
        return listed[plan_type]
    return _cycle_in_code(plan_type)


def period_words(period: str) -> str:
    """`per year`, `per two years`: the period as a reviewer reads it."""
    return "per " + period.replace("_", " ")

"""Every billing cycle Zoom sells in the price list, the warning for a price of the wrong period,
per-account prices, each currency's own minor units, and the derivation of prices from Zoom's
renewals list (matching, discounts, what is left unmatched, hostile strings)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from reconciler.pricing.currencies import MINOR_UNITS
from reconciler.pricing.cycles import ZOOM_CYCLES, cycle_of
from reconciler.pricing.from_zoom import (
    Unmatched,
    checked_yaml,
    derive_prices,
    match,
    plan_types,
)
from reconciler.pricing.money import format_money
from reconciler.pricing.prices import load_prices
from reconciler.zoom.billing import AccountRenewal, RenewableSubscription

DAY = date(2026, 12, 7)


def price_list(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "prices.yaml"
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    ("code", "period", "amount", "monthly"),
    [
        ("monthly", "month", "15.99", "15.99"),
        ("zobp_pro_global_select_quarterly", "quarter", "90", "30"),
        ("yearly", "year", "149.90", "12.49166666666666666666666667"),
        ("plan_pro_two_years", "two_years", "240", "10"),
        ("zoe_three_year", "three_years", "1152", "32"),
    ],
)
def test_every_cycle_prices_a_month_as_its_share(
    tmp_path: Path, code: str, period: str, amount: str, monthly: str
) -> None:
    assert cycle_of(code) == period
    prices = load_prices(
        price_list(
            tmp_path,
            f"currency: USD\nprices:\n  {code}: {{per_host: {amount}, period: {period}}}\n",
        )
    )
    assert prices.warnings == ()
    price = prices.get(code)
    assert price is not None and price.monthly(1) == Decimal(monthly)


def test_a_price_of_the_wrong_period_is_a_located_warning(tmp_path: Path) -> None:
    text = (
        "currency: USD\n"
        "prices:\n"
        "  business_yearly: {per_host: 21.99, period: month}\n"
        "accounts:\n"
        "  sub_x:\n"
        "    plan_pro_two_years: {per_host: 1, period: quarter}\n"
        "    tollfree_payongo: {flat: 1, period: year}\n"  # no cycle of its own: no warning
    )
    prices = load_prices(price_list(tmp_path, text), "prices.yaml")
    assert [str(w) for w in prices.warnings] == [
        "prices.yaml:3:46: warning: prices/business_yearly/period: business_yearly is billed per "
        "year, but its price is per month; a price for the wrong period is off by a factor of 12 "
        "in every cost: write the price per year with period: year",
        "prices.yaml:6:47: warning: accounts/sub_x/plan_pro_two_years/period: plan_pro_two_years "
        "is billed per two years, but its price is per quarter; a price for the wrong period is "
        "off by a factor of 8 in every cost: write the price per two years with period: two_years",
    ]


def test_an_account_is_priced_with_its_own_price_first(tmp_path: Path) -> None:
    text = (
        "currency: USD\n"
        "prices:\n  business_yearly: {per_host: 150, period: year}\n"
        "accounts:\n  sub_b:\n    business_yearly: {per_host: 99, period: year, currency: EUR}\n"
    )
    prices = load_prices(price_list(tmp_path, text))
    own, listed = prices.get("business_yearly", "sub_b"), prices.get("business_yearly", "sub_a")
    assert own is not None and (own.amount, own.currency) == (99, "EUR")
    assert listed is not None and listed.amount == 150
    assert prices.currencies == {"USD", "EUR"}


def test_a_bad_account_entry_is_located_with_every_other_problem(tmp_path: Path) -> None:
    text = (
        "currency: USD\n"
        "prices:\n  monthly: {per_host: x, period: month}\n"
        "accounts:\n  sub_b:\n    monthly: {per_host: 1, period: week}\n"
        "  sub_c:\n    monthly: {per_host: 1, period: month, currency: XYZ}\n"
    )
    with pytest.raises(Exception) as caught:
        load_prices(price_list(tmp_path, text), "p.yaml")
    lines = [str(p) for p in caught.value.problems]  # type: ignore[attr-defined]
    assert any(line.startswith("p.yaml:3:23: error: prices/monthly/per_host") for line in lines)
    assert any(
        line.startswith("p.yaml:6:36: error: accounts/sub_b/monthly/period") for line in lines
    )
    assert any(
        line.startswith("p.yaml:8:53: error: accounts/sub_c/monthly/currency: 'XYZ' is not an ISO")
        for line in lines
    ), lines


@pytest.mark.parametrize("currency", sorted(MINOR_UNITS))
def test_every_iso_currency_is_shown_with_its_own_minor_units(currency: str) -> None:
    shown = format_money(Decimal("100000"), currency)
    decimals = MINOR_UNITS[currency]
    digits = shown.rsplit(" ", 1)[-1].lstrip("+$€£¥A").lstrip("C$")
    assert digits == ("100,000" + ("." + "0" * decimals if decimals else "")), shown


def test_yen_has_no_decimals() -> None:
    assert format_money(Decimal("100000"), "JPY") == "+¥100,000"
    assert format_money(Decimal("-1.5"), "KWD") == "-KWD 1.500"


def sub(name: str, cycle: str, quantity: int, amount: str) -> RenewableSubscription:
    return RenewableSubscription(name, quantity, cycle, DAY, DAY, Decimal(amount))


def renewal(account_id: str, *subscriptions: RenewableSubscription) -> AccountRenewal:
    return AccountRenewal(account_id, DAY, True, Decimal(0), subscriptions)


def test_each_of_zooms_cycles_matches_the_code_of_that_cycle() -> None:
    assert set(ZOOM_CYCLES) == {"Monthly", "Quarterly", "Annual", "Two years", "Three years"}
    assert [match(sub("Webinar 500", cycle, 1, "1"), frozenset()) for cycle in ZOOM_CYCLES] == [
        "webinar500_monthly",
        match(sub("Webinar 500", "Quarterly", 1, "1"), frozenset()),  # none sold quarterly
        "webinar500_yearly",
        "plan_webinar500_two_years",
        "plan_webinar500_three_years",
    ]
    quarterly = match(sub("Webinar 500", "Quarterly", 1, "1"), frozenset())
    assert isinstance(quarterly, Unmatched)
    assert quarterly.reason == "Zoom's catalogue has no Quarterly code for this plan"
    assert match(sub("Zoom Workplace Enterprise", "Three years", 1, "1"), frozenset()) == (
        "zoe_three_year"
    )


def test_the_accounts_own_plan_decides_a_section_of_several_codes() -> None:
    pro = sub("Zoom Workplace Pro", "Monthly", 2, "40")
    undecided = match(pro, frozenset())
    assert isinstance(undecided, Unmatched) and undecided.reason.startswith("fits 3 codes")
    held = plan_types({"plan_base": {"type": "monthly50", "hosts": 2}, "plan_phone": {}})
    assert held == {"monthly50"}
    assert match(pro, held) == "monthly50"
    found = derive_prices([renewal("sub_p", pro)], currency="USD", source="s", day=DAY)
    assert found.undecided == {"sub_p"} and not found.prices
    decided = derive_prices(
        [renewal("sub_p", pro)], currency="USD", source="s", day=DAY, held={"sub_p": held}
    )
    assert decided.prices["monthly50"].amount == Decimal("20.00") and not decided.unmatched


def test_discounts_are_kept_per_account_and_seatless_plans_are_flat() -> None:
    business = "Zoom Workplace Business"
    found = derive_prices(
        [
            renewal(
                "a",
                sub(business, "Annual", 10, "1500"),
                sub("Cloud Recording 100 GB", "Monthly", 1, "40"),
            ),
            renewal("b", sub(business, "Annual", 10, "1200")),  # a tie: the lower is the list's
            renewal(
                "c",
                sub(business, "Annual", 0, "0"),
                sub(business, "Annual", 1, "-5"),
                sub(business, "Annual", 1, "1e12"),
            ),
            renewal("x" * 129, sub(business, "Annual", 1, "1")),
        ],
        currency="JPY",
        source="s",
        day=DAY,
    )
    assert {code: (p.amount, p.per_host, p.period) for code, p in found.prices.items()} == {
        "business_yearly": (Decimal("120"), True, "year"),
        "cmr_monthly_commitment_40": (Decimal("40"), False, "month"),
    }
    assert {a: {c: p.amount for c, p in own.items()} for a, own in found.accounts.items()} == {
        "a": {"business_yearly": Decimal("150")}
    }
    assert [(u.account_id, u.reason) for u in found.unmatched] == [
        ("c", "quantity 0: no unit price"),
        ("c", "a negative invoice amount (a credit) is no price"),
        ("c", "a unit price of a trillion or more is no price a price list holds"),
        ("x" * 129, "an account id of 129 characters is none a price list holds"),
    ]


def test_hostile_account_ids_are_written_as_quoted_keys_that_read_back(tmp_path: Path) -> None:
    hostile = 'x: {y}\n- [z] # "q" \x1b[2J\u202e'
    found = derive_prices(
        [
            renewal(hostile, sub("Standard Pro", "Monthly", 1, "10")),
            renewal("plain", sub("Standard Pro", "Monthly", 2, "31.98")),
            renewal("other", sub("Standard Pro", "Monthly", 1, "15.99")),
        ],
        currency="USD",
        source="Zoom's renewals list of http://127.0.0.1/v2\n# injected",
        day=DAY,
    )
    text = checked_yaml(found, "prices.yaml")
    assert text.isascii() and "\x1b" not in text
    data = yaml.safe_load(text)
    assert data["accounts"] == {hostile: {"monthly": {"per_host": "10.00", "period": "month"}}}
    assert data["source"].endswith("\n# injected")
    prices = load_prices(price_list(tmp_path, text))
    own = prices.get("monthly", hostile)
    assert own is not None and own.amount == 10

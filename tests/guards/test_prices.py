"""prices.yaml and zoomplans.yaml: exact decimals, and every problem located, all at once."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from reconciler.guards.project import ProjectError, find_project, load_project
from reconciler.pricing.prices import PricesError, load_prices

ROOT = Path(__file__).resolve().parents[2]
ACCOUNTS = str(Path(__file__).parent / "fixtures" / "accounts")


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_example_price_list_reads_exactly() -> None:
    prices = load_prices(ROOT / "examples" / "prices.yaml")
    business = prices.get("business_monthly")
    assert business is not None and business.amount == Decimal("21.99")
    assert business.monthly(3) == Decimal("65.97")  # not 65.97000000000001
    yearly = prices.get("business_yearly")
    assert yearly is not None and yearly.monthly(12) == Decimal("219.90")
    flat = prices.get("cmr_monthly_commitment_40")
    assert flat is not None and not flat.per_host and flat.monthly(None) == Decimal("40.00")
    # the CI examples run with --require-prices: every type the example files name is priced
    named = re.findall(r"type: ([a-z0-9_]+)", read_examples("accounts", "templates"))
    assert named and [t for t in sorted(set(named)) if prices.get(t) is None] == []


def read_examples(*folders: str) -> str:
    return "".join(
        path.read_text(encoding="utf-8")
        for folder in folders
        for path in sorted((ROOT / "examples" / folder).glob("*.yaml"))
    )


def test_an_entry_currency_overrides_the_default(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "prices.yaml",
        "currency: USD\nprices:\n  a: {per_host: 1, period: month}\n"
        "  b: {flat: '2.5', period: year, currency: EUR}\n",
    )
    prices = load_prices(path)
    assert prices.prices["a"].currency == "USD" and prices.prices["b"].currency == "EUR"
    assert prices.prices["b"].amount == Decimal("2.5")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "currency: USD\nprices:\n  a: {per_host: 1, period: week}\n",
            [
                "p.yaml:3:28: error: prices/a/period: 'week' is not a period; use month, quarter, "
                "year, two_years, three_years"
            ],
        ),
        (
            "currency: USD\nprices:\n  a: {per_host: 1, flat: 2, period: month}\n",
            ["p.yaml:3:6: error: prices/a: give exactly one of per_host (price of one seat) "
             "or flat (whole plan)"],
        ),
        (
            "currency: usd\nprices:\n  a:\n    per_hots: 1\n    period: month\n",
            ["p.yaml:1:11: error: currency: 'usd' is not a currency code; use ISO 4217, e.g. USD",
             "p.yaml:4:5: error: prices/a: unknown key per_hots (allowed: per_host, flat, "
             "period, currency)"],
        ),
        (
            "currency: USD\nprices:\n  a: {per_host: 1.23456, period: month}\n"
            "  b: {per_host: -1, period: year}\n",
            ["p.yaml:4:17: error: prices/b/per_host: -1 is not an amount; write a decimal "
             "number >= 0 with at most 4 decimals, e.g. 15.99",
             "p.yaml:3:17: error: prices/a/per_host: 1.23456 is not an amount; write a decimal "
             "number >= 0 with at most 4 decimals, e.g. 15.99"],
        ),
        (
            "prices:\n  a: {per_host: 1, period: month}\n",
            ["p.yaml:2:6: error: prices/a: no currency; add `currency: USD` at the top of the "
             "file or to this entry"],
        ),
        (
            "currency: USD\nprices:\n  a: {per_host: 1, period: month}\n"
            "  a: {flat: 1, period: month}\n",
            None,
        ),
        ("currency: USD\nprices: [1, 2\n", None),
    ],
)  # fmt: skip
def test_problems_are_located(tmp_path: Path, text: str, expected: list[str] | None) -> None:
    path = write(tmp_path, "p.yaml", text)
    with pytest.raises(PricesError) as caught:
        load_prices(path, "p.yaml")
    lines = [str(p) for p in caught.value.problems]
    if expected is None:  # the reader's own checks: duplicate keys, broken YAML
        assert lines and all(line.startswith("p.yaml:") for line in lines)
        assert all(line.split(":")[1].isdigit() and line.split(":")[2].isdigit() for line in lines)
    else:
        for line in expected:
            assert line in lines, lines


def test_a_negative_amount_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "p.yaml", "currency: USD\nprices:\n  b: {per_host: -1, period: year}\n")
    with pytest.raises(PricesError) as caught:
        load_prices(path, "p.yaml")
    assert [p.line for p in caught.value.problems] == [3]
    assert "not an amount" in caught.value.problems[0].message


def test_plan_with_a_broken_price_list_exits_1_with_located_errors(
    guard_world: Any, zp: Callable[..., Any], tmp_path: Path
) -> None:
    bad = write(
        tmp_path, "prices.yaml", "currency: USD\nprices:\n  a: {per_host: x, period: month}\n"
    )
    ran = zp(guard_world, "plan", ACCOUNTS, "--prices", str(bad))
    assert ran.code == 1
    assert f"{bad}:3:17: error: prices/a/per_host: 'x' is not an amount" in ran.stderr
    assert "Traceback" not in ran.stderr + ran.stdout
    assert guard_world.requests == []  # nothing was read from Zoom


def test_the_example_project_file(tmp_path: Path) -> None:
    project = load_project(ROOT / "examples" / "zoomplans.yaml")
    assert project.prices == ROOT / "examples" / "prices.yaml"
    ((limit),) = project.max_monthly_increase
    assert (limit.currency, limit.amount) == ("USD", Decimal("2000.00"))
    assert limit.source.endswith("examples/zoomplans.yaml:8:31")
    assert project.require_prices
    assert (project.max_accounts_changed, project.max_seats_removed) == (25, 50)
    assert project.daily_heavy_budget == 60_000
    assert find_project(None, tmp_path) is None


def test_a_broken_project_file_is_located(
    guard_world: Any, zp: Callable[..., Any], tmp_path: Path
) -> None:
    write(
        tmp_path,
        "zoomplans.yaml",
        "guard_rails:\n  max_seats_remove: 5\n  max_accounts_changed: -1\n",
    )
    with pytest.raises(ProjectError) as caught:
        find_project(None, tmp_path)
    lines = [str(p) for p in caught.value.problems]
    assert any(":2:3: error: guard_rails: unknown key max_seats_remove" in x for x in lines), lines
    assert any(
        ":3:25: error: guard_rails/max_accounts_changed: must be a whole number >= 0 (or empty), "
        "got -1" in x
        for x in lines
    )
    ran = zp(guard_world, "plan", ACCOUNTS)  # zp runs in tmp_path: the file is found there
    assert ran.code == 1 and "zoomplans.yaml:2:3: error: guard_rails: unknown key" in ran.stderr


def test_a_bad_amount_flag_is_a_usage_error(guard_world: Any, zp: Callable[..., Any]) -> None:
    from reconciler.cli import main

    with pytest.raises(SystemExit) as caught:
        main(["plan", ACCOUNTS, "--max-monthly-increase", "12.345"])
    assert caught.value.code == 64


def test_a_bad_top_level_currency_still_checks_every_amount(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "p.yaml",
        "currency: usd\nprices:\n  business_monthly: {per_host: 1.23456, period: month}\n"
        "  webinar500_monthly: {flat: 2, period: year, currency: EUR}\n",
    )
    with pytest.raises(PricesError) as caught:
        load_prices(path, "p.yaml")
    lines = sorted(str(p) for p in caught.value.problems)
    assert lines == [
        "p.yaml:1:11: error: currency: 'usd' is not a currency code; use ISO 4217, e.g. USD",
        "p.yaml:3:32: error: prices/business_monthly/per_host: 1.23456 is not an amount; write "
        "a decimal number >= 0 with at most 4 decimals, e.g. 15.99",
    ]


def test_a_price_for_an_unknown_plan_type_is_a_located_warning(
    guard_world: Any, zp: Callable[..., Any], tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        "prices.yaml",
        "currency: USD\nprices:\n  business_monthly: {per_host: 21.99, period: month}\n"
        "  webinar500_montly: {per_host: 340, period: month}\n"
        "  house_special: {flat: 5, period: month}\n",
    )
    prices = load_prices(path, "prices.yaml")
    assert [str(w) for w in prices.warnings] == [
        "prices.yaml:4:22: warning: prices/webinar500_montly: 'webinar500_montly' is not a plan "
        "type in Zoom's list; did you mean 'webinar500_monthly'?",
        "prices.yaml:5:18: warning: prices/house_special: 'house_special' is not a plan type in "
        "Zoom's list; it prices only a plan whose type is exactly this code",
    ]
    assert prices.get("house_special") is not None  # kept: legacy codes are real
    ran = zp(guard_world, "plan", ACCOUNTS, "--prices", str(path))
    assert "Traceback" not in ran.stderr and "Cost:" in ran.stdout  # a warning, not a stop
    assert f"{path}:4:22: warning: prices/webinar500_montly" in ran.stderr
    assert "did you mean 'webinar500_monthly'?" in ran.stderr

"""Money limits per currency, --require-prices, and bad limits, against the sandbox over HTTP.

A subscription priced in USD and EUR counts in each currency (never "unknown"); a limit in one
currency accepts nothing in another; a call with no price refuses the plan when prices are
required; NaN, infinite or absurd limits are errors where they were written.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
ACCOUNTS = str(FIXTURES / "accounts")
PRICES = str(FIXTURES / "prices.yaml")


def _beside(folder: Path) -> str:
    """The shared price list copied into the folder: zoomplans.yaml may not name one outside."""
    (folder / "prices.yaml").write_text(Path(PRICES).read_text(encoding="utf-8"), "utf-8")
    return "prices.yaml"


def mixed_prices(tmp_path: Path, webinar_currency: str = "EUR") -> str:
    """Base seats in USD, webinar seats in another currency: g_new's subscribe buys both."""
    path = tmp_path / "mixed-prices.yaml"
    path.write_text(
        "currency: USD\nprices:\n  business_monthly: {per_host: 21.99, period: month}\n"
        f"  webinar500_monthly: {{per_host: 340, period: month, currency: {webinar_currency}}}\n",
        encoding="utf-8",
    )
    return str(path)


def test_a_subscribe_priced_in_two_currencies_is_held_to_the_limit_of_each(
    guard_world: Any, zp: Callable[..., Any], tmp_path: Path
) -> None:
    args = ["plan", ACCOUNTS, "--account", "g_new", "--prices", mixed_prices(tmp_path)]
    over = zp(guard_world, *args, "--max-monthly-increase", "100USD",
              "--max-monthly-increase", "1000EUR")  # fmt: skip
    assert over.code == 1
    assert (
        "the plan's gross increase is +$219.90/month in USD (every increase added up, savings "
        "not subtracted; net +$219.90/month), more than --max-monthly-increase 100.00USD (set "
        "on the command line); re-run with --max-monthly-increase 219.90USD to accept"
    ) in over.stderr
    assert "in EUR" not in over.stderr  # +€340.00 is under its own limit
    assert "(+€340.00/month and +$219.90/month)" in over.stdout
    assert "Cost: +€340.00/month, +$219.90/month." in over.stdout
    assert "cost unknown" not in over.stdout + over.stderr
    no_eur = zp(guard_world, *args, "--max-monthly-increase", "300USD")
    assert no_eur.code == 1
    assert (
        "+€340.00/month in EUR (every increase added up, savings not subtracted; net "
        "+€340.00/month), and EUR has no --max-monthly-increase limit of its own"
    ) in no_eur.stderr
    assert "re-run with --max-monthly-increase 340.00EUR to accept" in no_eur.stderr
    both = zp(guard_world, *args, "--max-monthly-increase", "300USD",
              "--max-monthly-increase", "340EUR")  # fmt: skip
    assert both.code == 0, both.stderr
    limits = ["--max-monthly-increase", "100USD", "--max-monthly-increase", "1000EUR"]
    applied = zp(guard_world, "apply", *args[1:], "--auto-approve", *limits)
    assert applied.code == 1 and "nothing was sent" in applied.stderr
    assert guard_world.writes() == []


def test_raising_only_a_yen_limit_does_not_accept_a_dollar_increase(
    guard_world: Any, zp: Callable[..., Any], tmp_path: Path
) -> None:
    (tmp_path / "zoomplans.yaml").write_text(
        f"prices: {Path(mixed_prices(tmp_path, 'JPY')).name}\n"
        "guard_rails:\n  max_monthly_increase: {USD: 100, JPY: 300}\n",
        encoding="utf-8",
    )
    args = ["plan", ACCOUNTS, "--account", "g_new"]
    yen = zp(guard_world, *args)
    assert yen.code == 1
    assert "+¥340/month in JPY" in yen.stderr  # whole yen: JPY has no minor unit
    assert "more than --max-monthly-increase 300JPY (max_monthly_increase in" in yen.stderr
    assert "re-run with --max-monthly-increase 340JPY to accept" in yen.stderr
    assert "+$219.90/month in USD" in yen.stderr
    raised = zp(guard_world, *args, "--max-monthly-increase", "100000JPY")
    assert raised.code == 1
    assert "+$219.90/month in USD" in raised.stderr
    assert "more than --max-monthly-increase 100.00USD (max_monthly_increase in" in raised.stderr
    assert "in JPY" not in raised.stderr
    applied = zp(guard_world, "apply", *args[1:], "--auto-approve",
                 "--max-monthly-increase", "100000JPY")  # fmt: skip
    assert applied.code == 1 and guard_world.writes() == []
    both = ["--max-monthly-increase", "100000JPY", "--max-monthly-increase", "219.90USD"]
    assert zp(guard_world, *args, *both).code == 0


def test_a_bare_limit_needs_one_priced_currency(
    guard_world: Any, zp: Callable[..., Any], tmp_path: Path
) -> None:
    ran = zp(guard_world, "plan", ACCOUNTS, "--prices", PRICES, "--max-monthly-increase", "500")
    assert ran.code == 64
    assert (
        "--max-monthly-increase 500.00 has no currency, and the price list prices in EUR, USD: "
        "name the currency: --max-monthly-increase AMOUNTCURRENCY, e.g. --max-monthly-increase "
        "500USD"
    ) in ran.stderr
    (tmp_path / "zoomplans.yaml").write_text(
        f"prices: {_beside(tmp_path)}\nguard_rails:\n  max_monthly_increase: 500\n",
        encoding="utf-8",
    )
    located = zp(guard_world, "plan", ACCOUNTS)
    assert located.code == 1
    assert "zoomplans.yaml:3:25: max_monthly_increase 500.00 has no currency" in located.stderr
    assert guard_world.requests == []  # refused before anything was read


@pytest.mark.parametrize(
    ("value", "column", "reason"),
    [
        (".nan", 25, "nan is not a finite amount"),
        (".inf", 25, "inf is not a finite amount"),
        ("1e26", 25, "1e26 is too large"),
        ("0.001", 25, "0.001 has too many decimals: an amount without a currency has at most 2"),
        ("{USD: .inf}", 31, "inf is not a finite amount"),
        ("{JPY: 100.5}", 31, "100.5 has too many decimals: JPY has no decimals"),
        ("{USD: -1}", 31, "-1 is negative"),
        ("{XYZ: 5}", 31, "'XYZ' is not an ISO 4217 currency code"),
    ],
)
def test_a_bad_limit_in_zoomplans_yaml_is_located(
    value: str,
    column: int,
    reason: str,
    guard_world: Any,
    zp: Callable[..., Any],
    tmp_path: Path,
) -> None:
    (tmp_path / "zoomplans.yaml").write_text(
        f"prices: {_beside(tmp_path)}\nguard_rails:\n  max_monthly_increase: {value}\n",
        encoding="utf-8",
    )
    ran = zp(guard_world, "plan", ACCOUNTS)
    assert ran.code == 1
    assert f"zoomplans.yaml:3:{column}: error: guard_rails/max_monthly_increase" in ran.stderr
    assert reason in ran.stderr
    assert "internal error" not in ran.stderr and "Traceback" not in ran.stderr
    assert guard_world.requests == []


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("1e26", "1e26 is too large"),
        ("nan", "nan is not a finite amount"),
        ("inf", "inf is not a finite amount"),
        ("0.001USD", "0.001 has too many decimals: USD has 2 decimals"),
        ("500usd", "'usd' is not an ISO 4217 currency code"),
    ],
)
def test_a_bad_limit_flag_is_a_usage_error(
    value: str, reason: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from reconciler.cli import main

    for command in ("plan", "apply"):
        with pytest.raises(SystemExit) as caught:
            main([command, ACCOUNTS, "--prices", PRICES, "--max-monthly-increase", value])
        assert caught.value.code == 64
        err = capsys.readouterr().err
        assert reason in err and "internal error" not in err


def test_require_prices_refuses_a_call_with_no_price(
    guard_world: Any, zp: Callable[..., Any], tmp_path: Path
) -> None:
    """g_up's large500_monthly has no price: only a warning, until prices are required."""
    args = ["plan", ACCOUNTS, "--prices", PRICES, "--account", "g_up"]
    warned = zp(guard_world, *args)
    assert warned.code == 0, warned.stderr
    assert "give --require-prices to refuse such a plan" in warned.stderr
    refused = zp(guard_world, *args, "--require-prices")
    assert refused.code == 1
    assert (
        "zoomplans: error: 1 call(s) have no known cost (no price for large500_monthly: g_up) "
        "and --require-prices is on (set on the command line): add their prices to the price "
        "list"
    ) in refused.stderr
    applied = zp(guard_world, "apply", *args[1:], "--auto-approve", "--require-prices")
    assert applied.code == 1 and "nothing was sent" in applied.stderr
    assert guard_world.writes() == []
    (tmp_path / "zoomplans.yaml").write_text(
        f"prices: {_beside(tmp_path)}\nguard_rails:\n  require_prices: true\n", encoding="utf-8"
    )
    from_file = zp(guard_world, "apply", ACCOUNTS, "--account", "g_up", "--auto-approve")
    assert from_file.code == 1
    assert "--require-prices is on (require_prices in zoomplans.yaml)" in from_file.stderr
    assert guard_world.writes() == []


def test_apply_of_a_saved_plan_with_require_prices_sends_nothing(
    guard_world: Any, zp: Callable[..., Any], tmp_path: Path
) -> None:
    out = tmp_path / "plan.json"
    planned = zp(guard_world, "plan", ACCOUNTS, "--prices", PRICES, "--account", "g_up",
                 "--out", str(out))  # fmt: skip
    assert planned.code == 0, planned.stderr
    saved = ["apply", ACCOUNTS, "--plan", str(out), "--prices", PRICES]
    refused = zp(guard_world, *saved, "--require-prices")
    assert refused.code == 1
    assert "1 call(s) have no known cost" in refused.stderr
    assert "nothing was sent" in refused.stderr
    assert guard_world.writes() == []
    (tmp_path / "zoomplans.yaml").write_text(
        "guard_rails:\n  require_prices: true\n", encoding="utf-8"
    )
    from_file = zp(guard_world, *saved)
    assert from_file.code == 1 and guard_world.writes() == []
    assert "--require-prices is on (require_prices in zoomplans.yaml)" in from_file.stderr


def test_require_prices_needs_a_price_list(guard_world: Any, zp: Callable[..., Any]) -> None:
    ran = zp(guard_world, "plan", ACCOUNTS, "--require-prices")
    assert ran.code == 1
    assert "requiring prices (--require-prices) needs a price list" in ran.stderr
    assert guard_world.requests == []


def test_every_format_shows_both_currencies_of_a_subscribe(
    guard_world: Any, zp: Callable[..., Any], tmp_path: Path
) -> None:
    import json

    from reconciler.render.html_charts import cost_by_family

    args = ["plan", ACCOUNTS, "--account", "g_new", "--prices", mixed_prices(tmp_path),
            "--max-monthly-increase", "300USD", "--max-monthly-increase", "340EUR"]  # fmt: skip
    data = json.loads(zp(guard_world, *args, "--format", "json").stdout)
    (action,) = data["accounts"][0]["actions"]
    assert action["cost"] == {"known": True, "by_currency": {"EUR": "340.00", "USD": "219.90"}}
    assert data["summary"]["cost"]["gross_increase"] == {"EUR": "340.00", "USD": "219.90"}
    assert data["options"]["max_monthly_increase"] == {"EUR": "340.00", "USD": "300.00"}
    sums, unknown = cost_by_family(data)
    assert unknown == 0 and set(sums.values()) == {Decimal("340.00"), Decimal("219.90")}
    html = zp(guard_world, *args, "--format", "html")
    assert html.code == 0, html.stderr
    assert "+€340.00 and +$219.90</td>" in html.stdout
    markdown = zp(guard_world, *args, "--format", "markdown")
    assert "| `subscribe` | 1 | +€340.00/month, +$219.90/month |" in markdown.stdout


def test_apply_of_a_saved_plan_holds_each_currency_to_its_own_limit(
    guard_world: Any, zp: Callable[..., Any], tmp_path: Path
) -> None:
    """The file's money limits are only compared, per currency: one apply was not given is
    looser in the file (EUR had none at apply), so nothing is sent until apply gives it."""
    prices, out = mixed_prices(tmp_path), tmp_path / "plan.json"
    limits = ["--max-monthly-increase", "300USD", "--max-monthly-increase", "340EUR"]
    planned = zp(guard_world, "plan", ACCOUNTS, "--account", "g_new", "--prices", prices,
                 *limits, "--out", str(out))  # fmt: skip
    assert planned.code == 0, planned.stderr
    saved = ["apply", ACCOUNTS, "--plan", str(out), "--prices", prices]
    looser = zp(guard_world, *saved, "--max-monthly-increase", "300USD")
    assert looser.code == 1 and guard_world.writes() == []
    assert "--max-monthly-increase is 340.00EUR in the file and no limit at apply" in looser.stderr
    yen = zp(guard_world, *saved, *limits[:2], "--max-monthly-increase", "100000JPY")
    assert yen.code == 1 and guard_world.writes() == []  # a yen limit accepts no euro
    applied = zp(guard_world, *saved, *limits)
    assert applied.code == 0, applied.stderr + applied.stdout
    assert len(guard_world.writes()) == 1

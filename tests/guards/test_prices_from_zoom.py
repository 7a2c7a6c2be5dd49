"""`zoomplans prices --from-zoom` end to end over loopback: a seeded sandbox's renewals list
becomes a price list that `plan --prices` and `apply --prices` use, per account where the seed
bills two accounts differently for one code; what matches no code is listed, never guessed."""

from __future__ import annotations

import contextlib
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from reconciler.cli import cli, main
from reconciler.pricing.prices import load_prices

HOSTILE = 'Evil: {plan}\n- [x] #\x1b[31mred\u202e "quoted"'


def days_ahead(days: int) -> str:
    return (datetime.now(UTC).date() + timedelta(days=days)).isoformat()


def subscription(name: str, cycle: str, quantity: int, amount: float) -> dict[str, Any]:
    return {
        "plan_name": name,
        "quantity": quantity,
        "billing_cycle": cycle,
        "service_effective_date": "2026-01-01",
        "next_invoice_date": days_ahead(30),
        "next_invoice_amount": amount,
    }


def account(base: dict[str, Any], *subscriptions: dict[str, Any]) -> dict[str, Any]:
    return {
        "plans": {"plan_base": {**base, "status": "active"}},
        "renewal": {
            "next_renewal_date": days_ahead(30),
            "auto_renew": True,
            "renewable_subscriptions": list(subscriptions),
        },
    }


BUSINESS = {"type": "business_yearly", "hosts": 20}
SEED: dict[str, Any] = {
    "credentials": {"account_id": "M1", "client_id": "c", "client_secret": "s"},
    "accounts": {
        # 20 seats for 2,999.50 a year: 149.975 a seat, as sub_c pays; sub_b has a discount.
        "sub_a": account(
            BUSINESS,
            subscription("Zoom Workplace Business", "Annual", 20, 2999.50),
            subscription("Webinar 500", "Two years", 2, 1380),
        ),
        "sub_b": account(
            {**BUSINESS, "hosts": 10},
            subscription("Zoom Workplace Business", "Annual", 10, 1200),
            subscription("Mystery Suite", "Monthly", 3, 30),
            subscription(HOSTILE, "Quarterly", 1, 9),
        ),
        "sub_c": account(
            BUSINESS,
            subscription("Zoom Workplace Business", "Annual", 20, 2999.50),
        ),
        # "Zoom Workplace Pro" sells three monthly codes: the account's own plan decides.
        "sub_pro": account(
            {"type": "monthly", "hosts": 5},
            subscription("Zoom Workplace Pro", "Monthly", 5, 79.95),
        ),
    },
}


def cost_of(change: str, output: str) -> str:
    """The cost at the end of the one line that shows `change`."""
    (line,) = [line for line in output.splitlines() if change in line]
    return line.split()[-1]


def run(sb: Any, *args: str) -> Any:
    return CliRunner().invoke(cli, list(args), env=sb.env(), catch_exceptions=False)


@pytest.fixture
def world(sandbox: Any, tmp_path: Path) -> tuple[Any, Path]:
    """The seeded sandbox and the price list `prices --from-zoom --out` wrote from it."""
    sb = sandbox(seed=SEED)
    out = tmp_path / "prices.yaml"
    result = run(sb, "prices", "--from-zoom", "--out", str(out))
    assert result.exit_code == 0, result.output
    return sb, out


def test_the_price_list_holds_unit_prices_per_code_and_per_account(
    world: tuple[Any, Path],
) -> None:
    sb, out = world
    data = yaml.safe_load(out.read_text())
    assert data["currency"] == "USD"
    assert data["date"] == datetime.now(UTC).date().isoformat()
    assert data["source"].startswith("Zoom's renewals list (GET /accounts/billing/renewals)")
    assert data["prices"] == {
        "business_yearly": {"per_host": "149.975", "period": "year"},
        "monthly": {"per_host": "15.99", "period": "month"},
        "plan_webinar500_two_years": {"per_host": "690.00", "period": "two_years"},
    }
    assert data["accounts"] == {
        "sub_b": {"business_yearly": {"per_host": "120.00", "period": "year"}}
    }
    prices = load_prices(out)
    assert prices.warnings == ()
    assert prices.get("business_yearly", "sub_b").amount == 120
    assert prices.get("business_yearly", "sub_a").amount == prices.get("business_yearly").amount
    # the renewals list was read with Zoom's widest interval and largest page
    reads = [r for r in sb.requests if r.path.endswith("/accounts/billing/renewals")]
    assert reads and all("interval=90" in r.query and "page_size=50" in r.query for r in reads)
    # only the account whose subscription fits several codes had its plans read
    assert [r.path for r in sb.requests if r.path.endswith("/plans")] == [
        "/v2/accounts/sub_pro/plans"
    ]


def test_unmatched_subscriptions_are_listed_inert_and_the_run_still_succeeds(
    sandbox: Any, tmp_path: Path
) -> None:
    sb = sandbox(seed=SEED)
    result = run(sb, "prices", "--from-zoom")  # stdout: the YAML; stderr: the notes
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if "warning: not priced" in line]
    assert len(warnings) == 2, result.stderr
    assert "sub_b: 'Mystery Suite' (Monthly): no plan or section of Zoom's catalogue" in warnings[0]
    hostile = warnings[1]
    assert "\x1b" not in result.stderr and "\u202e" not in result.stderr
    assert "\\x1b[31mred" in hostile and "\\n" in hostile and "\\u202e" in hostile
    assert "Prices: 3 plan codes priced, 1 account-specific price(s) for 1 account(s); " in (
        result.stderr
    )
    assert "2 subscription(s) not priced." in result.stderr
    assert yaml.safe_load(result.stdout)["prices"]["monthly"] == {
        "per_host": "15.99",
        "period": "month",
    }
    assert HOSTILE not in result.stdout


def test_plan_prices_each_account_with_its_own_price(
    world: tuple[Any, Path], tmp_path: Path
) -> None:
    sb, out = world
    accounts = tmp_path / "accounts"
    accounts.mkdir()
    for account_id, hosts in (("sub_b", 12), ("sub_c", 22)):
        (accounts / f"{account_id}.yaml").write_text(
            f"account_id: {account_id}\nplans:\n"
            f"  plan_base: {{type: business_yearly, hosts: {hosts}}}\n"
        )
    result = run(sb, "plan", str(accounts), "--prices", str(out), "--require-prices")
    assert result.exit_code == 0, result.output
    # sub_b is billed 120.00 a seat a year: 2 seats = 20.00 a month; sub_c the list's 149.975
    assert cost_of("hosts 10 -> 12", result.stdout) == "(+$20.00/month)"
    assert cost_of("hosts 20 -> 22", result.stdout) == "(+$25.00/month)"
    # apply plans again with its own --prices (a saved plan's are never believed): the same
    plan_file = tmp_path / "plan.json"
    saved = run(sb, "plan", str(accounts), "--prices", str(out), "--out", str(plan_file))
    assert saved.exit_code == 0, saved.output
    journal = tmp_path / "journal.jsonl"
    applied = run(
        sb, "apply", "--plan", str(plan_file), str(accounts), "--prices", str(out),
        "--auto-approve", "--journal", str(journal),
    )  # fmt: skip
    assert applied.exit_code == 0, applied.output
    assert cost_of("hosts 10 -> 12", applied.output) == "(+$20.00/month)"
    assert cost_of("hosts 20 -> 22", applied.output) == "(+$25.00/month)"
    hosts = {w.path.split("/")[3]: w.body["hosts"] for w in sb.writes()}
    assert hosts == {"sub_b": 12, "sub_c": 22}


def test_nothing_to_price_is_an_error_and_nothing_is_written(sandbox: Any, tmp_path: Path) -> None:
    seed = {**SEED, "accounts": {"sub_b": SEED["accounts"]["sub_b"]}}
    seed["accounts"]["sub_b"] = {
        **seed["accounts"]["sub_b"],
        "renewal": {
            **seed["accounts"]["sub_b"]["renewal"],
            "renewable_subscriptions": [subscription("Mystery Suite", "Monthly", 3, 30)],
        },
    }
    sb = sandbox(seed=seed)
    out = tmp_path / "prices.yaml"
    result = run(sb, "prices", "--from-zoom", "--out", str(out))
    assert result.exit_code == 1
    assert "nothing to price" in result.stderr and not out.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "prices needs --from-zoom"),
        (["--from-zoom", "--currency", "XYZ"], "'XYZ' is not an ISO 4217 currency code"),
    ],
)
def test_usage_errors_exit_64(args: list[str], message: str) -> None:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), pytest.raises(SystemExit) as done:
        main(["prices", *args])
    assert done.value.code == 64
    assert message in err.getvalue()

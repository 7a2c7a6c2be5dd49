"""Costs in the plan JSON, recomputed here independently from prices.yaml and the actions."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import yaml

from reconciler.planner.plan_schema import schema_problems

FIXTURES = Path(__file__).parent / "fixtures"
ACCOUNTS = str(FIXTURES / "accounts")
PRICES = FIXTURES / "prices.yaml"


def expected_monthly(price: dict[str, Any], hosts: int | None) -> Decimal:
    """The contract in plain arithmetic: per host x hosts (or flat), a year is twelve months."""
    amount = Decimal(str(price.get("per_host", price.get("flat"))))
    if "per_host" in price:
        amount *= hosts or 0
    if price["period"] == "year":
        amount /= 12
    return amount


def recompute(action: dict[str, Any], prices: dict[str, Any]) -> Decimal | None:
    """Monthly change of one call, rounded to the cent; None when a type has no price."""
    if action["op"] == "subscribe":
        after = action["after"]
        parts = [after["plan_base"], *after["addons"]]
        if any(p["type"] not in prices for p in parts):
            return None
        total = sum(
            (expected_monthly(prices[p["type"]], p.get("hosts")) for p in parts), Decimal(0)
        )
    elif action["op"] == "add_addon":
        kind = action["body"]["type"]
        if kind not in prices:
            return None
        total = expected_monthly(prices[kind], action["after"].get("hosts"))
    elif action["op"] == "cancel_addon":
        kind = action["body"]["type"]
        if kind not in prices:
            return None
        total = -expected_monthly(prices[kind], action["before"].get("hosts"))
    else:
        kind = action["body"]["type"]
        if kind not in prices:
            return None
        delta = action["after"]["hosts"] - action["before"]["hosts"]
        total = expected_monthly(prices[kind], delta)
    return total.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def test_every_cost_and_the_total_recompute_from_the_price_list(
    guard_world: Any, zp: Callable[..., Any]
) -> None:
    ran = zp(
        guard_world,
        "plan", ACCOUNTS, "--prices", str(PRICES), "--format", "json", "--allow-decrease",
        "--account", "g_up", "--account", "g_down", "--account", "g_new",
        "--max-monthly-increase", "100000USD", "--max-monthly-increase", "100000EUR",
    )  # fmt: skip
    assert ran.code == 0, ran.stderr
    data = json.loads(ran.stdout)
    assert schema_problems(data) == []
    prices = yaml.safe_load(PRICES.read_text())["prices"]
    total = gross = Decimal(0)
    seen = 0
    for account in data["accounts"]:
        for action in account["actions"]:
            expected = recompute(action, prices)
            cost = action["cost"]
            if expected is None:
                assert cost["known"] is False and "large500_monthly" in cost["reason"]
                assert "monthly" not in cost  # unknown is never shown as zero
                continue
            assert cost == {"known": True, "currency": "USD", "monthly": str(expected)}
            total += expected
            gross += max(expected, Decimal(0))
            seen += 1
    assert seen == 4  # subscribe, base up, webinar down, base down; the large500 one is unknown
    assert data["summary"]["cost"] == {
        "monthly": {"USD": str(total)},
        "gross_increase": {"USD": str(gross)},
        "unknown_actions": 1,
        "unknown_types": ["large500_monthly"],
    }
    # by hand, once: 219.90 + 340 (subscribe) + 10 x 21.99 - 2 x 340 - 25 x 219.90 / 12
    assert total == Decimal("559.90") + Decimal("219.90") - Decimal("680") - Decimal("458.13")
    assert gross == Decimal("559.90") + Decimal("219.90")  # savings are not subtracted


def test_text_and_markdown_show_the_costs(guard_world: Any, zp: Callable[..., Any]) -> None:
    args = ["plan", ACCOUNTS, "--prices", str(PRICES), "--account", "g_up", "--account", "g_new"]
    text = zp(guard_world, *args)
    assert text.code == 0, text.stderr
    assert "~ plan_base business_monthly: hosts 20 -> 30   (+$219.90/month)" in text.stdout
    assert "(cost unknown: no price for large500_monthly)" in text.stdout
    assert "Cost: +$779.80/month (+ 1 call(s) with no price: cost unknown)." in text.stdout
    assert "Heavy calls to apply: 3." in text.stdout
    assert (
        "zoomplans: warning: 1 call(s) have no known cost (large500_monthly); "
        "--max-monthly-increase counts only priced calls" in text.stderr
    )
    markdown = zp(guard_world, *args, "--format", "markdown")
    assert "| call | count | monthly cost |" in markdown.stdout
    assert "| `subscribe` | 1 | +$559.90/month |" in markdown.stdout
    assert "| `update_addon` | 1 | unknown (1 call(s) with no price) |" in markdown.stdout
    assert "<b>g_new</b> <code>" in markdown.stdout
    assert ": 1 call(s), +$559.90/month</summary>" in markdown.stdout


def test_without_prices_no_money_is_shown(guard_world: Any, zp: Callable[..., Any]) -> None:
    ran = zp(guard_world, "plan", ACCOUNTS, "--account", "g_up", "--format", "json")
    data = json.loads(ran.stdout)
    assert data["summary"]["cost"] is None
    assert all(a["cost"] is None for acc in data["accounts"] for a in acc["actions"])
    assert data["summary"]["heavy_calls"] == 2


def test_a_saved_plan_keeps_its_costs(
    guard_world: Any, zp: Callable[..., Any], tmp_path: Path
) -> None:
    out = tmp_path / "plan.json"
    ran = zp(guard_world, "plan", ACCOUNTS, "--prices", str(PRICES), "--account", "g_new",
             "--out", str(out))  # fmt: skip
    assert ran.code == 0, ran.stderr
    from reconciler.planner.model import Plan

    plan = Plan.from_json(json.loads(out.read_text()))
    (action,) = plan.accounts[0].actions
    assert action.cost is not None and action.cost.monthly == Decimal("559.90")
    assert plan.to_json()["summary"] == json.loads(out.read_text())["summary"]


def test_a_subscription_priced_in_several_currencies_counts_in_each(tmp_path: Path) -> None:
    """A subscribe buying a USD plan and a EUR plan costs an amount in each currency: never
    "unknown", never added together, and each amount is measured by its own currency's limit."""
    from datetime import UTC, datetime, timedelta

    from reconciler.guards.thresholds import (
        MonthlyIncreaseOverLimit,
        MonthlyIncreaseWithoutLimit,
        tripped_guard_rails,
        unpriced_warning,
    )
    from reconciler.planner.calls import call_of
    from reconciler.planner.costs import price_plan
    from reconciler.planner.model import AccountPlan, Action, PlanOptions
    from reconciler.planner.model import Plan as PlanModel
    from reconciler.pricing.money import Cost, CostTotals, format_totals
    from reconciler.pricing.prices import load_prices
    from reconciler.render.markdown import render_markdown
    from reconciler.render.text import render_text

    prices_file = tmp_path / "prices.yaml"
    prices_file.write_text(
        "currency: USD\nprices:\n  business_monthly: {per_host: 21.99, period: month}\n"
        "  zroom_yearly: {per_host: 499.00, period: year, currency: EUR}\n"
    )
    after = {
        "plan_base": {"type": "business_monthly", "hosts": 10},
        "addons": [{"group": "plan_zoom_rooms", "type": "zroom_yearly", "hosts": 1}],
    }
    body = {
        "plan_base": after["plan_base"],
        "plan_zoom_rooms": {"type": "zroom_yearly", "hosts": 1},
    }
    method, path = call_of("subscribe", "sub_new")
    subscribe = Action(
        op="subscribe",
        klass="subscribe",
        method=method,
        path=path,
        body=body,
        before=None,
        after=after,
    )
    now = datetime(2026, 11, 22, tzinfo=UTC)
    plan = price_plan(
        PlanModel(
            created_at=now,
            expires_at=now + timedelta(hours=1),
            git_commit=None,
            desired_sha256="d" * 64,
            options=PlanOptions(max_monthly_increase=(("USD", Decimal(100)),)),
            accounts=(
                AccountPlan(
                    account_id="sub_new",
                    source=None,
                    status="changes",
                    live_sha256="f" * 64,
                    actions=(subscribe,),
                ),
            ),
        ),
        load_prices(prices_file),
    )
    cost = plan.accounts[0].actions[0].cost
    both = (("EUR", Decimal("41.58")), ("USD", Decimal("219.90")))
    assert cost is not None and cost.known and cost.amounts == both
    assert cost.to_json() == {"known": True, "by_currency": {"EUR": "41.58", "USD": "219.90"}}
    assert Cost.from_json(cost.to_json()) == cost
    totals = plan.cost_totals()
    assert totals == CostTotals(monthly=both, increases=both)
    assert format_totals(totals) == "+€41.58/month, +$219.90/month"
    assert "(+€41.58/month and +$219.90/month)" in render_text(plan)
    assert "+€41.58/month, +$219.90/month" in render_markdown(plan)
    assert unpriced_warning(plan) is None
    # the USD part is over the USD limit; EUR has no limit of its own: both refused
    tripped = tripped_guard_rails(plan)
    assert [(type(t), t.measured) for t in tripped] == [
        (MonthlyIncreaseWithoutLimit, Decimal("41.58")),
        (MonthlyIncreaseOverLimit, Decimal("219.90")),
    ]
    assert "re-run with --max-monthly-increase 219.90USD to accept" in str(tripped[1])
    assert "EUR has no --max-monthly-increase limit of its own" in str(tripped[0])
    assert "re-run with --max-monthly-increase 41.58EUR to accept" in str(tripped[0])

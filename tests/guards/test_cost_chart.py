"""The cost and seat charts of a priced plan, made over HTTP against the sandbox.

The expected figures are recomputed here from the plan JSON (`changes` and `cost` of every
call apply would send), independently of reconciler.render.families, and compared with the
numbers read back out of the Markdown comment's chart tables.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from tests.render.test_chart import charts_in

FIXTURES = Path(__file__).parent / "fixtures"
LABELS = {
    "plan_base": "Base plan",
    "plan_webinar": "Webinars",
    "plan_large_meeting": "Large Meetings",
    "subscribe": "New subscriptions",
}
Figures = dict[str, tuple[Decimal, Decimal, Decimal]]


def _add(into: Figures, label: str, amount: Decimal) -> None:
    up, down, net = into.get(label, (Decimal(0), Decimal(0), Decimal(0)))
    into[label] = (up + max(amount, 0), down + min(amount, 0), net + amount)


def expected_figures(plan: dict[str, Any]) -> tuple[Figures, Figures]:
    seats: Figures = {}
    cost: Figures = {}
    for account in plan["accounts"]:
        if account["status"] != "changes":
            continue
        for action in account["actions"]:
            for change in action["changes"]:
                path = change["path"]
                if not path.endswith("hosts"):
                    continue
                group = path.split("[")[0].split(".")[0] if "." in path else action["group"]
                _add(
                    seats, LABELS[group], Decimal((change["after"] or 0) - (change["before"] or 0))
                )
            if action["cost"]["known"]:
                family = "subscribe" if action["op"] == "subscribe" else action["group"]
                _add(cost, LABELS[family], Decimal(action["cost"]["monthly"]))
    return seats, cost


def test_charts_match_the_plan(guard_world: Any, zp: Callable[..., Any]) -> None:
    args = [
        "plan", str(FIXTURES / "accounts"), "--prices", str(FIXTURES / "prices.yaml"),
        "--allow-decrease", "--max-monthly-increase", "100000USD",
        "--max-monthly-increase", "100000EUR",
        "--account", "g_up", "--account", "g_down", "--account", "g_new",
    ]  # fmt: skip
    data = zp(guard_world, *args, "--format", "json")
    assert data.code == 0, data.stderr
    markdown = zp(guard_world, *args, "--format", "markdown")
    assert markdown.code == 0, markdown.stderr
    seats, cost = expected_figures(json.loads(data.stdout))
    charts = charts_in(markdown.stdout)
    summary = json.loads(data.stdout)["summary"]["cost"]
    gross = sum(up for up, _, _ in cost.values())
    savings = sum(down for _, down, _ in cost.values())
    assert gross == Decimal(summary["gross_increase"]["USD"])
    assert gross + savings == Decimal(summary["monthly"]["USD"])
    cost["all families"] = (gross, savings, gross + savings)
    cost_title = "Monthly cost change by plan family (USD per month)"
    assert charts == {cost_title: cost, "Seats added and removed by plan family": seats}
    assert seats and cost and any(down < 0 for _, down, _ in seats.values())
    assert savings < 0  # a saving is charted as a negative amount
    assert "1 call(s) of unknown cost are not in the cost chart." in markdown.stdout
    # the charts sit between the summary tables and the accounts
    text = markdown.stdout
    assert (
        text.index("| `cancel_addon` |") < text.index(f"**{cost_title}**") < text.index("<details>")
    )

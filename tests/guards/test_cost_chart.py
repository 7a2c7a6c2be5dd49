"""The cost and seat charts of a priced plan, made over HTTP against the sandbox.

The expected figures are recomputed here from the plan JSON (`changes` and `cost` of every
call apply would send), independently of reconciler.render.chart, and compared with the numbers
read back out of the Markdown comment's ```mermaid blocks.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from tests.render.test_chart import charts_in

FIXTURES = Path(__file__).parent / "fixtures"
LABELS = {"plan_base": "base", "plan_webinar": "webinar", "plan_large_meeting": "large meeting"}


def expected_figures(plan: dict[str, Any]) -> tuple[dict[str, Decimal], dict[str, Decimal]]:
    seats: dict[str, Decimal] = {}
    cost: dict[str, Decimal] = {}
    for account in plan["accounts"]:
        if account["status"] != "changes":
            continue
        for action in account["actions"]:
            for change in action["changes"]:
                path = change["path"]
                if not path.endswith("hosts"):
                    continue
                group = path.split("[")[0].split(".")[0] if "." in path else action["group"]
                delta = (change["after"] or 0) - (change["before"] or 0)
                label = f"{LABELS[group]} {'added' if delta > 0 else 'removed'}"
                seats[label] = seats.get(label, Decimal(0)) + abs(delta)
            if action["cost"]["known"]:
                amount = Decimal(action["cost"]["monthly"])
                family = "subscribe" if action["op"] == "subscribe" else LABELS[action["group"]]
                label = f"{family} {'more' if amount > 0 else 'less'}"
                cost[label] = cost.get(label, Decimal(0)) + abs(amount)
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
    net = sum(v if k.endswith("more") else -v for k, v in cost.items())
    assert net == Decimal(json.loads(data.stdout)["summary"]["cost"]["monthly"]["USD"])
    sign = "+" if net >= 0 else "-"
    cost_title = f"Monthly cost change by plan family (USD), net {sign}${abs(net):,.2f}"
    assert charts == {cost_title: cost, "Seats added and removed by plan family": seats}
    assert seats and cost and any(k.endswith("removed") for k in seats)
    assert "1 call(s) of unknown cost are not in the cost chart." in markdown.stdout
    # the charts sit between the summary tables and the accounts
    text = markdown.stdout
    assert text.index("| `cancel_addon` |") < text.index("```mermaid") < text.index("<details>")

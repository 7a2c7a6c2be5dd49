"""A 300-account plan with every kind of row a reviewer meets, for the HTML report's tests.

Seat increases, new add-ons, cancelled add-ons, a subscription, a blocked base-type change, an
unreadable account, unmanaged add-ons, and an account whose name is a `<script>` tag: built
directly (no HTTP), priced with the example price list, so the report has costs to chart.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from reconciler.desired.model import DesiredAccount, SourceMark
from reconciler.planner.core import build_plan
from reconciler.planner.costs import price_plan
from reconciler.planner.model import Plan, PlanOptions
from reconciler.pricing.prices import load_prices
from reconciler.zoom.errors import ServerError
from reconciler.zoom.live import LivePlans

ROOT = Path(__file__).resolve().parents[1]
NOW = datetime(2026, 12, 6, 3, 0, tzinfo=UTC)
HOSTILE_NAME = '<script>document.title="owned"</script>'


def account_id(index: int) -> str:
    return f"sub_{index:06d}"


def _live(index: int) -> dict[str, Any]:
    live: dict[str, Any] = {
        "plan_base": {"type": "business_monthly", "hosts": 10 + index % 30, "status": "active"},
        "plan_webinar": [{"type": "webinar500_monthly", "hosts": 2, "status": "active"}],
    }
    if index % 3 == 0:
        live["plan_webinar"].append({"type": "webinar1000_monthly", "hosts": 1, "status": "active"})
    if index % 50 == 7:
        live["plan_zoom_rooms"] = {"type": "zroom_monthly", "hosts": 2, "status": "active"}
    return live


def _desired(index: int, live: dict[str, Any]) -> dict[str, Any]:
    hosts = live["plan_base"]["hosts"] + (index % 4 == 1) * (1 + index % 5)
    plans: dict[str, Any] = {
        "plan_base": {"type": "business_monthly", "hosts": hosts},
        "plan_webinar": [{"type": "webinar500_monthly", "hosts": 2}],
    }
    if index % 3 == 0:
        state = {"state": "cancelled"} if index % 6 == 0 else {"hosts": 1}
        plans["plan_webinar"].append({"type": "webinar1000_monthly", **state})
    if index % 10 == 2:
        plans["plan_large_meeting"] = [{"type": "large500_monthly", "hosts": 1}]
    return plans


def report_plan(count: int = 300) -> Plan:
    """`count` accounts: sub_000000 subscribes, sub_000003 is blocked, sub_000005 unreadable."""
    accounts: list[DesiredAccount] = []
    lives: dict[str, LivePlans] = {}
    for index in range(count):
        aid = account_id(index)
        live = _live(index)
        plans = _desired(index, live)
        name = HOSTILE_NAME if index == 4 else f"Team {index}"
        if index == 3:
            plans["plan_base"] = {"type": "business_yearly", "hosts": live["plan_base"]["hosts"]}
        source = SourceMark(f"accounts/{aid}.yaml", 1)
        accounts.append(DesiredAccount(account_id=aid, source=source, plans=plans, name=name))
        if index == 0:
            lives[aid] = LivePlans(aid, None)
        elif index == 5:
            error = ServerError("boom", status=503, method="GET", path=f"/accounts/{aid}/plans")
            lives[aid] = LivePlans(aid, None, None, error)
        else:
            lives[aid] = LivePlans(aid, live)
    accounts[0] = DesiredAccount(
        account_id=accounts[0].account_id,
        source=accounts[0].source,
        plans=accounts[0].plans,
        name=accounts[0].name,
        contact=_contact(),
    )
    plan = build_plan(
        accounts, lives, PlanOptions(allow_cancel=True), now=NOW, git_commit="0123abcd" * 5
    )
    return price_plan(plan, load_prices(ROOT / "examples" / "prices.yaml", "examples/prices.yaml"))


def _contact() -> dict[str, str]:
    from tests.sample_contact import CONTACT

    return dict(CONTACT)

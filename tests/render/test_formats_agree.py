"""Text, Markdown and HTML tell the same story: the same totals, the same families (Zoom's
titles), the same seats and money per family, for every committed world's plan and for
synthetic plans holding every op (issue 21: one plan form for every renderer).

The outputs are parsed back as a reader gets them (text lines, the Markdown comment's tables,
the HTML report's elements), never compared with the renderers' own figures alone.
"""

from __future__ import annotations

import io
import json
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from reconciler.desired.model import DesiredAccount, SourceMark
from reconciler.planner.calls import OPS
from reconciler.planner.core import build_plan
from reconciler.planner.costs import price_plan
from reconciler.planner.model import Plan, PlanOptions
from reconciler.planner.renewal_record import Renewal
from reconciler.planner.renewals import Renewals
from reconciler.pricing.money import format_money
from reconciler.pricing.prices import load_prices
from reconciler.render.families import family_figures, family_of, title
from reconciler.render.formats import FORMATS, renderer_for
from reconciler.zoom.live import LivePlans
from tests.render.parsed import (
    html_renewals,
    html_report,
    markdown_renewals,
    markdown_summary,
    summary_lines,
    text_renewals,
    text_seats,
)
from tests.render.test_chart import charts_in
from tests.render.worlds import EXAMPLE_PLAN, ROOT, WORLDS, world_plan_json
from tests.report_plan import NOW, report_plan

BASE = {"type": "business_monthly", "hosts": 20, "status": "active"}


def _renewal(days: int, *, auto: bool, cycle: str, amount: str) -> Renewal:
    return Renewal(
        next_renewal_date=NOW.date() + timedelta(days=days),
        auto_renew=auto,
        total_renewal_amount=Decimal(amount),
        billing_cycles=(cycle,),
    )


#: Three of every_op_plan's accounts renew: two removals land days before a renewal that is
#: yearly or not automatic (flagged), one account renews later, one is not listed.
RENEWALS = Renewals(
    by_account={
        "sub_gone": _renewal(3, auto=True, cycle="Annual", amount="2400"),
        "sub_new": _renewal(9, auto=False, cycle="Monthly", amount="1234.5"),
        "sub_base": _renewal(60, auto=True, cycle="Monthly", amount="300"),
    },
)
WEBINAR = {"type": "webinar500_monthly", "hosts": 2, "status": "active"}


def every_op_plan(renewals: Renewals | None = None) -> Plan:
    """One account per op (update_addon and cancel_base included), priced; with
    ``renewals``, each account's renewal as the renewals list gave it."""
    cancel = {"type": "business_monthly", "state": "cancelled", "reason": 6}
    wants: dict[str, tuple[dict[str, Any], dict[str, Any] | None]] = {
        "sub_base": ({"plan_base": {"type": "business_monthly", "hosts": 25}}, {"plan_base": BASE}),
        "sub_addon": (
            {"plan_base": {"type": "business_monthly", "hosts": 20},
             "plan_webinar": [{"type": "webinar500_monthly", "hosts": 5}]},
            {"plan_base": BASE, "plan_webinar": [WEBINAR]},
        ),
        "sub_new": (
            {"plan_base": {"type": "business_monthly", "hosts": 20},
             "plan_large_meeting": [{"type": "large500_monthly", "hosts": 1}],
             "plan_webinar": [{"type": "webinar500_monthly", "state": "cancelled"}]},
            {"plan_base": BASE, "plan_webinar": [WEBINAR]},
        ),
        "sub_gone": ({"plan_base": cancel}, {"plan_base": BASE}),
    }  # fmt: skip
    accounts = [
        DesiredAccount(aid, SourceMark(f"accounts/{aid}.yaml", 1), want)
        for aid, (want, _) in wants.items()
    ]
    lives = {aid: LivePlans(aid, live) for aid, (_, live) in wants.items()}
    options = PlanOptions(allow_cancel=True, allow_cancel_base=True, allow_decrease=True)
    plan = build_plan(accounts, lives, options, now=NOW, renewals=renewals)
    prices = load_prices(ROOT / "examples" / "prices.yaml", "examples/prices.yaml")
    return price_plan(plan, prices)


@pytest.fixture(scope="module")
def plans() -> dict[str, Plan]:
    made = {world: Plan.from_json(world_plan_json(world)) for world in WORLDS}
    made["report"] = report_plan(40)
    made["every_op"] = every_op_plan()
    made["renewals"] = every_op_plan(RENEWALS)
    return made


def rendered(plan: Plan, output_format: str) -> str:
    out = io.StringIO()
    renderer_for(output_format).render(plan, out)
    return out.getvalue()


def test_the_synthetic_plans_hold_every_op(plans: dict[str, Plan]) -> None:
    ops = {a.op for name in ("report", "every_op") for a in plans[name].sent_actions()}
    # update_contact moves no seats and no money (no family to agree on); its lines in every
    # format are checked end to end in tests/apply/test_contact_e2e.py.
    assert ops == set(OPS) - {"update_contact"}


@pytest.mark.parametrize("name", [*WORLDS, "report", "every_op", "renewals"])
def test_every_format_agrees(plans: dict[str, Plan], name: str) -> None:
    plan = plans[name]
    text, markdown, report = (rendered(plan, f) for f in ("text", "markdown", "html"))
    html = html_report(report)
    figures = family_figures(plan)

    # one summary line, the same in text and Markdown; HTML's boxes count the same calls
    (line,) = summary_lines(text)
    assert markdown_summary(markdown) == line
    summary = plan.summary()
    boxes = dict(html.figures)
    assert boxes["calls to send"] == str(sum(summary["actions"].values()))
    assert boxes["with changes"] == str(summary["changes"])
    assert boxes["blocked"] == str(summary["blocked"])

    # seats per family: text lines == Markdown chart == HTML chart
    seats = {title(f): (m.up, m.down) for f, m in figures.seats.items()}
    assert text_seats(text) == seats
    md_charts = charts_in(markdown)
    md_seats = md_charts.get("Seats added and removed by plan family", {})
    assert {k: (up, down) for k, (up, down, _) in md_seats.items()} == seats
    assert html.charts.get("seat-chart", {}) == seats

    # money per family and currency: Markdown chart == HTML chart, totals == the plan's
    totals = plan.cost_totals()
    for currency, families in figures.cost.items():
        expected = {title(f): (m.up, m.down) for f, m in families.items()}
        table = dict(md_charts[f"Monthly cost change by plan family ({currency} per month)"])
        gross, savings, net = table.pop("all families")
        assert {k: (up, down) for k, (up, down, _) in table.items()} == expected
        chart_id = "cost-chart" if currency == next(iter(figures.cost)) else None
        if chart_id:
            assert html.charts[chart_id] == expected
        assert totals is not None
        assert net == totals.increase(currency) and gross == totals.gross_increase(currency)
        assert gross + savings == net
        assert boxes["net per month"] == format_money(net, currency) or len(figures.cost) > 1
        assert f"Cost: {format_money(net, currency)}/month" in line

    # the Family column of every call is the family its money is charted under
    sent = {id(a) for a in plan.sent_actions()}
    calls = [a for account in plan.accounts for a in account.actions]
    assert len(html.families) == sum(max(1, len(a.actions)) for a in plan.accounts)
    charted = {label for chart in html.charts.values() for label in chart}
    for action in calls:
        cost = action.cost
        if id(action) in sent and cost is not None and cost.known and cost.monthly:
            assert title(family_of(action)) in charted


def test_json_is_the_plan_files_form(plans: dict[str, Plan]) -> None:
    plan = plans["report"]
    assert "json" in FORMATS
    assert json.loads(rendered(plan, "json")) == plan.to_json()


def test_the_committed_example_plan_is_current(plans: dict[str, Plan]) -> None:
    """examples/plan.json (the screenshot's plan) is what the examples plan to today; if this
    fails after a change to the plan, run `.venv/bin/python -m tests.render.worlds`."""
    committed = json.loads(EXAMPLE_PLAN.read_text(encoding="utf-8"))
    fresh = plans["examples"].to_json()
    for key in ("accounts", "summary"):
        assert committed[key] == fresh[key], f"examples/plan.json is stale ({key})"
    assert Plan.from_json(committed).accounts == plans["examples"].accounts


def test_every_format_lists_the_same_renewals_and_flags(plans: dict[str, Plan]) -> None:
    """The renewals list's accounts, with date, automatic or not, and amount, and the removals
    flagged near a renewal: the same in text, Markdown, HTML and the JSON."""
    plan = plans["renewals"]
    expected = {
        a.account_id: (a.renewal.next_renewal_date.isoformat(), a.renewal.auto_renew)
        for a in plan.accounts
        if a.renewal is not None
    }
    assert len(expected) == 3
    flagged = [x for a in plan.accounts for x in a.actions if x.renewal_notice]
    assert {x.op for x in flagged} == {"cancel_base", "cancel_addon"}
    text, markdown, report = (rendered(plan, f) for f in ("text", "markdown", "html"))
    for parsed in (text_renewals(text), markdown_renewals(markdown), html_renewals(report)):
        assert {k: (date, auto) for k, (date, auto, _) in parsed.rows.items()} == expected
        assert parsed.rows["sub_new"][2] == "1,234.5"
        assert parsed.notices == len(flagged)
    assert json.loads(rendered(plan, "json"))["renewals"]["read"] is True

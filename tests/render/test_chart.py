"""The Markdown comment's Mermaid charts: present with the plan's numbers, absent when there is
nothing to chart, and dropped before any account when the comment would not fit.

tests/guards/test_cost_chart.py checks the figures of a priced plan made over HTTP.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from reconciler.planner.core import build_plan
from reconciler.planner.model import PlanOptions
from reconciler.render.markdown import GITHUB_COMMENT_LIMIT, render_markdown
from reconciler.zoom.live import LivePlans

NOW = datetime(2026, 11, 22, 1, 0, tzinfo=UTC)
BASE20 = {"type": "business_monthly", "hosts": 20, "status": "active"}


def charts_in(markdown: str) -> dict[str, dict[str, Decimal]]:
    """Each ```mermaid xychart's title -> {bar label: value}."""
    found = {}
    for block in re.findall(r"```mermaid\n(.*?)```", markdown, re.S):
        assert block.startswith("xychart-beta\n")
        title = re.search(r'title "([^"]*)"', block)
        labels = re.search(r"x-axis \[(.*)\]", block)
        bars = re.search(r"bar \[(.*)\]", block)
        assert title and labels and bars, block
        names = [n.strip().strip('"') for n in labels.group(1).split(",")]
        values = [Decimal(v) for v in bars.group(1).split(",")]
        assert len(names) == len(values)
        found[title.group(1)] = dict(zip(names, values, strict=True))
    return found


def test_no_chart_for_an_in_sync_plan(make_desired: Any) -> None:
    account = make_desired({"plan_base": {"type": "business_monthly", "hosts": 20}}, "sub_a")
    plan = build_plan(
        [account], {"sub_a": LivePlans("sub_a", {"plan_base": BASE20})}, PlanOptions()
    )
    assert plan.accounts[0].status == "in_sync"
    markdown = render_markdown(plan)
    assert "mermaid" not in markdown and "Charts left out" not in markdown


def _changed_accounts(make_desired: Any, count: int, *, webinar: bool = True) -> Any:
    wanted: dict[str, Any] = {"plan_base": {"type": "business_monthly", "hosts": 30}}
    if webinar:
        wanted["plan_webinar"] = [{"type": "webinar500_monthly", "hosts": 5}]
    accounts = [make_desired(wanted, f"sub_{i:05d}") for i in range(count)]
    lives = {a.account_id: LivePlans(a.account_id, {"plan_base": BASE20}) for a in accounts}
    return build_plan(accounts, lives, PlanOptions(), now=NOW)


def test_a_300_account_plan_keeps_its_chart_and_stays_under_the_cap(make_desired: Any) -> None:
    md = render_markdown(_changed_accounts(make_desired, 300, webinar=False))
    assert len(md) < GITHUB_COMMENT_LIMIT
    assert charts_in(md) == {"Seats added and removed by plan family": {"base added": 3000}}
    assert md.count("<details>") == 300 and "left out" not in md


def test_the_chart_goes_when_that_lets_every_account_fit(make_desired: Any) -> None:
    plan = _changed_accounts(make_desired, 300, webinar=False)
    full = render_markdown(plan)
    start = full.index("```mermaid")
    charts = full[start : full.index("```\n", start + 3) + 4]
    # a cap every account fits under only without the chart (1,000 is the renderer's reserve)
    note = len("_Charts left out to make room for every account._\n\n")
    assert len(charts) > note + 20  # the window below exists
    md = render_markdown(plan, limit=len(full) - len(charts) + 1_000 + note + 10)
    assert "```mermaid" not in md and "_Charts left out to make room for every account._" in md
    assert md.count("<details>") == 300 and "left out**" not in md


def test_when_accounts_are_cut_anyway_the_chart_stays(make_desired: Any) -> None:
    md = render_markdown(_changed_accounts(make_desired, 2000))
    assert len(md) < GITHUB_COMMENT_LIMIT
    assert charts_in(md) == {
        "Seats added and removed by plan family": {"base added": 20000, "webinar added": 10000}
    }
    assert "more account(s) left out**" in md and "Charts left out" not in md

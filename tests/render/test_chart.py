"""The Markdown comment's charts: present with the plan's numbers, absent when there is
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


def _number(cell: str) -> Decimal:
    """`+$1,240.00`, `-49`, `-` (nothing), `**net -$5.00**` -> the signed amount."""
    cell = cell.strip("* ").removeprefix("gross ").removeprefix("savings ").removeprefix("net ")
    if cell == "-":
        return Decimal(0)
    digits = re.sub(r"[^0-9.]", "", cell)
    return Decimal(digits) * (-1 if cell.startswith("-") else 1)


def charts_in(markdown: str) -> dict[str, dict[str, tuple[Decimal, Decimal, Decimal]]]:
    """Each chart's bold title -> {family label: (up, down, net)}, the `all families` row too.
    Checks each bar's cells point the way of its numbers (losses left, gains right)."""
    found: dict[str, dict[str, tuple[Decimal, Decimal, Decimal]]] = {}
    for title, table in re.findall(
        r"^\*\*([^*]+)\*\*\n\n(\| plan family .*\n(?:\|.*\|\n)+)", markdown, re.M
    ):
        rows: dict[str, tuple[Decimal, Decimal, Decimal]] = {}
        for line in table.splitlines()[2:]:
            cells = [c.strip() for c in line.strip("|").split("|")]
            assert len(cells) == 5, line
            label, up, down, net, bar = cells
            figures = (_number(up), _number(down), _number(net))
            assert figures[0] >= 0 >= figures[1] and figures[0] + figures[1] == figures[2], line
            if bar:
                left, right = bar.strip("`[]").split("│")
                assert (left.strip() != "") == (figures[1] != 0), line
                assert (right.strip() != "") == (figures[0] != 0), line
            rows[label.strip("*")] = figures
        found[title] = rows
    return found


SEATS = "Seats added and removed by plan family"


def test_no_chart_for_an_in_sync_plan(make_desired: Any) -> None:
    account = make_desired({"plan_base": {"type": "business_monthly", "hosts": 20}}, "sub_a")
    plan = build_plan(
        [account], {"sub_a": LivePlans("sub_a", {"plan_base": BASE20})}, PlanOptions()
    )
    assert plan.accounts[0].status == "in_sync"
    markdown = render_markdown(plan)
    assert charts_in(markdown) == {} and "Charts left out" not in markdown


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
    assert charts_in(md) == {SEATS: {"Base plan": (3000, 0, 3000)}}
    assert md.count("<details>") == 300 and "left out" not in md


def test_the_chart_goes_when_that_lets_every_account_fit(make_desired: Any) -> None:
    plan = _changed_accounts(make_desired, 300, webinar=False)
    full = render_markdown(plan)
    start = full.index(f"**{SEATS}**")
    charts = full[start : full.index("\n\n", full.index("| Base plan", start)) + 2]
    # a cap every account fits under only without the chart (1,000 is the renderer's reserve)
    note = len("_Charts left out to make room for every account._\n\n")
    assert len(charts) > note + 20  # the window below exists
    md = render_markdown(plan, limit=len(full) - len(charts) + 1_000 + note + 10)
    assert charts_in(md) == {} and "_Charts left out to make room for every account._" in md
    assert md.count("<details>") == 300 and "left out**" not in md


def test_when_accounts_are_cut_anyway_the_chart_stays(make_desired: Any) -> None:
    md = render_markdown(_changed_accounts(make_desired, 2000))
    assert len(md) < GITHUB_COMMENT_LIMIT
    assert charts_in(md) == {SEATS: {"Base plan": (20000, 0, 20000), "Webinars": (10000, 0, 10000)}}
    assert "more account(s) left out**" in md and "Charts left out" not in md

"""Renderers: Terraform-like text, and a Markdown PR comment that never exceeds GitHub's limit."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from reconciler.planner.core import build_plan
from reconciler.planner.model import Plan, PlanOptions
from reconciler.render.markdown import GITHUB_COMMENT_LIMIT, render_markdown
from reconciler.render.text import render_text, summary_line
from reconciler.zoom.errors import ServerError
from reconciler.zoom.live import LivePlans

NOW = datetime(2026, 11, 22, 1, 0, tzinfo=UTC)
BASE20 = {"type": "business_monthly", "hosts": 20, "status": "active"}


def mixed_plan(make_desired: Any, contact: Any) -> Plan:
    accounts = [
        make_desired(
            {
                "plan_base": {"type": "business_monthly", "hosts": 25},
                "plan_webinar": [
                    {"type": "webinar500_monthly", "hosts": 3},
                    {"type": "webinar1000_monthly", "state": "cancelled"},
                ],
                "plan_audio": {"type": "tollfree_payongo", "tollfree_countries": ["US", "CA"]},
            },
            "sub_change",
            name="Acme EMEA",
        ),
        make_desired(
            {
                "plan_base": {"type": "business_monthly", "hosts": 10},
                "plan_recording": "cmr_monthly_commitment_40",
            },
            "sub_new",
            contact=contact,
        ),
        make_desired({"plan_base": {"type": "business_yearly", "hosts": 20}}, "sub_type"),
        make_desired({"plan_base": {"type": "business_monthly", "hosts": 20}}, "sub_sync"),
        make_desired({"plan_base": {"type": "business_monthly", "hosts": 20}}, "sub_down"),
    ]
    lives = {
        "sub_change": LivePlans(
            "sub_change",
            {
                "plan_base": BASE20,
                "plan_webinar": [{"type": "webinar1000_monthly", "hosts": 1, "status": "active"}],
                "plan_zoom_rooms": {"type": "zroom_monthly", "hosts": 2, "status": "active"},
            },
        ),
        "sub_new": LivePlans("sub_new", None),
        "sub_type": LivePlans("sub_type", {"plan_base": BASE20}),
        "sub_sync": LivePlans("sub_sync", {"plan_base": BASE20}),
        "sub_down": LivePlans(
            "sub_down",
            None,
            None,
            ServerError("boom", status=503, method="GET", path="/accounts/sub_down/plans"),
        ),
    }
    return build_plan(accounts, lives, PlanOptions(allow_cancel=True), now=NOW)


def test_text_reads_like_terraform(make_desired: Any, contact: Any) -> None:
    text = render_text(mixed_plan(make_desired, contact))
    lines = text.splitlines()
    assert '~ sub_change "Acme EMEA" (accounts/sub_change.yaml:1)' in lines
    assert "    ~ plan_base business_monthly: hosts 20 -> 25" in lines
    assert "    + plan_webinar webinar500_monthly: hosts 3" in lines
    assert "    + plan_audio tollfree_payongo: tollfree_countries CA,US" in lines
    assert "    - plan_webinar webinar1000_monthly: hosts 1 (cancel)" in lines
    unmanaged = "    ? Zoom Rooms (plan_zoom_rooms) zroom_monthly: unmanaged"
    assert any(line.startswith(unmanaged) for line in lines)
    assert "+ sub_new (accounts/sub_new.yaml:1)" in lines
    assert "    +   plan_base business_monthly: hosts 10" in lines
    assert "    +   plan_recording cmr_monthly_commitment_40" in lines
    assert "! sub_type (accounts/sub_type.yaml:1): blocked, nothing is sent to it" in lines
    assert any(
        line.startswith(
            "    ! blocked (base_type_change): plan_base: type business_monthly -> business_yearly"
        )
        for line in lines
    )
    assert "x sub_down (accounts/sub_down.yaml:1): could not be planned" in lines
    assert "sub_sync" not in text  # in-sync accounts without unmanaged items are only counted
    # dangerous parts first: error, blocked, then changes
    assert text.index("sub_down") < text.index("sub_type") < text.index("sub_change")
    assert (
        lines[-1] == "Plan: 1 to subscribe, 1 to change, 2 add-ons to add, 1 to cancel; "
        "1 blocked; 1 could not be read; 1 in sync. Heavy calls to apply: 5."
    )
    assert "\x1b[" not in text


def test_text_colour_only_when_asked(make_desired: Any, contact: Any) -> None:
    coloured = render_text(mixed_plan(make_desired, contact), colour=True)
    assert "\x1b[32m    + plan_webinar webinar500_monthly: hosts 3\x1b[0m" in coloured
    assert "\x1b[31m    - plan_webinar" in coloured


def test_summary_line_of_an_empty_plan(make_desired: Any) -> None:
    plan = build_plan([], {}, PlanOptions(), now=NOW)
    assert (
        summary_line(plan)
        == "Plan: 0 to subscribe, 0 to change, 0 add-ons to add, 0 to cancel; 0 blocked; 0 in sync."
        " Heavy calls to apply: 0."
    )
    assert render_text(plan).splitlines() == [
        f"plan_sha256 {plan.plan_sha256} (apply --plan --expect-sha256 holds apply to it)",
        summary_line(plan),
    ]


def test_markdown_has_table_and_sections(make_desired: Any, contact: Any) -> None:
    md = render_markdown(mixed_plan(make_desired, contact))
    assert md.startswith("### zoomplans plan\n")
    assert "| changes | 2 |" in md and "| `add_addon` | 2 |" in md
    assert md.count("<details>") == 4 == md.count("</details>")
    assert "<b>sub_change</b> Acme EMEA" in md
    assert "left out" not in md


def test_markdown_escapes_names_and_fences(make_desired: Any) -> None:
    account = make_desired(
        {"plan_base": {"type": "business_monthly", "hosts": 25}}, "sub_x", name="<b>R&D</b>"
    )
    plan = build_plan(
        [account],
        {"sub_x": LivePlans("sub_x", {"plan_base": {"type": "```", "hosts": 1}})},
        PlanOptions(),
        now=NOW,
    )
    md = render_markdown(plan)
    assert "&lt;b&gt;R&amp;D&lt;/b&gt;" in md
    assert "````diff" in md  # the fence outgrows any backtick run in the content


def test_markdown_for_2000_changed_accounts_stays_under_the_limit(make_desired: Any) -> None:
    accounts = [
        make_desired(
            {
                "plan_base": {"type": "business_monthly", "hosts": 30},
                "plan_webinar": [{"type": "webinar500_monthly", "hosts": 5}],
            },
            f"sub_{i:05d}",
            name=f"Customer number {i}",
        )
        for i in range(2000)
    ]
    lives = {a.account_id: LivePlans(a.account_id, {"plan_base": BASE20}) for a in accounts}
    plan = build_plan(accounts, lives, PlanOptions(), now=NOW)
    md = render_markdown(plan)
    assert len(md) < GITHUB_COMMENT_LIMIT
    shown = md.count("<details>")
    assert 0 < shown < 2000
    assert f"**{2000 - shown} more account(s) left out** ({2000 - shown} changes)" in md
    assert "| changes | 2000 |" in md

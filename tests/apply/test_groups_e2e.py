"""The 2026 groups end to end: plan, apply and re-plan over loopback against the real sandbox.

The desired accounts are built directly (the planner's own input), so these tests need no YAML
schema; the calls are real HTTP to the sandbox, which answers as Zoom's 2026 document does.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from reconciler.apply.replan import replan_converged
from reconciler.apply.runner import plan_sha256, run_apply
from reconciler.apply.seams import ApplySettings
from reconciler.desired.model import DesiredAccount, SourceMark
from reconciler.planner.model import Plan, PlanOptions
from reconciler.planner.workflow import make_plan
from reconciler.zoom import ZoomClient
from reconciler.zoom.config import ZoomConfig
from reconciler.zoom_2026 import operation

BASE = {"type": "business_monthly", "hosts": 20}
FAST = ApplySettings(parallelism=4, verify_timeout_s=5, settle_timeout_s=5, first_pause_s=0.05)


def _config(sb: Any) -> ZoomConfig:
    env = sb.env()
    return ZoomConfig(
        api_base_url=env["ZOOM_API_BASE_URL"],
        oauth_token_url=env["ZOOM_OAUTH_TOKEN_URL"],
        account_id=env["ZOOM_ACCOUNT_ID"],
        client_id=env["ZOOM_CLIENT_ID"],
        client_secret=env["ZOOM_CLIENT_SECRET"],
    )


def _seed(plans: dict[str, Any]) -> dict[str, Any]:
    return {
        "credentials": {"account_id": "MASTER1", "client_id": "demo-client", "client_secret": "s"},
        "accounts": {"sub_1": {"name": "One", "plans": plans}},
    }


def _account(plans: dict[str, Any]) -> DesiredAccount:
    return DesiredAccount("sub_1", SourceMark("accounts/sub_1.yaml", 1), plans)


async def _plan(sb: Any, desired: DesiredAccount, options: PlanOptions) -> Plan:
    async with ZoomClient(_config(sb)) as zoom:
        return await make_plan([desired], zoom, options, progress=False)


async def _apply(sb: Any, desired: DesiredAccount, options: PlanOptions, tmp: Path) -> Plan:
    """Plan, apply the plan, and plan again: the plan applied and the one after it."""
    plan = await _plan(sb, desired, options)
    async with ZoomClient(_config(sb)) as zoom:
        report = await run_apply(
            plan,
            zoom,
            journal_path=tmp / "journal.jsonl",
            plan_hash=plan_sha256(plan),
            mode="fresh_plan",
            settings=FAST,
            converged=replan_converged([desired], options),
        )
    assert [a.state for a in report.accounts] == ["applied"], report.lines()
    return plan


def _writes(sb: Any) -> list[tuple[str, str, str]]:
    return [(w.method, w.path, json.dumps(w.body)) for w in sb.writes() if 200 <= w.status < 300]


async def test_whiteboard_seats_and_a_new_translation_add_on_converge(
    sandbox: Any, tmp_path: Path
) -> None:
    active = {"status": "active", "next_invoice_date": "2031-02-01"}
    sb = sandbox(
        seed=_seed(
            {
                "plan_base": {**BASE, **active},
                "plan_whiteboard": {"type": "zwb_monthly", "hosts": 5, **active},
            }
        )
    )
    want = _account(
        {
            "plan_base": BASE,
            "plan_whiteboard": {"type": "zwb_monthly", "hosts": 8},
            "plan_ztransl": {"type": "ztransl_monthly", "hosts": 3},
        }
    )
    await _apply(sb, want, PlanOptions(), tmp_path)
    assert _writes(sb) == [
        ("POST", "/v2/accounts/sub_1/plans/addons", '{"type": "ztransl_monthly", "hosts": 3}'),
        ("PUT", "/v2/accounts/sub_1/plans/addons", '{"type": "zwb_monthly", "hosts": 8}'),
    ]
    again = await _plan(sb, want, PlanOptions())
    assert again.accounts[0].status == "in_sync"


async def test_cancelling_the_base_plan_goes_after_its_add_ons_and_converges(
    sandbox: Any, tmp_path: Path
) -> None:
    sb = sandbox(
        seed=_seed(
            {
                "plan_base": {**BASE, "status": "active"},
                "plan_webinar": [{"type": "webinar500_monthly", "hosts": 2, "status": "active"}],
            }
        )
    )
    want = _account(
        {
            "plan_base": {**BASE, "state": "cancelled", "reason": 6, "comment": "back later"},
            "plan_webinar": [{"type": "webinar500_monthly", "state": "cancelled"}],
        }
    )
    blocked = await _plan(sb, want, PlanOptions(allow_cancel=True))
    assert blocked.accounts[0].blocked[0].reason_code == "cancel_base_not_allowed"
    options = PlanOptions(allow_cancel=True, allow_cancel_base=True)
    await _apply(sb, want, options, tmp_path)
    assert [(m, p) for m, p, _ in _writes(sb)] == [
        ("PATCH", "/v2/accounts/sub_1/plans/addons/status"),
        ("PATCH", "/v2/accounts/sub_1/plans/base/status"),
    ]
    assert json.loads(_writes(sb)[1][2]) == {
        "action": "cancel",
        "reason": 6,
        "comment": "back later",
    }
    again = await _plan(sb, want, options)
    assert again.accounts[0].status == "in_sync"


async def test_every_manageable_group_is_bought_changed_and_cancelled_converging(
    sandbox: Any, tmp_path: Path
) -> None:
    """One entry in every group a call can buy, on a subscribed account: one POST each, in the
    order Zoom's preconditions need (phone base before Business Plus, packages before Contact
    Center add-ons, the Node base before its add-ons), then a re-plan in sync."""
    from tests.planner.group_entries import MANAGED, entry_of, merged, placed

    # Groups of Zoom's 2026 document whose codes its catalogue lists: the sandbox reads the
    # same document, so it sells exactly these (Clips Plus has no catalogue code; the Virtual
    # Agent groups came after the document and are read only, so not in MANAGED); and that
    # GET lists (not the Power Pack, which zoomplans never buys blind).
    answer = operation("GET", "/accounts/{accountId}/plans").response_schemas[200] or {}
    documented = set(answer["properties"])
    sold = [row for row in MANAGED if row.sections and row.path[0] in documented and row.listed]
    assert {row.key for row in MANAGED} - {row.key for row in sold} == {
        "plan_zoom_clips_plus",
        "plan_phone.plan_calling_addons",
    }
    sb = sandbox(seed=_seed({"plan_base": {**BASE, "status": "active"}}))
    plans = merged({"plan_base": BASE}, *(placed(row, entry_of(row)) for row in sold))
    want = _account(plans)
    plan = await _apply(sb, want, PlanOptions(), tmp_path)
    assert [a.op for a in plan.accounts[0].actions] == ["add_addon"] * len(sold)
    assert len(_writes(sb)) == len(sold)
    again = await _plan(sb, want, PlanOptions())
    assert again.accounts[0].status == "in_sync", again.accounts[0]

    # Then one more seat on every seated entry (one PUT each), and then everything cancelled,
    # dependants first and the base plan last, each step converging.
    seated = [row for row in sold if row.seats]
    more = _account(merged({"plan_base": BASE}, *(placed(row, entry_of(row, 4)) for row in sold)))
    plan = await _apply(sb, more, PlanOptions(), tmp_path)
    assert [(a.op, a.body["hosts"]) for a in plan.accounts[0].actions] == [
        ("update_addon", 4)
    ] * len(seated)
    gone = {"state": "cancelled"}
    cancel = _account(
        merged(
            {"plan_base": {**BASE, **gone}},
            *(placed(row, {"type": entry_of(row)["type"], **gone}) for row in sold),
        )
    )
    options = PlanOptions(allow_cancel=True, allow_cancel_base=True)
    plan = await _apply(sb, cancel, options, tmp_path)
    ops = [a.op for a in plan.accounts[0].actions]
    assert ops == ["cancel_addon"] * len(sold) + ["cancel_base"]
    assert (await _plan(sb, cancel, options)).accounts[0].status == "in_sync"

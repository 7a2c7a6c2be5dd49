"""Issue 22: a saved plan file carries no authority. Over real HTTP against the sandbox, and
without click: the policy is the service's (``reconciler.service.apply_run.apply_changes``).

The reviewed file says *what*; the operator's flag at apply says *yes*. An edited file (opt-ins,
status, blocked items, limits, expiry, a call added) sends nothing and names what differs; an
untouched plan made with --allow-cancel needs --allow-cancel at apply.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from reconciler.apply.report import ApplyReport
from reconciler.apply.seams import ApplySettings
from reconciler.planner.model import Plan
from reconciler.service.apply_run import apply_changes
from reconciler.service.plan_run import make_plan_for
from reconciler.service.requests import (
    ApplyRequest,
    Guards,
    OptIn,
    PlanRequest,
    SavedPlanRequest,
    Selection,
)
from reconciler.zoom.config import ZoomConfig

FIXTURES = Path(__file__).parents[1] / "apply" / "fixtures"
SEED = FIXTURES / "seed.yaml"
SELECTION = Selection(paths=(str(FIXTURES / "accounts"),))
DECREASE, CANCEL = OptIn.ALLOW_DECREASE, OptIn.ALLOW_CANCEL
FAST = ApplySettings(verify_timeout_s=2.0, settle_timeout_s=1.0, first_pause_s=0.05)


class Recorder:
    """The service's hooks: keeps every line, approves nothing (a saved plan is not asked)."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.shown: list[Plan] = []

    def say(self, line: str) -> None:
        self.lines.append(line)

    def show_plan(self, plan: Plan) -> None:
        self.shown.append(plan)

    async def confirm(self) -> bool:
        raise AssertionError("a saved plan is never asked about")


def zoom(sb: Any) -> ZoomConfig:
    return ZoomConfig.from_env(sb.env())


def save_plan(sb: Any, path: Path, *opt_ins: OptIn) -> dict[str, Any]:
    request = PlanRequest(
        selection=SELECTION, guards=Guards(opt_ins=frozenset(opt_ins)), zoom=zoom(sb)
    )
    result = asyncio.run(make_plan_for(request, lambda _line: None))
    data = result.plan.to_json()
    path.write_text(json.dumps(data, indent=2))
    return data


def apply_saved(
    sb: Any, tmp_path: Path, path: Path, *opt_ins: OptIn, **saved: Any
) -> tuple[ApplyReport, Recorder]:
    request = ApplyRequest(
        selection=SELECTION,
        guards=Guards(opt_ins=frozenset(opt_ins)),
        saved=SavedPlanRequest(path=path, **saved),
        journal_path=tmp_path / "journal.jsonl",
        settings=FAST,
        zoom=zoom(sb),
    )
    hooks = Recorder()
    return asyncio.run(apply_changes(request, hooks)), hooks


def account(data: dict[str, Any], account_id: str) -> dict[str, Any]:
    return next(a for a in data["accounts"] if a["account_id"] == account_id)


def refused(report: ApplyReport, sb: Any, *named: str) -> str:
    """The run was refused before any call, naming each of ``named``; its error line."""
    assert report.refusal is not None, report.lines()
    assert report.exit_code == 1
    (line,) = report.error_lines()[-1:]
    assert line.endswith("; nothing was sent")
    for text in named:
        assert text in line
    assert sb.writes() == []
    return line


def test_a_blocked_cancellation_edited_into_the_calls_is_refused_naming_the_flag(
    sandbox, tmp_path: Path
) -> None:
    sb = sandbox(SEED)
    path = tmp_path / "plan.json"
    data = save_plan(sb, path, DECREASE)
    up = account(data, "sub_up")
    (item,) = [b for b in up["blocked"] if b["reason"] == "cancel_not_allowed"]
    # The attack of issue 22: the opt-in switched on, the status made `changes`, and the
    # blocked cancellation moved into the calls (as `plan --allow-cancel` would have written it).
    data["options"]["allow_cancel"] = True
    up["blocked"] = [b for b in up["blocked"] if b is not item]
    up["status"] = "changes"
    up["actions"].append(
        {"op": "cancel_addon", "class": "addon_cancelled", "method": "PATCH",
         "path": item["path"], "body": item["body"], "before": {"type": "zroom_monthly"},
         "after": None, "group": item["group"]}
    )  # fmt: skip
    path.write_text(json.dumps(data))
    sb.clear_requests()
    report, _ = apply_saved(sb, tmp_path, path, DECREASE)
    refused(report, sb, "apply was not given --allow-cancel")
    # With the flag, the opt-in is the operator's; the calls are still proved, and these are
    # not what `plan --allow-cancel` makes of the files (the status, the other calls).
    report, _ = apply_saved(sb, tmp_path, path, DECREASE, CANCEL)
    refused(report, sb, "the saved plan is not what the desired files and Zoom imply", "sub_up")


def test_an_untouched_plan_made_with_allow_cancel_needs_allow_cancel_at_apply(
    sandbox, tmp_path: Path
) -> None:
    sb = sandbox(SEED)
    path = tmp_path / "plan.json"
    data = save_plan(sb, path, DECREASE, CANCEL)
    sb.clear_requests()
    report, _ = apply_saved(sb, tmp_path, path, DECREASE)
    refused(report, sb, "--allow-cancel")
    assert sb.requests == []  # refused from the file alone: not even a read
    report, hooks = apply_saved(sb, tmp_path, path, DECREASE, CANCEL)
    assert report.exit_code == 0, report.lines() + hooks.lines
    assert report.plan_sha256 == data["plan_sha256"]
    assert f"plan_sha256 {data['plan_sha256']}" in hooks.lines  # apply prints it
    assert report.count("applied") == 4


def edit_status(data: dict[str, Any]) -> None:
    account(data, "sub_up")["status"] = "in_sync"


def edit_blocked(data: dict[str, Any]) -> None:
    account(data, "sub_up")["blocked"] = []


def edit_limit(data: dict[str, Any]) -> None:
    data["options"]["max_seats_removed"] = 100000


def edit_expiry(data: dict[str, Any]) -> None:
    later = datetime.now(UTC) + timedelta(days=30)
    data["expires_at"] = later.isoformat().replace("+00:00", "Z")


def add_a_call(data: dict[str, Any]) -> None:
    actions = account(data, "sub_down")["actions"]
    actions.append(dict(actions[0]))


@pytest.mark.parametrize(
    ("edit", "named"),
    [
        (edit_status, "sub_up: status in_sync in the file, blocked when planned"),
        (edit_blocked, "sub_up: the file's blocked items are not the ones planned now"),
        (edit_limit, "--max-seats-removed is 100000 in the file and 100 at apply"),
        (edit_expiry, "is later than created_at + --max-plan-age 1d"),
        (add_a_call, "sub_down: the file has 1 action(s) more than the files imply"),
    ],
)
def test_an_edited_plan_sends_nothing_and_names_what_differs(
    sandbox, tmp_path: Path, edit: Callable[[dict[str, Any]], None], named: str
) -> None:
    sb = sandbox(SEED)
    path = tmp_path / "plan.json"
    data = save_plan(sb, path, DECREASE)  # sub_up's cancellation is blocked in this plan
    edit(data)
    path.write_text(json.dumps(data))
    sb.clear_requests()
    report, _ = apply_saved(sb, tmp_path, path, DECREASE)
    refused(report, sb, named)


def test_expect_sha256_holds_apply_to_the_reviewed_plan(sandbox, tmp_path: Path) -> None:
    sb = sandbox(SEED)
    path = tmp_path / "plan.json"
    data = save_plan(sb, path, DECREASE)
    sb.clear_requests()
    report, _ = apply_saved(sb, tmp_path, path, DECREASE, expect_sha256="0" * 64)
    refused(report, sb, f"plan_sha256 is {data['plan_sha256']}, not the --expect-sha256")
    report, _ = apply_saved(sb, tmp_path, path, DECREASE, expect_sha256=data["plan_sha256"])
    assert report.refusal is None and report.calls_made > 0, report.lines()


def test_an_old_plan_is_refused_by_apply_s_own_age(sandbox, tmp_path: Path) -> None:
    sb = sandbox(SEED)
    path = tmp_path / "plan.json"
    save_plan(sb, path, DECREASE)
    report, _ = apply_saved(sb, tmp_path, path, DECREASE, max_age=timedelta(seconds=0))
    refused(report, sb, "--max-plan-age 0s")

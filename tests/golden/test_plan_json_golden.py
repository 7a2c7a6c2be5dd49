"""The plan JSON of the example worlds is byte-identical to the golden files in this folder.

The golden files were written from the tree before the operations moved into one table
(`reconciler/groups/operations.py`), so any refactor that changes a byte of a plan (an op's
method or path, an action's order, class or cost) fails here. `created_at`, `expires_at` and
`git_commit` change with every run and are left out. Regenerate only on purpose:
`ZOOMPLANS_WRITE_GOLDEN=1 .venv/bin/python -m pytest tests/golden -n 0`.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from reconciler.cli import cli
from reconciler.desired.model import DesiredAccount, SourceMark
from reconciler.planner.core import build_plan
from reconciler.planner.costs import price_plan
from reconciler.planner.model import PlanOptions
from reconciler.pricing.prices import load_prices
from reconciler.zoom.live import LivePlans

HERE = Path(__file__).parent
ROOT = HERE.parents[1]
VOLATILE = ("created_at", "expires_at", "git_commit")
#: Settings whose value is the sandbox's port, new on every run.
VOLATILE_SETTINGS = ("api_base_url", "oauth_token_url")
WORLDS = {
    "examples": (ROOT / "examples", ROOT / "examples" / "sandbox-seed.yaml"),
    "apply": (ROOT / "tests/apply/fixtures", ROOT / "tests/apply/fixtures/seed.yaml"),
    "guards": (ROOT / "tests/guards/fixtures", ROOT / "tests/guards/fixtures/seed.yaml"),
}


def _stable(plan_json: dict[str, Any]) -> str:
    for key in VOLATILE:
        plan_json.pop(key, None)
    plan_json["settings"] = [
        s for s in plan_json.get("settings", []) if s["name"] not in VOLATILE_SETTINGS
    ]
    return json.dumps(plan_json, indent=2, sort_keys=False) + "\n"


def _compare(name: str, text: str) -> None:
    golden = HERE / f"{name}.plan.json"
    if os.environ.get("ZOOMPLANS_WRITE_GOLDEN"):
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8"), f"{golden.name} differs"


@pytest.mark.parametrize("world", sorted(WORLDS))
def test_the_plan_json_of_a_fixture_world_is_the_golden_one(
    sandbox: Any, monkeypatch: pytest.MonkeyPatch, world: str
) -> None:
    folder, seed = WORLDS[world]
    sb = sandbox(seed)
    monkeypatch.chdir(folder)  # relative sources; the examples' zoomplans.yaml prices the plan
    args = ["plan", "accounts", "--allow-decrease", "--allow-cancel", "--format", "json"]
    made = CliRunner().invoke(cli, args, env={**sb.env(), "NO_COLOR": "1"})
    assert made.exit_code in (0, 1), made.output  # 1: some account is blocked
    _compare(world, _stable(json.loads(made.stdout)))


BASE = {"type": "business_monthly", "hosts": 20, "status": "active"}
CANCELLED = {"type": "business_monthly", "state": "cancelled", "reason": 6, "comment": "later"}


def test_the_plan_json_of_every_op_built_in_memory_is_the_golden_one() -> None:
    """Every op, cancel_base too (no fixture world cancels a base plan), priced."""
    lives = {
        "sub_leave": {
            "plan_base": BASE,
            "plan_webinar": [{"type": "webinar500_monthly", "hosts": 2, "status": "active"}],
            "plan_large_meeting": [{"type": "large500_monthly", "hosts": 1, "status": "active"}],
        },
        "sub_grow": {
            "plan_base": BASE,
            "plan_webinar": [{"type": "webinar500_monthly", "hosts": 2, "status": "active"}],
            "plan_large_meeting": [{"type": "large500_monthly", "hosts": 3, "status": "active"}],
        },
        "sub_new": None,
    }
    wants: dict[str, dict[str, Any]] = {
        "sub_leave": {
            "plan_base": CANCELLED,
            "plan_webinar": [{"type": "webinar500_monthly", "state": "cancelled"}],
            "plan_large_meeting": [{"type": "large500_monthly", "state": "cancelled"}],
        },
        "sub_grow": {
            "plan_base": {"type": "business_monthly", "hosts": 18},
            "plan_webinar": [{"type": "webinar500_monthly", "hosts": 4}],
            "plan_large_meeting": [{"type": "large500_monthly", "hosts": 1}],
            "plan_zoom_rooms": {"type": "zroom_monthly", "hosts": 2},
        },
        "sub_new": {
            "plan_base": {"type": "business_monthly", "hosts": 10},
            "plan_webinar": [{"type": "webinar500_monthly", "hosts": 1}],
        },
    }
    accounts = [
        DesiredAccount(
            aid,
            SourceMark(f"accounts/{aid}.yaml", 1),
            plans,
            contact=_contact() if aid == "sub_new" else None,
        )
        for aid, plans in wants.items()
    ]
    options = PlanOptions(allow_decrease=True, allow_cancel=True, allow_cancel_base=True)
    now = datetime(2026, 12, 6, 3, 0, tzinfo=UTC)
    plan = build_plan(
        accounts,
        {aid: LivePlans(aid, live) for aid, live in lives.items()},
        options,
        now=now,
        git_commit="0123abcd" * 5,
    )
    priced = price_plan(plan, load_prices(ROOT / "examples" / "prices.yaml", "prices.yaml"))
    _compare("every_op", _stable(priced.to_json()))


def _contact() -> dict[str, str]:
    from tests.sample_contact import CONTACT

    return dict(CONTACT)

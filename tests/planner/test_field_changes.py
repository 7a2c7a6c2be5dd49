"""Every planned call lists exactly the fields it changes: `changes: [{path, before, after}]`.

The oracle below reads the documented contract (reconciler.planner.changes) independently of
the planner's comparison: flatten each side of a call into `path -> value`, and the fields whose
values differ are exactly the call's changes, with their whole values on each side.
"""

from __future__ import annotations

import json
import random
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from deepdiff import DeepDiff
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reconciler.cli import cli
from reconciler.planner.changes import _changed_fields, with_changes
from reconciler.planner.core import build_plan, plan_account
from reconciler.planner.model import AccountPlan, Action, FieldChange, Plan, PlanOptions
from reconciler.planner.plan_schema import schema_problems
from reconciler.render.markdown import render_markdown
from reconciler.render.text import action_lines, render_text
from reconciler.zoom.live import LivePlans
from tests.planner.test_planner import CASES
from tests.planner.test_properties import account, pairs
from tests.render.test_text_markdown import mixed_plan

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from scenario import account_ids, desired_account, desired_plans, live_answer

NOW = datetime(2026, 11, 22, 1, 0, tzinfo=UTC)
ALL_OPTIONS = PlanOptions(allow_decrease=True, allow_cancel=True)


def _flat(op: str, side: dict[str, Any] | None) -> dict[str, Any]:
    """One side of a call as path -> value, spelled as the contract documents the paths."""
    if side is None:
        return {}
    if op != "subscribe":
        return dict(side)
    flat = {f"plan_base.{k}": v for k, v in side["plan_base"].items()}
    for addon in side["addons"]:
        entry = f"{addon['group']}[{addon['type']}]"
        flat.update({f"{entry}.{k}": v for k, v in addon.items() if k != "group"})
    return flat


def expected_changes(action: Action) -> set[tuple[str, str, str]]:
    before, after = _flat(action.op, action.before), _flat(action.op, action.after)
    return {
        (path, json.dumps(before.get(path)), json.dumps(after.get(path)))
        for path in set(before) | set(after)
        if before.get(path) != after.get(path)
    }


def check_changes(actions: tuple[Action, ...]) -> int:
    """Every differing field is in changes, nothing else is, none twice; returns the count."""
    for action in actions:
        assert action.changes is not None, action
        found = [(c.path, json.dumps(c.before), json.dumps(c.after)) for c in action.changes]
        assert len(found) == len(set(found)), found
        assert set(found) == expected_changes(action), (action.op, action.before, action.after)
    return sum(len(a.changes or ()) for a in actions)


@pytest.mark.parametrize(
    ("desired", "live", "opts"), [c[1:4] for c in CASES], ids=[c[0] for c in CASES]
)
def test_every_table_case_lists_its_changed_fields(
    make_desired: Any, idle_usage: Any, desired: Any, live: Any, opts: dict[str, bool]
) -> None:
    result = plan_account(
        make_desired(desired), LivePlans("sub_1", live, idle_usage(live)), PlanOptions(**opts)
    )
    assert check_changes(result.actions) >= len(result.actions)  # a call changes something


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pairs())
def test_random_pairs_list_exactly_their_changed_fields(
    idle_usage: Any, pair: tuple[dict[str, Any] | None, dict[str, Any]]
) -> None:
    live, want = pair
    result = plan_account(account(want), LivePlans("sub_p", live, idle_usage(live)), ALL_OPTIONS)
    check_changes(result.actions)


def test_a_whole_plan_of_300_generated_accounts(make_desired: Any) -> None:
    rng = random.Random(14)
    accounts, lives = [], {}
    for account_id in account_ids(300):
        live = live_answer(rng)
        change = rng.random() < 0.5
        plans = desired_plans(live, more_seats=rng.randint(1, 5) * change, add_large_meeting=change)
        accounts.append(desired_account(account_id, plans))
        lives[account_id] = LivePlans(account_id, live)
    plan = build_plan(accounts, lives, PlanOptions(), now=NOW)
    assert sum(check_changes(a.actions) for a in plan.accounts) > 100
    # build_plan (the whole plan) and plan_account (one account) agree
    for planned in plan.accounts[:40]:
        desired = next(a for a in accounts if a.account_id == planned.account_id)
        again = plan_account(desired, lives[planned.account_id], PlanOptions())
        assert again.actions == planned.actions


def test_the_mixed_plan_changes_read_as_documented(make_desired: Any, contact: Any) -> None:
    plan = mixed_plan(make_desired, contact)
    by_op = {(a.op, a.group): a for account in plan.accounts for a in account.actions}
    assert by_op["update_base", "plan_base"].changes == (FieldChange("hosts", 20, 25),)
    assert by_op["add_addon", "plan_webinar"].changes == (
        FieldChange("type", None, "webinar500_monthly"),
        FieldChange("hosts", None, 3),
    )
    assert by_op["cancel_addon", "plan_webinar"].changes == (
        FieldChange("type", "webinar1000_monthly", None),
        FieldChange("hosts", 1, None),
    )
    assert by_op["subscribe", None].changes == (
        FieldChange("plan_base.type", None, "business_monthly"),
        FieldChange("plan_base.hosts", None, 10),
        FieldChange(
            "plan_recording[cmr_monthly_commitment_40].type", None, "cmr_monthly_commitment_40"
        ),
    )
    audio = by_op["add_addon", "plan_audio"]
    assert FieldChange("tollfree_countries", None, ["CA", "US"]) in (audio.changes or ())
    for account_plan in plan.accounts:
        check_changes(account_plan.actions)


def test_changes_round_trip_through_the_plan_file_and_validate(
    make_desired: Any, contact: Any
) -> None:
    plan = mixed_plan(make_desired, contact)
    data = json.loads(json.dumps(plan.to_json()))
    assert schema_problems(data) == []
    actions = [a for account in data["accounts"] for a in account["actions"]]
    assert all(set(c) == {"path", "before", "after"} for a in actions for c in a["changes"])
    again = Plan.from_json(data)
    assert again == plan
    assert render_text(again) == render_text(plan)
    broken = json.loads(json.dumps(data))
    broken["accounts"][0]["actions"][0]["changes"] = [{"path": "hosts", "before": 1}]
    assert any("changes" in p for p in schema_problems(broken))


def test_a_plan_file_without_changes_still_reads_and_shows_them(
    make_desired: Any, contact: Any
) -> None:
    plan = mixed_plan(make_desired, contact)
    data = plan.to_json()
    for account_plan in data["accounts"]:
        for action in account_plan["actions"]:
            del action["changes"]
    assert schema_problems(data) == []
    old = Plan.from_json(data)
    assert all(a.changes is None for account in old.accounts for a in account.actions)
    written = old.to_json()["accounts"]
    assert all("changes" not in action for a in written for action in a["actions"])
    assert render_text(old) == render_text(plan)  # computed from before/after when absent
    assert render_markdown(old) == render_markdown(plan)


def test_text_shows_each_changed_field_and_country_additions_and_removals() -> None:
    update = Action(
        op="update_addon",
        klass="seat_increase",
        method="PUT",
        path="/accounts/sub_1/plans/addons",
        body={"type": "tollfree_payongo", "hosts": 5},
        before={"hosts": 4, "tollfree_countries": ["DE", "US"]},
        after={"hosts": 5, "tollfree_countries": ["FR", "GB", "US"]},
        group="plan_audio",
    )
    assert action_lines(update) == [
        ("~", "plan_audio tollfree_payongo: hosts 4 -> 5"),
        ("~", "plan_audio tollfree_payongo: tollfree_countries +FR +GB -DE"),
    ]
    assert check_changes(plan_changes_of(update)) == 2


def plan_changes_of(action: Action) -> tuple[Action, ...]:
    """The action with its changes filled in, as the planner's last step fills them."""
    return with_changes(
        [
            AccountPlan(
                account_id="sub_1",
                source=None,
                status="changes",
                live_sha256=None,
                actions=(action,),
            )
        ]
    )[0].actions


ROOT = Path(__file__).resolve().parents[2]
WORLDS = {
    "examples": (ROOT / "examples" / "sandbox-seed.yaml", ROOT / "examples" / "accounts"),
    "apply": (ROOT / "tests/apply/fixtures/seed.yaml", ROOT / "tests/apply/fixtures/accounts"),
    "guards": (ROOT / "tests/guards/fixtures/seed.yaml", ROOT / "tests/guards/fixtures/accounts"),
}


@pytest.mark.parametrize("world", sorted(WORLDS))
def test_every_call_of_the_fixture_worlds_lists_its_changes_and_the_text_shows_them(
    sandbox: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, world: str
) -> None:
    seed, accounts = WORLDS[world]
    sb = sandbox(seed)
    monkeypatch.chdir(tmp_path)  # no zoomplans.yaml of the repository is read
    args = ["plan", str(accounts), "--allow-decrease", "--allow-cancel"]
    env = {**sb.env(), "NO_COLOR": "1"}
    made = CliRunner().invoke(cli, [*args, "--format", "json"], env=env)
    assert made.exit_code in (0, 1), made.output  # 1: some account is blocked
    plan = Plan.from_json(json.loads(made.stdout))
    actions = [a for account in plan.accounts for a in account.actions]
    assert actions and check_changes(tuple(actions)) >= len(actions)
    text = CliRunner().invoke(cli, args, env=env).stdout
    for action in actions:
        for change in action.changes or ():
            if action.op in ("update_base", "update_addon"):
                old, new = _shown(change.before), _shown(change.after)
                assert f"{action.group} {action.body['type']}: {change.path} {old} -> {new}" in (
                    text
                )
            elif change.field != "type":
                value = change.after if change.after is not None else change.before
                assert f"{change.field} {_shown(value)}" in text, (change, text)


def _shown(value: Any) -> str:
    return ",".join(value) if isinstance(value, list) else str(value)


_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-3, 3)
    | st.sampled_from([0.0, 1.0, 2.5, -0.0, float("nan")])
    | st.sampled_from(["", "US", "CA", "a b"]),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.tuples(inner, inner)
        | st.dictionaries(st.sampled_from(["hosts", "type"]), inner, max_size=2)
    ),
    max_leaves=6,
)
_ENTRIES = st.dictionaries(st.sampled_from(["type", "hosts", "countries", "x"]), _VALUES)


@settings(max_examples=400, deadline=None)
@given(_ENTRIES, _ENTRIES, st.booleans())
def test_the_changed_fields_are_those_deepdiff_names(
    old: dict[str, Any], new: dict[str, Any], shared: bool
) -> None:
    """`_changed_fields` compares scalars and lists itself: it must name what DeepDiff would.

    DeepDiff's `threshold_to_diff_deeper` is off here: by default DeepDiff reports two dicts
    sharing under a third of their keys as one changed root and names no field at all (the
    changes of `{type}` -> `{type, a, b, c}` were lost that way before `_same` existed)."""
    if shared:  # the same objects on both sides (DeepDiff's identity shortcut: one NaN object)
        new = {**new, **{k: v for k, v in old.items() if k != "x"}}
    expected = {str(k) for k in DeepDiff(old, new, threshold_to_diff_deeper=0).affected_root_keys}
    assert set(_changed_fields(old, new)) == expected


def test_an_entry_gaining_most_of_its_fields_names_each_of_them() -> None:
    old = {"type": "tollfree_payongo"}
    new = {**old, "tollfree_countries": ["US"], "callout_countries": ["CA"], "ddi_numbers": 2}
    assert sorted(_changed_fields(old, new)) == [
        "callout_countries",
        "ddi_numbers",
        "tollfree_countries",
    ]

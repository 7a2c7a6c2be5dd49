"""`apply --plan` proves a saved plan from the file's own ``live`` snapshots before any read
(reconciler/service/offline_proof.py), and the compare-and-swap read completes the proof.

An edited call or snapshot refuses the whole plan with nothing read and nothing sent; a forged
snapshot consistent with forged calls passes the offline proof but the fresh read then makes the
account stale, so nothing is sent to it either.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from click.testing import CliRunner

from reconciler.cli import cli
from reconciler.groups.normalise import normalise_plans
from reconciler.groups.normalised import live_from_canonical
from tests.apply.test_apply_saved_plan import ACCOUNTS, SEED, apply_plan, make_plan


def plan_data(plan: Path) -> dict[str, Any]:
    return dict(json.loads(plan.read_text()))


def account_in(data: dict[str, Any], account_id: str) -> dict[str, Any]:
    return next(a for a in data["accounts"] if a["account_id"] == account_id)


def api_calls(sb: Any) -> list[Any]:
    return [r for r in sb.requests if r.path.startswith("/v2/")]


def test_a_live_reading_comes_back_from_its_canonical_form_and_nothing_else_does() -> None:
    answer = {
        "plan_base": {"type": "business_monthly", "hosts": 20, "status": "active"},
        "plan_webinar": [{"type": "webinar500_monthly", "hosts": 3, "status": "active"}],
    }
    have = normalise_plans(answer)
    canonical = json.loads(json.dumps(have.to_canonical()))  # as a plan file holds it
    assert live_from_canonical(canonical) == have
    assert live_from_canonical(json.loads(json.dumps(normalise_plans(None).to_canonical())))
    desired_only = {**canonical, "bundle": ["x"]}
    twice = {**canonical, "addons": canonical["addons"] * 2}
    extra = {"group": "plan_zoom_rooms", "type": "zroom_monthly", "hosts": 1}
    unsorted = {**canonical, "addons": [extra, *canonical["addons"]]}
    for forged in (None, [], desired_only, twice, unsorted, {**canonical, "base": 3}):
        assert live_from_canonical(forged) is None


def test_the_proof_reads_only_what_a_snapshot_cannot_prove(sandbox, tmp_path: Path) -> None:
    sb = sandbox(SEED)
    plan = make_plan(sb, tmp_path)
    sb.clear_requests()
    done = apply_plan(sb, tmp_path, plan)
    assert done.exit_code == 0, done.output
    gets = [r.path for r in api_calls(sb) if r.method == "GET"]
    # sub_down's allowed decrease is proved from a read with its seats in use; the others from
    # their snapshots, then each read once before writing and once to verify.
    assert gets.count("/v2/accounts/sub_down/plans/usage") == 1
    for account_id in ("sub_up", "sub_new", "sub_audio"):
        assert gets.count(f"/v2/accounts/{account_id}/plans") >= 2, gets


def test_an_edited_snapshot_refuses_the_whole_plan_before_any_read(sandbox, tmp_path: Path) -> None:
    sb = sandbox(SEED)
    plan = make_plan(sb, tmp_path)
    data = plan_data(plan)
    account_in(data, "sub_up")["live"]["base"]["hosts"] = 5
    plan.write_text(json.dumps(data))
    sb.clear_requests()
    done = apply_plan(sb, tmp_path, plan)
    assert done.exit_code == 1
    assert "sub_up: the file's live plans do not hash to its live_sha256" in done.output
    assert done.output.rstrip().endswith("nothing was sent")
    assert api_calls(sb) == []


def test_an_edited_call_is_refused_with_nothing_read(sandbox, tmp_path: Path) -> None:
    sb = sandbox(SEED)
    plan = make_plan(sb, tmp_path)
    data = plan_data(plan)
    action = next(a for a in account_in(data, "sub_up")["actions"] if a["op"] == "update_addon")
    action["body"]["hosts"] = action["after"]["hosts"] = 50
    plan.write_text(json.dumps(data))
    sb.clear_requests()
    done = apply_plan(sb, tmp_path, plan)
    assert done.exit_code == 1
    assert "sub_up: action " in done.output and '"hosts":50' in done.output
    assert api_calls(sb) == []  # refused from the file alone: not even a read


def test_a_forged_snapshot_with_matching_calls_makes_the_account_stale(
    sandbox, tmp_path: Path
) -> None:
    """Zoom holds 20 base seats on sub_up. The file claims 10 and plans 10 -> 25 to match, its
    snapshot, live_sha256 and calls all agreeing (made here by planning against a Zoom that
    holds 10, which is what a careful forger would write): the offline proof holds, but the
    fresh read does not hash to the file's live_sha256, so nothing is sent to sub_up."""
    forged_world = yaml.safe_load(SEED.read_text())
    forged_world["accounts"]["sub_up"]["plans"]["plan_base"]["hosts"] = 10
    plan = make_plan(sandbox(forged_world), tmp_path)
    assert account_in(plan_data(plan), "sub_up")["live"]["base"]["hosts"] == 10
    sb = sandbox(SEED)
    done = apply_plan(sb, tmp_path, plan)
    assert "sub_up: stale" in done.output, done.output
    assert done.exit_code == 1
    assert [w for w in sb.writes() if "/accounts/sub_up/" in w.path] == []
    assert sb.plans("sub_up")["plan_base"]["hosts"] == 20


def test_with_at_renewal_the_renewals_list_is_read_before_the_offline_proof(
    sandbox, tmp_path: Path
) -> None:
    """--at-renewal dates removals by the renewals list, so the proof reads it first (as this
    run reads it, never the file's); the accounts with calls are still proved offline."""
    sb = sandbox(SEED)
    plan, journal = tmp_path / "plan.json", tmp_path / "journal.jsonl"
    flags = ("--allow-cancel", "--allow-decrease", "--at-renewal")
    CliRunner().invoke(cli, ["plan", ACCOUNTS, *flags, "--out", str(plan)], env=sb.env())
    audio = account_in(plan_data(plan), "sub_audio")
    assert audio["status"] == "changes" and audio["live"] is not None
    sb.clear_requests()
    args = ["apply", ACCOUNTS, *flags, "--plan", str(plan), "--journal", str(journal)]
    done = CliRunner().invoke(cli, args, env=sb.env())
    assert "sub_audio: applied" in done.output, done.output
    paths = [r.path for r in api_calls(sb)]
    renewals = paths.index("/v2/accounts/billing/renewals")
    assert renewals < paths.index("/v2/accounts/sub_audio/plans")
    assert all(r.method == "GET" for r in api_calls(sb)[:renewals])

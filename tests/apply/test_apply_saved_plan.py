"""`apply --plan FILE [PATH...]` proves the saved actions are what the files and Zoom imply.

An edit that changes ``body`` and ``after`` together passes every shape check, so apply plans
each account again (same files, same live plans, the plan's recorded options) before its first
write and refuses it unless the actions are identical; files other than the plan's are refused
before anything is sent.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from reconciler.cli import cli

FIXTURES = Path(__file__).parent / "fixtures"
SEED = FIXTURES / "seed.yaml"
ACCOUNTS = str(FIXTURES / "accounts")
OPT_INS = ("--allow-cancel", "--allow-decrease")


def make_plan(sb: Any, tmp_path: Path, accounts: str = ACCOUNTS) -> Path:
    out = tmp_path / "plan.json"
    made = CliRunner().invoke(cli, ["plan", accounts, *OPT_INS, "--out", str(out)], env=sb.env())
    assert made.exit_code == 0, made.output
    return out


def apply_plan(sb: Any, tmp_path: Path, plan: Path, *paths: str) -> Any:
    journal = tmp_path / "journal.jsonl"
    args = [
        "apply",
        *(paths or (ACCOUNTS,)),
        *OPT_INS,
        "--plan",
        str(plan),
        "--journal",
        str(journal),
    ]
    return CliRunner().invoke(cli, args, env=sb.env())


def edit(plan: Path, account_id: str, change: Any) -> None:
    data = json.loads(plan.read_text())
    account = next(a for a in data["accounts"] if a["account_id"] == account_id)
    change(account["actions"])
    plan.write_text(json.dumps(data))


def writes_to(sb: Any, account_id: str) -> list[Any]:
    return [w for w in sb.writes() if f"/accounts/{account_id}/" in w.path]


def test_an_edited_update_addon_with_matching_after_is_refused_and_not_sent(
    sandbox, tmp_path: Path
) -> None:
    sb = sandbox(SEED)
    plan = make_plan(sb, tmp_path)

    def more_seats(actions: list[dict[str, Any]]) -> None:
        action = next(a for a in actions if a["op"] == "update_addon")
        action["body"]["hosts"] = action["after"]["hosts"] = 50

    edit(plan, "sub_up", more_seats)
    sb.clear_requests()
    done = apply_plan(sb, tmp_path, plan)
    assert done.exit_code == 1
    assert "the saved plan is not what the desired files and Zoom imply" in done.output
    assert "sub_up: action " in done.output
    assert '"hosts":50' in done.output and '"hosts":5' in done.output
    assert done.output.rstrip().endswith("nothing was sent")
    assert sb.writes() == []  # the whole plan is refused: no other account is applied either


def test_a_group_added_to_a_subscribe_body_is_refused(sandbox, tmp_path: Path) -> None:
    sb = sandbox(SEED)
    plan = make_plan(sb, tmp_path)

    def add_rooms(actions: list[dict[str, Any]]) -> None:
        actions[0]["body"]["plan_zoom_rooms"] = {"type": "zroom_monthly", "hosts": 40}

    edit(plan, "sub_new", add_rooms)
    sb.clear_requests()
    done = apply_plan(sb, tmp_path, plan)
    assert done.exit_code == 1
    assert "the plan file does not match what `zoomplans plan` writes" in done.output
    assert "body plan_zoom_rooms {'type': 'zroom_monthly', 'hosts': 40} differs" in done.output
    assert "nothing was sent" in done.output
    # the whole file is refused before any call: no other account of it is applied either
    assert [r for r in sb.requests if r.method != "GET"] == []
    assert "plan_base" not in (sb.plans("sub_new") or {})


def test_files_other_than_the_plans_refuse_the_whole_plan(sandbox, tmp_path: Path) -> None:
    sb = sandbox(SEED)
    plan = make_plan(sb, tmp_path)
    changed = tmp_path / "accounts"
    shutil.copytree(ACCOUNTS, changed)
    world = changed / "world.yaml"
    world.write_text(world.read_text().replace("hosts: 20}", "hosts: 21}"))
    sb.clear_requests()
    done = apply_plan(sb, tmp_path, plan, str(changed))
    assert done.exit_code == 1
    assert f"the files at {changed} are not the ones this plan was made from" in done.output
    assert "nothing was sent" in done.output
    assert sb.requests == []


def test_the_same_files_at_another_path_are_accepted_and_verified(sandbox, tmp_path: Path) -> None:
    sb = sandbox(SEED)
    plan = make_plan(sb, tmp_path)
    copy = tmp_path / "checkout" / "accounts"
    shutil.copytree(ACCOUNTS, copy)
    sb.clear_requests()
    done = apply_plan(sb, tmp_path, plan, str(copy))
    assert done.exit_code == 0, done.output
    assert "Apply: 4 applied, 0 stale, 0 failed, 0 blocked." in done.output
    # sub_down's decrease is re-planned against seats in use read again: a Heavy call, journaled
    usage = [r for r in sb.requests if r.path.endswith("/plans/usage")]
    assert [r.path for r in usage] == ["/v2/accounts/sub_down/plans/usage"]
    lines = [json.loads(x) for x in (tmp_path / "journal.jsonl").read_text().splitlines()]
    assert lines[0]["kind"] == "run_start" and lines[0]["usage_reads"] == 1
    again = CliRunner().invoke(
        cli, ["plan", ACCOUNTS, *OPT_INS, "--detailed-exitcode"], env=sb.env()
    )
    assert again.exit_code == 0, again.output


def test_seats_taken_since_the_plan_block_its_decrease_with_the_reason(
    sandbox, tmp_path: Path
) -> None:
    import yaml

    plan = make_plan(sandbox(SEED), tmp_path)  # sub_down: 30 -> 20 seats, 10 in use
    busier = yaml.safe_load(SEED.read_text())
    busier["accounts"]["sub_down"]["usage"] = {"plan_base": {"usage": 25, "pending": 0}}
    sb = sandbox(busier)  # the same plans, but 25 seats in use now
    done = apply_plan(sb, tmp_path, plan)
    assert done.exit_code == 1
    assert "sub_down: blocked (0/1 calls): planned again now, the account is blocked (" in (
        done.output
    )
    assert "below the 25 seats in use and pending" in done.output
    assert writes_to(sb, "sub_down") == []


def test_apply_reads_its_own_project_file_and_refuses_limits_other_than_the_plans(
    sandbox, tmp_path: Path
) -> None:
    sb = sandbox(SEED)
    plan = make_plan(sb, tmp_path)
    config = tmp_path / "zoomplans.yaml"
    config.write_text("guard_rails:\n  max_seats_removed: 0\n")
    sb.clear_requests()
    journal = tmp_path / "journal.jsonl"
    args = ["apply", ACCOUNTS, *OPT_INS, "--plan", str(plan), "--journal", str(journal)]
    other = CliRunner().invoke(cli, [*args, "--config", str(config)], env=sb.env())
    assert other.exit_code == 1, other.output
    assert "the file's limits are looser than apply's" in other.output
    assert "--max-seats-removed is 100 in the file and 0 at apply" in other.output
    assert sb.requests == []
    config.write_text("guard_rails:\n  daily_heavy_budget: 0\n")
    over = CliRunner().invoke(cli, [*args, "--config", str(config)], env=sb.env())
    assert over.exit_code == 1
    assert "daily Heavy budget of 0" in over.output  # the budget from the file is read
    assert sb.writes() == []
    config.write_text("guard_rails:\n  max_seats_removed: 100\n")
    done = CliRunner().invoke(cli, [*args, "--config", str(config)], env=sb.env())
    assert done.exit_code == 0, done.output  # the same limits as the plan's: applied
    assert "sub_down: applied" in done.output

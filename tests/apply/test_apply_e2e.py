"""`zoomplans apply` end to end over loopback against the sandbox (subprocess and in process)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from reconciler.cli import cli
from tests.apply.journal_lines import line as journal_line

FIXTURES = Path(__file__).parent / "fixtures"
SEED = FIXTURES / "seed.yaml"
ACCOUNTS = str(FIXTURES / "accounts")
OPT_INS = ("--allow-cancel", "--allow-decrease")
#: Every call the fixture world needs, by (method, path): one each, whatever happens.
EXPECTED_CALLS = 8


def zoomplans(sb: Any, cwd: Path, *args: str, stdin: Any = subprocess.DEVNULL) -> Any:
    env = {**os.environ, **sb.env(), "GITHUB_ACTOR": "octocat"}
    return subprocess.run(
        [sys.executable, "-m", "reconciler", *args],
        env=env,
        cwd=cwd,
        stdin=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def in_process(sb: Any, cwd: Path, *args: str) -> Any:
    """Run the CLI in this process; the journal goes under ``cwd`` and is returned parsed."""
    path = cwd / ".zoomplans" / "journal.jsonl"
    result = CliRunner().invoke(
        cli, [*args, "--journal", str(path)], env=sb.env(), catch_exceptions=False
    )
    return result, journal_at(path)


def plan_to_file(sb: Any, cwd: Path) -> Path:
    """`zoomplans plan ... --out plan.json`, in process (the plan command is tested elsewhere)."""
    out = cwd / "plan.json"
    result = CliRunner().invoke(cli, ["plan", ACCOUNTS, *OPT_INS, "--out", str(out)], env=sb.env())
    assert result.exit_code == 0, result.output
    return out


def journal_at(path: Path) -> list[dict[str, Any]]:
    """The journal's whole lines (a line a test cut short on purpose is left out)."""
    lines = []
    for line in path.read_text().splitlines() if path.exists() else []:
        try:
            lines.append(json.loads(line))
        except ValueError:
            continue
    return lines


def journal(cwd: Path) -> list[dict[str, Any]]:
    return journal_at(cwd / ".zoomplans" / "journal.jsonl")


def successful_writes(sb: Any) -> Counter[tuple[str, str, str]]:
    """Writes Zoom carried out (2xx or answered-then-dropped), keyed by call and body."""
    return Counter(
        (w.method, w.path, json.dumps(w.body, sort_keys=True))
        for w in sb.writes()
        if w.dropped or 200 <= w.status < 300
    )


def assert_converged(sb: Any, cwd: Path) -> None:
    again = CliRunner().invoke(
        cli, ["plan", ACCOUNTS, *OPT_INS, "--detailed-exitcode"], env=sb.env()
    )
    assert again.exit_code == 0, again.output
    assert "4 in sync" in again.output


def test_every_op_applies_and_then_plans_to_nothing(sandbox, tmp_path: Path) -> None:
    sb = sandbox(SEED)
    done = zoomplans(sb, tmp_path, "apply", ACCOUNTS, *OPT_INS, "--auto-approve")
    assert done.returncode == 0, done.stderr
    assert "Apply: 4 applied, 0 stale, 0 failed, 0 blocked." in done.stdout
    run_id = journal(tmp_path)[0]["run_id"]
    assert f"Journal: .zoomplans/journal.jsonl (run {run_id})" in done.stderr
    assert "sub_up: cancel_addon ok (HTTP 200, " in done.stderr
    ops = Counter(x["op"] for x in journal(tmp_path) if x["kind"] == "intent")
    assert ops == {
        "subscribe": 1,
        "update_base": 2,
        "add_addon": 3,
        "update_addon": 1,
        "cancel_addon": 1,
    }
    assert sum(successful_writes(sb).values()) == EXPECTED_CALLS
    assert set(successful_writes(sb).values()) == {1}
    assert_converged(sb, tmp_path)
    lines = journal(tmp_path)
    outcomes = {x["intent_id"]: x for x in lines if x["kind"] == "outcome"}
    for intent in (x for x in lines if x["kind"] == "intent"):
        assert outcomes[intent["intent_id"]]["result"] == "ok"
        assert outcomes[intent["intent_id"]]["http_status"] in (200, 201, 204)
        assert intent["actor"] == "octocat"
        assert len(intent["plan_sha256"]) == 64


def test_the_journal_holds_no_secret(sandbox, tmp_path: Path) -> None:
    sb = sandbox(SEED)
    done = zoomplans(sb, tmp_path, "-v", "apply", ACCOUNTS, *OPT_INS, "--auto-approve")
    assert done.returncode == 0, done.stderr
    text = (tmp_path / ".zoomplans" / "journal.jsonl").read_text()
    for output in (text, done.stdout, done.stderr):
        assert sb.env()["ZOOM_CLIENT_SECRET"] not in output
        assert "Bearer" not in output
        assert "access_token" not in output


def test_saved_plan_with_one_account_changed_since_is_stale_for_that_account(
    sandbox, tmp_path: Path
) -> None:
    sb = sandbox(SEED)
    plan_to_file(sb, tmp_path)
    sb.set_plans("sub_down", {"plan_base": {"type": "business_monthly", "hosts": 31}})
    result, lines = in_process(
        sb, tmp_path, "apply", ACCOUNTS, *OPT_INS, "--plan", str(tmp_path / "plan.json")
    )
    assert result.exit_code == 1
    assert "sub_down: stale" in result.output
    # Issue 20: the fields that moved, not only two hashes.
    assert "now); changed: plan_base.hosts 30 -> 31; nothing sent" in result.output
    assert "zoomplans plan" in result.output
    assert "Apply: 3 applied, 1 stale, 0 failed, 0 blocked." in result.output
    assert not [w for w in sb.writes() if "sub_down" in w.path]
    assert sb.plans("sub_down")["plan_base"]["hosts"] == 31
    assert {x["account_id"] for x in lines if x["kind"] == "intent"} == {
        "sub_up",
        "sub_new",
        "sub_audio",
    }
    plan_hash = {x["plan_sha256"] for x in lines}
    assert len(plan_hash) == 1


def test_a_saved_plan_needs_its_opt_ins_given_again_at_apply(sandbox, tmp_path: Path) -> None:
    sb = sandbox(SEED)
    plan_to_file(sb, tmp_path)
    sb.clear_requests()
    refused = zoomplans(sb, tmp_path, "apply", ACCOUNTS, "--plan", "plan.json")
    assert refused.returncode == 1
    assert "apply was not given --allow-cancel and --allow-decrease" in refused.stderr
    assert refused.stderr.rstrip().endswith("nothing was sent")
    assert sb.requests == []
    done = zoomplans(sb, tmp_path, "apply", ACCOUNTS, *OPT_INS, "--plan", "plan.json")
    assert done.returncode == 0, done.stderr
    assert sum(successful_writes(sb).values()) == EXPECTED_CALLS
    assert_converged(sb, tmp_path)


def test_an_expired_plan_is_refused_and_nothing_is_written(sandbox, tmp_path: Path) -> None:
    sb = sandbox(SEED)
    plan_to_file(sb, tmp_path)
    data = json.loads((tmp_path / "plan.json").read_text())
    past = datetime.now(UTC) - timedelta(hours=1)
    data["created_at"] = (past - timedelta(hours=24)).isoformat().replace("+00:00", "Z")
    data["expires_at"] = past.isoformat().replace("+00:00", "Z")
    (tmp_path / "plan.json").write_text(json.dumps(data))
    sb.clear_requests()
    result, lines = in_process(
        sb, tmp_path, "apply", ACCOUNTS, *OPT_INS, "--plan", str(tmp_path / "plan.json")
    )
    assert result.exit_code == 1
    assert "expired at" in result.output
    assert "nothing was sent" in result.output
    assert sb.writes() == []
    assert lines == []


def test_a_tampered_plan_is_refused_and_nothing_is_written(sandbox, tmp_path: Path) -> None:
    sb = sandbox(SEED)
    plan_to_file(sb, tmp_path)
    data = json.loads((tmp_path / "plan.json").read_text())
    account = next(a for a in data["accounts"] if a["account_id"] == "sub_down")
    account["actions"][0]["path"] = "/accounts/sub_up/plans/base"
    (tmp_path / "plan.json").write_text(json.dumps(data))
    sb.clear_requests()
    plan = str(tmp_path / "plan.json")
    result, _ = in_process(sb, tmp_path, "apply", ACCOUNTS, *OPT_INS, "--plan", plan)
    assert result.exit_code == 1
    assert "expected PUT /accounts/sub_down/plans/base" in result.output
    assert sb.requests == []


def test_an_unknown_plan_format_is_refused(sandbox, tmp_path: Path) -> None:
    sb = sandbox(SEED)
    (tmp_path / "plan.json").write_text(json.dumps({"format_version": 99, "accounts": []}))
    result, _ = in_process(sb, tmp_path, "apply", ACCOUNTS, "--plan", str(tmp_path / "plan.json"))
    assert result.exit_code == 1
    assert "format_version 99 is not supported" in result.output
    assert sb.requests == []


def test_over_max_accounts_changed_sends_nothing(sandbox, tmp_path: Path) -> None:
    sb = sandbox(SEED)
    result, lines = in_process(
        sb, tmp_path, "apply", ACCOUNTS, *OPT_INS, "--auto-approve", "--max-accounts-changed", "3"
    )
    assert result.exit_code == 1
    assert "more than --max-accounts-changed 3" in result.output
    assert sb.writes() == []
    assert lines == []


def test_no_terminal_and_no_auto_approve_refuses_and_sends_nothing(sandbox, tmp_path: Path) -> None:
    sb = sandbox(SEED)
    done = zoomplans(sb, tmp_path, "apply", ACCOUNTS, *OPT_INS)
    assert done.returncode == 1
    assert "stdin is not a terminal" in done.stderr
    assert "--auto-approve" in done.stderr
    assert sb.writes() == []
    assert "Traceback" not in done.stderr


def test_nothing_to_do_says_so_and_exits_0(sandbox, tmp_path: Path) -> None:
    sb = sandbox(SEED)
    in_process(sb, tmp_path, "apply", ACCOUNTS, *OPT_INS, "--auto-approve")
    sb.clear_requests()
    result, _ = in_process(sb, tmp_path, "apply", ACCOUNTS, *OPT_INS, "--auto-approve")
    assert result.exit_code == 0
    assert "No changes" in result.output
    assert sb.writes() == []


def test_a_lost_subscribe_answer_is_settled_by_reading_not_by_resending(
    sandbox, tmp_path: Path
) -> None:
    sb = sandbox(SEED)
    sb.faults.drop_response(nth_write=1, method="POST")
    result, lines = in_process(
        sb, tmp_path, "apply", ACCOUNTS, "--account", "sub_new", "--auto-approve"
    )
    assert result.exit_code == 0, result.output
    assert "sub_new: applied" in result.output
    posts = [
        w for w in sb.writes() if w.method == "POST" and w.path == "/v2/accounts/sub_new/plans"
    ]
    assert len(posts) == 1
    assert posts[0].dropped
    base = sb.plans("sub_new")["plan_base"]
    assert (base["type"], base["hosts"]) == ("business_monthly", 10)
    story = [(x["kind"], x.get("result")) for x in lines if x.get("op") == "subscribe"]
    assert story == [("intent", None), ("outcome", "ambiguous"), ("resolution", "resolved_present")]


def test_a_saved_plan_can_be_applied_to_some_accounts_only(sandbox, tmp_path: Path) -> None:
    sb = sandbox(SEED)
    plan_to_file(sb, tmp_path)
    result, lines = in_process(
        sb,
        tmp_path,
        "apply",
        ACCOUNTS,
        *OPT_INS,
        "--plan",
        str(tmp_path / "plan.json"),
        "--account",
        "sub_down",
    )
    assert result.exit_code == 0, result.output
    assert "sub_down: applied (1/1 calls)" in result.output
    assert "sub_up: skipped: not selected by --account" in result.output
    assert [w.path for w in sb.writes()] == ["/v2/accounts/sub_down/plans/base"]
    assert lines[-1]["kind"] == "run_end"
    assert lines[-1]["calls_made"] == 1


def test_a_saved_plan_with_select_is_a_usage_error(sandbox, tmp_path: Path) -> None:
    sb = sandbox(SEED)
    plan_to_file(sb, tmp_path)
    sb.clear_requests()
    plan = str(tmp_path / "plan.json")
    result, _ = in_process(sb, tmp_path, "apply", ACCOUNTS, "--plan", plan, "--select", "a=b")
    assert result.exit_code == 64
    assert "the plan file's recorded selection decides what is applied" in result.output
    result, _ = in_process(
        sb, tmp_path, "apply", ACCOUNTS, *OPT_INS, "--plan", plan, "--account", "sub_x"
    )
    assert result.exit_code == 1
    assert "does not hold: sub_x" in result.output
    assert sb.requests == []


def test_a_saved_plan_accepts_its_own_opt_ins_and_refuses_new_ones(sandbox, tmp_path: Path) -> None:
    sb = sandbox(SEED)
    out = tmp_path / "plan.json"
    made = CliRunner().invoke(
        cli, ["plan", ACCOUNTS, "--allow-cancel", "--out", str(out)], env=sb.env()
    )
    assert made.exit_code == 1  # sub_down's decrease is blocked without --allow-decrease
    sb.clear_requests()
    refused, _ = in_process(sb, tmp_path, "apply", ACCOUNTS, "--plan", str(out), "--allow-decrease")
    assert refused.exit_code == 1
    assert "was planned without --allow-decrease" in refused.output
    assert sb.requests == []
    refused, _ = in_process(
        sb, tmp_path, "apply", ACCOUNTS, "--plan", str(out), "--allow-cancel-base"
    )
    assert refused.exit_code == 1
    assert "was planned without --allow-cancel-base" in refused.output
    assert sb.requests == []
    assert json.loads(out.read_text())["options"]["allow_cancel_base"] is False
    repeated, _ = in_process(
        sb, tmp_path, "apply", ACCOUNTS, "--plan", str(out), "--allow-cancel", "--account", "sub_up"
    )
    assert repeated.exit_code == 0, repeated.output
    assert "sub_up: applied (4/4 calls)" in repeated.output


def test_junk_instead_of_a_plan_file_is_a_clear_error(sandbox, tmp_path: Path) -> None:
    sb = sandbox(SEED)
    junk = tmp_path / "plan.json"
    junk.write_bytes(b"\x00\xff\xfe garbage {")
    result, _ = in_process(sb, tmp_path, "apply", ACCOUNTS, "--plan", str(junk))
    assert result.exit_code == 1
    assert "is not a JSON plan file" in result.output
    missing, _ = in_process(sb, tmp_path, "apply", ACCOUNTS, "--plan", str(tmp_path / "nope.json"))
    assert missing.exit_code == 1
    assert "cannot read the plan file" in missing.output
    assert sb.requests == []


def test_no_call_is_sent_without_a_writable_journal(sandbox, tmp_path: Path) -> None:
    sb = sandbox(SEED)
    (tmp_path / "a-file").write_text("not a folder")
    result = CliRunner().invoke(
        cli,
        ["apply", ACCOUNTS, *OPT_INS, "--auto-approve", "--journal", str(tmp_path / "a-file/j")],
        env=sb.env(),
    )
    assert result.exit_code == 1
    assert "no call is sent without a journal" in result.output
    assert sb.writes() == []


def test_unsettled_calls_of_accounts_outside_the_run_are_pointed_out(
    sandbox, tmp_path: Path
) -> None:
    sb = sandbox(SEED)
    path = tmp_path / ".zoomplans" / "journal.jsonl"
    path.parent.mkdir()
    orphan = journal_line("intent", intent_id="i1", account_id="sub_up")
    path.write_text(json.dumps(orphan) + "\n")
    result, lines = in_process(
        sb, tmp_path, "apply", ACCOUNTS, *OPT_INS, "--account", "sub_down", "--auto-approve"
    )
    assert result.exit_code == 0, result.output
    assert "not in this run (they are checked when apply next touches them): sub_up" in (
        result.output
    )
    assert not [x for x in lines if x["kind"] == "resolution" and x["intent_id"] == "i1"]


def test_with_nothing_to_send_an_unsettled_call_is_still_settled(sandbox, tmp_path: Path) -> None:
    sb = sandbox(SEED)
    in_process(sb, tmp_path, "apply", ACCOUNTS, *OPT_INS, "--auto-approve")
    path = tmp_path / ".zoomplans" / "journal.jsonl"
    orphan = {
        **journal_line("intent"),
        "intent_id": "crashed-1",
        "run_id": "crashed",
        "account_id": "sub_down",
        "op": "update_base",
        "method": "PUT",
        "path": "/accounts/sub_down/plans/base",
        "body": {"type": "business_monthly", "hosts": 20},
    }
    with path.open("a") as handle:
        handle.write(json.dumps(orphan) + "\n")
    sb.clear_requests()
    result, lines = in_process(sb, tmp_path, "apply", ACCOUNTS, *OPT_INS, "--auto-approve")
    assert result.exit_code == 0, result.output
    assert "sub_down: in sync" in result.output
    assert sb.writes() == []
    this_run = lines[-1]["run_id"]
    (settled,) = [x for x in lines if x["kind"] == "resolution" and x["run_id"] == this_run]
    assert (settled["intent_id"], settled["result"]) == ("crashed-1", "resolved_present")


def test_one_apply_run_asks_for_one_oauth_token(sandbox, tmp_path: Path) -> None:
    sb = sandbox(SEED)
    result, _ = in_process(sb, tmp_path, "apply", ACCOUNTS, *OPT_INS, "--auto-approve")
    assert result.exit_code == 0, result.output
    assert len(sb.issued_tokens()) == 1


def _option_help(command: str) -> dict[str, str]:
    """Each option's help block in `zoomplans COMMAND --help`, keyed by its first word."""
    text = CliRunner().invoke(cli, [command, "--help"], terminal_width=100).output
    blocks: dict[str, str] = {}
    current = ""
    for line in text.splitlines():
        if line.startswith("  -"):
            current = line.split()[0].rstrip(",")
            blocks[current] = line.strip()
        elif current and line.startswith("      "):
            blocks[current] += " " + line.strip()
        else:
            current = ""
    return blocks


def test_plan_and_apply_describe_their_shared_options_the_same_way() -> None:
    plan, apply = _option_help("plan"), _option_help("apply")
    shared = [
        "--account",
        "--select",
        "--allow-decrease",
        "--allow-cancel",
        "--max-accounts-changed",
        "--max-seats-removed",
        "--max-monthly-increase",
        "--prices",
        "--config",
        "-v",
    ]
    for option in shared:
        assert plan[option] == apply[option], option
    assert "--account ID" in plan["--account"]
    assert "--select KEY=VALUE" in plan["--select"]
    assert "--max-accounts-changed N" in plan["--max-accounts-changed"]
    usage = [
        CliRunner().invoke(cli, [c, "--help"]).output.splitlines()[0] for c in ("plan", "apply")
    ]
    assert all("[PATH]..." in line for line in usage), usage


def test_verbose_help_does_not_promise_api_calls_where_none_are_made() -> None:
    for command in ("validate", "sandbox"):
        text = CliRunner().invoke(cli, [command, "--help"]).output
        assert "Log each API call" not in text
        assert "Say more on stderr" in text

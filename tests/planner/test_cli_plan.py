"""`zoomplans plan` end to end: YAML files, a sandbox on loopback, exit codes, --out, formats."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from reconciler.planner.model import Plan
from reconciler.planner.plan_schema import schema_problems

ACME = """\
account_id: sub_8Jk2Lm
name: Acme EMEA
labels: {tier: gold}
plans:
  plan_base: {type: business_monthly, hosts: 25}
  plan_zoom_rooms: {type: zroom_monthly, hosts: 2}
  plan_webinar:
    - {type: webinar500_monthly, hosts: 3}
    - {type: webinar1000_monthly, state: cancelled}
  plan_recording: cmr_monthly_commitment_40
  plan_audio: {type: tollfree_payongo, tollfree_countries: [CA, US], callout_countries: US}
  plan_large_meeting: [{type: large500_monthly, hosts: 2}]
"""
PRO = """\
account_id: sub_pro
labels: {tier: silver}
plans:
  plan_base: {type: monthly, hosts: 5}
"""
SELF = """\
account_id: sub_self
plans:
  plan_base: {type: business_monthly, hosts: 10}
"""


def run(args: list[str], env: dict[str, str] | None, cwd: Path) -> subprocess.CompletedProcess[str]:
    full = {k: v for k, v in os.environ.items() if not k.startswith("ZOOM_")}
    full.update(env or {})
    full["NO_COLOR"] = "1"
    return subprocess.run(
        [sys.executable, "-m", "reconciler", "plan", *args],
        capture_output=True,
        text=True,
        env=full,
        cwd=cwd,
        check=False,
        timeout=60,
    )


@pytest.fixture
def accounts(tmp_path: Path) -> Path:
    folder = tmp_path / "accounts"
    folder.mkdir()
    (folder / "acme.yaml").write_text(ACME)
    (folder / "pro.yaml").write_text(PRO)
    return folder


def test_pending_then_in_sync_with_detailed_exitcode(
    sandbox: Any, accounts: Path, tmp_path: Path
) -> None:
    sb = sandbox()
    out = tmp_path / "plans" / "plan.json"
    first = run(["--detailed-exitcode", "--out", str(out)], sb.env(), tmp_path)
    assert first.returncode == 2, first.stderr
    assert "~ plan_base business_monthly: hosts 20 -> 25" in first.stdout
    assert first.stdout.rstrip().endswith(
        "Plan: 0 to subscribe, 1 to change, 1 add-ons to add, 0 to cancel; 0 blocked; 1 in sync."
        " Heavy calls to apply: 2."
    )
    data = json.loads(out.read_text())
    assert schema_problems(data) == []
    plan = Plan.from_json(data)
    acme = plan.accounts[0]
    assert (acme.account_id, acme.source, acme.status) == (
        "sub_8Jk2Lm",
        "accounts/acme.yaml:1",
        "changes",
    )
    assert [(a.op, a.body) for a in acme.actions] == [
        ("update_base", {"type": "business_monthly", "hosts": 25}),
        ("add_addon", {"type": "large500_monthly", "hosts": 2}),
    ]
    assert not sb.writes()  # plan never writes
    secret = sb.env()["ZOOM_CLIENT_SECRET"]
    assert secret not in first.stdout + first.stderr + out.read_text()

    live = sb.plans("sub_8Jk2Lm")
    live["plan_base"]["hosts"] = 25
    live["plan_large_meeting"] = [{"type": "large500_monthly", "hosts": 2, "status": "active"}]
    sb.set_plans("sub_8Jk2Lm", live)
    second = run(["--detailed-exitcode"], sb.env(), tmp_path)
    assert second.returncode == 0, second.stdout + second.stderr
    assert "2 in sync." in second.stdout


def test_formats_and_blocked_accounts_exit_1(sandbox: Any, accounts: Path, tmp_path: Path) -> None:
    (accounts / "self.yaml").write_text(SELF)
    sb = sandbox()
    env = sb.env()
    as_json = run(["--format", "json", "--detailed-exitcode"], env, tmp_path)
    assert as_json.returncode == 1
    data = json.loads(as_json.stdout)
    assert [(a["account_id"], a["status"]) for a in data["accounts"]] == [
        ("sub_8Jk2Lm", "changes"),
        ("sub_pro", "in_sync"),
        ("sub_self", "blocked"),
    ]
    assert data["accounts"][2]["blocked"][0]["reason"] == "self_pay"
    assert "1 account(s) blocked" in as_json.stderr
    md = run(["--format", "markdown", "--account", "sub_8Jk2Lm"], env, tmp_path)
    assert md.returncode == 0
    assert md.stdout.startswith("### zoomplans plan") and "<details>" in md.stdout
    decrease = run(["--select", "tier=silver", "--allow-decrease"], env, tmp_path)
    assert decrease.returncode == 0 and "1 in sync." in decrease.stdout


def test_guard_rails_and_selection_errors(sandbox: Any, accounts: Path, tmp_path: Path) -> None:
    sb = sandbox()
    env = sb.env()
    over = run(["--max-accounts-changed", "0"], env, tmp_path)
    assert over.returncode == 1
    assert "changes 1 accounts, more than --max-accounts-changed 0" in over.stderr
    missing = run(["--account", "sub_nope"], env, tmp_path)
    assert missing.returncode == 1
    assert "--account names accounts no YAML declares: sub_nope" in missing.stderr
    nomatch = run(["--select", "tier=bronze"], env, tmp_path)
    assert (
        nomatch.returncode == 1
        and "no declared account matches --select tier=bronze" in nomatch.stderr
    )
    refused = {}
    for usage in (
        ("--select", "tier"),
        ("--ttl", "soon"),
        ("--ttl", "3000000d"),
        ("--ttl", "99999999999999999999d"),
        ("--format", "yaml"),
    ):
        bad = refused[usage] = run(list(usage), env, tmp_path)
        assert bad.returncode == 64, usage
        assert "Traceback" not in bad.stderr
        assert "internal error" not in bad.stderr
    too_long = refused["--ttl", "3000000d"]
    assert "a plan may stay valid for at most 365d" in too_long.stderr


def test_desired_errors_stop_before_any_call(sandbox: Any, tmp_path: Path) -> None:
    sb = sandbox()
    broken = tmp_path / "accounts"
    broken.mkdir()
    (broken / "bad.yaml").write_text(
        "account_id: sub_x\nplans:\n  plan_base: {type: business_monthly, hostz: 3}\n"
    )
    result = run([], sb.env(), tmp_path)
    assert result.returncode == 1
    assert "accounts/bad.yaml:3:" in result.stderr
    assert "nothing was read from Zoom" in result.stderr
    assert not [r for r in sb.requests if "/plans" in r.path]


def test_refused_credentials_stop_the_run_without_leaking_the_secret(
    sandbox: Any, accounts: Path, tmp_path: Path
) -> None:
    sb = sandbox()
    env = {**sb.env(), "ZOOM_CLIENT_SECRET": "wrong-secret-value"}
    result = run([], env, tmp_path)
    assert result.returncode == 1
    assert "zoomplans: error:" in result.stderr
    assert "Traceback" not in result.stderr
    assert "wrong-secret-value" not in result.stdout + result.stderr


def test_out_that_cannot_be_written_is_a_clear_error(
    sandbox: Any, accounts: Path, tmp_path: Path
) -> None:
    sb = sandbox()
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    result = run(["--out", str(blocker / "plan.json"), "-v"], sb.env(), tmp_path)
    assert result.returncode == 1
    assert "cannot write the plan file" in result.stderr
    assert "Traceback" not in result.stderr
    assert sb.env()["ZOOM_CLIENT_SECRET"] not in result.stderr  # -v logs never carry a secret
    assert list(tmp_path.glob("**/.plan.json.*")) == []

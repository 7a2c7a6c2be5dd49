"""`zoomplans import` end to end: real CLI process, real HTTP to the sandbox, then `plan`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

NORWAY = {
    "name": "yes",
    "plans": {
        "plan_base": {"type": "business_monthly", "hosts": 12, "status": "active"},
        "plan_audio": {
            "type": "tollfree_payongo",
            "tollfree_countries": "NO,SE",
            "callout_countries": "NO",
            "status": "active",
        },
        "plan_future_group": {"type": "zoomone_business", "hosts": 4, "status": "active"},
    },
}
SECRET = "demo-secret"


def test_import_then_plan_is_in_sync_and_lists_self_pay(
    sandbox: Any, cli: Callable[..., Any], small_seed: Callable[..., Any], tmp_path: Path
) -> None:
    sb = sandbox(seed=small_seed(sub_norway=NORWAY))
    result = cli("-v", "import", env=sb.env(), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "/accounts/sub_norway/plans" in result.stderr  # -v logs each call ...
    assert "Bearer" not in result.stderr  # ... and never a token
    assert "  sub_norway: plan group plan_future_group" in result.stdout
    written = sorted(p.name for p in (tmp_path / "accounts").iterdir())
    assert "acme-emea--sub_8jk2lm.yaml" in written
    assert "yes--sub_norway.yaml" in written
    assert len(written) == 7  # 8 accounts, one of them self-pay
    assert (
        "self-pay    sub_self (Wayne (self-pay)): sub-account is on self-pay mode" in result.stdout
    )
    assert "1 self-pay" in result.stdout
    assert "Traceback" not in result.stderr
    assert SECRET not in result.stdout + result.stderr
    assert not [p for p in (tmp_path / "accounts").iterdir() if SECRET in p.read_text()]

    norway = yaml.safe_load((tmp_path / "accounts" / "yes--sub_norway.yaml").read_text())
    assert norway["name"] == "yes"
    assert norway["plans"]["plan_audio"]["tollfree_countries"] == ["NO", "SE"]
    assert "plan_future_group" not in norway["plans"]
    umbrella = (tmp_path / "accounts" / "umbrella-not-subscribed-yet--sub_new.yaml").read_text()
    assert "plans" not in yaml.safe_load(umbrella)
    assert "# No active paid plan in Zoom at import time" in umbrella
    assert "No active paid plan (file written without plans):\n  sub_lapsed\n  sub_new\n" in (
        result.stdout
    )

    # Zoom's legacy base type is written as Zoom spells it and named once, as a note ...
    assert "  note: sub_legacy: business_yearly_c50" in result.stderr
    refused = cli("plan", "--detailed-exitcode", env=sb.env(), cwd=tmp_path)
    assert refused.returncode == 1  # ... and plan refuses it until zoomplans.yaml allows it
    assert "unknown plan type 'business_yearly_c50'" in refused.stderr
    (tmp_path / "zoomplans.yaml").write_text("extra_plan_types: [business_yearly_c50]\n")
    plan = cli("plan", "--detailed-exitcode", "--format", "json", env=sb.env(), cwd=tmp_path)
    assert plan.returncode == 0, plan.stdout + plan.stderr
    assert {"name": "extra_plan_types", "value": "business_yearly_c50",
            "origin": "zoomplans.yaml:1"} in yaml.safe_load(plan.stdout)["settings"]  # fmt: skip
    summary = yaml.safe_load(plan.stdout)["summary"]
    assert summary["in_sync"] == 7
    assert summary["accounts"] == 7

    validate = cli("validate", "accounts", env={}, cwd=tmp_path)
    assert validate.returncode == 0, validate.stdout + validate.stderr


def test_rerun_changes_nothing_then_skips_drift_until_forced(
    sandbox: Any, cli: Callable[..., Any], files_snapshot: Callable[[Path], Any], tmp_path: Path
) -> None:
    sb = sandbox()
    out = tmp_path / "team-accounts"
    assert cli("import", "--out", str(out), env=sb.env(), cwd=tmp_path).returncode == 0
    before = files_snapshot(out)

    again = cli("import", "--out", str(out), env=sb.env(), cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert files_snapshot(out) == before
    assert "No file changed." in again.stdout
    assert again.stdout.count("unchanged ") == 6
    assert "0 written" in again.stdout

    pro = out / "globex-pro--sub_pro.yaml"
    sb.set_plans("sub_pro", {"plan_base": {"type": "monthly", "hosts": 7, "status": "active"}})
    skipped = cli("import", "--out", str(out), env=sb.env(), cwd=tmp_path)
    assert skipped.returncode == 0
    assert "exists, skipped" in skipped.stdout
    assert "differs from Zoom; --force overwrites it" in skipped.stdout
    assert "No file changed." in skipped.stdout
    assert files_snapshot(out) == before

    forced = cli("import", "--out", str(out), "--force", env=sb.env(), cwd=tmp_path)
    assert forced.returncode == 0
    assert "overwritten" in forced.stdout
    assert yaml.safe_load(pro.read_text())["plans"]["plan_base"]["hosts"] == 7
    changed = {name for name, stamp in files_snapshot(out).items() if before[name] != stamp}
    assert changed == {"globex-pro--sub_pro.yaml"}
    (tmp_path / "zoomplans.yaml").write_text("extra_plan_types: [business_yearly_c50]\n")
    plan = cli("plan", str(out), "--detailed-exitcode", env=sb.env(), cwd=tmp_path)
    assert plan.returncode == 0, plan.stdout + plan.stderr


def test_account_option_limits_and_a_missing_id_fails(
    sandbox: Any, cli: Callable[..., Any], tmp_path: Path
) -> None:
    sb = sandbox()
    result = cli(
        "import", "--account", "sub_pro", "--account", "sub_phone", env=sb.env(), cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "accounts").iterdir()) == [
        "globex-pro--sub_pro.yaml",
        "stark-phone--sub_phone.yaml",
    ]
    missing = cli("import", "--account", "sub_nope", env=sb.env(), cwd=tmp_path)
    assert missing.returncode == 1
    assert "missing     sub_nope" in missing.stdout


def test_wrong_credentials_exit_1_with_one_clear_line(
    sandbox: Any, cli: Callable[..., Any], tmp_path: Path
) -> None:
    sb = sandbox()
    env = {**sb.env(), "ZOOM_CLIENT_SECRET": "not-the-secret"}
    result = cli("import", env=env, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith("zoomplans import: cannot list the sub-accounts:")
    assert "Traceback" not in result.stderr
    assert "not-the-secret" not in result.stdout + result.stderr
    assert not (tmp_path / "accounts").exists()


def test_missing_credentials_and_usage_errors(cli: Callable[..., Any], tmp_path: Path) -> None:
    result = cli("import", env={}, cwd=tmp_path)
    assert result.returncode == 1
    assert "ZOOM_ACCOUNT_ID" in result.stderr
    assert "Traceback" not in result.stderr
    assert cli("import", "--account", env={}, cwd=tmp_path).returncode == 64
    assert cli("import", "--bogus", env={}, cwd=tmp_path).returncode == 64
    empty = cli("import", "--account", " ", env={}, cwd=tmp_path)
    assert empty.returncode == 64
    assert "an account id cannot be empty" in empty.stderr

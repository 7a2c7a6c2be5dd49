"""`zoomplans validate`: output formats, summary line, exit codes, default path, --strict."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from reconciler.cli import cli
from reconciler.cli.validate import summary_line
from reconciler.desired import load_desired

REPO = Path(__file__).resolve().parents[2]
GOOD = "account_id: sub_{0}\nplans: {{plan_base: {{type: monthly, hosts: 2}}}}\n"


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["validate", *args])
    return result.exit_code, result.output


def test_examples_are_valid_through_the_real_command() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "reconciler", "validate", "examples/accounts"],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert result.returncode == 0, result.stdout
    assert result.stdout == "examples/accounts: 8 accounts in 7 files, valid\n"
    assert result.stderr == ""


def test_default_path_is_accounts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "accounts").mkdir()
    (tmp_path / "accounts" / "a.yaml").write_text(GOOD.format("a"))
    monkeypatch.chdir(tmp_path)
    assert invoke() == (0, "accounts: 1 account in 1 file, valid\n")


def test_text_lists_each_problem_then_a_summary(tmp_path: Path) -> None:
    second = "account_id: sub_b\nplans: {plan_webinar: [{type: webinar9_monthly, hosts: 0}]}\n"
    (tmp_path / "a.yaml").write_text(GOOD.format("a") + "---\n" + second)
    code, output = invoke(str(tmp_path))
    assert code == 1
    file = tmp_path / "a.yaml"
    assert output.splitlines() == [
        f"{file}:5:31: error: unknown plan type 'webinar9_monthly' (Zoom's catalogue does not "
        "list it; a code newer than the catalogue, or a legacy code still billed, can be "
        "allowed by name with extra_plan_types in zoomplans.yaml)",
        f"{file}:5:56: error: plans.plan_webinar[0].hosts must be between 1 and 9999, got 0",
        f"{tmp_path}: 1 account in 1 file, invalid (2 errors)",
    ]


def test_warnings_pass_unless_strict(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text(
        "account_id: sub_a\nlabels: {tier: y}\nplans: {plan_base: {type: monthly, hosts: 2}}\n"
    )
    code, output = invoke(str(path))
    assert code == 0
    assert output.endswith("1 account in 1 file, valid (1 warning)\n")
    code, output = invoke(str(path), "--strict")
    assert code == 1
    assert f"{path}:2:16: error: 'y' is a boolean for some YAML 1.1 tools" in output
    assert output.endswith("0 accounts in 1 file, invalid (1 error)\n")


def test_json_is_a_list_of_located_problems(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text("account_id: sub_a\nplans:\n  plan_base: {type: monthly, hosts: 12}\n")
    code, output = invoke(str(path), "--format", "json")
    assert code == 0
    assert json.loads(output) == [
        {
            "file": str(path),
            "line": 3,
            "column": 37,
            "severity": "warning",
            "message": "Pro base plans (monthly) take 1 to 9 hosts, not 12; Zoom refuses a "
            "change into this state, so keep it only where Zoom shows it already: plan is then "
            "in sync and zoomplans will not make it worse",
        }
    ]


def test_json_of_valid_files_is_an_empty_list() -> None:
    code, output = invoke(str(REPO / "examples" / "accounts"), "--format", "json")
    assert (code, json.loads(output)) == (0, [])


@pytest.mark.parametrize("args", [["--format", "yaml"], ["--no-such-flag"]])
def test_usage_errors_exit_64(args: list[str]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "reconciler", "validate", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert result.returncode == 64
    assert "Traceback" not in result.stderr


def test_verbose_is_accepted_after_the_command_and_logs_nothing_secret(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(GOOD.format("a"))
    result = subprocess.run(
        [sys.executable, "-m", "reconciler", "validate", str(tmp_path), "-v"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0
    assert result.stdout == f"{tmp_path}: 1 account in 1 file, valid\n"


def test_summary_line_wording() -> None:
    state = load_desired([REPO / "examples" / "accounts" / "globex.yaml"])
    assert summary_line(("x/",), state, 1) == "x: 1 account in 1 file, valid"
    assert summary_line(("a", "b"), state, 2) == "a, b: 1 account in 2 files, valid"


@pytest.mark.parametrize("command", [["validate"], ["plan"], ["apply", "--auto-approve"]])
def test_a_folder_without_account_files_fails_every_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: list[str]
) -> None:
    """A nightly drift check pointed at the wrong folder must fail, not pass with 0 accounts.
    plan and apply stop before any Zoom call: the credentials point nowhere reachable."""
    (tmp_path / "empty").mkdir()
    monkeypatch.setenv("ZOOM_API_BASE_URL", "http://127.0.0.1:9/v2")
    monkeypatch.setenv("ZOOM_ACCESS_TOKEN", "unused-token")
    result = CliRunner().invoke(cli, [*command, str(tmp_path / "empty")])
    assert result.exit_code == 1, result.output
    assert f"{tmp_path / 'empty'}:1:1: error: no account files found under" in result.output
    assert "Traceback" not in result.output

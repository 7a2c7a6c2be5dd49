"""The reviewed change is what the plan shows (issue 22, items 2 to 4).

- A plan code the catalogue does not list is a located error, unless zoomplans.yaml allows it
  by name; the allow-list is then a setting every plan header shows.
- A plan made from uncommitted files says so (`git_dirty`, `git_changed_files`, a sentence at
  the top of every format); apply under CI=true refuses it unless `--allow-dirty`.
- zoomplans.yaml's safety settings have floors, and every setting that differs from its
  default is listed with where it came from.

In process against the sandbox over loopback HTTP, in a real temporary git repository.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from reconciler.cli import cli
from tests.git_repo import git

ACCOUNT = "account_id: sub_pro\nname: Globex Pro\nplans:\n  plan_base: {type: monthly, hosts: 5}\n"
TYPO = ACCOUNT + "  plan_webinar:\n    - {type: webinar500_montly, hosts: 2}\n"


def run(sb: Any, *args: str, env: dict[str, str] | None = None) -> Any:
    return CliRunner().invoke(cli, list(args), env={**sb.env(), **(env or {})})


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git checkout with one committed account file, as the current directory."""
    (tmp_path / "accounts").mkdir()
    (tmp_path / "accounts" / "globex.yaml").write_text(ACCOUNT)
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-qm", "accounts")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CI", raising=False)
    return tmp_path


def test_a_typo_of_a_code_is_a_located_error_until_allowed_by_name(
    repo: Path, sandbox: Any
) -> None:
    sb = sandbox()
    (repo / "accounts" / "globex.yaml").write_text(TYPO)
    refused = run(sb, "validate", "accounts")
    assert refused.exit_code == 1
    assert refused.output.startswith(
        "accounts/globex.yaml:6:14: error: unknown plan type 'webinar500_montly': did you mean "
        "'webinar500_monthly'?"
    )
    planned = run(sb, "plan", "accounts")
    assert planned.exit_code == 1
    assert "nothing was read from Zoom" in planned.output
    assert [r for r in sb.requests if "/plans" in r.path] == []
    applied = run(sb, "apply", "accounts", "--auto-approve")
    assert applied.exit_code == 1
    assert "did you mean 'webinar500_monthly'?" in applied.output

    (repo / "zoomplans.yaml").write_text("extra_plan_types:\n  - webinar500_montly\n")
    assert run(sb, "validate", "accounts").exit_code == 0
    planned = run(sb, "plan", "accounts", "--format", "json")
    assert planned.exit_code == 0, planned.output
    plan = json.loads(planned.stdout)
    (action,) = plan["accounts"][0]["actions"]
    assert action["body"] == {"type": "webinar500_montly", "hosts": 2}
    allowed = {
        "name": "extra_plan_types",
        "value": "webinar500_montly",
        "origin": "zoomplans.yaml:1",
    }
    assert allowed in plan["settings"]
    assert plan["options"]["extra_plan_types"] == ["webinar500_montly"]
    for output_format in ("text", "markdown", "html"):
        shown = run(sb, "plan", "accounts", "--format", output_format).output
        assert "setting extra_plan_types = webinar500_montly (from zoomplans.yaml:1)" in shown


def test_git_dirty_names_the_edited_file_and_every_format_says_so(repo: Path, sandbox: Any) -> None:
    sb = sandbox()
    clean = json.loads(run(sb, "plan", "accounts", "--format", "json").stdout)
    assert (clean["git_dirty"], clean["git_changed_files"]) == (False, [])
    assert len(clean["git_commit"]) == 40
    (repo / "accounts" / "globex.yaml").write_text(ACCOUNT.replace("hosts: 5", "hosts: 6"))
    (repo / "accounts" / "new.yaml").write_text(ACCOUNT.replace("sub_pro", "sub_8Jk2Lm"))
    (repo / "accounts" / "notes.txt").write_text("not read, so not listed")
    dirty = json.loads(run(sb, "plan", "accounts", "--format", "json").stdout)
    assert dirty["git_dirty"] is True
    assert dirty["git_changed_files"] == ["accounts/globex.yaml", "accounts/new.yaml"]
    assert dirty["git_commit"] == clean["git_commit"]
    text = run(sb, "plan", "accounts").output
    assert text.startswith(
        "! Made from uncommitted changes: 2 file(s) read differ from git commit "
        f"{clean['git_commit'][:12]} or are untracked: accounts/globex.yaml, accounts/new.yaml\n"
    )
    markdown = run(sb, "plan", "accounts", "--format", "markdown").output
    assert (
        "> [!WARNING]\n> **Made from uncommitted changes:** `2 file(s) read differ from git "
        f"commit {clean['git_commit'][:12]} or are untracked: accounts/globex.yaml, "
        "accounts/new.yaml`\n" in markdown
    )
    html = run(sb, "plan", "accounts", "--format", "html").output
    assert (
        '<p class="dirty" id="git-dirty"><strong>Made from uncommitted changes:</strong> 2 f'
        in (html)
    )
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "more")
    again = json.loads(run(sb, "plan", "accounts", "--format", "json").stdout)
    assert (again["git_dirty"], again["git_changed_files"]) == (False, [])


def test_apply_in_ci_refuses_a_dirty_tree_unless_allowed(repo: Path, sandbox: Any) -> None:
    sb = sandbox()
    (repo / "accounts" / "globex.yaml").write_text(ACCOUNT.replace("hosts: 5", "hosts: 6"))
    journal = str(repo / "journal.jsonl")
    args = ("apply", "accounts", "--auto-approve", "--journal", journal)
    refused = run(sb, *args, env={"CI": "true"})
    assert refused.exit_code == 1
    assert "CI is set and this apply was made from uncommitted changes" in refused.output
    assert "accounts/globex.yaml" in refused.output and "--allow-dirty" in refused.output
    assert [r for r in sb.requests if "/plans" in r.path] == []  # refused before reading Zoom
    applied = run(sb, *args, "--allow-dirty", env={"CI": "true"})
    assert applied.exit_code == 0, applied.output
    assert "Made from uncommitted changes" in applied.output  # the preview's header
    lines = [json.loads(line) for line in Path(journal).read_text().splitlines()]
    (start,) = [line for line in lines if line["kind"] == "run_start"]
    assert start["git_dirty"] is True
    (put,) = [r for r in sb.requests if r.method == "PUT"]
    assert put.path == "/v2/accounts/sub_pro/plans/base"


@pytest.mark.parametrize(
    ("line", "column", "message"),
    [
        ("resend_after: 0s", 15, "resend_after: '0s' is below the floor of 5m"),
        ("journal_window: 1s", 17, "journal_window: '1s' is below the floor of 1d"),
        ("journal_window: 23h", 17, "journal_window: '23h' is below the floor of 1d"),
    ],
)
def test_the_project_file_cannot_loosen_safety_below_its_floors(
    repo: Path, sandbox: Any, line: str, column: int, message: str
) -> None:
    sb = sandbox()
    (repo / "zoomplans.yaml").write_text(f"{line}\n")
    for command in ("plan", "apply"):
        refused = run(sb, command, "accounts", "--auto-approve" if command == "apply" else "-v")
        assert refused.exit_code == 1
        assert refused.output.startswith(f"zoomplans.yaml:1:{column}: error: {message}")
    assert [r for r in sb.requests if "/plans" in r.path] == []


def test_every_setting_off_its_default_is_listed_with_its_origin(repo: Path, sandbox: Any) -> None:
    sb = sandbox()
    (repo / "zoomplans.yaml").write_text(
        "# team settings\nresend_after: 30m\njournal_window: 2d\n"
        "guard_rails:\n  max_seats_removed: 40\n"
    )
    plan = json.loads(
        run(
            sb, "plan", "accounts", "--format", "json", "--journal-window", "3d",
            env={"ZOOM_RATE_TIER": "pro"},
        ).stdout
    )  # fmt: skip
    settings = {s["name"]: (s["value"], s["origin"]) for s in plan["settings"]}
    assert settings["journal_window"] == ("3d", "--journal-window")  # the flag wins
    assert settings["resend_after"] == ("30m", "zoomplans.yaml:2")
    assert settings["max_seats_removed"] == ("40", "zoomplans.yaml:5")
    assert settings["rate_tier"] == ("pro", "environment ZOOM_RATE_TIER")
    assert settings["api_base_url"][1] == "environment ZOOM_API_BASE_URL"
    assert not {"client_secret", "client_id", "access_token"} & settings.keys()
    assert "demo-secret" not in json.dumps(plan)

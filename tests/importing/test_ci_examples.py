"""The CI examples users copy: valid YAML, only pinned flags, and the GitHub workflow's exact
command lines run in order against the sandbox (PR plan, apply of that plan, nightly drift)."""

from __future__ import annotations

import http.server
import json
import os
import shlex
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).parents[2]
GITHUB = ROOT / "examples" / "ci" / "github-actions.yml"
GITLAB = ROOT / "examples" / "ci" / "gitlab-ci.yml"
HOOKS = ROOT / ".pre-commit-hooks.yaml"
GATE = "Fail on invalid files, errors or blocked items"

# SPEC section 4 (pinned), plus --ttl, --rate-tier and --html (the report, issue 14).
GLOBAL_FLAGS = {"-v", "--verbose"}
PINNED_FLAGS = {
    "validate": {"--strict", "--format"},
    "plan": {
        "--format", "--out", "--detailed-exitcode", "--account", "--select", "--allow-decrease",
        "--allow-cancel", "--max-accounts-changed", "--ttl", "--rate-tier", "--journal",
        "--html",
    },
    "apply": {
        "--plan", "--auto-approve", "--allow-decrease", "--allow-cancel", "--account", "--select",
        "--journal", "--max-accounts-changed", "--rate-tier",
    },
    "import": {"--out", "--account", "--force", "--rate-tier"},
    "sandbox": {"--host", "--port", "--seed", "--state"},
}  # fmt: skip
SHELL_OPERATORS = {"|", "||", "&&", ";", ">", ">>", "<", "2>", "2>&1", "&"}


def load(path: Path) -> Any:
    # GitHub reads `on:` as a key; PyYAML (YAML 1.1) would read it as True. Compare both.
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def zoomplans_commands(script: str) -> Iterator[list[str]]:
    """Each `zoomplans ...` command of a shell script, cut at the first shell operator."""
    for line in script.replace("\\\n", " ").splitlines():
        try:
            words = shlex.split(line, comments=True)
        except ValueError:
            continue
        if not words or words[0] != "zoomplans":
            continue
        command = []
        for word in words:
            if word in SHELL_OPERATORS or word.startswith((">", "2>")):
                break
            command.append(word)
        yield command


def github_steps() -> list[tuple[str, dict[str, Any]]]:
    workflow = load(GITHUB)
    return [(job, step) for job, spec in workflow["jobs"].items() for step in spec["steps"]]


def all_commands() -> list[list[str]]:
    scripts = [step.get("run", "") for _job, step in github_steps()]
    gitlab = load(GITLAB)
    for job in gitlab.values():
        if isinstance(job, dict):
            scripts.extend(line for line in job.get("script", []) if isinstance(line, str))
    return [cmd for script in scripts for cmd in zoomplans_commands(script)]


def test_workflow_is_valid_yaml_with_the_three_triggers() -> None:
    workflow = load(GITHUB)
    triggers = workflow.get("on", workflow.get(True))
    assert {"pull_request", "push", "schedule"} <= set(triggers)
    assert triggers["push"]["branches"] == ["main"]
    jobs = workflow["jobs"]
    assert jobs["apply"]["concurrency"] == {"group": "zoomplans-apply", "cancel-in-progress": False}
    assert jobs["apply-by-hand"]["concurrency"]["group"] == "zoomplans-apply"
    for name in ("ZOOM_ACCOUNT_ID", "ZOOM_CLIENT_ID", "ZOOM_CLIENT_SECRET"):
        assert workflow["env"][name] == f"${{{{ secrets.{name} }}}}"


SCHEMAS = ROOT / "tests" / "fixtures" / "ci-schemas"  # vendored; see its README.md


def schema_errors(path: Path, schema_name: str, document: Any = None) -> list[str]:
    """Problems of a CI file against GitHub's or GitLab's published schema (offline copy)."""
    schema = json.loads((SCHEMAS / schema_name).read_text(encoding="utf-8"))
    if document is None:
        document = load(path)
    if True in document:  # PyYAML's reading of GitHub's `on:`
        document["on"] = document.pop(True)
    validator = jsonschema.validators.validator_for(schema)(schema)
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message[:200]}"
        for e in validator.iter_errors(document)
    ]


def test_the_examples_follow_githubs_and_gitlabs_schemas() -> None:
    assert schema_errors(GITHUB, "github-workflows.json") == []
    assert schema_errors(GITLAB, "gitlab-ci.json") == []
    # The schemas are strict enough to catch a typo in the keys this file relies on.
    workflow = load(GITHUB)
    workflow["jobs"]["apply"]["concurency"] = workflow["jobs"]["apply"].pop("concurrency")
    assert schema_errors(GITHUB, "github-workflows.json", workflow) != []
    gitlab = load(GITLAB)
    gitlab["zoomplans:apply"]["cache"]["when"] = "allways"
    assert schema_errors(GITLAB, "gitlab-ci.json", gitlab) != []


def _journal_path(script: str) -> str:
    """The folder of the --journal FILE of the one `zoomplans apply` in a script: the month
    files and the index of calls in doubt live next to FILE, so the whole folder travels."""
    applies = [c for c in zoomplans_commands(script) if "apply" in c]
    assert len(applies) == 1, script
    folder = str(Path(applies[0][applies[0].index("--journal") + 1]).parent)
    assert folder not in ("", "."), "the journal needs a folder of its own to be carried whole"
    return folder + "/"


@pytest.mark.parametrize("job", ["apply", "apply-by-hand"])
def test_github_applies_restore_the_newest_journal_and_save_it_even_on_failure(job: str) -> None:
    """A new runner has no journal: without the one the previous apply wrote, a re-run would
    not know what was bought a minute ago and Zoom's lagging reads would not show it."""
    spec = load(GITHUB)["jobs"][job]
    steps = spec["steps"]
    uses = [str(step.get("uses", "")) for step in steps]
    restore = next(i for i, u in enumerate(uses) if u.startswith("actions/cache/restore@"))
    save = next(i for i, u in enumerate(uses) if u.startswith("actions/cache/save@"))
    applying = [i for i, step in enumerate(steps) if "zoomplans apply" in step.get("run", "")]
    assert applying and restore < min(applying) and max(applying) < save
    journal = _journal_path(steps[applying[0]]["run"])
    restored, saved = steps[restore], steps[save]
    assert "if" not in restored  # always restored, whatever the reviewed-plan lookup found
    assert str(saved["if"]).startswith("always()")  # saved when apply failed or was cancelled
    assert restored["with"]["path"] == saved["with"]["path"] == journal
    key = restored["with"]["key"]
    assert saved["with"]["key"] == key
    assert "github.run_id" in key and "github.run_attempt" in key  # a cache key is immutable
    prefix = restored["with"]["restore-keys"]
    assert key.startswith(prefix) and "${{" not in prefix  # the newest journal of any run
    uploads = [s for s in steps if str(s.get("uses", "")).startswith("actions/upload-artifact@")]
    assert any(
        journal in str(s["with"]["path"]) and str(s["if"]).startswith("always()") for s in uploads
    )
    assert spec["concurrency"] == {"group": "zoomplans-apply", "cancel-in-progress": False}


def test_gitlab_apply_caches_the_journal_even_on_failure_and_runs_alone() -> None:
    job = load(GITLAB)["zoomplans:apply"]
    journal = _journal_path("\n".join(job["script"]))
    cache = job["cache"]
    assert journal in cache["paths"]
    assert cache["when"] == "always" and cache.get("policy", "pull-push") == "pull-push"
    assert "$" not in cache["key"]  # one key: each apply pulls what the previous one pushed
    assert cache.get("unprotect", False) is False  # merge requests cannot plant a journal
    assert job["artifacts"]["when"] == "always" and journal in job["artifacts"]["paths"]
    assert job["resource_group"] == "zoomplans-apply"


def test_every_action_is_pinned_to_a_version() -> None:
    for _job, step in github_steps():
        if "uses" in step:
            _action, _, version = step["uses"].partition("@")
            assert version.startswith("v") and version.count(".") == 2, step["uses"]


def test_pr_comment_is_found_again_by_its_hidden_marker() -> None:
    scripts = [
        s["with"]["script"] for _j, s in github_steps() if "github-script" in s.get("uses", "")
    ]
    comment = next(s for s in scripts if "createComment" in s)
    assert "<!-- zoomplans-plan -->" in comment
    assert "updateComment" in comment


def test_the_html_report_is_uploaded_before_the_comment_that_links_it() -> None:
    steps = [step for job, step in github_steps() if job == "plan"]
    names = [step.get("name") for step in steps]
    upload = steps[names.index("Upload the HTML report for reviewers")]
    comment = steps[
        names.index("Post the plan on the pull request (one comment, updated in place)")
    ]
    assert names.index(upload["name"]) < names.index(comment["name"])
    assert upload["uses"].startswith("actions/upload-artifact@")
    assert upload["with"]["path"] == "plan.html"
    assert upload["with"]["name"] == "zoomplans-report"  # not the artifact apply downloads
    assert str(upload["if"]).startswith("always()") and "plan.html" in upload["if"]
    link = comment["env"]["REPORT_URL"]
    assert f"steps.{upload['id']}.outputs.artifact-url" in link
    assert "github.server_url" in link and "actions/runs/" in link and "github.run_id" in link
    assert "process.env.REPORT_URL" in comment["with"]["script"]
    assert "HTML report" in comment["with"]["script"]


def test_gitlab_keeps_the_html_report_and_links_it_from_the_note() -> None:
    job = load(GITLAB)["zoomplans:plan-merge-request"]
    assert "plan.html" in job["artifacts"]["paths"] and job["artifacts"]["when"] == "always"
    script = "\n".join(job["script"])
    assert "--html plan.html" in script
    assert "artifacts/file/plan.html" in script


def test_gitlab_file_and_pre_commit_hooks_are_valid() -> None:
    gitlab = load(GITLAB)
    assert gitlab["stages"] == ["plan", "apply", "drift"]
    assert gitlab["zoomplans:apply"]["resource_group"] == "zoomplans-apply"
    hooks = load(HOOKS)
    assert hooks == [hooks[0]] and hooks[0]["id"] == "zoomplans-validate"
    assert hooks[0]["entry"] == "zoomplans validate"
    assert hooks[0]["language"] == "python"
    assert hooks[0]["files"] == r"\.ya?ml$"


def test_examples_use_only_pinned_flags() -> None:
    commands = all_commands()
    assert len(commands) >= 10
    for command in commands:
        words = [w for w in command[1:] if w not in GLOBAL_FLAGS]
        sub = words[0]
        assert sub in PINNED_FLAGS, command
        flags = {w.split("=", 1)[0] for w in words[1:] if w.startswith("-")}
        assert flags <= PINNED_FLAGS[sub], (command, flags - PINNED_FLAGS[sub])


SHA = "0123456789abcdef0123456789abcdef01234567"
INSTALL_FROM_GIT = (
    'python -m pip install "zoom-plan-reconciler @ git+${ZOOMPLANS_REPO}@${ZOOMPLANS_REF}"'
)


def _install_scripts() -> list[str]:
    """The GitHub install step of every job, and GitLab's before_script as one script."""
    github = [s["run"] for _j, s in github_steps() if s.get("name") == "Install zoomplans"]
    gitlab = "\n".join(load(GITLAB)["default"]["before_script"])
    return [*github, gitlab]


def _run_install(script: str, tmp_path: Path, env: dict[str, str]) -> tuple[int, str, list[str]]:
    """Run an install script with a stand-in `python` that records its arguments (no network)."""
    shim = tmp_path / "bin"
    shim.mkdir(exist_ok=True)
    calls = tmp_path / "python-args"
    calls.unlink(missing_ok=True)
    (shim / "python").write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > "{calls}"\n')
    (shim / "python").chmod(0o755)
    result = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
        env={"PATH": f"{shim}{os.pathsep}{os.environ.get('PATH', '')}", **env},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    args = calls.read_text().splitlines() if calls.exists() else []
    return result.returncode, result.stdout + result.stderr, args


def test_every_job_installs_zoomplans_from_its_repository_at_a_pinned_ref() -> None:
    """zoom-plan-reconciler is not on PyPI: a `==0.1.0` install could never work."""
    scripts = _install_scripts()
    assert len(scripts) == 5  # plan, apply, apply-by-hand, drift; GitLab's before_script
    for script in scripts:
        assert INSTALL_FROM_GIT in script.replace(" --quiet", ""), script
        assert "==" not in script
    for variables in (load(GITHUB)["env"], load(GITLAB)["variables"]):
        assert variables["ZOOMPLANS_REPO"] == "https://github.com/OWNER/zoomplans"
        assert variables["ZOOMPLANS_REF"] == "PIN-A-COMMIT-SHA"
    for path in (GITHUB, GITLAB):
        text = path.read_text(encoding="utf-8")
        assert "ZOOMPLANS_VERSION" not in text and "commit SHA" in text


@pytest.mark.parametrize("index", range(5))
def test_install_refuses_until_repository_and_commit_are_set(index: int, tmp_path: Path) -> None:
    script = _install_scripts()[index]
    placeholders = {"ZOOMPLANS_REPO": "https://github.com/OWNER/zoomplans", "ZOOMPLANS_REF": SHA}
    code, output, args = _run_install(script, tmp_path, placeholders)
    assert (code, args) == (1, [])
    assert "Set ZOOMPLANS_REPO and ZOOMPLANS_REF" in output
    code, output, args = _run_install(
        script, tmp_path, {"ZOOMPLANS_REPO": "https://github.com/acme/zoomplans"}
    )
    assert (code, args) == (1, []), "an unset ref must not install a moving branch"
    owner_like = {
        "ZOOMPLANS_REPO": "https://github.com/OWNERSHIP-co/zoomplans",
        "ZOOMPLANS_REF": SHA,
    }
    code, output, args = _run_install(script, tmp_path, owner_like)
    assert code == 0 and args, "only the OWNER placeholder itself is refused"


@pytest.mark.parametrize("index", range(5))
def test_install_line_is_a_valid_pinned_requirement(index: int, tmp_path: Path) -> None:
    from packaging.requirements import Requirement

    env = {"ZOOMPLANS_REPO": "https://github.com/acme/zoomplans", "ZOOMPLANS_REF": SHA}
    code, output, args = _run_install(_install_scripts()[index], tmp_path, env)
    assert code == 0, output
    assert args[:3] == ["-m", "pip", "install"]
    requirement = Requirement(args[-1])
    assert requirement.name == "zoom-plan-reconciler"
    assert requirement.url == f"git+https://github.com/acme/zoomplans@{SHA}"


def test_pre_commit_docs_pin_rev_to_a_commit_of_the_zoomplans_repository() -> None:
    hooks = HOOKS.read_text(encoding="utf-8")
    guide = (ROOT / "docs" / "ci.md").read_text(encoding="utf-8")
    for text in (hooks, guide):
        assert "v0.1.0" not in text
        assert "repo: https://github.com/OWNER/zoomplans" in text
        assert f"rev: {SHA}" in text


def _step(job: str, name: str) -> str:
    step = next(s for j, s in github_steps() if j == job and s.get("name") == name)
    script: str = step["run"]
    assert "${{" not in script  # runnable exactly as written
    return script


@pytest.fixture
def runner(tmp_path: Path) -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run one step's script the way GitHub does (bash -eo pipefail) in a fake workspace."""
    venv_bin = str(Path(sys.executable).parent)
    assert shutil.which("zoomplans", path=venv_bin), "zoomplans is not installed in the venv"

    def run(script: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
        output, summary = tmp_path / "github_output", tmp_path / "step_summary"
        output.write_text("")
        base = {k: v for k, v in os.environ.items() if not k.startswith("ZOOM_")}
        full_env = {
            **base,
            **env,
            "PATH": venv_bin + os.pathsep + base.get("PATH", ""),
            "GITHUB_OUTPUT": str(output),
            "GITHUB_STEP_SUMMARY": str(summary),
        }
        return subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
            cwd=tmp_path / "work",
            env=full_env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    return run


def test_workflow_command_lines_run_in_order_against_the_sandbox(
    sandbox: Any, cli: Callable[..., Any], runner: Callable[..., Any], tmp_path: Path
) -> None:
    sb = sandbox()
    work = tmp_path / "work"
    work.mkdir()
    assert cli("import", env=sb.env(), cwd=work).returncode == 0
    acme = work / "accounts" / "acme-emea--sub_8jk2lm.yaml"
    acme.write_text(
        acme.read_text().replace(
            "{type: business_monthly, hosts: 20}", "{type: business_monthly, hosts: 25}"
        )
    )

    # Pull request: validate, then plan (pending changes are success; exit code recorded).
    validated = runner(_step("plan", "Validate"), sb.env())
    assert validated.returncode == 0
    assert (tmp_path / "github_output").read_text() == "exitcode=0\n"
    planned = runner(_step("plan", "Plan"), sb.env())
    assert planned.returncode == 0, planned.stderr
    assert (tmp_path / "github_output").read_text() == "exitcode=2\n"
    assert "sub_8Jk2Lm" in (work / "plan.md").read_text()
    report = (work / "plan.html").read_text(encoding="utf-8")  # the artifact reviewers open
    assert report.startswith("<!DOCTYPE html>") and "<td>sub_8Jk2Lm</td>" in report
    assert "<li>plan_base business_monthly: hosts 20 -&gt; 25</li>" in report
    assert sb.writes() == []

    # Push to main: the reviewed artifact is downloaded to reviewed/ and applied exactly.
    (work / "reviewed").mkdir()
    shutil.copy(work / "plan.json", work / "reviewed" / "plan.json")
    applied = runner(_step("apply", "Apply the reviewed plan"), sb.env())
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert (work / "journal" / "journal.jsonl").stat().st_size > 0
    assert [(w.method, w.path) for w in sb.writes()] == [
        ("PUT", "/v2/accounts/sub_8Jk2Lm/plans/base")
    ]
    assert sb.plans("sub_8Jk2Lm")["plan_base"]["hosts"] == 25

    # Nightly: in sync now, so the drift check passes ...
    nightly = runner(_step("drift", "Drift check"), sb.env())
    assert nightly.returncode == 0, nightly.stdout + nightly.stderr
    assert (tmp_path / "step_summary").read_text().strip()

    # ... and fails with 2 once someone lowers seats in Zoom behind the files' back.
    drifted = dict(sb.plans("sub_pro"))
    drifted["plan_base"] = {**drifted["plan_base"], "hosts": 3}
    sb.set_plans("sub_pro", drifted)
    assert runner(_step("drift", "Drift check"), sb.env()).returncode == 2

    # The by-hand job re-plans and applies; the next drift check is clean again.
    by_hand = runner(_step("apply-by-hand", "Plan and apply that plan"), sb.env())
    assert by_hand.returncode == 0, by_hand.stdout + by_hand.stderr
    assert sb.plans("sub_pro")["plan_base"]["hosts"] == 5
    assert runner(_step("drift", "Drift check"), sb.env()).returncode == 0


def test_a_blocked_plan_records_exit_1_and_fails_the_check(
    sandbox: Any, cli: Callable[..., Any], runner: Callable[..., Any], tmp_path: Path
) -> None:
    sb = sandbox()
    work = tmp_path / "work"
    work.mkdir()
    assert cli("import", "--account", "sub_pro", env=sb.env(), cwd=work).returncode == 0
    pro = work / "accounts" / "globex-pro--sub_pro.yaml"
    pro.write_text(pro.read_text().replace("hosts: 5", "hosts: 2"))  # a decrease: blocked

    planned = runner(_step("plan", "Plan"), sb.env())
    assert planned.returncode == 0  # the comment is posted before the check fails
    assert (tmp_path / "github_output").read_text() == "exitcode=1\n"
    gate_env = {**sb.env(), "VALIDATE_EXIT": "0", "PLAN_EXIT": "1"}
    gate = runner(_step("plan", GATE), gate_env)
    assert gate.returncode == 1
    assert "errors or blocked items" in gate.stdout
    assert sb.writes() == []


def test_invalid_files_are_reported_by_validate_and_fail_the_check(
    runner: Callable[..., Any], tmp_path: Path
) -> None:
    accounts = tmp_path / "work" / "accounts"
    accounts.mkdir(parents=True)
    (accounts / "typo.yaml").write_text(
        "account_id: sub_1\nplans:\n  plan_base: {type: monthly, hostz: 3}\n"
    )
    validated = runner(_step("plan", "Validate"), {})
    assert validated.returncode == 0  # recorded, so the comment can show the problems
    assert (tmp_path / "github_output").read_text() == "exitcode=1\n"
    assert "typo.yaml:3:" in (tmp_path / "work" / "validate.txt").read_text()
    gate = runner(_step("plan", GATE), {"VALIDATE_EXIT": "1", "PLAN_EXIT": ""})
    assert gate.returncode == 1
    assert "zoomplans validate found problems" in gate.stdout


class _NotesHandler(http.server.BaseHTTPRequestHandler):
    """Just enough of GitLab's merge-request notes API to see create-then-update-in-place."""

    server: _FakeGitLab

    def _answer(self, value: Any) -> None:
        raw = json.dumps(value).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def _body(self) -> dict[str, Any]:
        return dict(json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0")))))

    def do_GET(self) -> None:
        self.server.calls.append("GET")
        page = int(self.path.rsplit("page=", 1)[1])
        self._answer(self.server.notes if page == 1 else [])

    def do_POST(self) -> None:
        self.server.calls.append("POST")
        assert self.headers["PRIVATE-TOKEN"] == "glpat-test"
        self.server.notes.append({"id": 100 + len(self.server.notes), **self._body()})
        self._answer(self.server.notes[-1])

    def do_PUT(self) -> None:
        self.server.calls.append("PUT")
        note_id = int(self.path.rsplit("/", 1)[1])
        note = next(n for n in self.server.notes if n["id"] == note_id)
        note.update(self._body())
        self._answer(note)

    def log_message(self, *_args: Any) -> None:
        return


class _FakeGitLab(http.server.ThreadingHTTPServer):
    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _NotesHandler)
        self.notes: list[dict[str, Any]] = [{"id": 1, "body": "LGTM"}]
        self.calls: list[str] = []
        threading.Thread(target=self.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server_address[1]}/api/v4"


def test_gitlab_plan_note_is_created_once_then_updated_in_place(
    runner: Callable[..., Any], tmp_path: Path
) -> None:
    script = load(GITLAB)["zoomplans:plan-merge-request"]["script"]
    poster = next(s for s in script if "ZOOMPLANS_GITLAB_TOKEN" in s)
    work = tmp_path / "work"
    work.mkdir()
    gitlab = _FakeGitLab()
    env = {
        "ZOOMPLANS_GITLAB_TOKEN": "glpat-test",
        "CI_API_V4_URL": gitlab.url,
        "CI_PROJECT_ID": "7",
        "CI_MERGE_REQUEST_IID": "42",
        "CI_COMMIT_SHORT_SHA": "abc1234",
        "CI_JOB_URL": "https://gitlab.example/job/1",
    }
    try:
        (work / "plan.md").write_text("first plan\n")
        assert runner("code=2\n" + poster, env).returncode == 0
        (work / "plan.md").write_text("second plan\n")
        assert runner("code=1\n" + poster, env).returncode == 0
    finally:
        gitlab.shutdown()
        gitlab.server_close()
    mine = [n for n in gitlab.notes if "<!-- zoomplans-plan -->" in n["body"]]
    assert len(mine) == 1
    assert "second plan" in mine[0]["body"] and "first plan" not in mine[0]["body"]
    assert "Errors or blocked items" in mine[0]["body"]
    assert "(https://gitlab.example/job/1/artifacts/file/plan.html)" in mine[0]["body"]
    assert gitlab.calls == ["GET", "GET", "POST", "GET", "PUT"]


def test_drift_checks_read_the_journal_without_saving_it() -> None:
    """A purchase Zoom does not show yet is awaiting Zoom, not drift: the nightly plan reads the
    journal the last apply saved, and never writes one back."""
    steps = load(GITHUB)["jobs"]["drift"]["steps"]
    uses = [str(step.get("uses", "")) for step in steps]
    assert any(u.startswith("actions/cache/restore@") for u in uses)
    assert not any(u.startswith("actions/cache/save@") for u in uses)
    plan = next(step["run"] for step in steps if "zoomplans plan" in step.get("run", ""))
    assert "--journal journal/journal.jsonl" in plan
    drift = load(GITLAB)["zoomplans:drift"]
    assert drift["cache"]["policy"] == "pull" and "journal/" in drift["cache"]["paths"]
    assert "--journal journal/journal.jsonl" in "\n".join(drift["script"])

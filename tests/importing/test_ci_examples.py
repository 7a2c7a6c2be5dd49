"""The CI files users copy: the GitHub Action (action.yml) with the step script it shares with
the GitLab component (scripts/ci_run.sh), the example workflow that uses the action, the GitLab
example and component: valid, only pinned flags, timeouts, installs from the hash-checked lock,
the apply that applies only the reviewed plan_sha256, and the step script run against the
sandbox (pull-request plan, blocked and invalid files, nightly drift, the apply of exactly the
reviewed plan_sha256)."""

from __future__ import annotations

import http.server
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
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
ACTION = ROOT / "action.yml"
COMPONENT = ROOT / "templates" / "zoomplans.yml"
CI_RUN = ROOT / "scripts" / "ci_run.sh"
NOTE = ROOT / "scripts" / "gitlab_note.py"
THE_ACTION = "zoomplans/zoomplans@"
HOOKS = ROOT / ".pre-commit-hooks.yaml"

# SPEC section 4 (pinned), plus --ttl, --rate-tier and --html (the report, issue 14).
GLOBAL_FLAGS = {"-v", "--verbose"}
PINNED_FLAGS = {
    "validate": {"--strict", "--format"},
    "plan": {
        "--format", "--out", "--detailed-exitcode", "--account", "--select", "--allow-decrease",
        "--allow-cancel", "--max-accounts-changed", "--ttl", "--rate-tier", "--journal",
        "--html", "--require-prices",
    },
    "apply": {
        "--plan", "--auto-approve", "--allow-decrease", "--allow-cancel", "--account", "--select",
        "--journal", "--max-accounts-changed", "--rate-tier", "--expect-sha256",
        "--require-prices",
    },
    "import": {"--out", "--account", "--force", "--rate-tier"},
    "sandbox": {"--host", "--port", "--seed", "--state"},
}  # fmt: skip
SHELL_OPERATORS = {"|", "||", "&&", ";", ">", ">>", "<", "2>", "2>&1", "&"}
CI_JOURNAL = ROOT / "scripts" / "ci_journal.sh"
#: The journal every zoomplans step of the GitHub example is given: the database, or the cache
#: variant's file when the repository variable ZOOMPLANS_JOURNAL is "cache".
JOURNAL_CHOICE = "${{ vars.ZOOMPLANS_JOURNAL == 'cache' && 'journal/journal.jsonl' || 'database' }}"
CACHE_JOURNAL = "journal/journal.jsonl"
CACHE_ONLY = "env.JOURNAL != 'database'"


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


def action_steps() -> list[dict[str, Any]]:
    steps: list[dict[str, Any]] = load(ACTION)["runs"]["steps"]
    return steps


def action_uses(job: str) -> list[dict[str, Any]]:
    """The steps of a job of the example workflow that run the zoomplans action."""
    return [s for j, s in github_steps() if j == job and s.get("uses", "").startswith(THE_ACTION)]


def all_commands() -> list[list[str]]:
    scripts = [step.get("run", "") for _job, step in github_steps()]
    scripts.append(CI_RUN.read_text(encoding="utf-8"))
    gitlab = load(GITLAB)
    for job in gitlab.values():
        if isinstance(job, dict):
            scripts.extend(line for line in job.get("script", []) if isinstance(line, str))
    return [cmd for script in scripts for cmd in zoomplans_commands(script)]


def test_workflow_is_valid_yaml_with_the_three_triggers() -> None:
    workflow = load(GITHUB)
    triggers = workflow.get("on", workflow.get(True))
    assert {"pull_request", "push", "schedule", "workflow_dispatch"} <= set(triggers)
    assert triggers["push"]["branches"] == ["main"]
    jobs = workflow["jobs"]
    for job in ("apply", "apply-approved"):
        assert jobs[job]["concurrency"] == {
            "group": "zoomplans-apply",
            "cancel-in-progress": False,
        }
    assert jobs["apply-approved"]["environment"].startswith("zoom-production")
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


def test_every_job_has_a_time_limit() -> None:
    """A job without one may run for 360 minutes (GitHub's default) or an hour (GitLab's)."""
    for name, job in load(GITHUB)["jobs"].items():
        assert 0 < job["timeout-minutes"] <= 60, name
    assert load(GITLAB)["default"]["timeout"] == "30m"
    _header, component = list(yaml.safe_load_all(COMPONENT.read_text(encoding="utf-8")))
    assert component[".zoomplans"]["timeout"] == "$[[ inputs.timeout ]]"
    jobs = [k for k in component if not k.startswith(".")]
    assert jobs and all(component[k]["extends"] == ".zoomplans" for k in jobs)


def test_the_workflow_runs_zoomplans_only_through_the_pinned_action() -> None:
    uses = [s for _j, s in github_steps() if s.get("uses", "").startswith(THE_ACTION)]
    assert len(uses) == 5  # PR plan, main plan, apply, approved apply, drift
    assert {s["uses"] for s in uses} == {"zoomplans/zoomplans@v0.3.0"}
    assert load(GITHUB)["env"]["ZOOMPLANS_REF"] == "v0.3.0"  # newest-releases: the same release
    inputs = set(load(ACTION)["inputs"])
    for step in uses:
        assert set(step["with"]) <= inputs, step["with"]
    runs = [s.get("run", "") for j, s in github_steps() if j != "newest-releases"]
    assert not [r for r in runs if "zoomplans " in r and "pip install" in r]


def test_the_action_installs_its_own_release_from_the_hash_checked_lock(tmp_path: Path) -> None:
    """The install step, run with stand-ins for `python` and `git` that record their calls."""
    install = next(s for s in action_steps() if s.get("name", "").startswith("Install"))
    assert "${{" not in install["run"]
    calls = _stub_tools(tmp_path)
    env = {"GITHUB_ACTION_PATH": "/actions/zoomplans", "ZP_ACTION_REF": "v0.3.0"}
    code, output = _bash(install["run"], tmp_path, {**env, "ZP_VERSION": ""})
    assert code == 0, output
    assert calls() == [
        "python -m pip install --quiet --disable-pip-version-check --require-hashes -r "
        "/actions/zoomplans/requirements/runtime.lock",
        "python -m pip install --quiet --disable-pip-version-check --no-deps /actions/zoomplans",
        "zoomplans --version",
        "SETUPTOOLS_SCM_PRETEND_VERSION_FOR_ZOOM_PLAN_RECONCILER=0.3.0",
    ]
    # A database journal: the lock that adds psycopg (the `postgres` extra), whether it is
    # chosen by the input or only by the URL in the job's environment.
    for journal in ({"ZP_JOURNAL": "database"}, {"ZOOMPLANS_JOURNAL_URL": "postgresql://h/db"}):
        code, output = _bash(install["run"], tmp_path, {**env, "ZP_VERSION": "", **journal})
        assert code == 0, output
        assert "-r /actions/zoomplans/requirements/postgres.lock" in calls()[0]
    # Another release: fetched at that ref (a tag or a commit), then installed the same way.
    env = {**env, "ZP_VERSION": SHA, "ZP_ACTION_REPO": "zoomplans/zoomplans"}
    code, output = _bash(install["run"], tmp_path, {**env, "GITHUB_SERVER_URL": "https://x"})
    assert code == 0, output
    recorded = calls()
    fetch = f"git -C {tmp_path}/zoomplans-src fetch --quiet --depth 1"
    assert f"{fetch} https://x/zoomplans/zoomplans {SHA}" in recorded
    assert any(c.endswith(f"--no-deps {tmp_path}/zoomplans-src") for c in recorded)


def test_gitlab_installs_the_pinned_release_from_its_lock(tmp_path: Path) -> None:
    script = "\n".join(load(GITLAB)["default"]["before_script"])
    calls = _stub_tools(tmp_path)
    code, output = _bash(script, tmp_path, {"ZOOMPLANS_REPO": "https://github.com/OWNER/z"})
    assert code == 1 and "Set ZOOMPLANS_REPO and ZOOMPLANS_REF" in output and calls() == []
    env = {"ZOOMPLANS_REPO": "https://github.com/acme/zoomplans", "ZOOMPLANS_REF": "v0.3.0"}
    (tmp_path / "src" / "scripts").mkdir(parents=True)  # the release's scripts, as fetched
    shutil.copy(CI_JOURNAL, tmp_path / "src" / "scripts")
    script = script.replace("/tmp/zoomplans-src", str(tmp_path / "src"))
    lock = f"--require-hashes -r {tmp_path}/src/requirements/"
    for journal, expected in (("database", "postgres.lock"), (CACHE_JOURNAL, "runtime.lock")):
        code, output = _bash(script, tmp_path, {**env, "ZOOMPLANS_JOURNAL": journal})
        assert code == 0, output
        recorded = calls()
        assert recorded[1].endswith(
            "fetch --quiet --depth 1 https://github.com/acme/zoomplans v0.3.0"
        )
        assert lock + expected in recorded[3]
        assert recorded[4].endswith(f"--no-deps {tmp_path}/src")
        assert "SETUPTOOLS_SCM_PRETEND_VERSION_FOR_ZOOM_PLAN_RECONCILER=0.3.0" in recorded
    assert load(GITLAB)["variables"]["ZOOMPLANS_JOURNAL"] == "database"  # the recommended one
    component = COMPONENT.read_text(encoding="utf-8")
    assert '--require-hashes -r "/tmp/zoomplans-src/requirements/$lock"' in component
    assert 'if [ "$ZP_JOURNAL" = database ] || [ -n "${ZOOMPLANS_JOURNAL_URL:-}" ]' in component


def _stub_tools(tmp_path: Path) -> Callable[[], list[str]]:
    """`python`, `git` and `zoomplans` stand-ins on PATH that append their command line (and
    the pretend-version variable when set) to a file; returns its reader (which empties it)."""
    shim = tmp_path / "bin"
    shim.mkdir(exist_ok=True)
    log = tmp_path / "calls"
    for tool in ("python", "git", "zoomplans"):
        (shim / tool).write_text(
            f'#!/bin/sh\necho "{tool} $*" >> "{log}"\n'
            'v="${SETUPTOOLS_SCM_PRETEND_VERSION_FOR_ZOOM_PLAN_RECONCILER:-}"\n'
            f'[ "{tool}" = zoomplans ] && [ -n "$v" ] && '
            f'echo "SETUPTOOLS_SCM_PRETEND_VERSION_FOR_ZOOM_PLAN_RECONCILER=$v" >> "{log}"\n'
            "exit 0\n"
        )
        (shim / tool).chmod(0o755)

    def read() -> list[str]:
        lines = log.read_text().splitlines() if log.exists() else []
        log.unlink(missing_ok=True)
        return lines

    return read


def _bash(script: str, tmp_path: Path, env: dict[str, str]) -> tuple[int, str]:
    result = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
        env={
            "PATH": f"{tmp_path / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
            "RUNNER_TEMP": str(tmp_path),
            **env,
        },
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return result.returncode, result.stdout + result.stderr


@pytest.mark.parametrize("job", ["apply", "apply-approved"])
def test_github_applies_restore_the_newest_journal_and_save_it_even_on_failure(job: str) -> None:
    """The cache variant: a new runner has no journal; without the one the previous apply
    wrote, a re-run would not know what was bought a minute ago and Zoom's lagging reads would
    not show it. (The database journal needs none of this: every runner reads the same table.)"""
    spec = load(GITHUB)["jobs"][job]
    steps = spec["steps"]
    uses = [str(step.get("uses", "")) for step in steps]
    restore = next(i for i, u in enumerate(uses) if u.startswith("actions/cache/restore@"))
    save = next(i for i, u in enumerate(uses) if u.startswith("actions/cache/save@"))
    applying = [
        i
        for i, step in enumerate(steps)
        if uses[i].startswith(THE_ACTION) and step["with"].get("command") == "apply"
    ]
    assert applying and restore < min(applying) and max(applying) < save
    assert load(GITHUB)["env"]["JOURNAL"] == JOURNAL_CHOICE
    assert all(steps[i]["with"]["journal"] == "${{ env.JOURNAL }}" for i in applying)
    journal = str(Path(CACHE_JOURNAL).parent) + "/"
    restored, saved = steps[restore], steps[save]
    # restored whatever the reviewed-plan lookup found; only in the cache variant
    assert restored["if"] == CACHE_ONLY
    assert str(saved["if"]).startswith(f"always() && {CACHE_ONLY}")  # also when apply failed
    assert restored["with"]["path"] == saved["with"]["path"] == journal
    key = restored["with"]["key"]
    assert saved["with"]["key"] == key
    assert "github.run_id" in key and "github.run_attempt" in key  # a cache key is immutable
    prefix = restored["with"]["restore-keys"]
    assert key.startswith(prefix) and "${{" not in prefix  # the newest journal of any run
    uploads = [s for s in steps if str(s.get("uses", "")).startswith("actions/upload-artifact@")]
    assert any(
        journal in str(s["with"]["path"]) and str(s["if"]).startswith(f"always() && {CACHE_ONLY}")
        for s in uploads
    )


def test_gitlab_apply_caches_the_journal_even_on_failure_and_runs_alone() -> None:
    """The cache variant (ZOOMPLANS_JOURNAL: journal/journal.jsonl): the folder of the file,
    where the month files and the index of calls in doubt live too, travels whole."""
    job = load(GITLAB)["zoomplans:apply"]
    journal = str(Path(CACHE_JOURNAL).parent) + "/"
    script = "\n".join(job["script"])
    assert script.index('zp_journal apply "$ZOOMPLANS_JOURNAL"') < script.index("zoomplans apply")
    (apply,) = [c for c in zoomplans_commands(script) if c[1] == "apply"]
    assert "${journal[@]}" in apply and "--journal" not in apply
    cache = job["cache"]
    assert journal in cache["paths"]
    assert cache["when"] == "always" and cache.get("policy", "pull-push") == "pull-push"
    assert "$" not in cache["key"]  # one key: each apply pulls what the previous one pushed
    assert cache.get("unprotect", False) is False  # merge requests cannot plant a journal
    assert job["artifacts"]["when"] == "always" and journal in job["artifacts"]["paths"]
    assert job["resource_group"] == "zoomplans-apply"


def test_every_action_is_pinned_to_a_version() -> None:
    for step in [s for _job, s in github_steps()] + action_steps():
        if "uses" in step:
            _action, _, version = step["uses"].partition("@")
            assert version.startswith("v") and version.count(".") == 2, step["uses"]


def test_pr_comment_is_found_again_by_its_hidden_marker() -> None:
    comment = next(s for s in action_steps() if "github-script" in s.get("uses", ""))
    script = comment["with"]["script"]
    assert "<!-- zoomplans-plan -->" in script
    assert "updateComment" in script and "createComment" in script
    assert "pull_request" in comment["if"] and "inputs.comment == 'true'" in comment["if"]
    assert "ZP_SHA256" in script  # the comment shows the plan_sha256 the merge will apply


def test_the_plan_job_uploads_the_plan_and_report_the_apply_job_downloads() -> None:
    (plan,) = action_uses("plan")
    assert plan["with"]["command"] == "plan" and plan["with"]["formats"] == "html"
    upload = next(
        s for j, s in github_steps() if j == "plan" and "upload-artifact" in s.get("uses", "")
    )
    assert upload["with"]["name"] == "zoomplans-plan"
    assert "zoomplans-out/plan.json" in upload["with"]["path"]
    assert "zoomplans-out/plan.html" in upload["with"]["path"]
    download = next(
        s for j, s in github_steps() if j == "apply" and "download-artifact" in s.get("uses", "")
    )
    assert download["with"]["name"] == "zoomplans-plan" and download["with"]["path"] == "reviewed"


def test_opt_ins_come_from_protected_labels_never_from_a_file_the_pull_request_wrote() -> None:
    steps = {s.get("name"): s for j, s in github_steps() if j == "plan"}
    labels = steps["Opt-ins from the pull request's labels"]
    assert "github.event.pull_request.labels" in labels["env"]["LABELS"]
    env = {"LABELS": "bug zoomplans:allow-cancel zoomplans:allow-everything"}
    output = Path(tempfile.mkdtemp()) / "out"
    code, text = _bash(labels["run"], output.parent, {**env, "GITHUB_OUTPUT": str(output)})
    assert code == 0, text
    assert output.read_text() == "opt-ins=allow-cancel\n"
    reviewed = next(s for j, s in github_steps() if j == "apply" and s.get("id") == "reviewed")
    assert "pr.labels" in reviewed["with"]["script"]
    for job in ("apply", "apply-approved"):
        for step in action_uses(job):
            assert step["with"].get("opt-ins", "") in (
                "${{ steps.reviewed.outputs.opt_ins }}",
                "${{ needs.apply.outputs.opt_ins }}",
            )
    compare = next(s for j, s in github_steps() if j == "apply" and s.get("id") == "decide")
    assert "options" not in compare["run"]  # only the reviewed plan's hash is read


def _decide(tmp_path: Path, reviewed: str | None, main: str, code: str) -> dict[str, str]:
    """Run the apply job's comparison step; its outputs and summary."""
    step = next(s for j, s in github_steps() if j == "apply" and s.get("id") == "decide")
    work = tmp_path / f"decide-{reviewed}-{main}-{code}"
    (work / "reviewed").mkdir(parents=True)
    if reviewed is not None:
        plan = {"plan_sha256": reviewed, "options": {"allow_cancel_base": True}}
        (work / "reviewed" / "plan.json").write_text(json.dumps(plan))
    env = {
        "MAIN_SHA256": main,
        "MAIN_EXIT": code,
        "GITHUB_OUTPUT": str(work / "out"),
        "GITHUB_STEP_SUMMARY": str(work / "summary"),
    }
    result, text = _bash(step["run"], work, env)
    assert result == 0, text
    outputs = dict(line.split("=", 1) for line in (work / "out").read_text().splitlines())
    summary = (work / "summary").read_text() if (work / "summary").exists() else ""
    return {**outputs, "summary": summary}


def test_main_is_applied_only_when_its_plan_is_the_reviewed_one(tmp_path: Path) -> None:
    same = _decide(tmp_path, "a" * 64, "a" * 64, "2")
    assert same["apply"] == "true" and same["needs-approval"] == "false"
    # Another merge landed first, Zoom drifted or an apply was dropped: not applied, approval.
    other = _decide(tmp_path, "a" * 64, "b" * 64, "2")
    assert "apply" not in other and other["needs-approval"] == "true"
    assert "Not applied: this plan is not the one reviewed" in other["summary"]
    assert f"main: `{'b' * 64}`" in other["summary"]
    # A direct push or a run by hand: nothing was reviewed.
    assert _decide(tmp_path, None, "b" * 64, "2")["needs-approval"] == "true"
    assert _decide(tmp_path, None, "", "0")["needs-approval"] == "false"
    steps = {s.get("name"): s for j, s in github_steps() if j == "apply"}
    apply = steps["Apply exactly the reviewed plan"]
    assert apply["if"] == "steps.decide.outputs.apply == 'true'"
    assert apply["with"]["expect-sha256"] == "${{ steps.decide.outputs.reviewed }}"
    assert apply["with"]["plan-file"] == "zoomplans-out/plan.json"  # the plan made on main
    approved = load(GITHUB)["jobs"]["apply-approved"]
    assert approved["if"] == "needs.apply.outputs.needs-approval == 'true'"
    (step,) = action_uses("apply-approved")
    assert step["with"]["expect-sha256"] == "${{ needs.apply.outputs.plan_sha256 }}"
    checkout = load(GITHUB)["jobs"]["apply"]["steps"][0]
    assert checkout["with"]["ref"] == "main"  # the newest main: a queued run plans it all


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


def test_pre_commit_docs_pin_rev_to_a_commit_of_the_zoomplans_repository() -> None:
    hooks = HOOKS.read_text(encoding="utf-8")
    guide = (ROOT / "docs" / "ci.md").read_text(encoding="utf-8")
    for text in (hooks, guide):
        assert "v0.1.0" not in text
        assert "repo: https://github.com/OWNER/zoomplans" in text
        assert f"rev: {SHA}" in text


def ci_run(runner: Callable[..., Any], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """The action's main step: scripts/ci_run.sh with the variables action.yml sets."""
    step = next(s for s in action_steps() if s.get("id") == "run")
    assert step["run"] == 'bash "$GITHUB_ACTION_PATH/scripts/ci_run.sh"'
    # The sandbox's world has no price list; require-prices (the action's default) has a test.
    defaults = {
        "ZP_PATHS": "accounts/",
        "ZP_OUT": "zoomplans-out",
        "ZP_FORMATS": "html",
        "ZP_REQUIRE_PRICES": "false",
    }
    return runner(f"bash {CI_RUN}", {**defaults, **env})  # type: ignore[no-any-return]


def outputs(tmp_path: Path) -> dict[str, str]:
    lines = (tmp_path / "github_output").read_text().splitlines()
    return dict(line.split("=", 1) for line in lines)


def imported_with_one_change(sb: Any, cli: Callable[..., Any], tmp_path: Path) -> Path:
    """The sandbox's accounts imported into a fresh workspace, then one seat increase made in
    the files (acme-emea's base plan 20 -> 25 hosts); the workspace."""
    work = tmp_path / "work"
    work.mkdir()
    assert cli("import", env=sb.env(), cwd=work).returncode == 0
    # The demo seed's legacy base type, allowed by name as a team would (plan refuses it else).
    (work / "zoomplans.yaml").write_text("extra_plan_types: [business_yearly_c50]\n")
    acme = work / "accounts" / "acme-emea--sub_8jk2lm.yaml"
    acme.write_text(
        acme.read_text().replace(
            "{type: business_monthly, hosts: 20}", "{type: business_monthly, hosts: 25}"
        )
    )
    return work


def test_the_action_plans_a_pull_request_against_the_sandbox_and_the_drift_check_fails(
    sandbox: Any, cli: Callable[..., Any], runner: Callable[..., Any], tmp_path: Path
) -> None:
    sb = sandbox()
    work = imported_with_one_change(sb, cli, tmp_path)
    planned = ci_run(runner, {**sb.env(), "ZP_COMMAND": "plan"})
    assert planned.returncode == 0, planned.stdout + planned.stderr  # pending is a success
    out = outputs(tmp_path)
    assert out["exit-code"] == "2"
    assert out["files"].split() == [
        f"zoomplans-out/{f}"
        for f in ("plan.html", "plan.json", "plan.md", "validate.exit", "validate.txt")
    ]
    assert "sub_8Jk2Lm" in (work / "zoomplans-out" / "plan.md").read_text()
    report = (work / "zoomplans-out" / "plan.html").read_text(encoding="utf-8")
    assert report.startswith("<!DOCTYPE html>") and "<td>sub_8Jk2Lm</td>" in report
    assert "<li>plan_base business_monthly: hosts 20 -&gt; 25</li>" in report
    summary = (tmp_path / "step_summary").read_text()
    assert summary.startswith("### zoomplans plan: exit 2") and "sub_8Jk2Lm" in summary
    assert sb.writes() == []

    # Nightly: the same files and the changed Zoom differ, so the drift step fails the job.
    drift = ci_run(runner, {**sb.env(), "ZP_COMMAND": "plan", "ZP_FORMATS": ""})
    assert drift.returncode == 0 and outputs(tmp_path)["exit-code"] == "2"
    gate = next(s for j, s in github_steps() if j == "drift" and s.get("name") == "Fail on drift")
    assert gate["if"] == "steps.drift.outputs.exit-code == '2'"
    assert runner(gate["run"], {}).returncode == 1


def test_a_blocked_plan_is_exit_1_after_every_file_is_written(
    sandbox: Any, cli: Callable[..., Any], runner: Callable[..., Any], tmp_path: Path
) -> None:
    sb = sandbox()
    work = tmp_path / "work"
    work.mkdir()
    assert cli("import", "--account", "sub_pro", env=sb.env(), cwd=work).returncode == 0
    pro = work / "accounts" / "globex-pro--sub_pro.yaml"
    pro.write_text(pro.read_text().replace("hosts: 5", "hosts: 4"))  # a decrease: blocked
    planned = ci_run(runner, {**sb.env(), "ZP_COMMAND": "plan"})
    assert planned.returncode == 1  # the comment step runs after it (`if: always()`)
    assert outputs(tmp_path)["exit-code"] == "1"
    assert "seat" in (work / "zoomplans-out" / "plan.md").read_text()
    # The opt-in the labels grant unblocks it; an unknown opt-in is a usage error.
    allowed = ci_run(runner, {**sb.env(), "ZP_COMMAND": "plan", "ZP_OPT_INS": "allow-decrease"})
    assert allowed.returncode == 0 and outputs(tmp_path)["exit-code"] == "2"
    bad = ci_run(runner, {**sb.env(), "ZP_COMMAND": "plan", "ZP_OPT_INS": "allow-all"})
    assert bad.returncode == 64 and "unknown opt-in 'allow-all'" in bad.stderr
    assert sb.writes() == []


def test_the_action_requires_prices_by_default(
    sandbox: Any, cli: Callable[..., Any], runner: Callable[..., Any], tmp_path: Path
) -> None:
    step = next(s for s in action_steps() if s.get("id") == "run")
    assert step["env"]["ZP_REQUIRE_PRICES"] == "${{ inputs.require-prices }}"
    sb = sandbox()
    work = tmp_path / "work"
    work.mkdir()
    assert cli("import", "--account", "sub_pro", env=sb.env(), cwd=work).returncode == 0
    pro = work / "accounts" / "globex-pro--sub_pro.yaml"
    pro.write_text(pro.read_text().replace("hosts: 5", "hosts: 6"))  # no price list here
    unpriced = ci_run(runner, {**sb.env(), "ZP_COMMAND": "plan", "ZP_REQUIRE_PRICES": "true"})
    assert unpriced.returncode == 1 and outputs(tmp_path)["exit-code"] == "1"
    bad = ci_run(runner, {**sb.env(), "ZP_COMMAND": "plan", "ZP_REQUIRE_PRICES": "yes"})
    assert bad.returncode == 64 and "require-prices must be true or false" in bad.stderr
    assert sb.writes() == []


def test_invalid_files_are_reported_by_validate_and_fail_the_step(
    runner: Callable[..., Any], tmp_path: Path
) -> None:
    accounts = tmp_path / "work" / "accounts"
    accounts.mkdir(parents=True)
    (accounts / "typo.yaml").write_text(
        "account_id: sub_1\nplans:\n  plan_base: {type: monthly, hostz: 3}\n"
    )
    validated = ci_run(runner, {"ZP_COMMAND": "plan"})
    assert validated.returncode == 1
    assert outputs(tmp_path)["exit-code"] == "1"
    out = tmp_path / "work" / "zoomplans-out"
    assert (out / "validate.exit").read_text() == "1\n"  # the comment shows validate's problems
    assert "typo.yaml:3:" in (out / "validate.txt").read_text()
    assert not (out / "plan.json").exists()


def test_apply_needs_the_plan_file_and_the_reviewed_sha(
    runner: Callable[..., Any], tmp_path: Path
) -> None:
    no_file = ci_run(runner, {"ZP_COMMAND": "apply", "ZP_EXPECT_SHA256": "a" * 64})
    assert no_file.returncode == 64 and "apply needs the plan file" in no_file.stderr
    no_sha = ci_run(runner, {"ZP_COMMAND": "apply", "ZP_PLAN_FILE": "plan.json"})
    assert no_sha.returncode == 64 and "apply needs the reviewed plan_sha256" in no_sha.stderr
    script = CI_RUN.read_text(encoding="utf-8")
    assert '--expect-sha256 "$ZP_EXPECT_SHA256" --auto-approve' in script


def test_the_action_applies_exactly_the_reviewed_plan_and_refuses_another_sha(
    sandbox: Any, cli: Callable[..., Any], runner: Callable[..., Any], tmp_path: Path
) -> None:
    """After the merge: the action's step plans against the sandbox, then applies that very
    plan file held to its reviewed plan_sha256 (as the example workflow's apply job does); a
    sha256 nobody reviewed sends nothing."""
    sb = sandbox()
    work = imported_with_one_change(sb, cli, tmp_path)
    journal = {"ZP_JOURNAL": "journal/journal.jsonl"}  # the action's default
    planned = ci_run(runner, {**sb.env(), **journal, "ZP_COMMAND": "plan"})
    assert planned.returncode == 0 and outputs(tmp_path)["exit-code"] == "2", planned.stderr
    reviewed = outputs(tmp_path)["plan_sha256"]
    plan = json.loads((work / "zoomplans-out" / "plan.json").read_text())
    assert reviewed == plan["plan_sha256"] and len(reviewed) == 64
    calls = [(a["method"], a["path"], a["body"]) for p in plan["accounts"] for a in p["actions"]]
    assert calls, "the edited file must give the plan something to apply"
    assert sb.writes() == []

    apply = {**sb.env(), **journal, "ZP_COMMAND": "apply", "ZP_OUT": "apply-out"}
    apply["ZP_PLAN_FILE"] = "zoomplans-out/plan.json"
    other = ci_run(runner, {**apply, "ZP_EXPECT_SHA256": "0" * 64})
    assert other.returncode == 1 and outputs(tmp_path)["exit-code"] == "1"
    assert f"plan_sha256 is {reviewed}, not the --expect-sha256 {'0' * 64}" in other.stdout
    assert "nothing was sent" in other.stdout
    assert sb.writes() == []

    applied = ci_run(runner, {**apply, "ZP_EXPECT_SHA256": reviewed})
    assert applied.returncode == 0, applied.stdout + applied.stderr
    out = outputs(tmp_path)
    assert out["exit-code"] == "0" and out["plan_sha256"] == reviewed
    sent = [(w.method, w.path.removeprefix("/v2"), w.body) for w in sb.writes()]
    assert sent == calls  # exactly the reviewed calls, once
    assert (work / "apply-out" / "applied-plan.json").read_text() == (
        work / "zoomplans-out" / "plan.json"
    ).read_text()
    summary = (tmp_path / "step_summary").read_text()
    assert f"### zoomplans apply: exit 0\nplan_sha256 `{reviewed}`" in summary
    assert (work / "journal" / "journal.jsonl").read_text().count('"kind":"intent"') == len(calls)


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
    poster = poster.replace(
        "python3 /tmp/zoomplans-src/scripts/", f"{sys.executable} {ROOT}/scripts/"
    )
    component = COMPONENT.read_text(encoding="utf-8")
    assert "python3 /tmp/zoomplans-src/scripts/gitlab_note.py zoomplans-out/plan.md" in component
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


def test_gitlab_keeps_the_html_report_and_links_it_from_the_note() -> None:
    job = load(GITLAB)["zoomplans:plan-merge-request"]
    assert "plan.html" in job["artifacts"]["paths"] and job["artifacts"]["when"] == "always"
    assert "--html plan.html" in "\n".join(job["script"])
    assert "artifacts/file/plan.html" in NOTE.read_text(encoding="utf-8")


def test_gitlab_applies_only_the_plan_its_plan_job_made() -> None:
    gitlab = load(GITLAB)
    plan = gitlab["zoomplans:plan-default-branch"]
    assert plan["artifacts"]["reports"]["dotenv"] == "plan.env"
    assert any("ZOOMPLANS_PLAN_SHA256=" in line for line in plan["script"])
    apply = "\n".join(gitlab["zoomplans:apply"]["script"])
    assert '--expect-sha256 "$ZOOMPLANS_PLAN_SHA256"' in apply
    _header, component = list(yaml.safe_load_all(COMPONENT.read_text(encoding="utf-8")))
    dotenv = component["zoomplans:plan-default-branch"]["artifacts"]["reports"]["dotenv"]
    assert dotenv == "zoomplans-out/outputs.env"
    assert 'ZP_EXPECT_SHA256="$ZOOMPLANS_PLAN_SHA256"' in component["zoomplans:apply"]["script"][0]
    assert component["zoomplans:apply"]["resource_group"] == "zoomplans-apply"


def test_drift_checks_read_the_journal_without_saving_it() -> None:
    """A purchase Zoom does not show yet is awaiting Zoom, not drift: the nightly plan reads the
    journal the last apply saved, and never writes one back."""
    steps = load(GITHUB)["jobs"]["drift"]["steps"]
    uses = [str(step.get("uses", "")) for step in steps]
    assert any(u.startswith("actions/cache/restore@") for u in uses)
    assert not any(u.startswith("actions/cache/save@") for u in uses)
    (plan,) = action_uses("drift")
    assert plan["with"]["journal"] == "${{ env.JOURNAL }}"
    drift = load(GITLAB)["zoomplans:drift"]
    assert drift["cache"]["policy"] == "pull" and "journal/" in drift["cache"]["paths"]
    (command,) = zoomplans_commands("\n".join(drift["script"]))
    assert "${journal[@]}" in command

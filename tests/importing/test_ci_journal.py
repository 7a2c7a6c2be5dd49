"""The journal in the CI files users copy (issue 18, part 5): the database journal is the
recommended setup of both examples, its URL reaches zoomplans only through the environment
(ZOOMPLANS_JOURNAL_URL, from a protected secret: never an input, a command line or a log), the
pull-request plan reads it with a read-only role's URL, a job without the secret (a fork's pull
request) still plans and says what it cannot show, and the action's step script plans and
applies with a real PostgreSQL journal against the sandbox."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
import yaml

from tests.importing.test_ci_examples import (
    CACHE_ONLY,
    CI_JOURNAL,
    CI_RUN,
    COMPONENT,
    GITHUB,
    GITLAB,
    JOURNAL_CHOICE,
    THE_ACTION,
    action_steps,
    all_commands,
    ci_run,
    github_steps,
    imported_with_one_change,
    load,
    outputs,
)
from tests.postgres_server import PostgresServer

READ_WRITE = "${{ secrets.ZOOMPLANS_JOURNAL_URL }}"
READ_ONLY = "${{ secrets.ZOOMPLANS_JOURNAL_URL_READONLY }}"
EXPORT_READ_ONLY = 'export ZOOMPLANS_JOURNAL_URL="${ZOOMPLANS_JOURNAL_URL_READONLY:-}"'


def test_the_database_journal_is_the_recommended_setup_of_both_examples() -> None:
    workflow = load(GITHUB)
    assert workflow["env"]["JOURNAL"] == JOURNAL_CHOICE  # database unless the team says cache
    for job, step in github_steps():
        if step.get("uses", "").startswith(THE_ACTION):
            assert step["with"]["journal"] == "${{ env.JOURNAL }}", job
        if str(step.get("uses", "")).startswith("actions/cache/"):
            assert CACHE_ONLY in step["if"], (job, step)  # the cache only in its variant
    gitlab = load(GITLAB)
    assert gitlab["variables"]["ZOOMPLANS_JOURNAL"] == "database"
    for name in ("zoomplans:plan-merge-request", "zoomplans:plan-default-branch",
                 "zoomplans:apply", "zoomplans:drift"):  # fmt: skip
        script = gitlab[name]["script"]
        chose = [line for line in script if line.startswith("zp_journal ")]
        assert chose in (['zp_journal plan "$ZOOMPLANS_JOURNAL"'],
                         ['zp_journal apply "$ZOOMPLANS_JOURNAL"']), name  # fmt: skip
        assert all("${journal[@]}" in c for c in zoomplans_runs(script)), name
    assert ". /tmp/zoomplans-src/scripts/ci_journal.sh" in " ".join(
        gitlab["default"]["before_script"]
    )
    for text in (GITHUB, GITLAB, COMPONENT):
        body = text.read_text(encoding="utf-8")
        assert "Recommended" in body or "recommended" in body, text
    # A journal per day or per run forgets yesterday's purchases: no page, example or template
    # may suggest one (`--journal audit/zoom-$(date +%F).jsonl` once did).
    root = GITHUB.parents[2]
    pages = [*root.glob("docs/*.md"), root / "README.md", *root.glob("examples/**/*.y*ml"),
             *root.glob("templates/*.yml"), root / "action.yml"]  # fmt: skip
    for page in pages:
        assert not re.search(r"journal[^\n]*\$\(date", page.read_text(encoding="utf-8")), page


def zoomplans_runs(script: list[str]) -> list[str]:
    """The lines of a GitLab script that run `zoomplans plan` or `zoomplans apply`."""
    return [line for line in script if re.match(r"zoomplans (plan|apply) ", line)]


def test_the_pull_request_plan_reads_the_journal_with_the_read_only_secret() -> None:
    jobs = load(GITHUB)["jobs"]
    assert jobs["plan"]["env"]["ZOOMPLANS_JOURNAL_URL"] == READ_ONLY
    assert jobs["drift"]["env"]["ZOOMPLANS_JOURNAL_URL"] == READ_ONLY
    for job in ("apply", "apply-approved"):
        assert jobs[job]["env"]["ZOOMPLANS_JOURNAL_URL"] == READ_WRITE
        # an environment limited to main holds the read-write URL: no pull request reads it
        assert jobs[job]["environment"] in ("zoom-apply", "zoom-production"), job
    assert "READONLY" not in str(jobs["apply"]) + str(jobs["apply-approved"])
    assert "secrets.ZOOMPLANS_JOURNAL_URL }}" not in str(jobs["plan"]) + str(jobs["drift"])
    # A pull request never saves a journal: restore only.
    uses = [str(s.get("uses", "")) for j, s in github_steps() if j in ("plan", "drift")]
    assert not [u for u in uses if u.startswith("actions/cache/save@")]
    gitlab = load(GITLAB)
    for name in ("zoomplans:plan-merge-request", "zoomplans:drift"):
        assert gitlab[name]["script"][0] == EXPORT_READ_ONLY
    for name in ("zoomplans:plan-default-branch", "zoomplans:apply"):
        assert "READONLY" not in str(gitlab[name]), name
    assert "cache" not in gitlab["zoomplans:plan-merge-request"]  # no journal a MR could plant
    _header, component = list(yaml.safe_load_all(COMPONENT.read_text(encoding="utf-8")))
    for name in ("zoomplans:plan-merge-request", "zoomplans:drift"):
        assert component[name]["script"][0] == EXPORT_READ_ONLY
    assert "READONLY" not in str(component["zoomplans:apply"])


def test_no_secret_is_echoed_or_given_on_a_command_line() -> None:
    """Secrets reach the jobs through `env:` only; no script prints the journal's URL or gives
    it to a command; no zoomplans command carries a URL."""
    workflow = load(GITHUB)
    for job, step in github_steps():
        assert "secrets." not in str(step.get("run", "")) + str(step.get("with", "")), job
    for name, job in workflow["jobs"].items():
        assert "secrets." not in str(job.get("steps")), name
    for step in action_steps():
        assert "secrets." not in str(step)
    scripts = [s.get("run", "") for _j, s in github_steps()] + [
        s.get("run", "") for s in action_steps()
    ]
    scripts += [CI_RUN.read_text(encoding="utf-8"), CI_JOURNAL.read_text(encoding="utf-8")]
    gitlab = load(GITLAB)
    _header, component = list(yaml.safe_load_all(COMPONENT.read_text(encoding="utf-8")))
    for jobs in (gitlab, component):
        for job in jobs.values():
            if isinstance(job, dict):
                scripts += [str(line) for key in ("before_script", "script")
                            for line in job.get(key, [])]  # fmt: skip
    allowed = re.compile(
        r'\[ -n "\$\{ZOOMPLANS_JOURNAL_URL:-\}" \]|export ZOOMPLANS_JOURNAL_URL="\$\{ZOOMPLANS_'
        r'JOURNAL_URL_READONLY:-\}"'
    )
    for script in scripts:
        for line in script.splitlines():
            used = re.sub(r"#.*", "", allowed.sub("", line))
            assert not re.search(r"\$\{?ZOOMPLANS_JOURNAL_URL", used), line
            assert not re.search(r"\$\{?(ZOOM_CLIENT_SECRET|PGPASSWORD)", used), line
    for command in all_commands():
        assert not [w for w in command if w.startswith(("postgresql:", "postgres:"))], command


def _journal_rows(url: str) -> list[str]:
    with psycopg.connect(url) as conn:
        return [row[0] for row in conn.execute("SELECT line FROM zoomplans_journal ORDER BY id")]


def test_the_action_plans_and_applies_with_a_database_journal_from_the_environment(
    sandbox: Any,
    cli: Callable[..., Any],
    runner: Callable[..., Any],
    postgres_server: PostgresServer,
    tmp_path: Path,
) -> None:
    """The action's step script with `journal: database` and ZOOMPLANS_JOURNAL_URL in the
    environment, against the sandbox and a real PostgreSQL: the pull-request plan with a role
    that may only read, then the apply with the read-write URL; every intent is in the table,
    no file journal is written, and neither the password nor the URL shows anywhere."""
    if not postgres_server.running():
        postgres_server.start()
    database = postgres_server.new_database()
    reader = f"zp_reader_{database}"
    postgres_server.sql(f"CREATE ROLE {reader} LOGIN PASSWORD 'reader-pw-93a1'")
    password = "journal-pw-7f3c2e"  # trust authentication on loopback: carried, not checked
    read_write = postgres_server.url(database, password=password)
    read_only = postgres_server.url(database, user=reader, password="reader-pw-93a1")
    sb = sandbox()
    work = imported_with_one_change(sb, cli, tmp_path)
    base = {**sb.env(), "ZP_JOURNAL": "database"}

    planned = ci_run(runner, {**base, "ZP_COMMAND": "plan", "ZOOMPLANS_JOURNAL_URL": read_only})
    assert planned.returncode == 0, planned.stdout + planned.stderr
    assert outputs(tmp_path)["exit-code"] == "2"  # a database no apply used yet: empty journal
    plan_md = (work / "zoomplans-out" / "plan.md").read_text()
    assert not plan_md.startswith("> [!WARNING]")
    reviewed = outputs(tmp_path)["plan_sha256"]
    plan = json.loads((work / "zoomplans-out" / "plan.json").read_text())
    calls = [(a["method"], a["path"], a["body"]) for p in plan["accounts"] for a in p["actions"]]

    apply = {**base, "ZP_COMMAND": "apply", "ZP_OUT": "apply-out",
             "ZP_PLAN_FILE": "zoomplans-out/plan.json", "ZP_EXPECT_SHA256": reviewed,
             "ZOOMPLANS_JOURNAL_URL": read_write}  # fmt: skip
    applied = ci_run(runner, apply)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert [(w.method, w.path.removeprefix("/v2"), w.body) for w in sb.writes()] == calls
    lines = _journal_rows(postgres_server.url(database))
    assert sum('"kind":"intent"' in line for line in lines) == len(calls)
    assert not (work / "journal").exists() and not (work / ".zoomplans").exists()

    # The read-only role may read the table the apply created: the next plan sees it all.
    postgres_server.sql(f"GRANT SELECT ON zoomplans_journal TO {reader}", database)
    again = ci_run(runner, {**base, "ZP_COMMAND": "plan", "ZOOMPLANS_JOURNAL_URL": read_only})
    assert again.returncode == 0 and outputs(tmp_path)["exit-code"] == "0", again.stderr

    shown = [planned.stdout, planned.stderr, applied.stdout, applied.stderr, again.stdout,
             again.stderr, (tmp_path / "github_output").read_text(),
             (tmp_path / "step_summary").read_text()]  # fmt: skip
    shown += [f.read_text(errors="replace") for f in work.rglob("*") if f.is_file()]
    for text in shown:
        assert password not in text and "reader-pw-93a1" not in text
        assert read_write not in text and read_only not in text


def test_a_job_without_the_journal_secret_plans_with_a_warning_and_never_applies(
    sandbox: Any, cli: Callable[..., Any], runner: Callable[..., Any], tmp_path: Path
) -> None:
    """A pull request from a fork gets no secrets: ZOOMPLANS_JOURNAL_URL is empty. The plan
    still runs (on an empty journal) and the comment opens by saying what it cannot show; an
    apply refuses before anything is sent."""
    sb = sandbox()
    work = imported_with_one_change(sb, cli, tmp_path)
    fork = {**sb.env(), "ZP_JOURNAL": "database", "ZOOMPLANS_JOURNAL_URL": ""}
    planned = ci_run(runner, {**fork, "ZP_COMMAND": "plan"})
    assert planned.returncode == 0 and outputs(tmp_path)["exit-code"] == "2", planned.stderr
    reviewed = outputs(tmp_path)["plan_sha256"]
    plan_md = (work / "zoomplans-out" / "plan.md").read_text()
    assert plan_md.startswith("> [!WARNING]\n> No journal: ZOOMPLANS_JOURNAL_URL is empty")
    assert "calls in flight" in plan_md and "### zoomplans plan" in plan_md
    assert "No journal" in planned.stderr
    assert (tmp_path / "step_summary").read_text().count("No journal") == 1
    on_github = {"GITHUB_ACTIONS": "true", "ZOOMPLANS_JOURNAL_URL": ""}
    github = runner(f". {CI_JOURNAL} && zp_journal plan database", on_github)
    assert github.returncode == 0 and "::warning::No journal" in github.stdout
    assert not (work / ".zoomplans").exists()  # not even zoomplans' default file

    apply = {**fork, "ZP_COMMAND": "apply", "ZP_PLAN_FILE": "zoomplans-out/plan.json"}
    refused = ci_run(runner, {**apply, "ZP_EXPECT_SHA256": reviewed})
    assert refused.returncode == 1
    assert "apply sends nothing without its journal" in refused.stderr
    assert sb.writes() == []


def test_two_journals_or_a_url_given_as_the_journal_are_usage_errors(
    runner: Callable[..., Any],
) -> None:
    url = "postgresql://zoomplans:s3cret-pw@db.example.com/zoomplans"
    both = ci_run(runner, {"ZP_COMMAND": "plan", "ZP_JOURNAL": "journal/journal.jsonl",
                           "ZOOMPLANS_JOURNAL_URL": url})  # fmt: skip
    assert both.returncode == 64 and "two journals named" in both.stderr
    as_input = ci_run(runner, {"ZP_COMMAND": "apply", "ZP_JOURNAL": url})
    assert as_input.returncode == 64 and "set ZOOMPLANS_JOURNAL_URL" in as_input.stderr
    for result in (both, as_input):
        assert "s3cret-pw" not in result.stdout + result.stderr

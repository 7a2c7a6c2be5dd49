"""The scheduled newest-releases job of the CI examples (issue 13): it installs the pinned
zoomplans with the newest release of every dependency, and its script really runs: the user's
files validated, then import, validate and plan against the embedded sandbox, stopped after."""

from __future__ import annotations

import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.importing.test_ci_examples import (
    GITHUB,
    GITLAB,
    SHA,
    _run_install,
    github_steps,
    load,
    zoomplans_commands,
)

JOB_GITHUB = "newest-releases"
JOB_GITLAB = "zoomplans:newest-releases"
INSTALL_STEP = "Install zoomplans with the newest releases of its dependencies"
RUN_STEP = "Validate, then import and plan against the sandbox"
UPGRADE = ["-m", "pip", "install", "--upgrade", "--upgrade-strategy", "eager"]


def _github_step(name: str) -> str:
    return next(s["run"] for j, s in github_steps() if j == JOB_GITHUB and s.get("name") == name)


def _gitlab_job() -> dict[str, Any]:
    job: dict[str, Any] = load(GITLAB)[JOB_GITLAB]
    return job


def test_the_job_runs_on_the_schedule_only_and_never_with_the_real_secrets() -> None:
    workflow = load(GITHUB)
    job = workflow["jobs"][JOB_GITHUB]
    assert job["if"] == "github.event_name == 'schedule'"
    assert "schedule" in workflow.get("on", workflow.get(True))
    assert job["env"] == {
        "ZOOM_ACCOUNT_ID": "MASTER1",
        "ZOOM_CLIENT_ID": "demo-client",
        "ZOOM_CLIENT_SECRET": "demo-secret",
    }
    gitlab = _gitlab_job()
    assert gitlab["rules"] == [{"if": '$CI_PIPELINE_SOURCE == "schedule"'}]
    assert gitlab["stage"] in load(GITLAB)["stages"]
    script = "\n".join(gitlab["script"])
    assert "export ZOOM_ACCOUNT_ID=MASTER1 ZOOM_CLIENT_ID=demo-client" in script


@pytest.mark.parametrize("where", ["github", "gitlab"])
def test_it_installs_the_pinned_zoomplans_with_the_newest_dependencies(
    where: str, tmp_path: Path
) -> None:
    script = (
        _github_step(INSTALL_STEP)
        if where == "github"
        else "\n".join(_gitlab_job()["before_script"])
    )
    code, output, args = _run_install(
        script, tmp_path, {"ZOOMPLANS_REPO": "https://github.com/OWNER/zoomplans"}
    )
    assert (code, args) == (1, []) and "Set ZOOMPLANS_REPO and ZOOMPLANS_REF" in output
    env = {"ZOOMPLANS_REPO": "https://github.com/acme/zoomplans", "ZOOMPLANS_REF": SHA}
    code, output, args = _run_install(script, tmp_path, env)
    assert code == 0, output
    assert [a for a in args if a != "--quiet"] == [
        *UPGRADE,
        f"zoom-plan-reconciler @ git+https://github.com/acme/zoomplans@{SHA}",
    ]


def test_github_and_gitlab_run_the_same_commands() -> None:
    github = list(zoomplans_commands(_github_step(RUN_STEP)))
    gitlab = list(zoomplans_commands("\n".join(_gitlab_job()["script"])))
    assert github == gitlab
    assert [c[1] for c in github] == ["validate", "sandbox", "import", "validate", "plan"]


# About 6 s each; the two scripts run the same commands (checked above), so `make test` runs
# GitLab's (which must also override the project's real credentials) and `make soak` both.
@pytest.mark.parametrize("where", [pytest.param("github", marks=pytest.mark.slow), "gitlab"])
def test_the_round_trip_passes_and_stops_its_sandbox(
    where: str,
    runner: Callable[..., Any],
    tmp_path: Path,
) -> None:
    accounts = tmp_path / "work" / "accounts"
    accounts.mkdir(parents=True)
    (accounts / "acme.yaml").write_text(
        "account_id: sub_acme\nplans:\n  plan_base: {type: business_monthly, hosts: 20}\n"
    )
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    if where == "github":
        script, env = _github_step(RUN_STEP), dict(load(GITHUB)["jobs"][JOB_GITHUB]["env"])
    else:  # GitLab gives the project's CI/CD variables: the script must not use them
        script = "\n".join(_gitlab_job()["script"])
        env = {"ZOOM_ACCOUNT_ID": "REAL", "ZOOM_CLIENT_ID": "real", "ZOOM_CLIENT_SECRET": "real"}
    env["TMPDIR"] = str(scratch)
    done = runner(script, env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "accounts: 1 account in 1 file, valid" in done.stdout
    assert "in sync" in done.stdout
    (sandbox_env,) = scratch.glob("*/sandbox.env")
    url = dict(line.split("=", 1) for line in sandbox_env.read_text().split())["ZOOM_API_BASE_URL"]
    port = int(url.rsplit(":", 1)[1].split("/", 1)[0])
    with pytest.raises(ConnectionRefusedError), socket.create_connection(("127.0.0.1", port), 1):
        pass

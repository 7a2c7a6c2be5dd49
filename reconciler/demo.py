"""`make demo`: the whole loop against the embedded sandbox, as a new user would run it.

It starts the sandbox seeded from `examples/sandbox-seed.yaml` (so that the example accounts need
every kind of change), then runs the real CLI in subprocesses with the sandbox's environment:
validate, plan (changes shown, saved to a file), apply of that saved plan, and a re-plan with
`--detailed-exitcode` that must report everything in sync (exit 0). Any step that ends otherwise
fails the demo with the step named.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from reconciler.sandbox import SandboxServer

EXAMPLES = Path("examples/accounts")
SEED = Path("examples/sandbox-seed.yaml")
PRICES = Path("examples/prices.yaml")


@dataclass(frozen=True)
class Step:
    title: str
    args: tuple[str, ...]
    expect: int


class DemoFailed(Exception):
    """A step of the demo ended with another exit code than the loop needs."""


def run_step(step: Step, env: dict[str, str]) -> None:
    shown = " ".join(("zoomplans", *step.args))
    title = f"\033[1m==> {step.title}\033[0m" if sys.stdout.isatty() else f"==> {step.title}"
    print(f"\n{title}\n$ {shown}", flush=True)
    code = subprocess.call([sys.executable, "-m", "reconciler", *step.args], env=env)
    if code != step.expect:
        raise DemoFailed(f"'{shown}' exited {code}, expected {step.expect}")


def main() -> int:
    workdir = Path(tempfile.mkdtemp(prefix="zoomplans-demo-"))
    plan_file = workdir / "plan.json"
    journal = workdir / "journal.jsonl"
    accounts = str(EXAMPLES)
    steps = [
        Step("Validate the example files (offline)", ("validate", accounts), 0),
        Step(
            "Plan: what would change and cost (seat decreases and cancellations opted in)",
            (
                "plan",
                accounts,
                "--prices",
                str(PRICES),
                "--allow-decrease",
                "--allow-cancel",
                "--out",
                str(plan_file),
                "--detailed-exitcode",
            ),
            2,
        ),
        Step(
            "Apply exactly the saved plan",
            (
                "apply",
                "--plan",
                str(plan_file),
                accounts,
                "--prices",
                str(PRICES),
                "--allow-decrease",
                "--allow-cancel",
                "--journal",
                str(journal),
                "--auto-approve",
            ),
            0,
        ),
        Step(
            "Plan again: Zoom now matches the files", ("plan", accounts, "--detailed-exitcode"), 0
        ),
    ]
    with SandboxServer(SEED) as sandbox:
        env = {**os.environ, **sandbox.env()}
        print(f"Sandbox (fake Zoom API) at {sandbox.api_base_url}", flush=True)
        try:
            for step in steps:
                run_step(step, env)
        except DemoFailed as exc:
            print(f"\ndemo failed: {exc}", file=sys.stderr)
            return 1
    print(f"\nDemo complete: the loop converged. Journal of the calls: {journal}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

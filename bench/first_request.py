"""Start-up before the first request: what `apply --plan` and `plan` spend before they call Zoom.

    python bench/first_request.py [--accounts 1000] [--runs 3] [--profile FILE.prof]

The whole apply and plan runs are paced by Zoom's rate limit (`make bench`); this script times
only what comes before the first call, which the limit does not hide: the interpreter, imports,
loading and schema-checking the desired files, checking the plan file, the offline proof and the
token. The sandbox runs in its own process with no latency and a rate limit far above Zoom's, so
each run ends soon after; each figure is the fastest of `--runs` (the time from the child's start
to the sandbox's first logged request). `--profile` writes a cProfile of one `apply --plan` run
(read it with `python -m pstats`). Issue 19 and the bench's `first_call_s` column name the costs.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml
from revoked_token import write_account_files
from sandbox_process import SandboxProcess
from scenario import MASTER, account_ids, desired_plans, live_answer, sandbox_seed

FAST = "medium=100000,heavy=100000"


def first_request_s(
    command: list[str], sandbox: SandboxProcess, cwd: Path, env: dict[str, str]
) -> float:
    """Seconds from starting `command` to the sandbox's first request from it."""
    before = len(sandbox.requests())
    started = time.monotonic()
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    if done.returncode not in (0, 2):
        raise RuntimeError(f"{command[3:5]} failed: {done.stdout[-1500:]}{done.stderr[-1500:]}")
    arrivals = [r["at"] for r in sandbox.requests()[before:]]
    return min(arrivals) - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=1000)
    parser.add_argument("--plan-files", type=int, default=600)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--profile", type=Path)
    args = parser.parse_args()
    rng = random.Random(8)
    lives = {i: live_answer(rng) for i in account_ids(max(args.accounts, args.plan_files))}
    cli = [sys.executable, "-m", "reconciler"]
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="zoomplans-first-") as tmp:
        work = Path(tmp)
        seed = work / "seed.json"
        seed.write_text(json.dumps(sandbox_seed(lives)))
        documents = [
            {"account_id": i, "plans": desired_plans(live, more_seats=1 + n % 5)}
            for n, (i, live) in enumerate(list(lives.items())[: args.accounts])
        ]
        accounts = work / "accounts.yaml"
        accounts.write_text(yaml.safe_dump_all(documents, sort_keys=False))
        write_account_files(work / "files", dict(list(lives.items())[: args.plan_files]))
        plan_file = work / "plan.json"
        with SandboxProcess(seed, latency_ms=0, rate_limit=FAST, log_dir=work) as sandbox:
            env = sandbox.client_env(MASTER)
            plan = [*cli, "plan", "files", "--out", str(work / "files-plan.json")]
            results["plan_600_files_first_request_s"] = round(
                min(first_request_s(plan, sandbox, work, env) for _ in range(args.runs)), 3
            )
            planned = subprocess.run(
                [*cli, "plan", str(accounts), "--out", str(plan_file)],
                cwd=work, env=env, capture_output=True, text=True, check=False,
            )  # fmt: skip
            if planned.returncode not in (0, 2):
                raise RuntimeError(planned.stderr[-2000:])
        apply_times = []
        for run in range(args.runs):
            # A fresh sandbox each time: an apply changes the seats its plan was made against.
            with SandboxProcess(seed, latency_ms=0, rate_limit=FAST, log_dir=work) as sandbox:
                env = sandbox.client_env(MASTER)
                profile = ["-m", "cProfile", "-o", str(args.profile)] if args.profile else []
                apply = [sys.executable, *profile, "-m", "reconciler", "apply", "--plan",
                         str(plan_file), str(accounts), "--journal",
                         str(work / f"journal-{run}.jsonl"), "--auto-approve"]  # fmt: skip
                apply_times.append(first_request_s(apply, sandbox, work, env))
                args.profile = None  # profile the first run only
        results["apply_plan_first_request_s"] = round(min(apply_times), 3)
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

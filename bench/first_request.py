"""Start-up before the first request: what `apply --plan` and `plan` spend before they call Zoom.

    python bench/first_request.py [--accounts 1000] [--runs 3] [--profile FILE.prof]

The whole apply and plan runs are paced by Zoom's rate limit (`make bench`); this script times
only what comes before the first call, which the limit does not hide: the interpreter, imports,
loading and schema-checking the desired files, checking the plan file, the offline proof and the
token. The sandbox runs in its own process with no latency and a rate limit far above Zoom's,
and each run is stopped once it has sent its first request; each figure is the fastest of
`--runs` (the time from the child's start to the sandbox's first logged request). `--profile`
writes a cProfile of one `apply --plan` run (read it with `python -m pstats`). Children run with
the bytecode cache on (`machine.user_env`). Issue 19 and the bench's `first_call_s` name the
costs.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
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


def cpu_s(pid: int) -> float:
    """CPU seconds (user + system) a running process has used so far (Linux's /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def first_request_s(
    command: list[str], sandbox: SandboxProcess, cwd: Path, env: dict[str, str]
) -> tuple[float, float]:
    """(seconds from starting `command` to the sandbox's first request from it, CPU seconds
    the command had used when that request was seen); the command is then stopped (SIGTERM:
    apply stops sending and exits), as only its start-up is timed. The CPU figure hardly moves
    with the machine's load, the wall one does."""
    before = len(sandbox.requests())
    started = time.monotonic()
    child = subprocess.Popen(
        command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    try:
        while not (arrivals := [r["at"] for r in sandbox.requests()[before:]]):
            if child.poll() is not None:
                raise RuntimeError(f"{command[3:5]} sent nothing: {child.communicate()[1][-1500:]}")
            time.sleep(0.02)
        used = cpu_s(child.pid)
    finally:
        child.send_signal(signal.SIGTERM)
        child.communicate(timeout=60)
    return min(arrivals) - started, used


def best(runs: list[tuple[float, float]]) -> dict[str, float]:
    """The fastest wall time and the least CPU time of some runs."""
    return {
        "first_request_wall_s": round(min(wall for wall, _ in runs), 3),
        "cpu_before_it_s": round(min(cpu for _, cpu in runs), 3),
    }


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
            runs = [first_request_s(plan, sandbox, work, env) for _ in range(args.runs)]
            results["plan_600_files"] = best(runs)
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
        results["apply_plan_1000"] = best(apply_times)
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""`make bench`: issue 19's table, each measure beside its bound, ratio, target and verdict.

    python bench/run.py [--accounts 1000] [--cpu-accounts 10000] [--parallelism 16 [8 ...]]
                        [--skip-sequential] [--out bench/results.json] [--trace]
                        [--case all|revoked-token|apply-journals]

The sandbox runs as its own process (see sandbox_process.py) with Zoom's Business limits
(Medium 60/s, Heavy 40/s) and 100 ms latency on every answer. Phases:

0. startup: `zoomplans --version` and `validate` of 600 one-account files, each as a process;
1. plan: the real `make_plan` with the real `ZoomClient`, next to the bound N / 60 s;
2. sequential: the baseline, plain httpx, one GET at a time (as Zoom's samples do), same
   sandbox, same run;
3. apply: `zoomplans apply --plan` of N base seat increases (compare-and-swap read, PUT,
   verification read per account), next to its bound (see `apply_bound`), with the file
   journal and again with the PostgreSQL journal (a server of its own on loopback TCP, from
   Debian's `postgresql` package: tests/postgres_server.py);
4. cpu: planning 10,000 accounts in a child process: CPU seconds and peak RSS;
5. revoked-token: `zoomplans plan` of 600 one-account files as a whole process at 60/s with
   50 ms latency while the sandbox revokes every token every 4 s, next to 600 / 60 s.

`--case revoked-token` runs phase 5 alone and updates its entry (and the table) in the results
file, keeping the other phases' figures from the last full run; `--case apply-journals` does the
same for phase 3.

Every phase counts the 429s the sandbox sent (its request log) and the ones that reached a
caller (an account that failed because of a rate limit); both must be 0. The table (table.py)
goes to stdout with the commit, the machine and its load average at the start and the end, and
everything to bench/results.json. `--trace` also writes each traced phase's timeline (one line
per request: start, end, rate label, status, account) to bench/trace/NAME.csv and its plot to
docs/img/bench-timeline-NAME.svg, and adds where the time went to the results (timeline.py).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import subprocess
import sys
import tempfile
import time
from functools import partial
from pathlib import Path
from typing import Any

import httpx
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parents[1]))  # tests.postgres_server

import startup
from machine import load_average, machine
from revoked_token import Tracer, revoked_token_case
from sandbox_process import ROOT, SandboxProcess, request_figures, wall_figures
from scenario import (
    MASTER,
    account_ids,
    desired_account,
    desired_plans,
    live_answer,
    sandbox_seed,
)
from table import markdown, provenance, rows, verdicts
from timeline import write_trace

from reconciler.planner.model import PlanOptions
from reconciler.planner.workflow import make_plan
from reconciler.zoom import ZoomClient, ZoomConfig
from reconciler.zoom.pacing import paced_rate
from tests.postgres_server import PostgresServer

LATENCY_MS = 100
RATE_LIMIT = "medium=60,heavy=40"
MEDIUM, HEAVY = 60, 40
PACED_MEDIUM, PACED_HEAVY = paced_rate(MEDIUM), paced_rate(HEAVY)
LIMITS = {"Medium": MEDIUM, "Heavy": HEAVY}
TRACE_CSV = ROOT / "bench" / "trace"
TRACE_SVG = ROOT / "docs" / "img"
STARTUP_RUNS = 5


def rate_limited_errors(texts: list[str]) -> int:
    """Failures a caller saw because of a rate limit (the client's RateLimited message)."""
    return sum(1 for t in texts if "rate limit" in t.lower())


def journal_429s(journal: Path) -> int:
    """Apply outcomes that recorded a 429: a write that failed on the rate limit."""
    if not journal.exists():
        return 0
    lines = [json.loads(line) for line in journal.read_text().splitlines() if line.strip()]
    return sum(1 for e in lines if e.get("kind") == "outcome" and e.get("http_status") == 429)


def tracer(enabled: bool) -> Tracer | None:
    """Writes a phase's timeline and plot when --trace is given."""
    if not enabled:
        return None

    def trace(name: str, requests: list[dict[str, Any]], origin: float, end: float) -> Any:
        return write_trace(name, requests, origin, end, (TRACE_CSV, TRACE_SVG), LIMITS)

    return trace


def plan_phase(
    count: int, sandbox: SandboxProcess, desired: list[Any], trace: Tracer | None = None
) -> dict[str, Any]:
    """The real planning path, in this process, against the sandbox process."""
    config = ZoomConfig(
        api_base_url=sandbox.env["ZOOM_API_BASE_URL"],
        oauth_token_url=sandbox.env["ZOOM_OAUTH_TOKEN_URL"],
        **MASTER,
    )

    async def run() -> Any:
        async with ZoomClient(config) as client:
            return await make_plan(desired, client, PlanOptions(), progress=False)

    before = len(sandbox.requests())
    origin, start = time.monotonic(), time.perf_counter()
    plan = asyncio.run(run())
    wall, ended = time.perf_counter() - start, time.monotonic()
    requests = sandbox.requests()[before:]
    errors = [a.error or "" for a in plan.accounts if a.status == "error"]
    bound = count / MEDIUM
    figures = {
        **wall_figures(count, wall, bound),
        **request_figures(requests),
        "with_changes": plan.summary()["changes"],
        "errors": len(errors),
        "caller_429": rate_limited_errors(errors),
    }
    if trace is not None:
        figures["trace"] = trace(f"plan-{count}", requests, origin, ended)
    return figures


def sequential_phase(ids: list[str], sandbox: SandboxProcess) -> dict[str, Any]:
    """What Zoom's samples do: one blocking GET after another, same token, same sandbox."""
    base = sandbox.env["ZOOM_API_BASE_URL"]
    start = time.perf_counter()
    with httpx.Client(timeout=30) as http:
        answer = http.post(
            sandbox.env["ZOOM_OAUTH_TOKEN_URL"],
            auth=(MASTER["client_id"], MASTER["client_secret"]),
            data={"grant_type": "account_credentials", "account_id": MASTER["account_id"]},
        )
        headers = {"Authorization": f"Bearer {answer.json()['access_token']}"}
        failed = 0
        for account_id in ids:
            failed += http.get(f"{base}/accounts/{account_id}/plans", headers=headers).is_error
    wall = time.perf_counter() - start
    return {"accounts": len(ids), "wall_s": round(wall, 2), "failed": failed}


def startup_phase() -> dict[str, Any]:
    """`--version` and `validate` of 600 one-account files, each as its own process."""
    with tempfile.TemporaryDirectory(prefix="zoomplans-startup-") as tmp:
        work = Path(tmp)
        (work / "accounts").mkdir()
        startup.write_accounts(work / "accounts", 600)
        return {
            "runs": STARTUP_RUNS,
            "zoomplans --version": startup.measure(
                [*startup.ZOOMPLANS, "--version"], STARTUP_RUNS, work
            ),
            "validate_600_files": startup.measure(
                [*startup.ZOOMPLANS, "validate", "accounts"], STARTUP_RUNS, work
            ),
        }


def apply_bound(count: int) -> dict[str, float]:
    """Apply sends 1 Heavy PUT and 2 Medium GETs (compare-and-swap, verification) per account.

    Labels are paced independently, so the slower label sets the pace: the Medium reads
    (2N / 60 s) bind before the Heavy writes (N / 40 s) do.
    """
    heavy, medium = count / HEAVY, 2 * count / MEDIUM
    return {
        "heavy_bound_s": round(heavy, 2),
        "medium_bound_s": round(medium, 2),
        "bound_s": round(max(heavy, medium), 2),
        "paced_bound_s": round(max(count / PACED_HEAVY, 2 * count / PACED_MEDIUM), 2),
    }


def apply_phase(
    count: int,
    lives: dict[str, dict[str, Any]],
    parallelism: int,
    work: Path,
    journal_url: str | None = None,
    trace: Tracer | None = None,
) -> dict[str, Any]:
    """Plan with the CLI (untimed), then time `zoomplans apply --plan` as a user runs it, with
    the file journal, or the PostgreSQL journal at ``journal_url``."""
    run_dir = Path(tempfile.mkdtemp(prefix=f"apply-p{parallelism}-", dir=work))
    seed_file = run_dir / "seed.json"
    seed_file.write_text(json.dumps(sandbox_seed(lives)))
    documents = [
        {"account_id": i, "plans": desired_plans(live, more_seats=1 + n % 5)}
        for n, (i, live) in enumerate(lives.items())
    ]
    (run_dir / "accounts.yaml").write_text(yaml.safe_dump_all(documents, sort_keys=False))
    plan_file, journal = run_dir / "plan.json", run_dir / "journal.jsonl"
    cli = [sys.executable, "-m", "reconciler"]
    with SandboxProcess(
        seed_file, latency_ms=LATENCY_MS, rate_limit=RATE_LIMIT, log_dir=run_dir
    ) as sandbox:
        env = sandbox.client_env(MASTER)
        planned = subprocess.run(
            [*cli, "plan", str(run_dir / "accounts.yaml"), "--out", str(plan_file)],
            cwd=run_dir, env=env, capture_output=True, text=True, check=False,
        )  # fmt: skip
        if planned.returncode != 0:
            raise RuntimeError(f"plan for the apply benchmark failed: {planned.stderr[-2000:]}")
        before = len(sandbox.requests())
        start, started_at = time.perf_counter(), time.monotonic()
        applied = subprocess.run(
            [*cli, "apply", "--plan", str(plan_file), str(run_dir / "accounts.yaml"),
             "--journal", journal_url or str(journal),
             "--parallelism", str(parallelism)],
            cwd=run_dir, env=env, capture_output=True, text=True, check=False,
        )  # fmt: skip
        wall, ended_at = time.perf_counter() - start, time.monotonic()
        requests = sandbox.requests()[before:]
    arrivals = [r["at"] for r in requests] or [started_at]
    writes = [r for r in requests if r["method"] == "PUT" and 200 <= r["status"] < 300]
    reads = [r for r in requests if r["method"] == "GET" and r["status"] == 200]
    failures = [line for line in applied.stdout.splitlines() if "failed" in line.lower()]
    caller_429 = (journal_429s(journal) if journal_url is None else 0) + rate_limited_errors(
        failures
    )
    bounds = apply_bound(count)
    journal_kind = "file" if journal_url is None else "postgresql"
    figures = {
        "accounts": count,
        "parallelism": parallelism,
        "journal": journal_kind,
        "date": machine()["date"],
        "exit_code": applied.returncode,
        "wall_s": round(wall, 2),
        **bounds,
        "over_bound": round(wall / bounds["bound_s"] - 1, 3),
        # Where the time beyond the calls goes: start-up before the first, wrap-up after the last.
        "first_call_s": round(min(arrivals) - started_at, 2),
        "after_last_call_s": round(ended_at - max(arrivals), 2),
        "puts_ok": len(writes),
        "gets_ok": len(reads),
        "sandbox_429": request_figures(requests)["sandbox_429"],
        "caller_429": caller_429,
    }
    if trace is not None:
        name = f"apply-{count}-p{parallelism}-{journal_kind}"
        figures["trace"] = trace(name, requests, started_at, ended_at)
    return figures


def cpu_phase(count: int) -> dict[str, Any]:
    """Planning from memory in a child process, so its peak RSS is planning's alone."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "plan_cpu.py"), "--accounts", str(count), "--json"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return dict(json.loads(done.stdout))


def full_run(args: argparse.Namespace, say: Any, results: dict[str, Any]) -> None:
    """Phases 0 to 5, into ``results``."""
    trace = tracer(args.trace)
    rng = random.Random(8)
    ids = account_ids(args.accounts)
    lives = {i: live_answer(rng) for i in ids}
    changed = {i for n, i in enumerate(ids) if n % 10 == 7}
    desired = [
        desired_account(i, desired_plans(lives[i], more_seats=2 * (i in changed))) for i in ids
    ]
    results["latency_ms"] = LATENCY_MS
    results["rate_limits"] = {"medium": MEDIUM, "heavy": HEAVY}
    say(f"startup: --version and validate of 600 files, best of {STARTUP_RUNS} ...")
    results["startup"] = startup_phase()
    say(f"  {results['startup']}")
    with tempfile.TemporaryDirectory(prefix="zoomplans-bench-") as tmp:
        work = Path(tmp)
        seed_file = work / "seed.json"
        seed_file.write_text(json.dumps(sandbox_seed(lives)))
        with SandboxProcess(
            seed_file, latency_ms=LATENCY_MS, rate_limit=RATE_LIMIT, log_dir=work
        ) as sandbox:
            say(f"plan: {args.accounts} accounts ...")
            results["plan"] = plan_phase(args.accounts, sandbox, desired, trace)
            say(f"  {results['plan']}")
            if not args.skip_sequential:
                say(f"sequential: {args.accounts} GETs one at a time (about 0.1 s each) ...")
                results["sequential"] = sequential_phase(ids, sandbox)
                results["speedup_vs_sequential"] = round(
                    results["sequential"]["wall_s"] / results["plan"]["wall_s"], 2
                )
                say(f"  {results['sequential']}")
        results["apply"] = apply_runs(args, lives, work, say)
    say(f"cpu: planning {args.cpu_accounts} accounts from memory ...")
    results["cpu"] = cpu_phase(args.cpu_accounts)
    results["revoked_token"] = revoked_token_case(machine, say, trace)


def apply_runs(
    args: argparse.Namespace, lives: dict[str, dict[str, Any]], work: Path, say: Any
) -> list[dict[str, Any]]:
    """Phase 3: each --parallelism with the file journal, then the first with PostgreSQL."""
    trace = tracer(args.trace)
    runs = []
    for parallelism in args.parallelism:
        say(f"apply: {args.accounts} seat changes, --parallelism {parallelism}, file journal ...")
        runs.append(apply_phase(args.accounts, lives, parallelism, work, trace=trace))
        say(f"  {runs[-1]}")
    server = PostgresServer(tcp=True, durable=True)  # fsync on: as a real server commits
    try:
        url = server.url(server.new_database())
        say(f"apply: {args.accounts} seat changes, PostgreSQL journal on loopback ...")
        runs.append(apply_phase(args.accounts, lives, args.parallelism[0], work, url, trace))
        say(f"  {runs[-1]}")
    finally:
        server.close()
    return runs


def apply_journals_case(args: argparse.Namespace, say: Any) -> list[dict[str, Any]]:
    """Phase 3 alone, on the same accounts a full run uses."""
    rng = random.Random(8)
    lives = {i: live_answer(rng) for i in account_ids(args.accounts)}
    with tempfile.TemporaryDirectory(prefix="zoomplans-bench-") as tmp:
        return apply_runs(args, lives, Path(tmp), say)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=1000)
    parser.add_argument("--cpu-accounts", type=int, default=10_000)
    parser.add_argument("--parallelism", type=int, nargs="+", default=[16])
    parser.add_argument("--skip-sequential", action="store_true", help="(for a quick try)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results.json")
    parser.add_argument(
        "--trace",
        action="store_true",
        help="write each phase's per-request timeline (bench/trace/) and plot (docs/img/)",
    )
    parser.add_argument(
        "--case",
        choices=["all", "revoked-token", "apply-journals"],
        default="all",
        help="run one case alone; its entry replaces the one in --out, the rest is kept",
    )
    args = parser.parse_args()
    say = partial(print, file=sys.stderr, flush=True)
    if args.case == "all":
        results: dict[str, Any] = {"machine": machine(ROOT)}
        full_run(args, say, results)
    else:
        if not args.out.exists():
            parser.error(f"--case {args.case} updates {args.out}, which a full run writes first")
        results = json.loads(args.out.read_text())
        results["machine"] = machine(ROOT)  # the table's provenance is this run's
        if args.case == "revoked-token":
            results["revoked_token"] = revoked_token_case(machine, say, tracer(args.trace))
        else:
            results["apply"] = apply_journals_case(args, say)
    results["machine"]["load_average_end"] = load_average()
    results["targets_met"] = verdicts(results)
    results["table"] = markdown(rows(results))
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    print(provenance(results))
    print(results["table"])
    missed = [name for name, ok in results["targets_met"].items() if not ok]
    print(f"\ntargets missed: {', '.join(missed)}" if missed else "\nall targets met")
    print(f"written: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

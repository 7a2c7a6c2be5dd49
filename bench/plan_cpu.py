"""CPU time and peak memory to plan N accounts whose live state comes from memory (no HTTP).

    python bench/plan_cpu.py [--accounts 10000] [--changed-share 0.3] [--json]
    python bench/plan_cpu.py --sandbox 1000   # also: plan wall time against the sandbox

`make bench` runs this as a child process, so the peak memory it reports (ru_maxrss of this
process: interpreter, fixture, live answers, plan and its JSON) is the cost of planning alone,
not of the benchmark's sandbox. Targets: 10,000 accounts in < 0.6 s CPU (issue 19; issue 8 asked
< 2 s) and < 300 MB.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from scenario import account_ids, desired_account, desired_plans, live_answer

from reconciler.planner.core import build_plan
from reconciler.planner.model import PlanOptions
from reconciler.zoom.live import LivePlans


def measure(count: int, changed_share: float) -> dict[str, Any]:
    """Plan `count` accounts (a share of them with changes); CPU seconds and peak RSS."""
    rng = random.Random(4)
    accounts, lives = [], {}
    for account_id in account_ids(count):
        live = live_answer(rng)
        change = rng.random() < changed_share
        plans = desired_plans(live, more_seats=rng.randint(1, 5) * change, add_large_meeting=change)
        accounts.append(desired_account(account_id, plans))
        lives[account_id] = LivePlans(account_id, live)
    start = time.process_time()
    plan = build_plan(accounts, lives, PlanOptions())
    planned = time.process_time() - start
    start = time.process_time()
    text = json.dumps(plan.to_json())
    serialised = time.process_time() - start
    summary = plan.summary()
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    return {
        "accounts": count,
        "with_changes": summary["changes"],
        "in_sync": summary["in_sync"],
        "errors": summary["errors"],
        "plan_cpu_s": round(planned, 3),
        "json_cpu_s": round(serialised, 3),
        "json_bytes": len(text),
        "peak_rss_mb": round(peak_kib / 1024, 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=10_000)
    parser.add_argument("--changed-share", type=float, default=0.3)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--sandbox", type=int, default=0, metavar="N", help="(see bench/run.py)")
    args = parser.parse_args()
    result = measure(args.accounts, args.changed_share)
    if args.json:
        print(json.dumps(result))
    else:
        print(
            f"plan_cpu: {result['accounts']} accounts ({result['with_changes']} with changes): "
            f"planning {result['plan_cpu_s']:.3f} s CPU, JSON {result['json_cpu_s']:.3f} s CPU, "
            f"peak RSS {result['peak_rss_mb']:.0f} MB (targets: < 0.6 s, < 300 MB for 10,000)"
        )
    if args.sandbox:
        print(f"plan_wall: {sandbox_plan(args.sandbox)}")
    return 0


def sandbox_plan(count: int) -> dict[str, Any]:
    """The plan phase of `make bench` alone: N accounts read from the sandbox process."""
    import tempfile

    from run import LATENCY_MS, RATE_LIMIT, plan_phase
    from sandbox_process import SandboxProcess
    from scenario import sandbox_seed

    rng = random.Random(8)
    lives = {i: live_answer(rng) for i in account_ids(count)}
    desired = [desired_account(i, desired_plans(live)) for i, live in lives.items()]
    with tempfile.TemporaryDirectory(prefix="zoomplans-bench-") as tmp:
        seed_file = Path(tmp) / "seed.json"
        seed_file.write_text(json.dumps(sandbox_seed(lives)))
        with SandboxProcess(
            seed_file, latency_ms=LATENCY_MS, rate_limit=RATE_LIMIT, log_dir=Path(tmp)
        ) as sandbox:
            return plan_phase(count, sandbox, desired)


if __name__ == "__main__":
    sys.exit(main())

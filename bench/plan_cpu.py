"""CPU time to plan 10,000 accounts whose live state comes from memory (no HTTP).

    python bench/plan_cpu.py [--accounts N] [--changed-share 0.3]
    python bench/plan_cpu.py --sandbox 1000      # also: wall time against the sandbox

Prints one line: accounts, CPU seconds for planning (normalise + diff + Plan), and for the
JSON form. Target (issue 4): well under 2 s of CPU for 10,000 accounts on a 2-core machine.
With `--sandbox N` it also reads N accounts over loopback from the sandbox at 100 ms latency
and a Medium limit of 60/s, and prints the wall time next to the lower bound N / 60 s
(target: within 15% of it).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from reconciler.desired.model import DesiredAccount, SourceMark
from reconciler.live import LivePlans
from reconciler.plan import PlanOptions
from reconciler.planner import build_plan


def live_answer(rng: random.Random) -> dict[str, Any]:
    """A realistic GET /plans answer: dates, statuses, a cancelled entry, comma countries."""
    return {
        "plan_base": {
            "type": "business_monthly",
            "hosts": rng.randint(10, 49),
            "status": "active",
            "service_effective_date": "2026-01-01T00:00:00Z",
            "next_invoice_date": "2026-12-01T00:00:00Z",
        },
        "plan_zoom_rooms": {
            "type": "zroom_monthly",
            "hosts": rng.randint(1, 5),
            "status": "active",
        },
        "plan_webinar": [
            {"type": "webinar500_monthly", "hosts": rng.randint(1, 5), "status": "active"},
            {"type": "webinar1000_monthly", "hosts": 1, "status": "cancelled"},
        ],
        "plan_recording": "cmr_monthly_commitment_40",
        "plan_recording_status": "active",
        "plan_recording_next_invoice_date": "2026-12-01T00:00:00Z",
        "plan_audio": {
            "type": "tollfree_payongo",
            "tollfree_countries": "US,CA",
            "premium_countries": "",
            "callout_countries": "US",
            "ddi_numbers": 0,
            "status": "active",
        },
    }


def desired_from(live: dict[str, Any], rng: random.Random, change: bool) -> dict[str, Any]:
    """The YAML a user would keep for that account; `change` moves seats and adds an add-on."""
    plans: dict[str, Any] = {
        "plan_base": {"type": "business_monthly", "hosts": live["plan_base"]["hosts"]},
        "plan_zoom_rooms": {"type": "zroom_monthly", "hosts": live["plan_zoom_rooms"]["hosts"]},
        "plan_webinar": [
            {"type": "webinar500_monthly", "hosts": live["plan_webinar"][0]["hosts"]},
            {"type": "webinar1000_monthly", "state": "cancelled"},
        ],
        "plan_recording": "cmr_monthly_commitment_40",
        "plan_audio": {
            "type": "tollfree_payongo",
            "tollfree_countries": ["CA", "US"],
            "callout_countries": ["US"],
        },
    }
    if change:
        plans["plan_base"]["hosts"] = min(49, plans["plan_base"]["hosts"] + rng.randint(1, 5))
        plans["plan_large_meeting"] = [{"type": "large500_monthly", "hosts": 1}]
    return plans


def sandbox_wall_time(count: int, rng: random.Random) -> None:
    """Plan `count` accounts through the real client against the sandbox; print the wall time."""
    import asyncio

    from reconciler.planning import make_plan
    from reconciler.sandbox import SandboxServer
    from reconciler.zoom import ZoomClient, ZoomConfig

    lives = {f"sub_{i:06d}": live_answer(rng) for i in range(count)}
    seed = {
        "credentials": {"account_id": "MASTER1", "client_id": "bench", "client_secret": "bench"},
        "accounts": {i: {"name": i, "plans": plans} for i, plans in lives.items()},
    }
    accounts = [
        DesiredAccount(
            i, SourceMark(f"accounts/{i}.yaml", 1), desired_from(p, rng, i.endswith("7"))
        )
        for i, p in lives.items()
    ]
    with SandboxServer(seed, latency_ms=100, rate_limits={"medium": 60}) as server:
        config = ZoomConfig(
            api_base_url=server.api_base_url,
            oauth_token_url=server.oauth_token_url,
            account_id="MASTER1",
            client_id="bench",
            client_secret="bench",
        )

        async def run() -> Any:
            async with ZoomClient(config) as client:
                return await make_plan(accounts, client, PlanOptions(), progress=False)

        start = time.perf_counter()
        plan = asyncio.run(run())
        wall = time.perf_counter() - start
    bound = count / 60
    summary = plan.summary()
    print(
        f"plan_wall: {count} accounts via the sandbox (latency 100 ms, medium=60/s): "
        f"{wall:.1f} s wall, lower bound {bound:.1f} s ({wall / bound - 1:+.0%}); "
        f"{summary['errors']} errors, {summary['changes']} with changes"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=10_000)
    parser.add_argument("--changed-share", type=float, default=0.3)
    parser.add_argument("--sandbox", type=int, default=0, metavar="N")
    args = parser.parse_args()
    rng = random.Random(4)
    accounts, lives = [], {}
    for i in range(args.accounts):
        account_id = f"sub_{i:06d}"
        live = live_answer(rng)
        plans = desired_from(live, rng, rng.random() < args.changed_share)
        accounts.append(
            DesiredAccount(account_id, SourceMark(f"accounts/{account_id}.yaml", 1), plans)
        )
        lives[account_id] = LivePlans(account_id, live)
    start = time.process_time()
    plan = build_plan(accounts, lives, PlanOptions())
    planned = time.process_time() - start
    start = time.process_time()
    json.dumps(plan.to_json())
    serialised = time.process_time() - start
    summary = plan.summary()
    print(
        f"plan_cpu: {args.accounts} accounts ({summary['changes']} with changes, "
        f"{summary['in_sync']} in sync): planning {planned:.3f} s CPU, "
        f"JSON {serialised:.3f} s CPU (target: planning < 2 s for 10,000)"
    )
    if args.sandbox:
        sandbox_wall_time(args.sandbox, rng)
    return 0


if __name__ == "__main__":
    sys.exit(main())

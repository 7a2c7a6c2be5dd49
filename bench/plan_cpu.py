"""CPU time to plan 10,000 accounts whose live state comes from memory (no HTTP).

    python bench/plan_cpu.py [--accounts N] [--changed-share 0.3]

Prints one line: accounts, CPU seconds for planning (normalise + diff + Plan), and for the
JSON form. Target (issue 4): well under 2 s of CPU for 10,000 accounts on a 2-core machine.
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=10_000)
    parser.add_argument("--changed-share", type=float, default=0.3)
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
    return 0


if __name__ == "__main__":
    sys.exit(main())

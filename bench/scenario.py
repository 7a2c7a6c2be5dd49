"""The accounts every benchmark uses: realistic live answers and the YAML a user would keep.

One place, so the CPU benchmark (10,000 accounts from memory) and the sandbox benchmarks
(1,000 accounts over HTTP) plan the same shapes: dates, statuses, a cancelled entry still
listed, comma-string countries on the live side and lists on the desired side.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from reconciler.desired.model import DesiredAccount, SourceMark

MASTER = {"account_id": "MASTER1", "client_id": "bench-client", "client_secret": "bench-secret"}


def account_ids(count: int) -> list[str]:
    """`sub_000000`, `sub_000001`, ...: sorted order is creation order."""
    return [f"sub_{i:06d}" for i in range(count)]


def live_answer(rng: random.Random) -> dict[str, Any]:
    """A realistic GET /plans answer: dates, statuses, a cancelled entry, comma countries."""
    return {
        "plan_base": {
            "type": "business_monthly",
            "hosts": rng.randint(10, 44),
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


def desired_plans(
    live: dict[str, Any], *, more_seats: int = 0, add_large_meeting: bool = False
) -> dict[str, Any]:
    """The YAML a user keeps for that account, optionally with more base seats and an add-on."""
    plans: dict[str, Any] = {
        "plan_base": {"type": "business_monthly", "hosts": live["plan_base"]["hosts"] + more_seats},
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
    if add_large_meeting:
        plans["plan_large_meeting"] = [{"type": "large500_monthly", "hosts": 1}]
    return plans


def desired_account(account_id: str, plans: dict[str, Any]) -> DesiredAccount:
    return DesiredAccount(account_id, SourceMark(f"accounts/{account_id}.yaml", 1), plans)


def sandbox_seed(lives: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """A sandbox seed holding these live answers (usage low enough for any decrease)."""
    return {
        "credentials": dict(MASTER),
        "accounts": {
            account_id: {"name": account_id, "plans": plans, "usage": {"plan_base": 1}}
            for account_id, plans in lives.items()
        },
    }

"""Phase 5 of `make bench`: planning while the sandbox revokes every token every 4 s (issue 13).

The client takes its token only when a call holds its rate slot, so each revocation costs at
most one 401 per call in flight (about 3 at 57/s and 50 ms), not one per queued call. The phase
has its own sandbox process (50 ms latency, `--revoke-tokens-every 4`), its own 600 accounts,
and the bound 600 / 60 s = 10 s; `bench/run.py --case revoked-token` runs it alone.
"""

from __future__ import annotations

import json
import random
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sandbox_process import SandboxProcess
from scenario import account_ids, desired_account, desired_plans, live_answer, sandbox_seed

from reconciler.desired.model import DesiredAccount

ACCOUNTS = 600
LATENCY_MS = 50
REVOKE_EVERY_S = 4.0
TARGET_RATIO = 1.2
RATE_LIMIT = "medium=60,heavy=40"

#: run.py's plan phase: (accounts, sandbox, desired) -> figures with wall_s and bound_s.
PlanPhase = Callable[[int, SandboxProcess, list[DesiredAccount]], dict[str, Any]]


def revoked_token_phase(work: Path, plan_phase: PlanPhase) -> dict[str, Any]:
    """Plan 600 accounts (none with changes) against a sandbox that revokes on a timer."""
    rng = random.Random(13)
    ids = account_ids(ACCOUNTS)
    lives = {i: live_answer(rng) for i in ids}
    desired = [desired_account(i, desired_plans(lives[i])) for i in ids]
    seed_file = work / "seed-revoked-token.json"
    seed_file.write_text(json.dumps(sandbox_seed(lives)))
    with SandboxProcess(
        seed_file,
        latency_ms=LATENCY_MS,
        rate_limit=RATE_LIMIT,
        log_dir=work,
        revoke_every_s=REVOKE_EVERY_S,
    ) as sandbox:
        measured = plan_phase(ACCOUNTS, sandbox, desired)
    return {
        **measured,
        "latency_ms": LATENCY_MS,
        "revoke_every_s": REVOKE_EVERY_S,
        "ratio_to_bound": round(measured["wall_s"] / measured["bound_s"], 3),
        "target_ratio": TARGET_RATIO,
    }


def revoked_token_case(
    plan_phase: PlanPhase, machine: Callable[[], dict[str, Any]], say: Callable[[str], None]
) -> dict[str, Any]:
    """Phase 5 in a temporary directory, with the machine it ran on (it may run alone)."""
    say(
        f"revoked-token: planning {ACCOUNTS} accounts, token revoked every {REVOKE_EVERY_S:g} s ..."
    )
    with tempfile.TemporaryDirectory(prefix="zoomplans-bench-") as tmp:
        measured = revoked_token_phase(Path(tmp), plan_phase)
    measured["machine"] = machine()
    say(f"  {measured}")
    return measured


def revoked_token_verdicts(results: dict[str, Any]) -> dict[str, bool]:
    revoked = results.get("revoked_token")
    if revoked is None:
        return {}
    return {
        "revoked_token_plan_within_1.2x_of_bound": revoked["ratio_to_bound"]
        <= revoked["target_ratio"],
        "revoked_token_plan_no_429_no_errors": revoked["sandbox_429"] == 0
        and revoked["errors"] == 0,
    }


def revoked_token_rows(results: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """Its row of the Markdown table docs/performance.md quotes."""
    revoked = results.get("revoked_token")
    if revoked is None:
        return []
    n = revoked["accounts"]
    return [
        (
            f"plan {n} accounts, {revoked['latency_ms']} ms, token revoked every "
            f"{revoked['revoke_every_s']:g} s",
            f"{revoked['wall_s']:.1f} s",
            f"{revoked['bound_s']:.1f} s ({n}/60 s); target within "
            f"{revoked['target_ratio']:g}x, no 429",
            f"{revoked['ratio_to_bound']:.2f}x; {revoked['sandbox_401']} 401s, "
            f"{revoked['sandbox_429']} 429s",
        )
    ]

"""Phase 5 of `make bench`: `zoomplans plan` as a whole process while the sandbox revokes
every token every 4 s (issues 13 and 19).

The client takes its token only when a call holds its rate slot, so each revocation costs at
most one 401 per call in flight (about 3 at 59/s and 50 ms), not one per queued call. The phase
has its own sandbox process (50 ms latency, `--revoke-tokens-every 4`) and its own 600 accounts
in 600 one-account files, and times `zoomplans plan DIR --out FILE` from its start to its exit
(interpreter start-up and file loading included, as a user or a CI job meets them) next to the
bound 600 / 60 s = 10 s; `bench/run.py --case revoked-token` runs it alone.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from sandbox_process import SandboxProcess, request_figures, wall_figures
from scenario import MASTER, account_ids, desired_plans, live_answer, sandbox_seed

ACCOUNTS = 600
LATENCY_MS = 50
REVOKE_EVERY_S = 4.0
RATE_LIMIT = "medium=60,heavy=40"

#: What a traced phase hands over: (name, request log, t = 0, exit moment) -> its summary.
Tracer = Callable[[str, list[dict[str, Any]], float, float], dict[str, Any]]


def write_account_files(folder: Path, lives: dict[str, dict[str, Any]]) -> None:
    """One YAML file per account, as a repository of sub-accounts keeps them."""
    folder.mkdir()
    for account_id, live in lives.items():
        document = {"account_id": account_id, "plans": desired_plans(live)}
        (folder / f"{account_id}.yaml").write_text(yaml.safe_dump(document, sort_keys=False))


def revoked_token_phase(work: Path, trace: Tracer | None = None) -> dict[str, Any]:
    """Plan 600 accounts (none with changes) with the CLI, against a sandbox that revokes."""
    rng = random.Random(13)
    lives = {i: live_answer(rng) for i in account_ids(ACCOUNTS)}
    write_account_files(work / "accounts", lives)
    seed_file = work / "seed-revoked-token.json"
    seed_file.write_text(json.dumps(sandbox_seed(lives)))
    out = work / "plan.json"
    with SandboxProcess(
        seed_file,
        latency_ms=LATENCY_MS,
        rate_limit=RATE_LIMIT,
        log_dir=work,
        revoke_every_s=REVOKE_EVERY_S,
    ) as sandbox:
        command = [sys.executable, "-m", "reconciler", "plan", "accounts", "--out", str(out)]
        before = len(sandbox.requests())
        origin, start = time.monotonic(), time.perf_counter()
        done = subprocess.run(
            command, cwd=work, env=sandbox.client_env(MASTER), capture_output=True, text=True,
            check=False,
        )  # fmt: skip
        wall, ended = time.perf_counter() - start, time.monotonic()
        requests = sandbox.requests()[before:]
    if done.returncode not in (0, 2) or not out.exists():
        raise RuntimeError(f"plan for the revoked-token case failed: {done.stderr[-2000:]}")
    accounts = json.loads(out.read_text())["accounts"]
    bound = ACCOUNTS / 60
    measured = {
        **wall_figures(ACCOUNTS, wall, bound),
        **request_figures(requests),
        "with_changes": sum(1 for a in accounts if a["status"] == "changes"),
        "errors": sum(1 for a in accounts if a["status"] == "error"),
        "caller_429": sum(1 for a in accounts if "rate limit" in str(a.get("error", "")).lower()),
        "first_request_s": round(min((r["at"] for r in requests), default=ended) - origin, 2),
        "latency_ms": LATENCY_MS,
        "revoke_every_s": REVOKE_EVERY_S,
        "ratio_to_bound": round(wall / bound, 3),
    }
    if trace is not None:
        measured["trace"] = trace("revoked-token", requests, origin, ended)
    return measured


def revoked_token_case(
    machine: Callable[[], dict[str, Any]], say: Callable[[str], None], trace: Tracer | None = None
) -> dict[str, Any]:
    """Phase 5 in a temporary directory, with the machine it ran on (it may run alone)."""
    say(
        f"revoked-token: `zoomplans plan` of {ACCOUNTS} accounts, token revoked every "
        f"{REVOKE_EVERY_S:g} s ..."
    )
    with tempfile.TemporaryDirectory(prefix="zoomplans-bench-") as tmp:
        measured = revoked_token_phase(Path(tmp), trace)
    measured["machine"] = machine()
    say(f"  {measured}")
    return measured

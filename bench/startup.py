"""Start-up and offline checking: how long `zoomplans` takes before it talks to Zoom.

    python bench/startup.py [--runs 10] [--json]

Each command runs as its own process (as a user or CI runs it), `--runs` times; the table gives
the fastest wall time and the least CPU time (user + system of the child). On a loaded machine
the wall times grow with the load while the CPU times hardly move, so the CPU column is the one
to compare across machines. The 600 one-account files `validate` reads are written into a
temporary folder first. Targets (issue 19): `--version` < 0.15 s, `validate` of 600 files
< 0.6 s, both wall on an idle machine.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from machine import user_env

ZOOMPLANS = [sys.executable, "-m", "reconciler"]
ACCOUNT = """account_id: sub_{i:06d}
name: Account {i}
labels:
  cost_centre: "{centre}"
plans:
  plan_base:
    type: business_monthly
    hosts: {hosts}
  plan_zoom_rooms:
    type: zroom_monthly
    hosts: 2
  plan_webinar:
    - type: webinar500_monthly
      hosts: 3
  plan_audio:
    type: tollfree_monthly_commitment_100
    tollfree_countries: [US, CA]
"""


def write_accounts(folder: Path, count: int) -> None:
    """`count` one-account files, as a repository of sub-accounts keeps them."""
    for i in range(count):
        text = ACCOUNT.format(i=i, centre=4000 + i, hosts=10 + i % 30)
        (folder / f"account-{i:04d}.yaml").write_text(text)


def measure(argv: list[str], runs: int, cwd: Path) -> dict[str, float]:
    """Fastest wall time and least CPU time of `runs` runs of one command."""
    walls, cpus = [], []
    for _ in range(runs):
        before, start = os.times(), time.perf_counter()
        subprocess.run(
            argv, cwd=cwd, env=user_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        wall, after = time.perf_counter() - start, os.times()
        walls.append(wall)
        cpus.append(
            after.children_user - before.children_user + after.children_system
            - before.children_system
        )  # fmt: skip
    return {"wall_s": round(min(walls), 3), "cpu_s": round(min(cpus), 3)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    results: dict[str, Any] = {"load_average": os.getloadavg()[0]}
    with tempfile.TemporaryDirectory(prefix="zoomplans-startup-") as tmp:
        work = Path(tmp)
        (work / "accounts").mkdir()
        write_accounts(work / "accounts", 600)
        cases = {
            "python -c pass (the interpreter alone)": [sys.executable, "-c", "pass"],
            "zoomplans --version": [*ZOOMPLANS, "--version"],
            "zoomplans validate --help": [*ZOOMPLANS, "validate", "--help"],
            "zoomplans plan --help": [*ZOOMPLANS, "plan", "--help"],
            "zoomplans validate (600 one-account files)": [*ZOOMPLANS, "validate", "accounts"],
        }
        for name, argv in cases.items():
            results[name] = measure(argv, args.runs, work)
    if args.json:
        print(json.dumps(results))
        return 0
    print(f"load average at start: {results.pop('load_average'):.1f}")
    for name, figures in results.items():
        print(f"{name:45} wall {figures['wall_s']:.3f} s   CPU {figures['cpu_s']:.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Plans of the committed fixture worlds, made as a user makes them: `zoomplans plan` against the
sandbox over loopback HTTP, read back from the JSON form.

`examples` is the world of the README and `make demo` (its plan is committed as
examples/plan.json, which the HTML screenshot in docs/img is taken from); `apply` and `guards`
are the worlds of those test folders. Each is planned with every opt-in that lets its calls
show (decreases, cancellations) and priced when it has a price list.

    .venv/bin/python -m tests.render.worlds    # rewrite examples/plan.json
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from reconciler.cli import cli
from reconciler.sandbox import SandboxServer

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_PLAN = ROOT / "examples" / "plan.json"
#: world -> (seed, accounts, price list or None)
WORLDS: dict[str, tuple[Path, Path, Path | None]] = {
    "examples": (
        ROOT / "examples" / "sandbox-seed.yaml",
        ROOT / "examples" / "accounts",
        ROOT / "examples" / "prices.yaml",
    ),
    "apply": (
        ROOT / "tests/apply/fixtures/seed.yaml",
        ROOT / "tests/apply/fixtures/accounts",
        None,
    ),
    "guards": (
        ROOT / "tests/guards/fixtures/seed.yaml",
        ROOT / "tests/guards/fixtures/accounts",
        ROOT / "tests/guards/fixtures/prices.yaml",
    ),
}


def world_plan_json(world: str) -> dict[str, Any]:
    """The JSON plan of `world`, made now against a sandbox of its seed."""
    seed, accounts, prices = WORLDS[world]
    server = SandboxServer(seed)
    server.start()
    here = Path.cwd()
    try:
        # From the repository's root (which has no zoomplans.yaml), with relative paths: the
        # plan's sources and price list read the same on every checkout.
        os.chdir(ROOT)
        args = ["plan", str(accounts.relative_to(ROOT)), "--allow-decrease", "--allow-cancel"]
        args += ["--format", "json"]
        if prices is not None:
            args += ["--prices", str(prices.relative_to(ROOT))]
            args += ["--max-monthly-increase", "1000000USD", "--max-monthly-increase", "1000000EUR"]
        env = {**server.env(), "NO_COLOR": "1"}
        made = CliRunner().invoke(cli, args, env=env)
    finally:
        os.chdir(here)
        server.stop()
    assert made.exit_code in (0, 1) and made.stdout, made.output  # 1: an account is blocked
    return dict(json.loads(made.stdout))


def main() -> None:
    data = world_plan_json("examples")
    EXAMPLE_PLAN.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {EXAMPLE_PLAN.relative_to(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()

"""Shared helpers for the guard-rail tests: the CLI in process, in a directory of its own."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from reconciler.cli import cli

FIXTURES = Path(__file__).parent / "fixtures"
SEED = FIXTURES / "seed.yaml"
ACCOUNTS = FIXTURES / "accounts"
PRICES = FIXTURES / "prices.yaml"


@dataclass(frozen=True)
class Ran:
    """One command's exit code and its two output streams."""

    code: int
    stdout: str
    stderr: str


@pytest.fixture
def guard_world(sandbox: Any) -> Any:
    """A sandbox serving the guard-rail seed (a fresh one per test: applies change it)."""
    return sandbox(SEED)


@pytest.fixture
def zp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Ran]:
    """`zp(sb, "plan", ...)`: run zoomplans in process, from an empty directory of its own
    (so no zoomplans.yaml is found unless the test writes one), journal under it."""
    monkeypatch.chdir(tmp_path)

    def run(sb: Any, *args: str) -> Ran:
        extra = ["--journal", str(tmp_path / "journal.jsonl")] if args[0] == "apply" else []
        env = {**sb.env(), "NO_COLOR": "1"}
        result = CliRunner().invoke(cli, [*args, *extra], env=env, catch_exceptions=False)
        return Ran(result.exit_code, result.stdout, result.stderr)

    return run

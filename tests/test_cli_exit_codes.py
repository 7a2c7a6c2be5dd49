"""The pinned exit codes of the command line itself (SPEC section 4)."""

from __future__ import annotations

import subprocess
import sys


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "reconciler", *args], capture_output=True, text=True, check=False
    )


def test_unknown_option_is_a_usage_error_with_exit_64() -> None:
    result = run("validate", "--no-such-flag")
    assert result.returncode == 64
    assert "--no-such-flag" in result.stderr  # named; click's own wording is not ours to pin
    assert "Traceback" not in result.stderr


def test_unknown_command_is_a_usage_error_with_exit_64() -> None:
    result = run("planx")
    assert result.returncode == 64


def test_help_exits_0() -> None:
    result = run("--help")
    assert result.returncode == 0
    assert "validate" in result.stdout


def test_help_names_what_plan_refuses_and_the_ttl_maximum() -> None:
    apply_help = " ".join(run("apply", "--help").stdout.split())
    assert "with apply's own flags, limits and prices" in apply_help
    assert "Refuses --select (the plan records its selection)" in apply_help
    plan_help = run("plan", "--help")
    assert plan_help.returncode == 0
    assert "at most 365d" in " ".join(plan_help.stdout.split())

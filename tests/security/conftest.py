"""Helpers for the security tests: run the real CLI in a subprocess, measure its peak memory."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Finished:
    """A finished `zoomplans` run: exit code, output, wall seconds and peak RSS in MiB."""

    returncode: int
    stdout: str
    stderr: str
    seconds: float
    peak_rss_mb: float


def clean_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """This environment without any ZOOM_* variable (none may leak in from the caller)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZOOM_")}
    env.update(extra or {})
    return env


def run_zoomplans(
    *args: str, env: Mapping[str, str] | None = None, cwd: Path | None = None, timeout: float = 60
) -> Finished:
    """Run `python -m reconciler ARGS`; os.wait4 gives this child's own peak RSS."""
    start = time.monotonic()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        process = subprocess.Popen(
            [sys.executable, "-m", "reconciler", *args],
            cwd=cwd or ROOT,
            env=clean_env(env),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
        )
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > start + timeout:
                process.kill()
                os.wait4(process.pid, 0)
                raise AssertionError(f"zoomplans {' '.join(args)} ran over {timeout} s")
            time.sleep(0.01)
        process.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.monotonic() - start
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    return Finished(process.returncode, stdout, stderr, seconds, usage.ru_maxrss / 1024)


@pytest.fixture
def zoomplans() -> Callable[..., Finished]:
    """`zoomplans(*args, env=..., cwd=..., timeout=...) -> Finished` (the CLI in a subprocess)."""
    return run_zoomplans

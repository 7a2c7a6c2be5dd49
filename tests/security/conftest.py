"""Helpers for the security tests: run the real CLI in a subprocess, measure its peak memory."""

from __future__ import annotations

import functools
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
    """A finished `zoomplans` run: exit code, output, wall seconds and peak RSS in MiB (None
    unless it was sampled)."""

    returncode: int
    stdout: str
    stderr: str
    seconds: float
    peak_rss_mb: float | None


def clean_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """This environment without any ZOOM_* variable (none may leak in from the caller)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZOOM_")}
    env.update(extra or {})
    return env


def run_zoomplans(
    *args: str,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    timeout: float = 60,
    sample_memory: bool = False,
) -> Finished:
    """Run `python -m reconciler ARGS`; with ``sample_memory``, sample the child's own peak RSS
    while it runs (every 2 ms: only the tests of memory limits pay for that polling, which
    otherwise takes CPU from the child it waits for)."""
    start = time.monotonic()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        process = subprocess.Popen(
            [sys.executable, "-m", "reconciler", *args],  # `command` below
            cwd=cwd or ROOT,
            env=clean_env(env),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
        )
        if not sample_memory:
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
                raise AssertionError(f"zoomplans {' '.join(args)} ran over {timeout} s") from None
            out.seek(0)
            err.seek(0)
            seconds = time.monotonic() - start
            return Finished(process.returncode, out.read(), err.read(), seconds, None)
        peak_kib = 0
        command = [sys.executable, "-m", "reconciler", *args]
        while True:
            peak_kib = max(peak_kib, _high_water_kib(process.pid, command))
            pid, status, _usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > start + timeout:
                process.kill()
                os.wait4(process.pid, 0)
                raise AssertionError(f"zoomplans {' '.join(args)} ran over {timeout} s")
            time.sleep(0.002)
        process.returncode = os.waitstatus_to_exitcode(status)
        assert peak_kib > 0, "the child's peak RSS could not be read from /proc"
        seconds = time.monotonic() - start
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    return Finished(process.returncode, stdout, stderr, seconds, peak_kib / 1024)


def _high_water_kib(pid: int, command: list[str]) -> int:
    """The child's own peak RSS so far (`VmHWM` of its program, once it runs `command`).

    Not wait4's `ru_maxrss`: Linux starts a child's maxrss at its parent's size at fork, so a
    pytest worker that grew (3 xdist workers run many tests each) made every child look as
    large as the worker. Before exec the child still has the worker's memory, so it is read
    only once /proc shows the child's own command line. Sampled every 2 ms while the child
    runs; VmHWM never goes down.
    """
    proc = Path(f"/proc/{pid}")
    try:
        if proc.joinpath("cmdline").read_bytes().split(b"\0")[:-1] != [
            part.encode() for part in command
        ]:
            return 0
        status = proc.joinpath("status").read_text()
    except OSError:
        return 0
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


@pytest.fixture
def zoomplans() -> Callable[..., Finished]:
    """`zoomplans(*args, env=..., cwd=..., timeout=...) -> Finished` (the CLI in a subprocess)."""
    return run_zoomplans


@pytest.fixture
def zoomplans_measured() -> Callable[..., Finished]:
    """`zoomplans` with the child's peak RSS sampled (`Finished.peak_rss_mb`)."""
    return functools.partial(run_zoomplans, sample_memory=True)

"""The machine and tree a benchmark ran on: CPUs, load, Python, platform and git commit.

Wall-clock figures depend on all of these, and on what else the machine was doing: the load
average is taken at the start and at the end of the run, and both go into the results and the
printout, so a reader can tell an idle run from a busy one.
"""

from __future__ import annotations

import os
import platform
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown"


def git_commit(root: Path) -> str:
    """The commit checked out at ``root``, with "+changes" when the tree differs from it."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short=12", "HEAD"], cwd=root, capture_output=True,
            text=True, check=True,
        ).stdout.strip()  # fmt: skip
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"], cwd=root,
            capture_output=True, text=True, check=True,
        ).stdout.strip()  # fmt: skip
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return commit + ("+changes" if dirty else "")


def user_env(base: dict[str, str] | None = None) -> dict[str, str]:
    """The environment a timed `zoomplans` child runs in: as a user's, bytecode cache on.

    A shell or CI job with PYTHONDONTWRITEBYTECODE=1 makes every child compile the package's
    130-odd modules from source (about 0.1 s of CPU each start); an installed zoomplans, or a
    clone after its first run, loads them from __pycache__.
    """
    env = dict(os.environ if base is None else base)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def load_average() -> float | None:
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:
        return None


def machine(root: Path | None = None) -> dict[str, Any]:
    """The machine now (and the commit at ``root`` when given)."""
    found: dict[str, Any] = {
        "nproc": os.cpu_count(),
        "cpu_model": _cpu_model(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "date": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "load_average_start": load_average(),
    }
    if root is not None:
        found["commit"] = git_commit(root)
    return found

"""Where a plan comes from and how long it lives: the git commit and `--ttl` durations.

Kept apart from `reconciler.planner.model`: `plan` and `apply` read the command line and the
repository with these, while the model only holds what they produced.
"""

from __future__ import annotations

import re
import subprocess
from datetime import timedelta
from pathlib import Path


class DurationError(ValueError):
    """A `--ttl` value that is not a number followed by s, m, h or d."""


_DURATION = re.compile(r"^\s*(\d+)\s*([smhd])\s*$")
_UNIT = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}
_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
#: A reviewed plan describes Zoom at one moment; a year is already far longer than is wise,
#: and the bound keeps `created_at + ttl` a real date (a huge value would overflow it).
MAX_TTL = timedelta(days=365)


def parse_duration(text: str) -> timedelta:
    """`30m`, `24h`, `7d`, `90s` -> timedelta; DurationError otherwise (zero and more than
    MAX_TTL are refused)."""
    match = _DURATION.match(text or "")
    if not match or int(match.group(1)) == 0:
        raise DurationError(
            f"{text!r} is not a duration; use a positive number with s, m, h or d "
            "(e.g. 30m, 24h, 7d)"
        )
    number, unit = int(match.group(1)), match.group(2)
    if number * _SECONDS[unit] > MAX_TTL.total_seconds():
        raise DurationError(
            f"{text.strip()!r} is too long; a plan may stay valid for at most "
            f"{MAX_TTL.days}d (re-run plan instead of keeping an old one)"
        )
    return timedelta(**{_UNIT[unit]: number})


def current_git_commit(where: Path | str | None = None) -> str | None:
    """`git rev-parse HEAD` of the work tree holding `where`; None outside one or without git."""
    directory = Path(where) if where is not None else Path.cwd()
    if directory.is_file():
        directory = directory.parent
    if not directory.is_dir():
        directory = Path.cwd()
    try:
        done = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=directory,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    commit = done.stdout.strip()
    return commit if done.returncode == 0 and re.fullmatch(r"[0-9a-f]{40,64}", commit) else None

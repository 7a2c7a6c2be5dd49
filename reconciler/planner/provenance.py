"""Where a plan comes from and how long it lives: the git commit, whether the files read differ
from it, and `--ttl` durations.

Kept apart from `reconciler.planner.model`: `plan` and `apply` read the command line and the
repository with these, while the model only holds what they produced.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterable
from datetime import timedelta
from pathlib import Path

from reconciler.planner.header import GitState


class DurationError(ValueError):
    """A `--ttl` value that is not a number followed by s, m, h or d."""


_DURATION = re.compile(r"^\s*(\d+)\s*([smhd])\s*$")
_UNIT = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}
_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
#: A reviewed plan describes Zoom at one moment; a year is already far longer than is wise,
#: and the bound keeps `created_at + ttl` a real date (a huge value would overflow it).
MAX_TTL = timedelta(days=365)
#: How long a plan file stays valid without `--ttl` (re-exported by `reconciler.planner.model`;
#: here so `plan` sets its default without importing the plan model before its first read).
DEFAULT_TTL = timedelta(hours=24)


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


def _git(args: list[str], cwd: Path | str) -> str | None:
    """One git command's stdout; None when git is missing, fails, or takes too long."""
    try:
        done = subprocess.run(
            ["git", *args], cwd=cwd, capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


def git_state(where: Path | str, files: Iterable[Path | str]) -> GitState:
    """The commit of the work tree holding `where`, and which of `files` differ from it.

    Two git calls whatever the number of files: `rev-parse` (the top and HEAD), then one
    `git status` of the tree, whose changed, untracked and ignored paths (ignored files are not
    in the commit either) are matched with the files read. A file outside the work tree is
    not in the commit at all, so it counts as changed.
    """
    directory = Path(where)
    if directory.is_file():
        directory = directory.parent
    if not directory.is_dir():
        directory = Path.cwd()
    head = _git(["rev-parse", "--show-toplevel", "HEAD"], directory)
    lines = head.split("\n") if head else []
    if len(lines) < 2 or not re.fullmatch(r"[0-9a-f]{40,64}", lines[1]):
        return GitState()
    top = os.path.realpath(lines[0])
    inside: dict[str, None] = {}
    outside: dict[str, None] = {}
    here = os.getcwd()
    folders: dict[str, str] = {}  # each folder resolved once: a thousand files share a few
    for file in files:
        real = _real(os.path.join(here, file), folders)
        if real.startswith(top.rstrip(os.sep) + os.sep):
            inside[real[len(top.rstrip(os.sep)) + 1 :].replace(os.sep, "/")] = None
        else:
            outside[os.path.relpath(real, top)] = None
    changed: set[str] = set(outside)
    if inside:
        # The whole tree, not one pathspec per file: git matches pathspecs against every path
        # (a second for a thousand files), while one walk lists the few changed ones.
        status = _git(
            ["status", "--porcelain=v1", "-z", "--untracked-files=all", "--ignored=matching"],
            top,
        )
        if status is None:  # cannot tell: say so rather than call the tree clean
            return GitState(lines[1], True, tuple(sorted(inside)))
        changed.update(_listed(inside, _status_paths(status)))
    return GitState(lines[1], bool(changed), tuple(sorted(changed)))


def _real(file: str, folders: dict[str, str]) -> str:
    """`os.path.realpath(file)` of an absolute `file`, resolving each folder once."""
    if os.path.islink(file):
        return os.path.realpath(file)
    folder, name = os.path.split(os.path.normpath(file))
    if folder not in folders:
        folders[folder] = os.path.realpath(folder)
    return os.path.join(folders[folder], name)


def _listed(files: Iterable[str], listed: set[str]) -> list[str]:
    """The files git's status names, itself or through a folder it names whole (`build/`)."""
    folders = tuple(path for path in listed if path.endswith("/"))
    return [f for f in files if f in listed or (folders and f.startswith(folders))]


def _status_paths(output: str) -> set[str]:
    """Paths of `git status --porcelain=v1 -z`: `XY path`, a rename's source after its own."""
    paths: set[str] = set()
    records = iter(output.split("\0"))
    for record in records:
        if len(record) < 4:
            continue
        paths.add(record[3:])
        if record[0] in "RC":
            paths.add(next(records, ""))
    return paths

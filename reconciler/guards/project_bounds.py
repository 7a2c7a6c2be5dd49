"""What zoomplans.yaml may not do, although its schema would let it: read outside the checkout,
or loosen a safety setting below its floor.

A pull request can edit zoomplans.yaml, and `plan` runs on every pull request with the
repository's secrets at hand. So the paths it names (`prices`, `extends_root`) are confined like
`extends` is (reconciler.desired.restrictor): inside the git work tree holding the file, outside
git the current directory; an absolute path is refused outright. A path outside is a located
error and nothing there is opened or echoed. The journal's safety settings have floors: a
write in doubt is not sent again sooner than 5 minutes after it (`resend_after`), and earlier
purchases count for at least a day (`journal_window`); a flag may go lower (the operator's
choice, listed in the plan header), the file may not.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

from reconciler.desired.problems import Problem, excerpt
from reconciler.desired.reader import Document
from reconciler.desired.restrictor import LoadRestrictor

#: zoomplans.yaml keys naming a path, relative to the file.
PATH_KEYS = ("prices", "extends_root")
#: zoomplans.yaml durations and the least each may be.
FLOORS: Mapping[str, tuple[timedelta, str]] = {
    "resend_after": (timedelta(minutes=5), "5m"),
    "journal_window": (timedelta(days=1), "1d"),
}
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def _duration(text: str) -> timedelta:
    """`15m` -> 15 minutes; the schema has already checked the `^[0-9]+[smhd]$` shape."""
    return timedelta(seconds=int(text[:-1]) * _UNIT_SECONDS[text[-1]])


def bound_problems(
    document: Document, path: Path, restrictor: LoadRestrictor | None = None
) -> list[Problem]:
    """Paths that leave the tree and durations under their floor, located at their values."""
    data: dict[str, Any] = document.data if isinstance(document.data, dict) else {}
    confine = restrictor if restrictor is not None else LoadRestrictor()
    problems: list[Problem] = []

    def report(key: str, message: str) -> None:
        at = document.at((key,))
        problems.append(Problem(at.file, at.line, at.column, "error", message))

    for key in PATH_KEYS:
        written = data.get(key)
        if not isinstance(written, str) or not written:
            continue
        if os.path.isabs(written) or written.startswith("~"):
            report(
                key,
                f"{key}: {excerpt(written)} is an absolute path; write it relative to this "
                "file, inside the repository (it was not read)",
            )
        elif not confine.allows(str(path), str(path.parent / written)):
            report(
                key,
                f"{key}: {excerpt(written)} resolves outside {confine.root_of(str(path))} "
                "(the tree holding this file); it was not read: a file a pull request can "
                "edit may not name files outside the checkout (pass --prices or "
                "--extends-root on the command line instead)",
            )
    for key, (floor, spelt) in FLOORS.items():
        written = data.get(key)
        if isinstance(written, str) and written and _duration(written) < floor:
            report(
                key,
                f"{key}: {excerpt(written)} is below the floor of {spelt}: a file a pull "
                f"request can edit may not loosen this safety setting (a --{key.replace('_', '-')} "
                "flag may, and the plan header shows it)",
            )
    return problems


def key_origins(
    document: Document, keys: Mapping[str, tuple[str, ...]]
) -> tuple[tuple[str, str], ...]:
    """(setting name, `file:line`) for every key the file sets: the plan header names them."""
    found: list[tuple[str, str]] = []
    for name, path in keys.items():
        container: Any = document.data
        for part in path[:-1]:
            container = container.get(part) if isinstance(container, dict) else None
        if isinstance(container, dict) and container.get(path[-1]) not in (None, "", []):
            at = document.key_at(path)
            found.append((name, f"{at.file}:{at.line}"))
    return tuple(found)

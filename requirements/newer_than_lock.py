"""Print which installed distributions differ from the pins of a lock file.

`make test-latest` runs it in .venv-latest, so a red run says at once which new release to
suspect (and a green one says the lock can be refreshed with `make lock`).
Usage: python requirements/newer_than_lock.py requirements/dev.lock
"""

from __future__ import annotations

import re
import sys
from importlib import metadata
from pathlib import Path

PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")


def normalised(name: str) -> str:
    """PEP 503: `PyYAML`, `typing_extensions` and `typing-extensions` are one project each."""
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(lock: Path) -> dict[str, str]:
    found = {}
    for line in lock.read_text(encoding="utf-8").splitlines():
        match = PIN.match(line)
        if match:
            found[normalised(match.group(1))] = match.group(2)
    return found


def main(lock: Path) -> int:
    locked = pins(lock)
    lines = []
    for dist in metadata.distributions():
        name = normalised(dist.metadata["Name"])
        if name in locked and locked[name] != dist.version:
            lines.append(f"  {name}: {locked[name]} in {lock.name}, {dist.version} installed")
    print(f"releases differing from {lock}:")
    print("\n".join(sorted(lines)) if lines else "  (none: the lock is today's newest)")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))

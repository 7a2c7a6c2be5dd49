"""`make demo`: the whole loop on the embedded sandbox (grown by each issue)."""

from __future__ import annotations

import subprocess
import sys


def main() -> int:
    return subprocess.call([sys.executable, "-m", "reconciler", "validate", "examples/accounts"])


if __name__ == "__main__":
    sys.exit(main())

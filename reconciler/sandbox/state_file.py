"""The state file the sandbox persists: only the accounts (never credentials), written
atomically after every write so that separate CLI processes (plan, then apply, then plan again)
see one world across sandbox restarts."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from reconciler.sandbox.errors import SeedError
from reconciler.sandbox.seed import AccountSeed, Places, parse_accounts

STATE_FORMAT = "zoomplans-sandbox-state"
STATE_VERSION = 1


def load_state(path: Path) -> tuple[AccountSeed, ...] | None:
    """The accounts saved in a state file, or None when the file does not exist yet."""
    if not path.exists():
        return None
    origin = str(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise SeedError(
            origin,
            f"unreadable state file ({type(exc).__name__}); delete it to start from the seed",
        ) from None
    if not isinstance(data, dict) or data.get("format") != STATE_FORMAT:
        raise SeedError(origin, f"not a sandbox state file (expected format '{STATE_FORMAT}')")
    if data.get("version") != STATE_VERSION:
        raise SeedError(
            origin, f"state file version {data.get('version')!r} is not {STATE_VERSION}"
        )
    return parse_accounts(data.get("accounts"), Places(origin, None), ("accounts",))


def save_state(path: Path, accounts: dict[str, dict[str, Any]]) -> None:
    """Write the accounts atomically: a temp file in the same folder, then os.replace."""
    document = {"format": STATE_FORMAT, "version": STATE_VERSION, "accounts": accounts}
    folder = path.parent if str(path.parent) else Path(".")
    folder.mkdir(parents=True, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            # Compact and unsorted: this runs after every write, for up to thousands of accounts.
            handle.write(json.dumps(document, separators=(",", ":")))
            handle.write("\n")
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise

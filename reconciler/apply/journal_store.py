"""Where the journal's lines are kept: the one small interface every journal store implements.

Why a seam: the journal's rules (an intent is durable before its call is sent; a second apply on
the same master account must not run at once) do not depend on where the lines live. The file
journal (``reconciler.apply.journal`` with ``journal_months``) keeps them next to the run; the
PostgreSQL store (``reconciler.apply.journal_postgres``) keeps them where every machine sees
them. A third store (an object store with conditional writes) is one more module with these five
methods. The errors live here too, so a store can raise them without importing the journal.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable


@dataclass(frozen=True)
class LockHolder:
    """Who takes the apply lock: named to the run that finds it taken."""

    run_id: str
    actor: str
    host: str
    master_account_id: str | None


@runtime_checkable
class JournalStore(Protocol):
    """A journal kept elsewhere than in a local file (the file journal is a ``Path``)."""

    def describe(self) -> str:
        """Where the lines are, for messages: never a password."""
        ...

    def open_for_run(self, holder: LockHolder, lock_timeout_s: float) -> None:
        """Take the apply lock of ``holder.master_account_id`` (waiting up to the timeout, then
        JournalBusy naming the holder) and get ready to append; JournalError otherwise."""
        ...

    def append_line(self, text: str) -> None:
        """Keep one line (JSON text, no newline) durably before returning; JournalError."""
        ...

    def lines(self) -> Iterator[tuple[str, str]]:
        """Every line in the order written, with where it is (``postgresql://host/db#id``)."""
        ...

    def close(self) -> None:
        """Release the apply lock and the connection (also after a failure)."""
        ...


#: What `--journal` names: a file (the default) or a store.
JournalTarget = Path | JournalStore


class JournalError(Exception):
    """The journal cannot be opened or written; apply must not send a call it cannot record."""

    def __init__(self, path: JournalTarget, reason: str) -> None:
        super().__init__(f"journal {path}: {reason}")
        self.path = path
        self.reason = reason


class JournalBusy(JournalError):
    """Another apply holds this journal: two runs at once could both send the same POST."""

    def __init__(self, path: JournalTarget, holder: str | None = None) -> None:
        who = f"another zoomplans apply ({holder})" if holder else "another zoomplans apply"
        super().__init__(
            path,
            f"{who} is using it right now; wait for that run to finish "
            "(two runs at once could both send the same charge), or give --lock-timeout",
        )

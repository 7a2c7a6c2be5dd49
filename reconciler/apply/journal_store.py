"""Where journal lines are kept: the one small seam every journal store implements.

Why a seam: the journal is what makes "never charge twice" true, and where it lives decides
what it survives (a file survives a crash on one machine; a database is shared by every
machine). Everything above this seam (the writer ``reconciler.apply.journal.Journal``, the
parser ``journal_records`` and the walker ``journal_walk``) works on raw lines and records,
so a store is one more module: the month files (``journal_file.FileJournalStore``, the
default), or a database.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol, TypeAlias


class JournalError(Exception):
    """The journal cannot be opened, read or written; apply must not send a call it cannot
    record. ``where`` is the store's description (never a secret)."""

    def __init__(self, where: object, reason: str) -> None:
        super().__init__(f"journal {where}: {reason}")
        self.path = where
        self.reason = reason


class JournalBusy(JournalError):
    """Another apply holds this journal: two runs at once could both send the same POST."""

    def __init__(self, where: object, holder: str = "") -> None:
        who = f" ({holder})" if holder else ""
        super().__init__(
            where,
            f"another zoomplans apply is using it right now{who}; wait for that run to finish "
            "(two runs at once could both send the same charge), or give --lock-timeout",
        )


class JournalLockUnavailable(JournalError):
    """The store cannot lock (a file system without ``flock``): two applies could interleave."""

    def __init__(self, where: object, why: str) -> None:
        super().__init__(
            where,
            f"cannot be locked ({why}): two applies at once could both send the same charge; "
            "put the journal on a local file system, or give --no-journal-lock if you are sure "
            "no other apply uses this journal",
        )


@dataclass(frozen=True)
class LockHolder:
    """Who takes the apply lock, named to a run that finds it taken (a store that can record
    it does: the database store's holders table)."""

    run_id: str
    actor: str
    host: str
    master_account_id: str | None


class JournalStore(Protocol):
    """The contract of a journal store (the file store and a database store both keep it).

    - :meth:`append_line` stores one complete line (a JSON object and ``\\n``) *durably*
      before it returns (a file: written in one call, flushed and fsynced; a database: the
      transaction committed). Apply sends a call only after its intent line is appended, so a
      store that returns early could lose the only trace of a purchase. It raises
      :class:`JournalError` when it cannot.
    - :meth:`lines` yields every stored line, oldest first, as ``(location, text)``: the
      location names the line for a person (``file:line``, ``table#id``); the text is the line
      as stored, ending with ``\\n`` when it is complete (a line cut by a crash has none). With
      ``since``, the store may leave out lines written before it, but never a line of an
      intent that is still open (in doubt, or a purchase accepted and not shown yet).
    - :meth:`acquire_lock` takes the apply lock for ``holder`` (one apply at a time per
      journal, or per ``holder.master_account_id``), waiting up to ``timeout_s`` for another
      run to finish, then raising :class:`JournalBusy` (naming the holder when it can) or
      :class:`JournalLockUnavailable`; :meth:`release_lock` gives it back (and does the
      store's upkeep while still holding it). The lock also dies with the process.
    - :meth:`describe` names the store for messages: a path, or a URL *without* credentials.
    """

    def describe(self) -> str: ...

    def acquire_lock(self, holder: LockHolder, timeout_s: float = 0.0) -> None: ...

    def release_lock(self) -> None: ...

    def append_line(self, text: str) -> None: ...

    def lines(self, since: datetime | None = None) -> Iterator[tuple[str, str]]: ...


#: What `--journal` names: a file (the file store) or a store (a database).
JournalTarget: TypeAlias = Path | JournalStore

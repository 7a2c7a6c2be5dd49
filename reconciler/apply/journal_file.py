"""The file journal store: this month's JSON-lines file, month files and an index (the default).

It keeps the :class:`reconciler.apply.journal_store.JournalStore` contract with a local file:
a line is written with one ``write`` call, flushed and fsynced before ``append_line`` returns;
the apply lock is ``flock`` on the file (the OS drops it when the process dies); the month
files and the index of open intents are ``reconciler.apply.journal_months``'s.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from reconciler.apply.in_flight import UNREPEATABLE_OPS
from reconciler.apply.journal_months import (
    read_lines,
    refresh_index,
    rotate_if_new_month,
)
from reconciler.apply.journal_records import (
    Intent,
    JournalLineError,
    Outcome,
    Record,
    Settlement,
    parse_line,
)
from reconciler.apply.journal_store import (
    JournalBusy,
    JournalError,
    JournalLockUnavailable,
    LockHolder,
)
from reconciler.apply.journal_walk import Fate, fates


def open_lines(lines: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The lines of intents still open: in doubt, or an unrepeatable write Zoom accepted that
    no read has shown (kept past the window, so it is never bought again silently)."""
    records: list[Record] = []
    by_location: dict[str, tuple[str, str]] = {}
    for location, text in lines:
        try:
            record = parse_line(location, text)
        except JournalLineError:
            continue
        records.append(record)
        by_location[location] = (location, text)
    still = {
        item.intent_id
        for item in fates(records).values()
        if item.fate is Fate.IN_DOUBT
        or (item.fate is Fate.ACCEPTED and item.intent.op in UNREPEATABLE_OPS)
    }
    return [
        by_location[r.location]
        for r in records
        if isinstance(r, Intent | Outcome | Settlement) and r.intent_id in still
    ]


class FileJournalStore:
    """``--journal FILE`` (see ``reconciler.apply.journal_months`` for the month files)."""

    def __init__(self, path: Path, *, require_lock: bool = True) -> None:
        self.path = path
        self.require_lock = require_lock
        self._write_lock = threading.Lock()
        self._file: IO[str] | None = None

    def describe(self) -> str:
        return str(self.path)

    def acquire_lock(self, holder: LockHolder, timeout_s: float = 0.0) -> None:
        """Open for appending (never truncating), take the lock, move last month's lines.

        A run killed in the middle of a write leaves a last line without its newline; this
        run's lines then start on a fresh line, so the cut line stays the only damaged one.
        """
        del holder  # one file, one lock: every master account sharing it waits
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # Owner-only when new: the journal holds billing contacts of subscribe bodies.
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            self._file = os.fdopen(fd, "a", encoding="utf-8")
        except OSError as exc:
            raise JournalError(self.path, f"cannot open for appending: {exc.strerror}") from exc
        self._flock(timeout_s)
        try:  # a new month: the earlier lines move to their month file (journal_months)
            rotate_if_new_month(self.path, self._file.fileno(), datetime.now(UTC), open_lines)
        except OSError as exc:
            self.release_lock()
            raise JournalError(self.path, f"cannot move last month's lines: {exc}") from exc
        if not _ends_with_newline(self.path):
            self._file.write("\n")
            self._file.flush()

    def _flock(self, timeout_s: float) -> None:
        """An exclusive advisory lock until release (the OS drops it if the process dies),
        waiting up to ``timeout_s`` for another run to release it."""
        if self._file is None:
            return
        if sys.platform == "win32":
            why = "Windows has no flock"
        else:
            import fcntl

            deadline = time.monotonic() + timeout_s
            while True:
                try:
                    fcntl.flock(self._file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                    return
                except BlockingIOError:
                    if time.monotonic() < deadline:
                        time.sleep(0.1)
                        continue
                    self._close()
                    raise JournalBusy(self.path) from None
                except OSError as exc:  # a file system without locks (some network mounts)
                    why = f"flock: {exc.strerror}"
                    break
        if self.require_lock:
            self._close()
            raise JournalLockUnavailable(self.path, why)

    def release_lock(self) -> None:
        """Bring the index of open intents up to date (still locked), then close."""
        with self._write_lock:
            if self._file is not None:
                # Only an aid to reading: if it cannot be written, the next start reads more.
                with contextlib.suppress(OSError):
                    refresh_index(self.path, open_lines)
                self._close()

    def _close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    def append_line(self, text: str) -> None:
        with self._write_lock:
            if self._file is None:
                raise JournalError(self.path, "not open")
            try:
                self._file.write(text)
                self._file.flush()
                os.fsync(self._file.fileno())
            except OSError as exc:
                raise JournalError(self.path, f"cannot write: {exc.strerror}") from exc

    def lines(self, since: datetime | None = None) -> Iterator[tuple[str, str]]:
        try:
            found = read_lines(self.path, since)
        except OSError as exc:
            raise JournalError(self.path, f"cannot read: {exc.strerror}") from exc
        yield from found


def _ends_with_newline(path: Path) -> bool:
    """True for an empty file too: only a cut last line needs a newline before new lines."""
    try:
        with path.open("rb") as handle:
            handle.seek(0, os.SEEK_END)
            if handle.tell() == 0:
                return True
            handle.seek(-1, os.SEEK_END)
            return handle.read(1) == b"\n"
    except OSError:
        return True

"""The apply journal: an append-only JSON-lines record of every call apply makes to Zoom.

Why it exists: every write may move money, and a process can die between sending a call and
hearing the answer. So an *intent* line is written, flushed and fsynced *before* each call, and
an *outcome* line after it. An auditor reads what was sent, by whom, from which commit and plan;
the next run reads the same file to find intents that never got a final outcome (a crashed run,
or an answer that was lost) and re-reads those accounts before sending anything to them.

Line kinds (one JSON object per line, keys sorted):
- ``run_start`` / ``run_end``: the run's mode, plan hash and final summary.
- ``intent``: about to send ``method path body`` for ``op`` on ``account_id``.
- ``outcome``: what happened to an intent (``result`` is ``ok``, ``failed``, ``ambiguous``...).
- ``resolution``: what a read later showed about an intent: ``resolved_present`` (the change is
  there: settled), ``not_visible`` (evidence: read at ``ts``, not shown yet), ``unknown`` (an
  ambiguous write this run read back with patience and still did not see) or ``resolved_absent``
  (in doubt, older than the minimum age and still not shown: a later run may send it again; the
  line holds ``sent_at`` and ``read_at``). See ``reconciler.apply.in_flight``.

The path names this month's file; earlier months live in files of their own next to it, with
an index of the unsettled intents, so a start reads only what it needs
(``reconciler.apply.journal_months``).

Every line carries ``ts``, ``run_id``, ``actor``, ``git_commit``, ``plan_sha256`` and
``master_account_id`` (the Zoom master account the run works on; null when not known). Secrets are
never written: the journal only ever receives plan bodies (which hold no credentials) and error
lines built by the client, which are made from Zoom's answer and the request path only.
"""

from __future__ import annotations

import contextlib
import getpass
import json
import os
import socket
import sys
import threading
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any

from reconciler.apply.intents import UnsettledIntent, unsettled
from reconciler.apply.journal_months import (
    month_files,
    parse_lines,
    read_entries,
    refresh_index,
    rotate_if_new_month,
)
from reconciler.apply.journal_store import (
    JournalBusy,
    JournalError,
    JournalTarget,
    LockHolder,
)

DEFAULT_JOURNAL_PATH = Path(".zoomplans/journal.jsonl")
_MARGIN = timedelta(minutes=5)


@dataclass(frozen=True)
class RunContext:
    """Who runs, from what: copied onto every journal line so each line stands on its own."""

    run_id: str
    actor: str
    git_commit: str | None
    plan_sha256: str
    #: The master account whose sub-accounts this run changes: the journal's lookups of earlier
    #: purchases are per master account (one journal may serve several).
    master_account_id: str | None = None

    @classmethod
    def for_this_process(
        cls, *, plan_sha256: str, git_commit: str | None, master_account_id: str | None = None
    ) -> RunContext:
        """A fresh run id; the actor is CI's user (GITHUB_ACTOR) or the login name (USER)."""
        actor = os.environ.get("GITHUB_ACTOR") or os.environ.get("USER") or _login_name()
        return cls(
            run_id=uuid.uuid4().hex,
            actor=actor,
            git_commit=git_commit,
            plan_sha256=plan_sha256,
            master_account_id=master_account_id,
        )


def _login_name() -> str:
    """The account running the process when USER is not set (cron, containers)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


@dataclass(frozen=True)
class JournalContents:
    """What an earlier journal says, read once at the start of a run."""

    entries: tuple[Mapping[str, Any], ...]
    unreadable_lines: int = 0
    unsettled: tuple[UnsettledIntent, ...] = field(default=())

    def unsettled_for(self, account_id: str) -> list[UnsettledIntent]:
        return [item for item in self.unsettled if item.account_id == account_id]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class Journal:
    """Appends lines durably; safe to share between the tasks and threads of one process.

    Each line is written with one ``write`` call under a lock, then flushed and fsynced before
    the method returns, so an intent is on disk before its call is sent.
    """

    def __init__(
        self, path: JournalTarget, context: RunContext, *, lock_timeout_s: float = 0.0
    ) -> None:
        self.path = path
        self.context = context
        #: How long to wait for another apply on the same journal to finish (0: fail at once).
        self.lock_timeout_s = lock_timeout_s
        self._lock = threading.Lock()
        self._file: IO[str] | None = None
        self._store_open = False

    def __enter__(self) -> Journal:
        self.open()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def open(self) -> None:
        """Create the folder and open for appending (never truncates an earlier run's lines).

        A run killed in the middle of a write leaves a last line without its newline; this
        run's lines then start on a fresh line, so the cut line stays the only damaged one.
        A store (``reconciler.apply.journal_store``) takes its own apply lock instead.
        """
        if not isinstance(self.path, Path):
            self.path.open_for_run(self._holder(), self.lock_timeout_s)
            self._store_open = True
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # Owner-only when new: the journal holds billing contacts of subscribe bodies.
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            self._file = os.fdopen(fd, "a", encoding="utf-8")
        except OSError as exc:
            raise JournalError(self.path, f"cannot open for appending: {exc.strerror}") from exc
        self._lock_for_this_run()
        try:  # a new month: the earlier lines move to their month file (journal_months)
            rotate_if_new_month(self.path, self._file.fileno(), datetime.now(UTC))
        except OSError as exc:
            self.close()
            raise JournalError(self.path, f"cannot move last month's lines: {exc}") from exc
        if not _ends_with_newline(self.path):
            self._file.write("\n")
            self._file.flush()

    def _holder(self) -> LockHolder:
        return LockHolder(
            run_id=self.context.run_id,
            actor=self.context.actor,
            host=socket.gethostname(),
            master_account_id=self.context.master_account_id,
        )

    def _lock_for_this_run(self) -> None:
        """Hold an exclusive advisory lock until close (the OS drops it if the process dies),
        waiting up to ``lock_timeout_s`` for another run to finish."""
        if sys.platform == "win32" or self._file is None:
            return
        import fcntl

        deadline = time.monotonic() + self.lock_timeout_s
        while True:
            try:
                fcntl.flock(self._file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                if time.monotonic() < deadline:
                    time.sleep(0.1)
                    continue
                self._file.close()
                self._file = None
                raise JournalBusy(self.path) from None
            except OSError:
                return  # a file system without locks (some network mounts): run unlocked

    def close(self) -> None:
        """Bring the index of unsettled intents up to date (still locked), then close."""
        with self._lock:
            if self._store_open and not isinstance(self.path, Path):
                self._store_open = False
                self.path.close()
            if self._file is not None:
                # Only an aid to reading: if it cannot be written, the next start reads more.
                with contextlib.suppress(OSError):
                    refresh_index(self.path)
                self._file.close()
                self._file = None

    def write(self, kind: str, **fields: Any) -> dict[str, Any]:
        """Append one line of ``kind`` with the run context; returns the line as written."""
        line: dict[str, Any] = {
            "kind": kind,
            "ts": _now(),
            "run_id": self.context.run_id,
            "actor": self.context.actor,
            "git_commit": self.context.git_commit,
            "plan_sha256": self.context.plan_sha256,
            "master_account_id": self.context.master_account_id,
        }
        line.update(fields)
        text = json.dumps(line, sort_keys=True, separators=(",", ":"), default=str) + "\n"
        with self._lock:
            if not isinstance(self.path, Path):
                if not self._store_open:
                    raise JournalError(self.path, "not open")
                self.path.append_line(text[:-1])
                return line
            if self._file is None:
                raise JournalError(self.path, "not open")
            try:
                self._file.write(text)
                self._file.flush()
                os.fsync(self._file.fileno())
            except OSError as exc:
                raise JournalError(self.path, f"cannot write: {exc.strerror}") from exc
        return line

    def intent(
        self,
        *,
        account_id: str,
        op: str,
        method: str,
        path: str,
        body: Mapping[str, Any],
        attempt: int = 1,
        retry_of: str | None = None,
    ) -> str:
        """Record, durably, that a call is about to be sent; returns the intent id."""
        intent_id = uuid.uuid4().hex
        self.write(
            "intent",
            intent_id=intent_id,
            account_id=account_id,
            op=op,
            method=method,
            path=path,
            body=dict(body),
            attempt=attempt,
            retry_of=retry_of,
        )
        return intent_id

    def outcome(
        self,
        intent_id: str,
        *,
        account_id: str,
        op: str,
        method: str,
        path: str,
        body: Mapping[str, Any],
        result: str,
        http_status: int | None = None,
        zoom_code: int | None = None,
        duration_ms: float | None = None,
        message: str | None = None,
    ) -> None:
        """Record what happened to an intent: its HTTP status, Zoom code and duration."""
        self.write(
            "outcome",
            intent_id=intent_id,
            account_id=account_id,
            op=op,
            method=method,
            path=path,
            body=dict(body),
            result=result,
            http_status=http_status,
            zoom_code=zoom_code,
            duration_ms=None if duration_ms is None else round(duration_ms, 1),
            message=message,
        )

    def resolution(
        self, intent: UnsettledIntent, *, result: str, message: str, **evidence: Any
    ) -> None:
        """What a read showed about an intent (settled, or evidence that it is not shown yet)."""
        self.write(
            "resolution",
            intent_id=intent.intent_id,
            intent_run_id=intent.run_id,
            account_id=intent.account_id,
            op=intent.op,
            method=intent.method,
            path=intent.path,
            body=dict(intent.body),
            result=result,
            message=message,
            **evidence,
        )


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


def read_journal(path: JournalTarget, since: datetime | None = None) -> JournalContents:
    """Read an earlier journal; a missing file is an empty journal.

    With ``since``, only what a start needs is read (``reconciler.apply.journal_months``): every
    unsettled intent, and the lines written from ``since`` on; without, every line of every
    month. A line cut short by a crash (or any line that is not a JSON object) is counted and
    skipped: an intent that was not completely written was not followed by its call, because
    the call is only sent after the intent is fsynced. A store is read whole.
    """
    if not isinstance(path, Path):
        raw = b"\n".join(text.encode() for _where, text in path.lines())
        return _contents(*parse_lines(raw))
    if not path.exists() and not month_files(path):
        return JournalContents(entries=())
    try:
        # Lines appended by parallel accounts may be a moment out of order: read a margin.
        entries, unreadable = read_entries(path, None if since is None else since - _MARGIN)
    except OSError as exc:
        raise JournalError(path, f"cannot read: {exc.strerror}") from exc
    return _contents(entries, unreadable)


def _contents(entries: list[dict[str, Any]], unreadable: int) -> JournalContents:
    return JournalContents(
        entries=tuple(entries), unreadable_lines=unreadable, unsettled=tuple(unsettled(entries))
    )

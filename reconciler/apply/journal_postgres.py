"""The journal in a PostgreSQL table: one journal, and one apply lock, for every machine.

Why: a file journal lives on one machine (a CI runner, a laptop); a lost runner or an evicted
cache loses the memory that keeps a purchase from being sent twice, and two machines applying
have two journals and no lock between them. Here:

- ``zoomplans_journal`` holds one row per journal line (the JSON text exactly as the file
  journal would write it), ordered by a serial ``id``, with the line's master account id.
  Each line is its own committed transaction before ``append_line`` returns, so an intent is
  durable in the database before its call is sent.
- A session-level advisory lock per master account is held for the whole apply, on the same
  connection that appends: if the connection is lost, the lock goes with it and so does every
  later append (no call is sent without a durable intent). ``zoomplans_journal_holders`` names
  the run holding each lock (run id, actor, host, start), for the run that finds it taken.
- ``zoomplans_journal_imports`` records each file journal moved in (``zoomplans journal
  import``), so the same file is never imported twice.

The tables are created when missing (under a transaction-level advisory lock, so two first runs
do not race). Reading (``lines``) never creates anything: a plan job may use a read-only role.
Credentials come from the URL or libpq's environment (``PGPASSWORD``, ``PGPASSFILE``...); no
message, location or description shows a password (``reconciler.apply.journal_url``).
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from reconciler.apply.journal_store import JournalBusy, JournalError, LockHolder
from reconciler.apply.journal_url import scrubbed, shown_url

if TYPE_CHECKING:  # psycopg is the optional `postgres` extra: imported when a store connects
    import psycopg

#: The first key of every zoomplans advisory lock ("ZPJL"); the second is the master account's.
LOCK_NAMESPACE = 0x5A504A4C
_SCHEMA_LOCK = 0
_BATCH = 5000
_SCHEMA = """
CREATE TABLE IF NOT EXISTS zoomplans_journal (
    id bigserial PRIMARY KEY,
    master_account_id text,
    line text NOT NULL,
    written_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS zoomplans_journal_by_master
    ON zoomplans_journal (master_account_id, id);
CREATE TABLE IF NOT EXISTS zoomplans_journal_holders (
    master_account_id text PRIMARY KEY,
    run_id text NOT NULL,
    actor text NOT NULL,
    host text NOT NULL,
    started_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS zoomplans_journal_imports (
    source_sha256 text PRIMARY KEY,
    source text NOT NULL,
    lines bigint NOT NULL,
    imported_at timestamptz NOT NULL DEFAULT now()
);
"""


def lock_key(master_account_id: str | None) -> int:
    """The advisory lock's second key: a signed 32-bit number from the master account id."""
    digest = hashlib.sha256((master_account_id or "").encode()).digest()
    return int.from_bytes(digest[:4], "big", signed=True)


@dataclass(frozen=True)
class ImportResult:
    """What ``import_lines`` did: lines added, or when the same file was imported before."""

    added: int
    imported_before: datetime | None = None


class PostgresJournalStore:
    """A ``JournalStore`` in a PostgreSQL database (psycopg 3); one connection per run."""

    def __init__(self, url: str, *, statement_timeout_s: float = 30.0) -> None:
        self._url = url
        self._statement_timeout_ms = int(statement_timeout_s * 1000)
        self._conn: psycopg.Connection[Any] | None = None
        self._holder: LockHolder | None = None

    def __str__(self) -> str:
        return self.describe()

    def __repr__(self) -> str:
        return f"PostgresJournalStore({self.describe()!r})"

    def describe(self) -> str:
        return shown_url(self._url)

    def _error(self, doing: str, exc: Exception) -> JournalError:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return JournalError(self, f"cannot {doing}: {scrubbed(first, self._url)}")

    def _connect(self) -> psycopg.Connection[Any]:
        try:
            import psycopg
        except ImportError:
            raise JournalError(
                self,
                "a PostgreSQL journal needs psycopg: install zoomplans with the `postgres` "
                "extra (pip install 'zoom-plan-reconciler[postgres]')",
            ) from None
        options: dict[str, Any] = {"application_name": "zoomplans"}
        if "connect_timeout" not in self._url:
            options["connect_timeout"] = 10
        try:
            conn = psycopg.connect(self._url, autocommit=True, **options)
            conn.execute(f"SET statement_timeout = {self._statement_timeout_ms}")
        except (psycopg.Error, ValueError) as exc:
            raise self._error("connect to the database (unreachable, or refused us)", exc) from None
        return conn

    def acquire_lock(self, holder: LockHolder, timeout_s: float = 0.0) -> None:
        """Connect, create the tables if missing, take the master account's apply lock
        (waiting up to ``timeout_s``, then JournalBusy naming the run that holds it)."""
        import psycopg

        conn = self._connect()
        try:
            with conn.transaction():
                conn.execute("SELECT pg_advisory_xact_lock(%s, %s)", (LOCK_NAMESPACE, _SCHEMA_LOCK))
                conn.execute(_SCHEMA)
            self._take_lock(conn, holder, timeout_s)
        except psycopg.Error as exc:
            conn.close()
            raise self._error("prepare the journal tables", exc) from None
        except JournalError:
            conn.close()
            raise
        self._conn, self._holder = conn, holder

    def _take_lock(
        self, conn: psycopg.Connection[Any], holder: LockHolder, timeout_s: float
    ) -> None:
        key = (LOCK_NAMESPACE, lock_key(holder.master_account_id))
        deadline = time.monotonic() + timeout_s
        while True:
            row = conn.execute("SELECT pg_try_advisory_lock(%s, %s)", key).fetchone()
            if row is not None and row[0]:
                break
            left = deadline - time.monotonic()
            if left <= 0:
                raise JournalBusy(self, self._holder_text(conn, holder.master_account_id))
            time.sleep(min(0.2, left))
        conn.execute(
            "INSERT INTO zoomplans_journal_holders (master_account_id, run_id, actor, host) "
            "VALUES (%s, %s, %s, %s) ON CONFLICT (master_account_id) DO UPDATE SET "
            "run_id = EXCLUDED.run_id, actor = EXCLUDED.actor, host = EXCLUDED.host, "
            "started_at = now()",
            (holder.master_account_id or "", holder.run_id, holder.actor, holder.host),
        )

    @staticmethod
    def _holder_text(conn: psycopg.Connection[Any], master_account_id: str | None) -> str:
        row = conn.execute(
            "SELECT run_id, actor, host, started_at FROM zoomplans_journal_holders "
            "WHERE master_account_id = %s",
            (master_account_id or "",),
        ).fetchone()
        if row is None:
            return "a run that has not recorded itself yet"
        started = row[3].astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if row[3] else "?"
        return f"run {row[0]} by {row[1]} on host {row[2]}, started {started}"

    def append_line(self, text: str) -> None:
        """One row, committed before returning (the line without its newline)."""
        if self._conn is None or self._holder is None:
            raise JournalError(self, "not open")
        import psycopg

        try:
            self._conn.execute(
                "INSERT INTO zoomplans_journal (master_account_id, line) VALUES (%s, %s)",
                (self._holder.master_account_id, text.removesuffix("\n")),
            )
        except psycopg.Error as exc:
            raise self._error("write (nothing more is sent)", exc) from None

    def lines(self, since: datetime | None = None) -> Iterator[tuple[str, str]]:
        """Every line, oldest first, in batches (a large journal is never held twice); each
        row is a complete line. ``since`` is not used: every line is read."""
        del since
        import psycopg

        conn = self._conn or self._connect()
        where = self.describe()
        try:
            exists = conn.execute("SELECT to_regclass('zoomplans_journal')").fetchone()
            if exists is None or exists[0] is None:
                return  # no run has written yet: an empty journal
            last = 0
            while True:
                rows = conn.execute(
                    "SELECT id, line FROM zoomplans_journal WHERE id > %s ORDER BY id LIMIT %s",
                    (last, _BATCH),
                ).fetchall()
                for row_id, line in rows:
                    yield f"{where}#{row_id}", f"{line}\n"
                if len(rows) < _BATCH:
                    return
                last = rows[-1][0]
        except psycopg.Error as exc:
            raise self._error("read", exc) from None
        finally:
            if conn is not self._conn:
                conn.close()

    def release_lock(self) -> None:
        """Release the apply lock and close the connection (also after a failure)."""
        conn, holder = self._conn, self._holder
        self._conn = self._holder = None
        if conn is None or holder is None or conn.closed:
            return
        import psycopg

        try:
            conn.execute(
                "DELETE FROM zoomplans_journal_holders WHERE master_account_id = %s "
                "AND run_id = %s",
                (holder.master_account_id or "", holder.run_id),
            )
            conn.execute(
                "SELECT pg_advisory_unlock(%s, %s)",
                (LOCK_NAMESPACE, lock_key(holder.master_account_id)),
            )
        except psycopg.Error:
            pass  # the lock ends with the session anyway
        finally:
            conn.close()

    def import_lines(self, source: str, texts: Sequence[str]) -> ImportResult:
        """Add a file journal's lines once: a second import of the same lines adds nothing,
        and a file some of whose lines are already here is refused (JournalError)."""
        import psycopg

        digest = hashlib.sha256("\n".join(texts).encode()).hexdigest()
        conn = self._connect()
        try:
            with conn.transaction():
                conn.execute("SELECT pg_advisory_xact_lock(%s, %s)", (LOCK_NAMESPACE, _SCHEMA_LOCK))
                conn.execute(_SCHEMA)
                row = conn.execute(
                    "SELECT imported_at FROM zoomplans_journal_imports WHERE source_sha256 = %s",
                    (digest,),
                ).fetchone()
                if row is not None:
                    return ImportResult(added=0, imported_before=row[0])
                _stage(conn, texts)
                overlap = conn.execute(
                    "SELECT count(*) FROM zoomplans_journal j JOIN incoming i USING (line)"
                ).fetchone()
                if overlap is not None and overlap[0]:
                    raise JournalError(
                        self,
                        f"{overlap[0]} line(s) of {source} are already in the database (an "
                        "earlier import of this journal before it grew?); nothing was imported",
                    )
                conn.execute(
                    "INSERT INTO zoomplans_journal (master_account_id, line) "
                    "SELECT master_account_id, line FROM incoming ORDER BY ord"
                )
                conn.execute(
                    "INSERT INTO zoomplans_journal_imports (source_sha256, source, lines) "
                    "VALUES (%s, %s, %s)",
                    (digest, source, len(texts)),
                )
        except psycopg.Error as exc:
            raise self._error("import", exc) from None
        finally:
            conn.close()
        return ImportResult(added=len(texts))


def _stage(conn: psycopg.Connection[Any], texts: Sequence[str]) -> None:
    """The lines to import in a temporary table (COPY: a year of lines in seconds)."""
    conn.execute(
        "CREATE TEMP TABLE incoming (ord bigint, master_account_id text, line text) ON COMMIT DROP"
    )
    with conn.cursor().copy("COPY incoming (ord, master_account_id, line) FROM STDIN") as copy:
        for number, text in enumerate(texts):
            copy.write_row((number, _master_of(text), text))


def _master_of(text: str) -> str | None:
    """The master account id a line records (None for a line that is not a JSON object)."""
    try:
        item = json.loads(text)
    except ValueError:
        return None
    value = item.get("master_account_id") if isinstance(item, dict) else None
    return value if isinstance(value, str) else None

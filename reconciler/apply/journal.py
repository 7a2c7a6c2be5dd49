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
- ``acknowledged``: a person looked at a damaged line (``zoomplans journal acknowledge``).
- ``resolution``: what a read (or a person: ``resolved_by``, ``reason``) later said about an
  intent: ``resolved_present`` (the change is there: settled), ``not_visible`` (evidence: read
  at ``ts``, not shown yet), ``unknown`` (an ambiguous write this run read back with patience
  and still did not see) or ``resolved_absent`` (in doubt, older than the minimum age and still
  not shown, or a person says it did not happen: a later run may send it again; the line holds
  ``sent_at`` and ``read_at``). See ``reconciler.apply.in_flight``.

Where lines are kept is a :class:`reconciler.apply.journal_store.JournalStore` (the file store,
``journal_file``, is the default: this month's file, month files and an index); lines are
parsed in one place (``journal_records``) and read back by one rule (``journal_walk``).

Every line carries ``ts`` (this machine's clock), ``zoom_ts`` (Zoom's clock, from the ``Date``
header of its latest answer; absent before the first answer and on older lines), ``run_id``,
``actor``, ``git_commit``, ``plan_sha256`` and ``master_account_id`` (the Zoom master account the
run works on; null when not known). Secrets are never written: the journal only ever receives
plan bodies (which hold no credentials) and error lines built by the client, which are made from
Zoom's answer and the request path only.
"""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from reconciler.apply.intents import UnsettledIntent, unsettled
from reconciler.apply.journal_file import FileJournalStore
from reconciler.apply.journal_records import Acknowledgement as _Acknowledgement
from reconciler.apply.journal_records import (
    JournalLineError,
    LineProblem,
    Record,
    Result,
    line_hash,
    parse_line,
    written_at,
)
from reconciler.apply.journal_store import (
    JournalBusy,
    JournalError,
    JournalLockUnavailable,
    JournalStore,
    LockHolder,
)
from reconciler.groups.operations import Body, is_op, spec_of
from reconciler.zoom.contact_fields import masked_contact

__all__ = [
    "DEFAULT_JOURNAL_PATH", "Journal", "JournalBusy", "JournalContents", "JournalDamaged",
    "JournalError", "JournalLockUnavailable", "RunContext", "read_journal",
]  # fmt: skip

DEFAULT_JOURNAL_PATH = Path(".zoomplans/journal.jsonl")
_MARGIN = timedelta(minutes=5)
#: A line more than this far ahead of now (Zoom's time when known) is "in the future": its
#: writer's clock was wrong, so its age cannot be trusted (the ``Date`` header has whole
#: seconds, and a run's estimate of Zoom's time drifts by a few more).
FUTURE_TOLERANCE = timedelta(minutes=2)
#: Reads a clock: this machine's, or Zoom's (None before Zoom's first answer).
Clock = Callable[[], datetime]
ZoomNow = Callable[[], datetime | None]


class JournalDamaged(JournalError):
    """Lines a run cannot trust: nothing is sent until a person has looked at each one."""

    def __init__(self, where: object, problems: tuple[LineProblem, ...]) -> None:
        listed = "; ".join(str(p) for p in problems[:10])
        more = f" (and {len(problems) - 10} more)" if len(problems) > 10 else ""
        super().__init__(
            where,
            f"{len(problems)} line(s) cannot be trusted: {listed}{more}. "
            "`zoomplans journal verify` lists them; settle an intent with `zoomplans journal "
            "resolve`, or record that you looked at a line with `zoomplans journal acknowledge`",
        )
        self.problems = problems


def store_for(target: Path | JournalStore, *, require_lock: bool = True) -> JournalStore:
    """A path is the file store; a store is itself."""
    if isinstance(target, Path):
        return FileJournalStore(target, require_lock=require_lock)
    return target


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
        import uuid  # with platform: only a run that writes needs it, `plan` reads the journal

        return cls(
            run_id=uuid.uuid4().hex,
            actor=actor_name(),
            git_commit=git_commit,
            plan_sha256=plan_sha256,
            master_account_id=master_account_id,
        )


def actor_name() -> str:
    """CI's user (GITHUB_ACTOR), else USER, else the login name."""
    return os.environ.get("GITHUB_ACTOR") or os.environ.get("USER") or _login_name()


def _login_name() -> str:
    """The account running the process when USER is not set (cron, containers)."""
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


@dataclass(frozen=True)
class JournalContents:
    """What an earlier journal says, read once at the start of a run."""

    records: tuple[Record, ...]
    #: Lines that cannot be trusted (cut, not JSON, a wrong field, a time in the future),
    #: less those a person acknowledged.
    problems: tuple[LineProblem, ...] = field(default=())
    unsettled: tuple[UnsettledIntent, ...] = field(default=())

    @property
    def entries(self) -> tuple[Mapping[str, Any], ...]:
        """The lines as plain JSON objects (for readers that count, like the Heavy budget)."""
        return tuple(record.raw for record in self.records)

    @property
    def unreadable_lines(self) -> int:
        return len(self.problems)

    def unsettled_for(self, account_id: str) -> list[UnsettledIntent]:
        return [item for item in self.unsettled if item.account_id == account_id]


def iso(moment: datetime) -> str:
    """The journal's spelling of a moment (milliseconds, UTC, Z)."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _local_now() -> datetime:
    """This machine's clock (looked up at each write, so a test can set it wrong)."""
    return datetime.now(UTC)


class Journal:
    """Appends lines durably through its store; safe to share between the tasks and threads
    of one process (the store writes each line with one call under a lock, durably)."""

    def __init__(
        self,
        target: Path | JournalStore,
        context: RunContext,
        *,
        zoom_now: ZoomNow | None = None,
        local_now: Clock | None = None,
        require_lock: bool = True,
        lock_timeout_s: float = 0.0,
    ) -> None:
        self.store = store_for(target, require_lock=require_lock)
        #: How long to wait for another apply holding the lock (0: fail at once).
        self.lock_timeout_s = lock_timeout_s
        self.path = target if isinstance(target, Path) else self.store.describe()
        self.context = context
        self._zoom_now = zoom_now or (lambda: None)
        self._local_now = local_now

    def zoom_now(self) -> datetime | None:
        """Zoom's time now, as the lines record it (None before Zoom's first answer)."""
        return self._zoom_now()

    def __enter__(self) -> Journal:
        self.open()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def open(self) -> None:
        """Take the store's apply lock (JournalBusy, JournalLockUnavailable, JournalError)."""
        holder = LockHolder(
            run_id=self.context.run_id,
            actor=self.context.actor,
            host=socket.gethostname(),
            master_account_id=self.context.master_account_id,
        )
        self.store.acquire_lock(holder, self.lock_timeout_s)

    def close(self) -> None:
        self.store.release_lock()

    def write(self, kind: str, **fields: Any) -> dict[str, Any]:
        """Append one line of ``kind`` with the run context; returns the line as written."""
        zoom = self._zoom_now()
        line: dict[str, Any] = {
            "kind": kind,
            "ts": iso((self._local_now or _local_now)()),
            "run_id": self.context.run_id,
            "actor": self.context.actor,
            "git_commit": self.context.git_commit,
            "plan_sha256": self.context.plan_sha256,
            "master_account_id": self.context.master_account_id,
        }
        if zoom is not None:
            line["zoom_ts"] = iso(zoom)
        line.update(fields)
        body, op = line.get("body"), line.get("op")
        if isinstance(body, Mapping) and is_op(op) and spec_of(op).body is Body.CONTACT:
            # A journal is read by more people than the billing team: phone and address masked.
            line["body"] = masked_contact(body)
        text = json.dumps(line, sort_keys=True, separators=(",", ":"), default=str) + "\n"
        self.store.append_line(text)
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
        import uuid

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
        result: Result,
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
        self, intent: UnsettledIntent, *, result: Result, message: str, **evidence: Any
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


def read_journal(
    target: Path | JournalStore,
    since: datetime | None = None,
    *,
    now: datetime | None = None,
) -> JournalContents:
    """Read an earlier journal; a missing file is an empty journal.

    With ``since``, only what a start needs is read: every open intent, and the lines written
    from ``since`` on; without, every line. Each line is parsed (``journal_records``); a line
    that cannot be, or whose time lies more than ``FUTURE_TOLERANCE`` after ``now`` (Zoom's
    time when the caller knows it; else this machine's), is a problem, unless a person
    acknowledged it. JournalError when the store cannot be read.
    """
    store = store_for(target)
    moment = now or datetime.now(UTC)
    records: list[Record] = []
    problems: list[LineProblem] = []
    # Lines appended by parallel accounts may be a moment out of order: read a margin.
    for location, text in store.lines(None if since is None else since - _MARGIN):
        try:
            record = parse_line(location, text)
        except JournalLineError as exc:
            problems.append(exc.problem)
            continue
        records.append(record)
        if written_at(record) > moment + FUTURE_TOLERANCE:
            problems.append(future_problem(record, line_hash(text)))
    seen = {r.acknowledged_sha256 for r in records if isinstance(r, _Acknowledgement)}
    return JournalContents(
        records=tuple(records),
        problems=tuple(p for p in problems if p.line_sha256 not in seen),
        unsettled=tuple(unsettled(records)),
    )


def future_problem(record: Record, text_sha256: str) -> LineProblem:
    """A line written "later than now": its age cannot be measured, so it counts as just sent."""
    clock = "Zoom's time" if record.zoom_ts is not None else "ts"
    return LineProblem(
        record.location,
        f"{clock} {iso(written_at(record))} lies in the future (the writer's clock was wrong): "
        "its age cannot be measured, so it counts as just sent",
        text_sha256,
    )

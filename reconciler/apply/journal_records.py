"""The journal's lines as typed records: the one place a journal line is parsed.

Why one place: the journal is read back for several questions (which calls are unsettled,
which purchases are in flight, which calls a saved plan already made, the Heavy budget, the
``journal`` command). Each used to pick fields out of dicts with its own tolerance, so a
hand-edited line could crash one reader (``TypeError: unhashable``) and be silently skipped by
another. Here every line becomes a frozen record or a :class:`LineProblem` naming
``file:line`` and what is wrong; readers then work on records only.

The JSON-lines format is unchanged and stays readable by earlier versions: lines written
before Zoom's time was recorded simply have no ``zoom_ts``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any


class Result(StrEnum):
    """What an outcome or resolution line says happened to an intent's call."""

    OK = "ok"  # Zoom accepted it (2xx)
    FAILED = "failed"  # Zoom refused it: nothing happened
    AMBIGUOUS = "ambiguous"  # no answer, a cut connection or a 5xx: it may have happened
    UNKNOWN = "unknown"  # read back with patience and still not seen; or an internal error
    NOT_VISIBLE = "not_visible"  # evidence only: a read at ``ts`` did not show it
    RESOLVED_PRESENT = "resolved_present"  # a read (or a person) says it happened
    RESOLVED_ABSENT = "resolved_absent"  # it did not happen: a later run may send it again


@dataclass(frozen=True)
class LineProblem:
    """A journal line that cannot be read as a record: where, what, and its text's hash."""

    location: str
    problem: str
    line_sha256: str

    def __str__(self) -> str:
        return f"{self.location}: {self.problem}"


class JournalLineError(ValueError):
    """Raised by :func:`parse_line`; carries the :class:`LineProblem`."""

    def __init__(self, problem: LineProblem) -> None:
        super().__init__(str(problem))
        self.problem = problem


@dataclass(frozen=True, kw_only=True)
class Record:
    """The fields every line carries (run context), with where the line was read."""

    location: str
    ts: datetime
    run_id: str
    actor: str
    plan_sha256: str
    master_account_id: str | None
    #: Zoom's time (its ``Date`` header) when the line was written; None on older lines.
    zoom_ts: datetime | None
    raw: Mapping[str, Any] = field(repr=False)

    @property
    def kind(self) -> str:
        return str(self.raw["kind"])


@dataclass(frozen=True, kw_only=True)
class RunStart(Record):
    mode: str


@dataclass(frozen=True, kw_only=True)
class RunEnd(Record):
    exit_code: int | None


@dataclass(frozen=True, kw_only=True)
class Intent(Record):
    """About to send ``method path body`` for ``op`` on ``account_id`` (fsynced first)."""

    intent_id: str
    account_id: str
    op: str
    method: str
    path: str
    body: Mapping[str, Any]
    retry_of: str | None


@dataclass(frozen=True, kw_only=True)
class Outcome(Record):
    """What the call's answer was."""

    intent_id: str
    result: Result
    http_status: int | None


@dataclass(frozen=True, kw_only=True)
class Settlement(Record):
    """What a later read (or a person, ``resolved_by``) says about an intent."""

    intent_id: str
    result: Result
    message: str
    resolved_by: str | None  # a person's ``journal resolve``; None for a read's


@dataclass(frozen=True, kw_only=True)
class Acknowledgement(Record):
    """A person looked at a damaged line (by its text's hash) and let runs go on."""

    #: The damaged line's ``line_sha256`` (the JSON key is ``line_sha256``).
    acknowledged_sha256: str
    reason: str


@dataclass(frozen=True, kw_only=True)
class OtherLine(Record):
    """A kind this version does not act on (a later version's): kept, never an error."""


def line_hash(text: str) -> str:
    return hashlib.sha256(text.rstrip("\n").encode("utf-8", "surrogateescape")).hexdigest()


def parse_time(value: object) -> datetime | None:
    """A journal time (ISO 8601; ``Z`` or an offset); None when it is not one."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


class _Fields:
    """Typed access to one line's fields; the first wrong field raises with its name."""

    def __init__(self, data: Mapping[str, Any], fail: Any) -> None:
        self.data, self.fail = data, fail

    def text(self, key: str) -> str:
        value = self.data.get(key)
        if not isinstance(value, str) or not value:
            self.fail(f"{key} must be a non-empty string, not {json.dumps(value)[:40]}")
        return str(value)

    def optional_text(self, key: str) -> str | None:
        value = self.data.get(key)
        if value is not None and not isinstance(value, str):
            self.fail(f"{key} must be a string or null, not {json.dumps(value)[:40]}")
        return value

    def result(self) -> Result:
        value = self.data.get("result")
        try:
            return Result(value)
        except ValueError:
            self.fail(f"result {json.dumps(value)[:40]} is not one of {', '.join(Result)}")
            raise


def parse_line(location: str, text: str) -> Record:
    """One raw line -> its record; :class:`JournalLineError` naming ``location`` when the line
    is cut, not a JSON object, or a field a reader relies on is missing or of the wrong type."""

    def fail(problem: str) -> None:
        raise JournalLineError(LineProblem(location, problem, line_hash(text)))

    if not text.endswith("\n"):
        fail("the line is cut short (no newline at its end): a write was interrupted")
    try:
        data = json.loads(text)
    except ValueError as exc:
        fail(f"not JSON ({exc.msg}, column {exc.colno})")
    if not isinstance(data, dict):
        fail("not a JSON object")
    get = _Fields(data, fail)
    kind = get.text("kind")
    ts = parse_time(data.get("ts"))
    if ts is None:
        fail(f"ts {json.dumps(data.get('ts'))[:40]} is not a time (ISO 8601)")
    zoom_ts = parse_time(data.get("zoom_ts"))
    if data.get("zoom_ts") is not None and zoom_ts is None:
        fail(f"zoom_ts {json.dumps(data.get('zoom_ts'))[:40]} is not a time (ISO 8601)")
    assert ts is not None
    common: dict[str, Any] = {
        "location": location,
        "ts": ts,
        "zoom_ts": zoom_ts,
        "run_id": str(data.get("run_id") or ""),
        "actor": str(data.get("actor") or ""),
        "plan_sha256": str(data.get("plan_sha256") or ""),
        "master_account_id": get.optional_text("master_account_id"),
        "raw": data,
    }
    if kind == "intent":
        body = data.get("body")
        if not isinstance(body, dict):
            fail("body must be a JSON object")
        return Intent(
            **common, intent_id=get.text("intent_id"), account_id=get.text("account_id"),
            op=get.text("op"), method=get.text("method"), path=get.text("path"), body=body,
            retry_of=get.optional_text("retry_of"),
        )  # fmt: skip
    if kind == "outcome":
        status = data.get("http_status")
        return Outcome(
            **common, intent_id=get.text("intent_id"), result=get.result(),
            http_status=status if isinstance(status, int) else None,
        )  # fmt: skip
    if kind == "resolution":
        return Settlement(
            **common, intent_id=get.text("intent_id"), result=get.result(),
            message=str(data.get("message") or ""), resolved_by=get.optional_text("resolved_by"),
        )  # fmt: skip
    if kind == "acknowledged":
        return Acknowledgement(
            **common, acknowledged_sha256=get.text("line_sha256"), reason=get.text("reason")
        )
    if kind == "run_start":
        return RunStart(**common, mode=str(data.get("mode") or ""))
    if kind == "run_end":
        code = data.get("exit_code")
        return RunEnd(**common, exit_code=code if isinstance(code, int) else None)
    return OtherLine(**common)


def written_at(record: Record) -> datetime:
    """When the line was written by Zoom's clock when it recorded it, else by the writer's."""
    return record.zoom_ts or record.ts

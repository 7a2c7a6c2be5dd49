"""A tiny in-memory Zoom for the executor tests: real plan shapes, injectable faults.

It applies each write to its own copy of the live plans the way the wire contract describes,
records every call, and can lose an answer (before or after applying the change), reject a
call, delay calls, or keep showing an old answer for a few reads (eventual consistency).
"""

from __future__ import annotations

import asyncio
import copy
import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from reconciler.apply.journal import Journal, RunContext
from reconciler.groups.operations import OP_TABLE
from reconciler.planner.model import AccountPlan, Action
from reconciler.zoom.errors import AmbiguousWriteError, NetworkError, ZoomError

#: op -> (method, path template), read from the op table (cancel_base included).
PATHS = {spec.op.value: (spec.method, spec.path) for spec in OP_TABLE}


@dataclass(frozen=True)
class FakeWrite:
    status: int
    duration_ms: float
    data: dict[str, Any] | None = None


def fingerprint(live: Mapping[str, Any] | None) -> str:
    """A stand-in for reconciler.planner.fingerprints.live_fingerprint: any change changes it."""
    return hashlib.sha256(json.dumps(live, sort_keys=True).encode()).hexdigest()


def action(account_id: str, op: str, body: dict[str, Any]) -> Action:
    method, path = PATHS[op]
    return Action(op=op, klass="x", method=method, path=path.format(id=account_id), body=body)


def account_plan(
    account_id: str, live: Mapping[str, Any] | None, *actions: Action, status: str = "changes"
) -> AccountPlan:
    return AccountPlan(
        account_id=account_id,
        source=None,
        status=status,  # type: ignore[arg-type]
        live_sha256=fingerprint(live),
        actions=tuple(actions),
    )


def _group_of(kind: str) -> str:
    if kind.startswith("webinar"):
        return "plan_webinar"
    if kind.startswith("large"):
        return "plan_large_meeting"
    if kind.startswith("zroom"):
        return "plan_zoom_rooms"
    if kind.startswith("tollfree"):
        return "plan_audio"
    raise AssertionError(f"fake does not know {kind}")


class FakeZoom:
    """ZoomClient's apply-facing calls over a dict of live plans."""

    def __init__(self, plans: dict[str, dict[str, Any]], *, journal_path: Path | None = None):
        self.plans = {k: copy.deepcopy(v) for k, v in plans.items()}
        self.writes: list[tuple[str, str, dict[str, Any]]] = []
        self.reads: list[str] = []
        self.journal_path = journal_path
        self.journal_last_line_at_write: list[dict[str, Any]] = []
        self.lose_after_apply: dict[tuple[str, str], int] = {}
        self.lose_before_apply: dict[tuple[str, str], int] = {}
        self.reject: dict[tuple[str, str], ZoomError] = {}
        self.stale_reads: dict[str, int] = {}
        self.reads_left: dict[str, int] = {}  # reads that work before every read fails
        self.snapshot: dict[str, dict[str, Any]] = {}
        self.delay_s = 0.0
        self.active = 0
        self.max_active = 0

    async def get_plans(self, account_id: str) -> dict[str, Any]:
        self.reads.append(account_id)
        if account_id in self.reads_left:
            if self.reads_left[account_id] <= 0:
                raise NetworkError("connection refused", path=f"/accounts/{account_id}/plans")
            self.reads_left[account_id] -= 1
        if self.stale_reads.get(account_id, 0) > 0 and account_id in self.snapshot:
            self.stale_reads[account_id] -= 1
            return copy.deepcopy(self.snapshot[account_id])
        return copy.deepcopy(self.plans[account_id])

    async def write(self, op: str, account_id: str, body: Mapping[str, Any]) -> FakeWrite:
        """The one write call of apply's `PlanWriter` seam."""
        if self.journal_path is not None:
            lines = self.journal_path.read_text().splitlines()
            self.journal_last_line_at_write.append(json.loads(lines[-1]))
        self.writes.append((str(op), account_id, copy.deepcopy(dict(body))))
        self.active += 1
        self.max_active = max(self.max_active, self.active)
        try:
            await asyncio.sleep(self.delay_s)
        finally:
            self.active -= 1
        key = (account_id, op)
        method, path = PATHS[op]
        facts = {"method": method, "path": path.format(id=account_id)}
        if key in self.reject:
            raise self.reject[key]
        if self.lose_before_apply.get(key, 0) > 0:
            self.lose_before_apply[key] -= 1
            raise AmbiguousWriteError("read timed out", **facts)
        self.snapshot.setdefault(account_id, copy.deepcopy(self.plans[account_id]))
        self._apply(op, account_id, body)
        if self.lose_after_apply.get(key, 0) > 0:
            self.lose_after_apply[key] -= 1
            raise AmbiguousWriteError("connection reset", status=None, **facts)
        return FakeWrite(201 if method == "POST" else 204, 12.5)

    def _apply(self, op: str, account_id: str, body: Mapping[str, Any]) -> None:
        live = self.plans[account_id]
        if op == "subscribe":
            live.clear()
            for key, value in body.items():
                if key != "contact":
                    live[key] = copy.deepcopy(value)
            live["plan_base"]["status"] = "active"
        elif op == "update_base":
            live["plan_base"]["hosts"] = body["hosts"]
        elif op == "add_addon":
            kind = body["type"]
            if kind.startswith("cmr"):
                live["plan_recording"] = kind
                live["plan_recording_status"] = "active"
                return
            entry = {**body, "status": "active"}
            group = _group_of(kind)
            if group in ("plan_webinar", "plan_large_meeting"):
                items = [e for e in live.get(group, []) if e["type"] != kind]
                live[group] = [*items, entry]
            else:
                live[group] = entry
        elif op == "update_addon":
            self._find(live, body["type"])["hosts"] = body["hosts"]
        elif op == "cancel_addon":
            if live.get("plan_recording") == body["type"]:
                live["plan_recording_status"] = "cancelled"
            else:
                self._find(live, body["type"])["status"] = "cancelled"
        elif op == "cancel_base":
            live["plan_base"]["status"] = "cancelled"

    @staticmethod
    def _find(live: dict[str, Any], kind: str) -> dict[str, Any]:
        group = live[_group_of(kind)]
        for entry in group if isinstance(group, list) else [group]:
            if entry["type"] == kind:
                return entry
        raise AssertionError(f"no {kind}")


def journal_lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


@pytest.fixture
def open_journal(tmp_path: Path) -> Callable[..., Journal]:
    """Open a journal in tmp_path with a fixed run context; closed at teardown."""
    opened: list[Journal] = []

    def make(name: str = "journal.jsonl", run_id: str = "run1") -> Journal:
        context = RunContext(run_id=run_id, actor="tester", git_commit="c0ffee", plan_sha256="p1")
        journal = Journal(tmp_path / ".zoomplans" / name, context)
        journal.open()
        opened.append(journal)
        return journal

    yield make
    for journal in opened:
        journal.close()


@dataclass(frozen=True)
class ApplyKit:
    """The helpers above, handed to test modules as a fixture (conftest is not importable)."""

    zoom: type[FakeZoom] = FakeZoom
    action: Callable[..., Action] = action
    account: Callable[..., AccountPlan] = account_plan
    fingerprint: Callable[[Mapping[str, Any] | None], str] = fingerprint
    lines: Callable[[Path], list[dict[str, Any]]] = journal_lines


@pytest.fixture
def kit() -> ApplyKit:
    return ApplyKit()

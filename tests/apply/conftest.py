"""Builders for the executor tests: actions and account plans of real shapes, a journal, and
the shared in-memory Zoom (tests/fakes.py: it applies each write to its own copy of the live
plans, records every call and injects the faults the executor must survive)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from reconciler.apply.journal import Journal, RunContext
from reconciler.planner.model import AccountPlan, Action
from tests.fakes import PATHS, FakeZoom


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

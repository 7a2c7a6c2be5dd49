"""SPEC section 8's speed bound counts two GET /plans per account with changes: the read the
calls are sent against (the compare-and-swap) and the read that verifies them. Over real HTTP
against the sandbox, for ``apply`` and for ``apply --plan``: the proof of a saved plan reads
each account once, and that read is the account's compare-and-swap (docs/apply.md).
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from pathlib import Path
from typing import Any

from reconciler.service.apply_run import apply_changes
from reconciler.service.requests import ApplyRequest, Guards, SavedPlanRequest
from tests.service.test_saved_plan_authority import (
    CANCEL,
    DECREASE,
    FAST,
    SEED,
    SELECTION,
    Recorder,
    save_plan,
    zoom,
)

#: The seed's accounts: each has calls to make with these opt-ins.
ACCOUNTS = ("sub_audio", "sub_down", "sub_new", "sub_up")
OPT_INS = frozenset({DECREASE, CANCEL})


def plan_reads(sb: Any) -> Counter[str]:
    """GET /plans per account id, from the sandbox's log of what it was asked."""
    reads: Counter[str] = Counter()
    for request in sb.requests:
        parts = request.path.strip("/").split("/")
        if request.method == "GET" and parts[-1] == "plans" and parts[-3] == "accounts":
            reads[parts[-2]] += 1
    return reads


class Approver(Recorder):
    """A person at the terminal who approves the plan."""

    async def confirm(self) -> bool:
        return True


def apply(
    sb: Any, tmp_path: Path, saved: SavedPlanRequest | None = None, *, asked: bool = False
) -> Counter[str]:
    """Apply the seed's changes (``asked``: after a person's yes); GET /plans per account."""
    request = ApplyRequest(
        selection=SELECTION,
        guards=Guards(opt_ins=OPT_INS),
        saved=saved,
        journal_path=tmp_path / "journal.jsonl",
        settings=FAST,
        auto_approve=not asked,
        interactive=asked,
        zoom=zoom(sb),
    )
    hooks = Approver() if asked else Recorder()
    report = asyncio.run(apply_changes(request, hooks))
    assert report.exit_code == 0, report.lines() + hooks.lines
    assert report.count("applied") == len(ACCOUNTS), report.lines()
    return plan_reads(sb)


def test_apply_reads_each_account_twice(sandbox, tmp_path: Path) -> None:
    sb = sandbox(SEED)
    assert apply(sb, tmp_path) == dict.fromkeys(ACCOUNTS, 2)


def test_after_a_question_every_account_is_read_again(sandbox, tmp_path: Path) -> None:
    # A person may take minutes to answer: the plan's reads are not the compare-and-swap's.
    sb = sandbox(SEED)
    assert apply(sb, tmp_path, asked=True) == dict.fromkeys(ACCOUNTS, 3)


def test_apply_plan_reads_each_account_twice(sandbox, tmp_path: Path) -> None:
    sb = sandbox(SEED)
    path = tmp_path / "plan.json"
    data = save_plan(sb, path, *OPT_INS)
    sb.clear_requests()
    saved = SavedPlanRequest(path=path, expect_sha256=data["plan_sha256"])
    assert apply(sb, tmp_path, saved) == dict.fromkeys(ACCOUNTS, 2)
    assert json.loads(path.read_text()) == data  # apply never writes the plan file

"""A saved plan file as `apply --plan` reads it (bytes, hashes), and what the journal says of
earlier runs. What the file may do is decided by ``reconciler.service.saved_plan``: nothing in
it is believed but its calls, and those are proved.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

from reconciler.apply.journal import JournalError, read_journal
from reconciler.apply.journal_store import JournalTarget
from reconciler.planner.model import Plan, PlanFormatError


class PlanFileError(Exception):
    """The plan file cannot be read or is not a plan this version understands."""


def read_plan_file(path: Path) -> tuple[Plan, str, str | None]:
    """The plan in the file, the sha256 of its bytes (journaled as the plan hash, so a run
    interrupted mid-way resumes by it) and the plan_sha256 the file records (None: none)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise PlanFileError(f"cannot read the plan file {path}: {exc.strerror or exc}") from None
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise PlanFileError(
            f"{path} is not a JSON plan file ({exc}); make one with `zoomplans plan --out`"
        ) from None
    try:
        plan = Plan.from_json(data)
    except PlanFormatError as exc:
        raise PlanFileError(f"{path}: {exc}") from None
    recorded = data.get("plan_sha256")
    return plan, hashlib.sha256(raw).hexdigest(), recorded if isinstance(recorded, str) else None


def unsettled_in(plan: Plan, journal_path: JournalTarget) -> bool:
    """Whether an earlier run left calls to these accounts unsettled (then the run settles them,
    and records how, even though nothing is left to send). Raises JournalError."""
    history = read_journal(journal_path, since=datetime.now(UTC))  # unsettled: from the index
    return any(history.unsettled_for(account.account_id) for account in plan.accounts)


def without_outcome(journal_path: JournalTarget) -> list[str]:
    """``account op (method path)`` of each call the journal shows sent without an outcome:
    after an interruption, the calls that were in flight."""
    try:
        history = read_journal(journal_path, since=datetime.now(UTC))
    except JournalError:  # nothing readable to report from; the next run says why
        return []
    return [f"{i.account_id}: {i.op} {i.method} {i.path}" for i in history.unsettled]


def interruption_report(journal_path: JournalTarget) -> list[str]:
    """What to tell the user after Ctrl-C: the calls in flight and how the next run settles them."""
    calls = without_outcome(journal_path)
    if not calls:
        return [
            "",
            "zoomplans: interrupted; no call was in flight (the journal has every outcome).",
        ]
    return [
        "",
        f"zoomplans: interrupted with {len(calls)} call(s) sent and no answer recorded; Zoom may "
        "or may not have carried them out:",
        *(f"  {call}" for call in calls),
        f"Re-running `zoomplans apply` with the same --journal ({journal_path}) reads those "
        "accounts first and settles each call from the journal before sending anything.",
    ]

"""A saved plan file as `apply --plan` reads it: bytes, hash, recorded opt-ins, earlier runs.

Kept out of the CLI so the command stays thin: each function raises a named error whose
message the command prints as it is.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from reconciler.apply.journal import JournalError, read_journal
from reconciler.apply.journal_store import JournalTarget
from reconciler.apply.preflight import PlanRefused
from reconciler.apply.replan import CostsChanged, check_costs
from reconciler.apply.runner import check_saved_plan
from reconciler.guards.thresholds import MoneyLimitWithoutPrices, with_apply_flags
from reconciler.planner.model import Plan, PlanFormatError
from reconciler.pricing.prices import PricesError, load_prices


class SavedPlanRefused(Exception):
    """The saved plan is refused as a whole before anything is sent; the message says why."""


class PlanFileError(SavedPlanRefused):
    """The plan file cannot be read or is not a plan this version understands."""


class OptInNotRecorded(SavedPlanRefused):
    """apply was given an opt-in (--allow-decrease, --allow-cancel, --allow-cancel-base) the
    plan was made without."""

    def __init__(self, plan_file: Path, missing: Sequence[str]) -> None:
        flags = " and ".join(missing)
        super().__init__(
            f"{plan_file} was planned without {flags}, so it holds no such calls; run "
            f"`zoomplans plan {' '.join(missing)} --out FILE` and apply that plan; "
            "nothing was sent"
        )
        self.missing = list(missing)


def read_plan_file(path: Path) -> tuple[Plan, str]:
    """The plan in the file and the sha256 of its bytes (journaled as the plan hash)."""
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
    return plan, hashlib.sha256(raw).hexdigest()


def load_saved_plan(
    path: Path,
    *,
    limits: Mapping[str, Any],
    account_ids: Sequence[str],
    allow_decrease: bool,
    allow_cancel: bool,
    allow_cancel_base: bool = False,
) -> tuple[Plan, str]:
    """Read and check a plan file before anything else: format, opt-ins, expiry, shape.

    A threshold flag given to apply (``limits``) replaces its recorded value: the explicit
    acknowledgement of that threshold only (the guard rails are checked later, on the result).
    Raises SavedPlanRefused with the sentence to print.
    """
    plan, plan_hash = read_plan_file(path)
    try:
        plan = replace(plan, options=with_apply_flags(plan.options, limits))
    except MoneyLimitWithoutPrices as exc:
        raise SavedPlanRefused(f"{path}: {exc}; nothing was sent") from None
    check_opt_ins(plan, path, allow_decrease, allow_cancel, allow_cancel_base)
    unknown = sorted(set(account_ids) - {a.account_id for a in plan.accounts})
    if unknown:
        raise SavedPlanRefused(
            f"--account names accounts the plan file does not hold: {', '.join(unknown)}"
        )
    try:
        check_saved_plan(plan)
    except PlanRefused as exc:
        raise SavedPlanRefused(f"{path}: {exc}; nothing was sent") from None
    return plan, plan_hash


def check_recorded_costs(plan: Plan, plan_file: Path) -> None:
    """A priced plan's costs are recomputed from its price list; a difference, or a price list
    that cannot be read here, refuses the plan (the money guard rail reads those costs)."""
    if plan.options.prices is None:
        return
    try:
        check_costs(plan, load_prices(Path(plan.options.prices)))
    except PricesError as exc:
        found = "; ".join(str(p) for p in exc.problems[:3])
        raise SavedPlanRefused(
            f"{plan_file}: its costs come from {plan.options.prices}, which cannot be read here "
            f"({found}), so the money guard rail cannot be checked; nothing was sent"
        ) from None
    except CostsChanged as exc:
        raise SavedPlanRefused(f"{plan_file}: {exc}; nothing was sent") from None


def check_opt_ins(
    plan: Plan,
    plan_file: Path,
    allow_decrease: bool,
    allow_cancel: bool,
    allow_cancel_base: bool = False,
) -> None:
    """Repeating a plan's opt-ins is harmless; asking for one it was not made with is refused
    (the file holds no such calls, so the flag would silently do nothing)."""
    missing = [
        flag
        for flag, given, recorded in (
            ("--allow-decrease", allow_decrease, plan.options.allow_decrease),
            ("--allow-cancel", allow_cancel, plan.options.allow_cancel),
            ("--allow-cancel-base", allow_cancel_base, plan.options.allow_cancel_base),
        )
        if given and not recorded
    ]
    if missing:
        raise OptInNotRecorded(plan_file, missing)


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

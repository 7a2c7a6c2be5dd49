"""`apply --plan FILE`: the file says *what*; apply's own flags say *yes*.

A saved plan is untrusted (a pull-request job produced it; anyone could have edited it). Apply
therefore believes nothing in it but the calls it is asked to make, and proves those:

1. the opt-ins the file used (its options, and any cancellation among its calls) must each be
   given to apply: the reviewed file says what, the operator's flag at apply says yes;
2. the limits are apply's own (flags, zoomplans.yaml, defaults), and must equal the file's;
3. the costs are priced again from apply's own price list and must equal the file's;
4. the plan's life is ``created_at`` + apply's ``--max-plan-age``, whatever ``expires_at`` says;
5. the desired files are planned again with apply's own options, from the live plans the file
   recorded (``reconciler.service.offline_proof``: no read needed; each account's
   compare-and-swap read must then hash to the file's ``live_sha256`` before its calls go),
   or, where that record cannot prove the account, against the live plans read now: every
   account must come out with the same status, blocked items and calls (op, path, body,
   order), or the whole plan is refused before anything is sent. An account whose live plans
   moved is left to the executor's compare-and-swap (stale, or resumed and planned again
   there).

Trusting the file's recorded ``live`` this far is safe because it is only a hypothesis: the
planner reads nothing of an answer but its normalised form, which ``live`` is, and no call goes
to an account until a fresh read hashes to the ``live_sha256`` that form hashes to. A forged
``live`` (with a matching forged hash) only makes its account stale at that read.

Every refusal names what differs; the report adds that nothing was sent.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from reconciler.apply.preflight import PlanRefused, check_actions
from reconciler.apply.replan import CostsChanged, check_costs, comparable, difference
from reconciler.apply.saved import PlanFileError, read_plan_file
from reconciler.groups.operations import is_op, spec_of
from reconciler.guards.money_limits import MonthlyLimitError
from reconciler.guards.project import plan_types_allowed
from reconciler.guards.thresholds import (
    FLAG_SOURCE,
    FLAGS,
    MONEY,
    MoneyLimitWithoutPrices,
    with_limits,
)
from reconciler.planner.model import AccountPlan, Plan, PlanOptions
from reconciler.service.refusal import EXIT_REFUSED, EXIT_USAGE, Refused
from reconciler.service.requests import (
    Guards,
    OptIn,
    OptIns,
    SavedPlanRequest,
    opt_in_options,
    opt_ins_of,
)

#: Blocked now where the file planned calls, for a reason only Zoom's seat counts can give:
#: not an edit (the same files and plans), so the executor reports the account as blocked.
MOVED_SINCE = frozenset({"below_usage", "usage_unknown"})
#: A created_at this far in the future is a clock apart, not an edit.
CLOCK_SKEW = timedelta(minutes=5)


def _opt_in_of_call(op: str) -> OptIn | None:
    """The opt-in a call needs whatever the file's options say (the op table's column)."""
    flag = spec_of(op).opt_in if is_op(op) else None
    return OptIn(flag) if flag else None


@dataclass(frozen=True)
class SavedPlan:
    """A plan file read and checked on its own (before the desired files or Zoom)."""

    path: Path
    plan: Plan
    #: sha256 of the file's bytes: the journal's plan hash (an interrupted run resumes by it).
    file_sha256: str
    #: The plan_sha256 the file records (None: a file written before plans recorded one).
    recorded_sha256: str | None = None


def read_saved_plan(request: SavedPlanRequest, given: OptIns, accounts: Sequence[str]) -> SavedPlan:
    """The file's format, plan_sha256, opt-ins, age, call shapes and ``--account`` ids."""
    path = request.path
    try:
        plan, file_sha256, recorded = read_plan_file(path)
    except PlanFileError as exc:
        raise Refused(str(exc)) from None
    computed = plan.plan_sha256
    if request.expect_sha256 is not None and request.expect_sha256.lower() != computed:
        raise Refused(
            f"{path}: plan_sha256 is {computed}, not the --expect-sha256 {request.expect_sha256} "
            "that was approved"
        )
    refuse_opt_ins(plan, path, given)
    refuse_expired(plan, path, request.max_age, datetime.now(UTC))
    try:
        check_actions(plan.accounts)
    except PlanRefused as exc:
        raise Refused(f"{path}: {exc}") from None
    unknown = sorted(set(accounts) - {a.account_id for a in plan.accounts})
    if unknown:
        raise Refused(f"--account names accounts the plan file does not hold: {', '.join(unknown)}")
    return SavedPlan(path, plan, file_sha256, recorded)


def refuse_edited_hash(saved: SavedPlan) -> None:
    """Last of all (after the re-plan has named any call that differs): the file's own
    plan_sha256 must be the hash of its calls and options."""
    computed = saved.plan.plan_sha256
    if saved.recorded_sha256 is not None and saved.recorded_sha256 != computed:
        raise Refused(
            f"{saved.path}: plan_sha256 {saved.recorded_sha256} in the file is not the hash of "
            f"its calls and options ({computed}): the file was edited after it was written"
        )


def refuse_opt_ins(plan: Plan, path: Path, given: OptIns) -> None:
    """Each opt-in the file used (recorded, or needed by one of its calls) must be given to
    apply; an opt-in given that the plan was made without is refused too (it holds no such
    calls, so the flag would silently do nothing)."""
    used = set(opt_ins_of(plan.options))
    used |= {
        needed
        for account in plan.accounts
        for action in account.actions
        if (needed := _opt_in_of_call(action.op)) is not None
    }
    missing, extra = sorted(used - given), sorted(given - used)
    reasons = []
    if missing:
        flags = " and ".join(missing)
        reasons.append(
            f"{path} was planned with {flags}, and apply was not given {flags}: the reviewed "
            f"file says what, the operator's flag at apply says yes; re-run apply with {flags} "
            "to approve those calls"
        )
    if extra:
        flags = " and ".join(extra)
        reasons.append(
            f"{path} was planned without {flags}, so it holds no such calls; run "
            f"`zoomplans plan {' '.join(extra)} --out FILE` and apply that plan"
        )
    if reasons:
        raise Refused("; ".join(reasons))


def refuse_expired(plan: Plan, path: Path, max_age: timedelta, now: datetime) -> None:
    """The plan lives ``max_age`` from its created_at (apply's --max-plan-age), not until the
    file's expires_at: an expires_at later than that is refused as an edit."""
    latest = plan.created_at + max_age
    if plan.created_at > now + CLOCK_SKEW:
        raise Refused(
            f"{path}: created_at {_iso(plan.created_at)} is in the future (it is now "
            f"{_iso(now)}): the file was edited or made on a clock that is wrong"
        )
    if plan.expires_at > latest:
        raise Refused(
            f"{path}: expires_at {_iso(plan.expires_at)} is later than created_at + "
            f"--max-plan-age {_duration(max_age)} ({_iso(latest)}): the file was edited, or made "
            "with a longer --ttl than apply allows (give apply --max-plan-age to accept it)"
        )
    if now >= plan.expires_at:
        raise Refused(
            f"{path}: the plan expired at {_iso(plan.expires_at)} (it is now {_iso(now)}); run "
            "`zoomplans plan --out FILE` again, review it, and apply the new file"
        )


def own_options(saved: SavedPlan, guards: Guards) -> PlanOptions:
    """Apply's own options for the file's selection: its opt-ins, limits and price list.

    The file's limits are only compared. A limit flag given to apply is the operator's
    acceptance of that threshold and wins. Otherwise apply's own value (zoomplans.yaml or
    the default) holds, a stricter one in the file is kept (the plan was checked against it),
    and a looser one in the file is refused: an edit, or a flag apply was not given.
    """
    options, prices = saved.plan.options, guards.prices
    if options.prices is not None and prices is None:
        raise Refused(
            f"{saved.path}: its costs come from {options.prices}, and apply has no price list "
            "(--prices, or prices: in zoomplans.yaml), so the money guard rail cannot be checked"
        )
    base = replace(
        opt_in_options(guards.opt_ins),
        accounts=options.accounts,
        select=options.select,
        extra_plan_types=plan_types_allowed(guards.project),
    )
    try:
        own = with_limits(base, guards.limits.by_name(), guards.project, prices=prices)
    except MoneyLimitWithoutPrices as exc:
        raise Refused(f"{saved.path}: {exc}") from None
    except MonthlyLimitError as exc:
        raise Refused(str(exc), exit_code=EXIT_USAGE if exc.usage else EXIT_REFUSED) from None
    own = _with_file_limits(saved, own, guards.limits.by_name())
    if prices is None:
        return own
    own = replace(own, prices=str(prices.source))
    try:
        check_costs(replace(saved.plan, options=own), prices)
    except CostsChanged as exc:
        raise Refused(f"{saved.path}: {exc}") from None
    return own


def _looser(limit: Any, than: Any) -> bool:
    """``limit`` lets more through than ``than`` (None: no limit at all)."""
    return than is not None and (limit is None or limit > than)


def _with_file_limits(saved: SavedPlan, own: PlanOptions, given: dict[str, Any]) -> PlanOptions:
    recorded = saved.plan.options
    values: dict[str, Any] = {}
    sources = dict(own.limit_sources)
    looser: list[str] = []
    for name, flag in FLAGS.items():
        mine, theirs = getattr(own, name), getattr(recorded, name)
        if name == MONEY:
            if recorded.prices is not None:  # compared per currency
                values |= _money_with_file(recorded, own, sources, looser)
            continue
        if name == "require_prices":  # either asks for prices: they are required
            if theirs and not mine:
                values[name], sources[name] = True, "the plan file"
            continue
        if given.get(name) is not None:
            continue  # the operator's own flag: the explicit acceptance of its threshold
        if _looser(theirs, mine):
            shown = "no limit" if theirs is None else theirs
            looser.append(f"{flag} is {shown} in the file and {mine} at apply")
        elif _looser(mine, theirs):
            values[name] = theirs
            sources[name] = dict(recorded.limit_sources).get(name, "the plan file")
    if looser:
        raise Refused(
            f"{saved.path}: the file's limits are looser than apply's ({'; '.join(looser)}): "
            "the file was edited, or planned with a limit flag apply was not given; give apply "
            "that flag to accept it, or plan again"
        )
    if not values:
        return own
    return replace(own, **values, limit_sources=tuple(sorted(sources.items())))


def _money_with_file(
    recorded: PlanOptions, own: PlanOptions, sources: dict[str, str], looser: list[str]
) -> dict[str, Any]:
    """Money limits compared per currency, as the other limits are. A currency without a
    limit refuses any increase in it, so "no limit" is the strictest here: a currency limited
    in the file but not at apply is looser in the file (refused: a flag apply was not given);
    one limited at apply but not in the file is kept without a limit (the plan was checked so).
    """
    mine, theirs = dict(own.max_monthly_increase), dict(recorded.max_monthly_increase)
    merged, changed = dict(mine), False
    for currency in sorted(set(mine) | set(theirs)):
        key = f"{MONEY}.{currency}"
        if sources.get(key) == FLAG_SOURCE:
            continue  # the operator's own flag for this currency accepts it
        at_apply, in_file = mine.get(currency), theirs.get(currency)
        if in_file is not None and (at_apply is None or in_file > at_apply):
            shown = "no limit" if at_apply is None else f"{at_apply:f}{currency}"
            looser.append(
                f"{FLAGS[MONEY]} is {in_file:f}{currency} in the file and {shown} at apply"
            )
        elif at_apply is not None and (in_file is None or at_apply > in_file):
            changed = True
            if in_file is None:
                del merged[currency]
                sources.pop(key, None)
            else:
                merged[currency] = in_file
                sources[key] = dict(recorded.limit_sources).get(key, "the plan file")
    return {MONEY: tuple(sorted(merged.items()))} if changed else {}


def differences(saved: Plan, again: Plan) -> list[str]:
    """How the saved plan differs from the one planned now (empty: the same calls)."""
    found: list[str] = []
    saved_ids = [a.account_id for a in saved.accounts]
    again_ids = [a.account_id for a in again.accounts]
    if saved_ids != again_ids:
        found.append(f"the file lists accounts {saved_ids}, the files select {again_ids}")
    by_id = {account.account_id: account for account in again.accounts}
    for account in saved.accounts:
        now = by_id.get(account.account_id)
        if now is None or now.status == "error" or now.live_sha256 != account.live_sha256:
            continue  # unread or moved since: the executor's compare-and-swap decides
        found += account_differences(account, now)
    return found


def proven_accounts(saved: Plan, again: Plan) -> dict[str, int]:
    """Accounts :func:`differences` compared and found equal (id -> number of calls): planned
    again from the same live plans, with the same status and calls."""
    by_id = {account.account_id: account for account in again.accounts}
    return {
        account.account_id: len(account.actions)
        for account in saved.accounts
        if (now := by_id.get(account.account_id)) is not None
        and now.status == account.status == "changes"
        and now.live_sha256 == account.live_sha256
        and not account_differences(account, now)
    }


def account_differences(saved: AccountPlan, now: AccountPlan) -> list[str]:
    account_id = saved.account_id
    if (
        saved.status == "changes"
        and now.status == "blocked"
        and {item.reason_code for item in now.blocked} <= MOVED_SINCE
    ):
        return []  # seats in use moved: reported as blocked when the account's turn comes
    if saved.status != now.status:
        why = "; ".join(item.message for item in now.blocked)
        return [
            f"{account_id}: status {saved.status} in the file, {now.status} when planned with "
            f"apply's own flags" + (f" ({why})" if why else "")
        ]
    blocked = [(item.reason_code, item.message) for item in saved.blocked]
    if blocked != [(item.reason_code, item.message) for item in now.blocked]:
        listed = ", ".join(item.reason_code for item in now.blocked) or "none"
        return [f"{account_id}: the file's blocked items are not the ones planned now ({listed})"]
    recorded = any(action.changes is not None for action in saved.actions)
    old = comparable(saved.actions, changes=recorded)
    new = comparable(now.actions, changes=recorded)
    if old != new:
        return [f"{account_id}: {difference(old, new)}"]
    return []


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _duration(length: timedelta) -> str:
    seconds = int(length.total_seconds())
    if seconds == 0:
        return "0s"
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"

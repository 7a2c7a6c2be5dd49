"""Desired + live -> the ordered calls that make Zoom match, or the reason they cannot be made.

Safety first: nothing that removes seats or cancels an add-on is planned without its opt-in
(`--allow-decrease`, `--allow-cancel`), absence never cancels (a live add-on the YAML does not
mention is *unmanaged*), and a change no API call can make is blocked with a sentence saying
so, never approximated. Inside one account the calls follow SPEC section 6's order: base seat
increase, new add-ons, add-on increases, add-on decreases, cancellations, base seat decrease.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from deepdiff import DeepDiff

from reconciler.desired.model import DesiredAccount
from reconciler.live import LivePlans
from reconciler.normalise import (
    HOSTED_GROUPS,
    ONE_PER_ACCOUNT,
    NormalisedPlans,
    PlanShapeError,
    normalise_plans,
)
from reconciler.plan import (
    DEFAULT_TTL,
    AccountPlan,
    Action,
    BlockedItem,
    Plan,
    PlanOptions,
    UnmanagedItem,
    desired_fingerprint,
    live_fingerprint,
)
from reconciler.planner_addons import addon_body, addon_order, describe_fields, subscribe_groups
from reconciler.zoom.errors import AccountNotFound, SelfPayAccount

# Phases of SPEC section 6, in sending order.
BASE_INCREASE, NEW_ADDONS, ADDON_INCREASES, ADDON_DECREASES, CANCELLATIONS, BASE_DECREASE = range(6)


@dataclass
class _Draft:
    """The calls and findings of one account while it is being planned."""

    account_id: str
    options: PlanOptions
    phases: dict[int, list[Action | BlockedItem]] = field(default_factory=dict)
    blocked: list[BlockedItem] = field(default_factory=list)
    unmanaged: list[UnmanagedItem] = field(default_factory=list)

    def call(self, phase: int, action: Action, block: tuple[str, str] | None = None) -> None:
        """Plan `action`, or record it as blocked with (reason_code, message)."""
        if block is None:
            self.phases.setdefault(phase, []).append(action)
            return
        item = BlockedItem(block[0], block[1], action.op, action.body, action.klass, action.path)
        self.phases.setdefault(phase, []).append(item)

    def block(self, reason_code: str, message: str, group: str | None = None) -> None:
        self.blocked.append(BlockedItem(reason_code, message, group=group))

    def actions(self) -> tuple[Action, ...]:
        ordered = [i for p in sorted(self.phases) for i in self.phases[p]]
        return tuple(i for i in ordered if isinstance(i, Action))

    def blocked_items(self) -> tuple[BlockedItem, ...]:
        ordered = [i for p in sorted(self.phases) for i in self.phases[p]]
        return tuple(i for i in ordered if isinstance(i, BlockedItem)) + tuple(self.blocked)


def _path(account_id: str, tail: str = "") -> str:
    return f"/accounts/{account_id}/plans{tail}"


def _cheaply_equal(want: NormalisedPlans, have: NormalisedPlans) -> bool:
    """Most accounts are in sync: decide that without building any diff."""
    return (
        want.base == have.base
        and want.addons == have.addons
        and want.unknown == have.unknown
        and not (want.cancelled & have.addons.keys())
    )


def _hosts(fields: Mapping[str, Any] | None) -> int:
    value = (fields or {}).get("hosts")
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _decrease_block(options: PlanOptions, what: str, old: int, new: int) -> tuple[str, str] | None:
    """Seat decreases are opt-in: without --allow-decrease they are reported, never sent."""
    if not options.allow_decrease:
        return (
            "seat_decrease_not_allowed",
            f"{what}: hosts {old} -> {new} removes seats; run with --allow-decrease to plan it",
        )
    return None


def _below_usage(what: str, new: int, usage: Mapping[str, Any]) -> tuple[str, str] | None:
    base = usage.get("plan_base") if isinstance(usage, Mapping) else None
    if not isinstance(base, Mapping):
        return (
            "usage_unknown",
            f"{what}: seats in use could not be read (GET /plans/usage); "
            "a decrease is never planned blind",
        )
    in_use = _hosts({"hosts": base.get("usage")}) + _hosts({"hosts": base.get("pending")})
    if new < in_use:
        return (
            "below_usage",
            f"{what}: hosts {new} is below the {in_use} seats in use and pending "
            f"({base.get('usage') or 0} used, {base.get('pending') or 0} pending); "
            "blocked even with --allow-decrease",
        )
    return None


def _plan_base(
    draft: _Draft, want: NormalisedPlans, have: NormalisedPlans, live: LivePlans
) -> None:
    if want.base is None or have.base is None:
        return
    account_id = draft.account_id
    new_type, old_type = want.base["type"], have.base["type"]
    body = {"type": new_type, "hosts": want.base.get("hosts", have.base.get("hosts"))}
    if new_type != old_type:
        draft.blocked.append(
            BlockedItem(
                "base_type_change",
                f"plan_base: type {old_type} -> {new_type} cannot be made through Zoom's API "
                "(PUT /plans/base must keep the current type); change it with Zoom, "
                "then update the YAML",
                "update_base",
                body,
                None,
                _path(account_id, "/base"),
                "plan_base",
            )
        )
        return
    others = {
        k: v for k, v in want.base.items() if k not in ("type", "hosts") and have.base.get(k) != v
    }
    if others:
        draft.block(
            "unsupported_change",
            f"plan_base {new_type}: {describe_fields(others)} cannot be changed: "
            "no Zoom API call sets these fields",
            group="plan_base",
        )
    if "hosts" not in want.base:
        return
    new, old = _hosts(want.base), _hosts(have.base)
    if new == old:
        return
    klass, phase = (
        ("seat_increase", BASE_INCREASE) if new > old else ("seat_decrease", BASE_DECREASE)
    )
    action = Action(
        "update_base",
        klass,
        "PUT",
        _path(account_id, "/base"),
        {"type": old_type, "hosts": new},
        {"hosts": old},
        {"hosts": new},
        "plan_base",
    )
    block = None
    if new < old:
        what = f"plan_base {old_type}"
        block = _decrease_block(draft.options, what, old, new)
        if block is None:
            block = _below_usage(what, new, live.usage or {})
    draft.call(phase, action, block)


def _plan_addons(draft: _Draft, want: NormalisedPlans, have: NormalisedPlans) -> None:
    account_id = draft.account_id
    addons_path = _path(account_id, "/addons")
    replaced: set[tuple[str, str]] = set()
    for key in sorted(want.addons, key=addon_order):
        group, type_ = key
        fields = want.addons[key]
        current = have.addons.get(key)
        if current is None:
            rival = [k for k in have.addons if k[0] == group] if group in ONE_PER_ACCOUNT else []
            if rival:
                replaced.update(rival)
                draft.block(
                    "unsupported_change",
                    f"{group}: type {rival[0][1]} -> {type_} cannot be changed through Zoom's "
                    "API (no call changes an add-on's type); change it with Zoom",
                    group=group,
                )
                continue
            body = addon_body(group, fields)
            draft.call(
                NEW_ADDONS,
                Action("add_addon", "addon_added", "POST", addons_path, body, None, fields, group),
            )
            continue
        others = {
            k: v for k, v in fields.items() if k not in ("type", "hosts") and current.get(k) != v
        }
        if others:
            was = {k: current.get(k) for k in others}
            draft.block(
                "unsupported_change",
                f"{group} {type_}: {describe_fields(was) or 'unset'} -> {describe_fields(others)} "
                "cannot be changed: no Zoom API call updates these fields of an add-on",
                group=group,
            )
        if "hosts" not in fields or group not in HOSTED_GROUPS:
            continue
        new, old = _hosts(fields), _hosts(current)
        if new == old:
            continue
        action = Action(
            "update_addon",
            "seat_increase" if new > old else "seat_decrease",
            "PUT",
            addons_path,
            {"type": type_, "hosts": new},
            {"hosts": old},
            {"hosts": new},
            group,
        )
        if new > old:
            draft.call(ADDON_INCREASES, action)
        else:
            block = _decrease_block(draft.options, f"{group} {type_}", old, new)
            draft.call(ADDON_DECREASES, action, block)
    for key in sorted(want.cancelled, key=addon_order):
        if key not in have.addons:
            continue  # already cancelled, expired or absent: satisfied
        group, type_ = key
        block = None
        if not draft.options.allow_cancel:
            block = (
                "cancel_not_allowed",
                f"{group} {type_}: cancelling an add-on needs --allow-cancel "
                "(the YAML marks it state: cancelled)",
            )
        draft.call(
            CANCELLATIONS,
            Action(
                "cancel_addon",
                "addon_cancelled",
                "PATCH",
                _path(account_id, "/addons/status"),
                {"action": "cancel", "type": type_},
                have.addons[key],
                None,
                group,
            ),
            block,
        )
    for key in sorted(have.addons, key=addon_order):
        if key not in want.addons and key not in want.cancelled and key not in replaced:
            draft.unmanaged.append(
                UnmanagedItem(
                    key[0],
                    key[1],
                    f"live add-on not in the YAML ({describe_fields(have.addons[key]) or 'active'})"
                    "; left as is",
                )
            )


def _plan_unknown_groups(draft: _Draft, want: NormalisedPlans, have: NormalisedPlans) -> None:
    for group in sorted(set(want.unknown) | set(have.unknown)):
        if group not in want.unknown:
            draft.unmanaged.append(
                UnmanagedItem(group, None, "plan group unknown to zoomplans; reported, left as is")
            )
        elif group not in have.unknown or want.unknown[group] != have.unknown[group]:
            diff = DeepDiff(have.unknown.get(group), want.unknown[group], ignore_order=True)
            draft.block(
                "unsupported_change",
                f"{group}: zoomplans knows no API call for this plan group "
                f"({len(diff.affected_paths) or 1} difference(s) with Zoom); change it with Zoom",
                group=group,
            )


def _plan_subscribe(draft: _Draft, desired: DesiredAccount, want: NormalisedPlans) -> None:
    account_id = draft.account_id
    if want.base is None:
        if want.addons:
            draft.block(
                "no_base_plan",
                f"{account_id} has no active base plan and the YAML declares none; "
                "add-ons need a base plan: add plan_base to subscribe",
            )
        return
    plans = {"plan_base": dict(want.base), **subscribe_groups(want.addons)}
    after = {"plan_base": dict(want.base), **{f"{g}:{t}": f for (g, t), f in want.addons.items()}}
    if desired.contact:
        body = {"contact": dict(desired.contact), **plans}
        draft.call(
            BASE_INCREASE,
            Action("subscribe", "subscribe", "POST", _path(account_id), body, None, after, None),
        )
        return
    draft.call(
        BASE_INCREASE,
        Action("subscribe", "subscribe", "POST", _path(account_id), plans, None, after, None),
        (
            "subscribe_without_contact",
            f"{account_id} has no active subscription: subscribing it needs a billing `contact:` "
            "in its YAML",
        ),
    )


def _error_plan(desired: DesiredAccount, live: LivePlans) -> AccountPlan:
    error = live.error
    source = str(desired.source)
    if isinstance(error, (SelfPayAccount, AccountNotFound)):
        code = "self_pay" if isinstance(error, SelfPayAccount) else "account_not_found"
        return AccountPlan(
            desired.account_id,
            source,
            "blocked",
            None,
            blocked=(BlockedItem(code, str(error)),),
            name=desired.name,
        )
    return AccountPlan(
        desired.account_id, source, "error", None, error=str(error), name=desired.name
    )


def plan_account(desired: DesiredAccount, live: LivePlans, options: PlanOptions) -> AccountPlan:
    """Plan one account. Apply calls it again after writing: converged means no actions."""
    if live.error is not None:
        return _error_plan(desired, live)
    source = str(desired.source)
    fingerprint = live_fingerprint(live.plans)
    try:
        want = normalise_plans(desired.plans)
        have = normalise_plans(live.plans)
    except PlanShapeError as exc:
        return AccountPlan(
            desired.account_id,
            source,
            "error",
            fingerprint,
            error=f"{desired.account_id}: {exc}",
            name=desired.name,
        )
    if _cheaply_equal(want, have):
        return AccountPlan(desired.account_id, source, "in_sync", fingerprint, name=desired.name)
    draft = _Draft(desired.account_id, options)
    if have.subscribed:
        _plan_base(draft, want, have, live)
        _plan_addons(draft, want, have)
    else:
        _plan_subscribe(draft, desired, want)
    _plan_unknown_groups(draft, want, have)
    actions, blocked = draft.actions(), draft.blocked_items()
    status = "blocked" if blocked else "changes" if actions else "in_sync"
    return AccountPlan(
        desired.account_id,
        source,
        status,
        fingerprint,
        actions,
        blocked,
        tuple(draft.unmanaged),
        None,
        desired.name,
    )


def needs_usage(
    desired: DesiredAccount, raw_plans: Mapping[str, Any] | None, options: PlanOptions
) -> bool:
    """Read GET /plans/usage (a Heavy call) only where an allowed base decrease is planned."""
    if not options.allow_decrease:
        return False
    try:
        want, have = normalise_plans(desired.plans), normalise_plans(raw_plans)
    except PlanShapeError:
        return False
    if want.base is None or have.base is None or "hosts" not in want.base:
        return False
    return want.base["type"] == have.base["type"] and _hosts(want.base) < _hosts(have.base)


def build_plan(
    desired_accounts: Iterable[DesiredAccount],
    lives: Mapping[str, LivePlans],
    options: PlanOptions,
    *,
    now: datetime | None = None,
    ttl: timedelta = DEFAULT_TTL,
    git_commit: str | None = None,
) -> Plan:
    """Plan every account (accounts are independent) into one Plan, in account_id order."""
    selected = sorted(desired_accounts, key=lambda a: a.account_id)
    created = now or datetime.now(UTC)
    accounts = []
    for desired in selected:
        live = lives.get(desired.account_id)
        if live is None:
            accounts.append(
                AccountPlan(
                    desired.account_id,
                    str(desired.source),
                    "error",
                    None,
                    error=f"{desired.account_id}: live plans were not read",
                    name=desired.name,
                )
            )
            continue
        accounts.append(plan_account(desired, live, options))
    return Plan(
        created_at=created,
        expires_at=created + ttl,
        git_commit=git_commit,
        desired_sha256=desired_fingerprint(selected),
        options=options,
        accounts=tuple(accounts),
    )

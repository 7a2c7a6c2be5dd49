"""Add-on planning and the wire bodies of add-ons and subscriptions.

The one place that knows how Zoom wants each add-on spelled on the wire (docs/ARCHITECTURE.md's
contract: recording needs `hosts: 1`, audio sends countries as comma strings, phone base goes to
the add-on endpoint), and how live add-ons are matched with desired ones: new ones added, seats
changed with absolute hosts, `state: cancelled` cancelled only with --allow-cancel, and a live
add-on the YAML does not mention reported as unmanaged, never touched.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from reconciler.groups import table
from reconciler.groups.normalise import (
    ADDON_GROUPS,
    COUNTRY_FIELDS,
    HOSTED_GROUPS,
    LIST_GROUPS,
    ONE_PER_ACCOUNT,
    PHONE_BASE,
    RECORDING,
    AddonKey,
    NormalisedPlans,
)
from reconciler.planner.calls import call_of
from reconciler.planner.model import Action, BlockedItem, PlanOptions, UnmanagedItem

_AUDIO_FIELDS = ("tollfree_countries", "premium_countries", "callout_countries", "ddi_numbers")


def addon_order(key: AddonKey) -> tuple[int, str]:
    """Add-ons are listed group by group in catalogue order, then by type: stable output."""
    group, type_ = key
    index = ADDON_GROUPS.index(group) if group in ADDON_GROUPS else len(ADDON_GROUPS)
    return index, type_


def _wire_value(field: str, value: Any) -> Any:
    # Zoom's schema spells countries as one comma-separated string.
    if field in COUNTRY_FIELDS and isinstance(value, list):
        return ",".join(value)
    return value


def addon_body(group: str, fields: dict[str, Any]) -> dict[str, Any]:
    """The POST /plans/addons body for one desired add-on (only the fields the YAML sets)."""
    body: dict[str, Any] = {"type": fields["type"]}
    if group == RECORDING:
        body["hosts"] = 1  # Zoom's schema requires hosts; a recording plan has no seats.
    elif group == "plan_audio":
        body["hosts"] = 1  # Zoom's 2026 add-on schema requires hosts; audio has no seats.
        for name in _AUDIO_FIELDS:
            if name in fields:
                body[name] = _wire_value(name, fields[name])
    elif group == PHONE_BASE:
        body["hosts"] = 1
        if "callout_countries" in fields:
            body["callout_countries"] = _wire_value(
                "callout_countries", fields["callout_countries"]
            )
    elif "hosts" in fields:
        body["hosts"] = fields["hosts"]
    return body


def _get_shape_entry(group: str, fields: dict[str, Any]) -> dict[str, Any]:
    if group == "plan_audio":  # POST /plans's plan_audio takes no hosts
        return {k: v for k, v in addon_body(group, fields).items() if k != "hosts"}
    entry: dict[str, Any] = {"type": fields["type"]}
    if group == PHONE_BASE:
        if "callout_countries" in fields:
            entry["callout_countries"] = _wire_value(
                "callout_countries", fields["callout_countries"]
            )
    elif "hosts" in fields:
        entry["hosts"] = fields["hosts"]
    return entry


def subscribe_groups(addons: dict[AddonKey, dict[str, Any]]) -> dict[str, Any]:
    """Every desired add-on in GET /plans shape, for the one subscribe POST."""
    groups: dict[str, Any] = {}
    for key in sorted(addons, key=addon_order):
        group, _type = key
        entry = _get_shape_entry(group, addons[key])
        row = table.group(group)
        holder = groups if row.container is None else groups.setdefault(row.container, {})
        if group == RECORDING:
            holder[RECORDING] = entry["type"]
        elif group in LIST_GROUPS:
            holder.setdefault(row.name, []).append(entry)
        else:
            holder[row.name] = entry
    return groups


def describe_fields(fields: dict[str, Any] | None) -> str:
    """`hosts 3, tollfree_countries CA,US` for messages: short and in a stable order."""
    if not fields:
        return ""
    parts = []
    for name in sorted(fields):
        if name == "type":
            continue
        value = fields[name]
        shown = ",".join(value) if isinstance(value, list) else value
        parts.append(f"{name} {shown}")
    return ", ".join(parts)


# Phases of SPEC section 6, in sending order.
BASE_INCREASE, NEW_ADDONS, ADDON_INCREASES, ADDON_DECREASES, CANCELLATIONS, BASE_DECREASE = range(6)


@dataclass
class AccountDraft:
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
        item = BlockedItem(
            reason_code=block[0],
            message=block[1],
            op=action.op,
            body=action.body,
            klass=action.klass,
            path=action.path,
        )
        self.phases.setdefault(phase, []).append(item)

    def block(self, reason_code: str, message: str, group: str | None = None) -> None:
        self.blocked.append(BlockedItem(reason_code=reason_code, message=message, group=group))

    def actions(self) -> tuple[Action, ...]:
        ordered = [i for p in sorted(self.phases) for i in self.phases[p]]
        return tuple(i for i in ordered if isinstance(i, Action))

    def blocked_items(self) -> tuple[BlockedItem, ...]:
        ordered = [i for p in sorted(self.phases) for i in self.phases[p]]
        return tuple(i for i in ordered if isinstance(i, BlockedItem)) + tuple(self.blocked)


def seat_count(fields: Mapping[str, Any] | None) -> int:
    value = (fields or {}).get("hosts")
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def decrease_block(options: PlanOptions, what: str, old: int, new: int) -> tuple[str, str] | None:
    """Seat decreases are opt-in: without --allow-decrease they are reported, never sent."""
    if not options.allow_decrease:
        return (
            "seat_decrease_not_allowed",
            f"{what}: hosts {old} -> {new} removes seats; run with --allow-decrease to plan it",
        )
    return None


def usage_row(usage: Mapping[str, Any] | None, group: str, type_: str) -> Any:
    """The GET /plans/usage row of one plan: `plan_base`, or an add-on group's row by type."""
    if not isinstance(usage, Mapping):
        return None
    value: Any = usage
    for part in group.split("."):  # phone lists: plan_phone.plan_calling, nested as in GET
        value = value.get(part) if isinstance(value, Mapping) else None
    if group == "plan_base":
        # A bare count of seats in use has been seen in place of the object.
        is_count = isinstance(value, int) and not isinstance(value, bool)
        return {"usage": value} if is_count else value
    rows = value if isinstance(value, list) else [value]
    found = [r for r in rows if isinstance(r, Mapping) and r.get("type") == type_]
    return found[0] if found else None


def below_usage(what: str, new: int, row: Any) -> tuple[str, str] | None:
    """Block a decrease below the seats in use plus pending, whatever the flags; or when
    usage could not be read at all (a decrease is never planned blind)."""
    if not isinstance(row, Mapping):
        return (
            "usage_unknown",
            f"{what}: seats in use could not be read (GET /plans/usage); "
            "a decrease is never planned blind",
        )
    used = seat_count({"hosts": row.get("usage")})
    pending = seat_count({"hosts": row.get("pending")})
    if new < used + pending:
        return (
            "below_usage",
            f"{what}: hosts {new} is below the {used + pending} seats in use and pending "
            f"({used} used, {pending} pending); blocked even with --allow-decrease",
        )
    return None


def plan_addons(
    draft: AccountDraft,
    want: NormalisedPlans,
    have: NormalisedPlans,
    usage: Mapping[str, Any] | None = None,
) -> None:
    account_id = draft.account_id
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
            method, path = call_of("add_addon", account_id)
            draft.call(
                NEW_ADDONS,
                Action(
                    op="add_addon",
                    klass="addon_added",
                    method=method,
                    path=path,
                    body=body,
                    before=None,
                    after=fields,
                    group=group,
                ),
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
        new, old = seat_count(fields), seat_count(current)
        if new == old:
            continue
        method, path = call_of("update_addon", account_id)
        action = Action(
            op="update_addon",
            klass="seat_increase" if new > old else "seat_decrease",
            method=method,
            path=path,
            body={"type": type_, "hosts": new},
            before={"hosts": old},
            after={"hosts": new},
            group=group,
        )
        if new > old:
            draft.call(ADDON_INCREASES, action)
        else:
            block = decrease_block(draft.options, f"{group} {type_}", old, new)
            if block is None:
                block = below_usage(f"{group} {type_}", new, usage_row(usage, group, type_))
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
        method, path = call_of("cancel_addon", account_id)
        draft.call(
            CANCELLATIONS,
            Action(
                op="cancel_addon",
                klass="addon_cancelled",
                method=method,
                path=path,
                body={"action": "cancel", "type": type_},
                before=have.addons[key],
                after=None,
                group=group,
            ),
            block,
        )
    for key in sorted(have.addons, key=addon_order):
        if key not in want.addons and key not in want.cancelled and key not in replaced:
            draft.unmanaged.append(
                UnmanagedItem(
                    group=key[0],
                    type=key[1],
                    detail="live add-on not in the YAML "
                    f"({describe_fields(have.addons[key]) or 'active'}); left as is",
                )
            )

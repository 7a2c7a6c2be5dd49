"""Add-on planning: live add-ons matched with desired ones, group by group of the table.

New entries are added (one POST each, in the body `reconciler.planner.bodies` spells for the
group), seats changed with absolute hosts, `state: cancelled` cancelled only with
--allow-cancel, and a live add-on the YAML does not mention reported as unmanaged by name,
never touched. A group no documented call manages (`Call.READ_ONLY`) is never planned. An entry
with a `paid_period_start_date` is a scheduled change: its call carries Zoom's two dates, and a
date that is not in the future, or a group whose body has no dates, is blocked with a sentence.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from reconciler.groups import table
from reconciler.groups.normalise import (
    HOSTED_GROUPS,
    ONE_PER_ACCOUNT,
    AddonKey,
    NormalisedPlans,
)
from reconciler.groups.operations import Op
from reconciler.groups.table import Call, UsageShape
from reconciler.planner.bodies import (
    addon_body,
    addon_order,
    can_schedule,
    cancel_body,
    seat_body,
)
from reconciler.planner.draft import AccountDraft
from reconciler.planner.model import Action, PlanOptions, UnmanagedItem


def describe_fields(fields: Mapping[str, Any] | None) -> str:
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


def unmanaged(key: AddonKey, fields: Mapping[str, Any] | None) -> UnmanagedItem:
    """A live entry the YAML does not mention, named as the reviewer knows it (the group's
    title: `Revenue Accelerator (plan_zoom_iq) ziq_sales_monthly`)."""
    return UnmanagedItem(
        group=key[0],
        type=key[1],
        detail=f"live add-on not in the YAML ({describe_fields(fields) or 'active'}); left as is",
        title=table.group(key[0]).title,
    )


def schedule_block(
    draft: AccountDraft, group: str, what: str, when: str | None
) -> tuple[str, str] | None:
    """A scheduled change Zoom cannot take: a body without dates, or a date not in the future."""
    if when is None:
        return None
    if not can_schedule(group):
        return (
            "schedule_not_supported",
            f"{what}: paid_period_start_date {when} cannot be sent: Zoom's call for "
            f"{table.group(group).title} has no date fields; remove it to change at once",
        )
    try:
        day = date.fromisoformat(when)
    except ValueError:
        return ("scheduled_date_invalid", f"{what}: paid_period_start_date {when} is not a date")
    if day <= draft.today:
        return (
            "scheduled_in_past",
            f"{what}: paid_period_start_date {when} is not in the future (today is "
            f"{draft.today.isoformat()} UTC); Zoom takes only a later date: change or remove it",
        )
    return None


def cancel_order(key: AddonKey) -> tuple[int, int, str]:
    """Cancellations in table order, except inside a container: there the entries that depend
    on the container's first group (calling plans on the phone base, Contact Center add-ons
    on a package, Node add-ons on the Node base) go first, so none is left without it."""
    index = table.order_of(key[0])
    container = table.group(key[0]).container if key[0] in table.BY_KEY else None
    if container is None:
        return index, 0, key[1]
    return table.order_of(table.groups_in(container)[0].key), -index, key[1]


#: The seat fields `seat_count` and the decrease guards read.
SEAT_FIELDS = ("hosts", "active_hosts")


def unreadable_seats(have: NormalisedPlans) -> list[str]:
    """Seat fields of Zoom's answer that are not a whole number (`"abc"`, `"30.5"`, `true`).

    `seat_count` reads such a value as no seats, so a decrease from 30 would be planned as an
    increase from 0, past --allow-decrease: the account is blocked instead (`_plan_plans`)."""
    entries = [("plan_base", have.base)] if have.base is not None else []
    entries += [
        (f"{group} {plan_type}", fields) for (group, plan_type), fields in have.addons.items()
    ]
    found = []
    for where, fields in entries:
        for key in SEAT_FIELDS:
            value = fields.get(key)
            if value is not None and type(value) is not int:  # bool included
                shown = repr(value)
                found.append(f"{where}: {key} {shown if len(shown) <= 40 else shown[:37] + '...'}")
    return found


def seat_count(fields: Mapping[str, Any] | None) -> int:
    value = fields.get("hosts") if fields else None
    if type(value) is int:  # the common case, without two isinstance calls
        return value
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
    row = table.BY_KEY.get(group)
    # Nested as in GET (plan_phone.plan_calling), except where usage reports a group flat
    # (Node's groups are top-level keys of the usage answer).
    path = (row.name,) if row is not None and row.usage is UsageShape.FLAT else group.split(".")
    for part in path:
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


def unseen(group: str, type_: str, what: str) -> tuple[str, str]:
    """Why an entry of a group GET /plans never lists is neither bought nor cancelled."""
    row = table.group(group)
    return (
        "not_listed_by_zoom",
        f"{group} {type_}: Zoom's GET /plans does not list {row.title} ({group}), so zoomplans "
        f"cannot see whether it is active and would {what} it blind on every run; do it with "
        "Zoom and leave it out of the YAML",
    )


def _add(draft: AccountDraft, want: NormalisedPlans, key: AddonKey) -> None:
    """One POST per new entry: the journal and the read-back settle each entry on its own."""
    group, type_ = key
    fields = want.addons[key]
    if not table.group(group).listed:
        draft.block(*unseen(group, type_, "buy"), group=group)
        return
    when = want.scheduled.get(key)
    action = Action.for_call(
        Op.ADD_ADDON,
        draft.account_id,
        body=addon_body(group, fields, when),
        before=None,
        after=fields,
        group=group,
    )
    draft.call(action, schedule_block(draft, group, f"{group} {type_}", when))


def _change_seats(
    draft: AccountDraft,
    want: NormalisedPlans,
    key: AddonKey,
    current: Mapping[str, Any],
    usage: Mapping[str, Any] | None,
) -> None:
    group, type_ = key
    fields = want.addons[key]
    if "hosts" not in fields or group not in HOSTED_GROUPS:
        return
    new, old = seat_count(fields), seat_count(current)
    if new == old:
        return
    when = want.scheduled.get(key)
    action = Action.for_call(
        Op.UPDATE_ADDON,
        draft.account_id,
        increase=new > old,
        body=seat_body(type_, new, when),
        before={"hosts": old},
        after={"hosts": new},
        group=group,
    )
    what = f"{group} {type_}"
    block = schedule_block(draft, group, what, when)
    if new > old:
        draft.call(action, block)
        return
    block = block or decrease_block(draft.options, what, old, new)
    if block is None:
        block = below_usage(what, new, usage_row(usage, group, type_))
    draft.call(action, block)


def _cancel(draft: AccountDraft, want: NormalisedPlans, have: NormalisedPlans) -> None:
    for group, type_ in sorted(want.cancelled - have.addons.keys(), key=cancel_order):
        if not table.group(group).listed:  # absent from GET proves nothing here
            draft.block(*unseen(group, type_, "cancel"), group=group)
    for key in sorted(want.cancelled & have.addons.keys(), key=cancel_order):
        group, type_ = key
        block = None
        row = table.group(group)
        along = _cancelled_along(key, want, have)
        if not row.manageable:
            block = (
                "unsupported_change",
                f"{group} {type_}: no Zoom API call cancels {row.title} ({group}); "
                "cancel it with Zoom",
            )
        elif along:
            block = (
                "cancel_takes_others",
                f"{group} {type_}: cancelling the Zoom Phone base plan cancels every Zoom Phone "
                f"plan with it, and the YAML keeps {_listing(along)}: mark them state: "
                "cancelled too, or keep the phone base",
            )
        elif not draft.options.allow_cancel:
            block = (
                "cancel_not_allowed",
                f"{group} {type_}: cancelling an add-on needs --allow-cancel "
                "(the YAML marks it state: cancelled)",
            )
        action = Action.for_call(
            Op.CANCEL_ADDON,
            draft.account_id,
            body=cancel_body(type_, want.cancel_notes.get(key)),
            before=have.addons[key],
            after=None,
            group=group,
        )
        draft.call(action, block)


def _cancelled_along(key: AddonKey, want: NormalisedPlans, have: NormalisedPlans) -> list[AddonKey]:
    """Live Zoom Phone entries the YAML keeps that cancelling the phone base would end too
    (Zoom: "to cancel Zoom Phone base and its add-ons, send the phone type")."""
    row = table.group(key[0])
    if row.call is not Call.PHONE or row.container is None:
        return []
    if row is not table.groups_in(row.container)[0]:
        return []
    return sorted(
        (k for k in have.addons if k != key and k not in want.cancelled
         and table.group(k[0]).container == row.container),
        key=addon_order,
    )  # fmt: skip


def _listing(keys: list[AddonKey]) -> str:
    return ", ".join(f"{group} {type_}" for group, type_ in keys)


def plan_addons(
    draft: AccountDraft,
    want: NormalisedPlans,
    have: NormalisedPlans,
    usage: Mapping[str, Any] | None = None,
) -> None:
    replaced: set[tuple[str, str]] = set()
    for key in sorted(want.addons, key=addon_order):
        group, type_ = key
        fields = want.addons[key]
        current = have.addons.get(key)
        row = table.group(group)
        if not row.manageable:
            if current != fields:
                draft.block(
                    "unsupported_change",
                    f"{group} {type_}: no Zoom API call manages {row.title} ({group}); "
                    "change it with Zoom, then paste what GET /plans shows",
                    group=group,
                )
            continue
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
            _add(draft, want, key)
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
        _change_seats(draft, want, key, current, usage)
    _cancel(draft, want, have)
    for key in sorted(have.addons, key=addon_order):
        if key not in want.addons and key not in want.cancelled and key not in replaced:
            draft.unmanaged.append(unmanaged(key, have.addons[key]))

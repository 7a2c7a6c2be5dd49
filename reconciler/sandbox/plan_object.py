"""Reading and editing one GET /plans answer (the plan object of Zoom's notes) in place.

The sandbox stores each account's plans exactly as GET returns them, so what a test seeds,
what the sandbox persists and what the client reads are one shape. The quirks live here:
the recording plan is a bare string with `plan_recording_*` siblings, phone plans nest under
`plan_phone`, and cancelled entries stay listed with `status: "cancelled"`.
"""

from __future__ import annotations

import calendar
from datetime import date
from typing import Any

from reconciler.sandbox.catalogue import ADDON_GROUPS, GroupShape, PlanGroup, is_yearly

ENDED = frozenset({"cancelled", "expired"})
DATE_FIELDS = ("service_effective_date", "next_invoice_date")


def is_live(status: object) -> bool:
    """Cancelled and expired entries are still listed but are no longer subscriptions."""
    return status not in ENDED


def stamp(day: date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def next_invoice(plan_type: str, today: date) -> date:
    """A month (or a year for yearly types) after today, clamped to the month's last day."""
    if is_yearly(plan_type):
        year, month = today.year + 1, today.month
    else:
        year, month = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
    day = min(today.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)


def dated(entry: dict[str, Any], today: date) -> dict[str, Any]:
    """The entry with status and both dates filled in where missing."""
    entry.setdefault("status", "active")
    entry.setdefault("service_effective_date", stamp(today))
    entry.setdefault("next_invoice_date", stamp(next_invoice(str(entry.get("type")), today)))
    return entry


def fill_in(plans: dict[str, Any], today: date) -> dict[str, Any]:
    """Seeded plans get the status and dates a real GET always carries."""
    if isinstance(plans.get("plan_base"), dict):
        dated(plans["plan_base"], today)
    for group in ADDON_GROUPS:
        if group.shape is GroupShape.RECORDING:
            if isinstance(plans.get("plan_recording"), str):
                _date_recording(plans, plans["plan_recording"], today, keep=True)
            continue
        value = _get(plans, group)
        if isinstance(value, list):
            for entry in value:
                if isinstance(entry, dict):
                    dated(entry, today)
        elif isinstance(value, dict):
            dated(value, today)
    return plans


def _date_recording(plans: dict[str, Any], plan_type: str, today: date, *, keep: bool) -> None:
    fields = {
        "plan_recording_status": "active",
        "plan_recording_service_effective_date": stamp(today),
        "plan_recording_next_invoice_date": stamp(next_invoice(plan_type, today)),
    }
    for key, value in fields.items():
        if keep:
            plans.setdefault(key, value)
        else:
            plans[key] = value


def _container(plans: dict[str, Any], group: PlanGroup, *, create: bool) -> dict[str, Any] | None:
    """The dict that holds the group's key: the plans themselves, or plan_phone."""
    if len(group.path) == 1:
        return plans
    outer = plans.get(group.path[0])
    if not isinstance(outer, dict):
        if not create:
            return None
        outer = plans[group.path[0]] = {}
    return outer


def _get(plans: dict[str, Any], group: PlanGroup) -> Any:
    holder = _container(plans, group, create=False)
    return None if holder is None else holder.get(group.path[-1])


def find(plans: dict[str, Any], group: PlanGroup, plan_type: str) -> dict[str, Any] | None:
    """The entry of this type in the group, live or ended; None if Zoom does not list it."""
    value = _get(plans, group)
    if group.shape is GroupShape.LIST:
        if isinstance(value, list):
            for entry in value:
                if isinstance(entry, dict) and entry.get("type") == plan_type:
                    return entry
        return None
    if isinstance(value, dict) and value.get("type") == plan_type:
        return value
    return None


def occupant(plans: dict[str, Any], group: PlanGroup) -> str | None:
    """For a one-entry group, the type of its live entry (another type blocks a purchase)."""
    if group.shape is GroupShape.LIST:
        return None
    if group.shape is GroupShape.RECORDING:
        value = plans.get("plan_recording")
        live = is_live(plans.get("plan_recording_status", "active"))
        return value if isinstance(value, str) and value and live else None
    value = _get(plans, group)
    if isinstance(value, dict) and is_live(value.get("status", "active")):
        return str(value.get("type"))
    return None


def recording_is_live(plans: dict[str, Any], plan_type: str) -> bool:
    return plans.get("plan_recording") == plan_type and is_live(
        plans.get("plan_recording_status", "active")
    )


def put_entry(plans: dict[str, Any], group: PlanGroup, entry: dict[str, Any]) -> None:
    """Store a new or re-activated entry where GET will list it."""
    holder = _container(plans, group, create=True)
    assert holder is not None  # create=True always gives a holder
    key = group.path[-1]
    if group.shape is GroupShape.LIST:
        entries = holder.get(key)
        if not isinstance(entries, list):
            entries = holder[key] = []
        for index, existing in enumerate(entries):
            if isinstance(existing, dict) and existing.get("type") == entry["type"]:
                entries[index] = entry
                return
        entries.append(entry)
    else:
        holder[key] = entry


def put_recording(plans: dict[str, Any], plan_type: str, today: date) -> None:
    plans["plan_recording"] = plan_type
    _date_recording(plans, plan_type, today, keep=False)


def live_addons(plans: dict[str, Any]) -> list[str]:
    """Types of every add-on still subscribed (the base plan cannot be cancelled before them)."""
    types: list[str] = []
    for group in ADDON_GROUPS:
        if group.shape is GroupShape.RECORDING:
            value = plans.get("plan_recording")
            if isinstance(value, str) and value and recording_is_live(plans, value):
                types.append(value)
            continue
        value = _get(plans, group)
        entries = value if isinstance(value, list) else [value]
        for entry in entries:
            if isinstance(entry, dict) and is_live(entry.get("status", "active")):
                types.append(str(entry.get("type")))
    return types


def _usage_count(seeded: object, plan_type: str) -> int:
    """Seeded usage is an int, or {type: int} for list groups, or {usage, pending}."""
    if isinstance(seeded, bool):
        return 0
    if isinstance(seeded, int):
        return seeded
    if isinstance(seeded, dict):
        if "usage" in seeded:
            return _usage_count(seeded["usage"], plan_type)
        return _usage_count(seeded.get(plan_type, 0), plan_type)
    return 0


def usage_answer(plans: dict[str, Any], usage: dict[str, Any]) -> dict[str, Any]:
    """The GET /plans/usage answer: live plans with hosts, usage (and pending for the base)."""
    answer: dict[str, Any] = {}
    base = plans.get("plan_base")
    if isinstance(base, dict):
        seeded = usage.get("plan_base", 0)
        pending = seeded.get("pending", 0) if isinstance(seeded, dict) else 0
        answer["plan_base"] = {
            "type": base.get("type"),
            "hosts": base.get("hosts", 0),
            "usage": _usage_count(seeded, str(base.get("type"))),
            "pending": pending if isinstance(pending, int) else 0,
        }
    for group in ADDON_GROUPS:
        if group.shape not in (GroupShape.LIST, GroupShape.SINGLE) or len(group.path) != 1:
            continue
        value = _get(plans, group)
        seeded = usage.get(group.key, 0)
        rows = [
            {
                "type": entry.get("type"),
                "hosts": entry.get("hosts", 0),
                "usage": _usage_count(seeded, str(entry.get("type"))),
            }
            for entry in (value if isinstance(value, list) else [value])
            if isinstance(entry, dict) and is_live(entry.get("status", "active"))
        ]
        if rows:
            answer[group.key] = rows if group.shape is GroupShape.LIST else rows[0]
    return answer

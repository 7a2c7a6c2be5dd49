"""Reading and editing one account's plan object (a GET /plans answer) in place.

The sandbox stores each account's plans in GET's shape, so what a test seeds, what the sandbox
persists and what the client reads are one shape. The quirks live here: the recording plan is a
bare string with `plan_recording_*` siblings, phone, Contact Center and Node plans nest one level
down, cancelled entries stay listed with `status: "cancelled"`, and a few things Zoom sells have
no place in GET (Power Pack, Contact Center cloud storage, the bundle list): they are held in
the same object and `visible` leaves them out.
"""

from __future__ import annotations

import calendar
from datetime import date
from typing import Any

from reconciler.sandbox.catalogue import period_months
from reconciler.sandbox.layout import DATE_FIELDS, GroupShape, PlanGroup, reading

ENDED = frozenset({"cancelled", "expired"})
#: Held: a carrier partner's bundle (GET lists it as the base plan, `bundle_base`; held for
#: Zoom's bundle refusals on PUT /plans/base and PATCH /plans/base/status).
BUNDLE = "plan_bundle"
HIDDEN_TOP_LEVEL = (BUNDLE,)


def is_live(status: object) -> bool:
    """Cancelled and expired entries are still listed but are no longer subscriptions."""
    return status not in ENDED


def entry_is_live(entry: object) -> bool:
    return isinstance(entry, dict) and is_live(entry.get("status", "active"))


def stamp(day: date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def next_invoice(plan_type: str, start: date) -> date:
    """One billing period (from the code: a month, quarter, year...) after `start`."""
    months = start.month - 1 + period_months(plan_type)
    year, month = start.year + months // 12, months % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def dated(
    entry: dict[str, Any], group: PlanGroup | None, today: date, effective: date | None = None
) -> dict[str, Any]:
    """The entry with status and both dates filled in where missing, if GET shows them for the
    group (None: the base plan). `effective` is a scheduled start (Zoom's
    service_effective_date): it replaces the dates."""
    if group is not None and not group.dated:
        return entry
    start = effective or today
    entry.setdefault("status", "active")
    if group is None or set(DATE_FIELDS) <= group.fields:
        if effective is not None:
            entry.pop("service_effective_date", None)
            entry.pop("next_invoice_date", None)
        entry.setdefault("service_effective_date", stamp(start))
        entry.setdefault("next_invoice_date", stamp(next_invoice(str(entry.get("type")), start)))
    return entry


def fill_in(plans: dict[str, Any], today: date) -> dict[str, Any]:
    """Seeded plans get the status and dates a real GET always carries."""
    if isinstance(plans.get("plan_base"), dict):
        dated(plans["plan_base"], None, today)
    for group in reading().groups:
        if group.shape is GroupShape.RECORDING:
            if isinstance(plans.get("plan_recording"), str):
                date_recording(plans, plans["plan_recording"], today, keep=True)
            continue
        for entry in entries(plans, group):
            dated(entry, group, today)
    return plans


def date_recording(plans: dict[str, Any], plan_type: str, start: date, *, keep: bool) -> None:
    fields = {
        "plan_recording_status": "active",
        "plan_recording_service_effective_date": stamp(start),
        "plan_recording_next_invoice_date": stamp(next_invoice(plan_type, start)),
    }
    for key, value in fields.items():
        if keep:
            plans.setdefault(key, value)
        else:
            plans[key] = value


def _holder(plans: dict[str, Any], group: PlanGroup, *, create: bool) -> dict[str, Any] | None:
    """The dict that holds the group's key: the plans themselves, or plan_phone (zcc, znode)."""
    if len(group.path) == 1:
        return plans
    outer = plans.get(group.path[0])
    if not isinstance(outer, dict):
        if not create:
            return None
        outer = plans[group.path[0]] = {}
    return outer


def value_of(plans: dict[str, Any], group: PlanGroup) -> Any:
    holder = _holder(plans, group, create=False)
    return None if holder is None else holder.get(group.path[-1])


def entries(plans: dict[str, Any], group: PlanGroup) -> list[dict[str, Any]]:
    """The group's entries, live or ended (none for the recording string)."""
    value = value_of(plans, group)
    found = value if isinstance(value, list) else [value]
    return [entry for entry in found if isinstance(entry, dict)]


def find(plans: dict[str, Any], group: PlanGroup, plan_type: str) -> dict[str, Any] | None:
    """The entry of this type in the group, live or ended; None if Zoom does not list it."""
    return next((e for e in entries(plans, group) if e.get("type") == plan_type), None)


def occupant(plans: dict[str, Any], group: PlanGroup) -> str | None:
    """For a one-entry group, the type of its live entry (another type blocks a purchase)."""
    if group.shape is GroupShape.LIST:
        return None
    if group.shape is GroupShape.RECORDING:
        value = plans.get("plan_recording")
        live = is_live(plans.get("plan_recording_status", "active"))
        return value if isinstance(value, str) and value and live else None
    value = value_of(plans, group)
    return str(value.get("type")) if entry_is_live(value) else None


def live_types(plans: dict[str, Any], group: PlanGroup) -> list[str]:
    """Types of the group's live entries."""
    if group.shape is GroupShape.RECORDING:
        held = occupant(plans, group)
        return [held] if held else []
    return [str(e.get("type")) for e in entries(plans, group) if entry_is_live(e)]


def recording_is_live(plans: dict[str, Any], plan_type: str) -> bool:
    return occupant(plans, _recording()) == plan_type


def _recording() -> PlanGroup:
    group = reading().by_key("plan_recording")
    assert group is not None
    return group


def put_entry(plans: dict[str, Any], group: PlanGroup, entry: dict[str, Any]) -> None:
    """Store a new or re-activated entry where GET will list it."""
    holder = _holder(plans, group, create=True)
    assert holder is not None  # create=True always gives a holder
    key = group.path[-1]
    if group.shape is GroupShape.LIST:
        stored = holder.get(key)
        if not isinstance(stored, list):
            stored = holder[key] = []
        for index, existing in enumerate(stored):
            if isinstance(existing, dict) and existing.get("type") == entry["type"]:
                stored[index] = entry
                return
        stored.append(entry)
    else:
        holder[key] = entry


def put_recording(plans: dict[str, Any], plan_type: str, start: date) -> None:
    plans["plan_recording"] = plan_type
    date_recording(plans, plan_type, start, keep=False)


def cancel(plans: dict[str, Any], group: PlanGroup, plan_type: str) -> bool:
    """Cancel the live entry of this type; False if there is none.

    Zoom lists a cancelled entry with `status: "cancelled"`; a group whose GET entries have no
    status at all (`plan_zoom_iq`, `plan_ztransl`, `plan_sdk_cmr`) cannot show one, so its
    cancelled entry is no longer listed.
    """
    if group.shape is GroupShape.RECORDING:
        if not recording_is_live(plans, plan_type):
            return False
        plans["plan_recording_status"] = "cancelled"
        return True
    entry = find(plans, group, plan_type)
    if not entry_is_live(entry):
        return False
    assert entry is not None
    if group.dated:
        entry["status"] = "cancelled"
        return True
    holder = _holder(plans, group, create=False)
    assert holder is not None
    if group.shape is GroupShape.LIST:
        holder[group.path[-1]] = [e for e in holder[group.path[-1]] if e is not entry]
    else:
        del holder[group.path[-1]]
    return True


def live_addons(plans: dict[str, Any]) -> list[str]:
    """Types of every add-on still subscribed, listed or held (the base plan cannot be
    cancelled before them)."""
    return [t for group in reading().groups for t in live_types(plans, group)]


def bundle_is_live(plans: dict[str, Any]) -> bool:
    return any(entry_is_live(entry) for entry in plans.get(BUNDLE) or [])


def bundle_base(bundle: list[dict[str, Any]], today: date, start: date | None) -> dict[str, Any]:
    """The base entry GET shows for a bundle subscription: the (first) bundle's code as its
    type, hosts only when the body gave them, status and dates like every base entry.

    An assumption (docs/sandbox.md): Zoom's document shows no bundle account's GET answer,
    but bills the bundle as the account's subscription ("Cannot makes updates when account is
    subscribed to a bundle plan"), so the account is listed as subscribed.
    """
    first = bundle[0]
    entry: dict[str, Any] = {"type": first["type"]}
    if first.get("hosts") is not None:
        entry["hosts"] = first["hosts"]
    return dated(entry, None, today, start)


def visible(plans: dict[str, Any]) -> dict[str, Any]:
    """The plans as GET lists them: without what Zoom's GET has no place for (a new dict;
    nested values are shared)."""
    shown = {k: v for k, v in plans.items() if k not in HIDDEN_TOP_LEVEL}
    for group in reading().groups:
        if group.listed or len(group.path) != 2:
            continue
        outer = shown.get(group.path[0])
        if isinstance(outer, dict) and group.path[1] in outer:
            rest = {k: v for k, v in outer.items() if k != group.path[1]}
            if rest:
                shown[group.path[0]] = rest
            else:
                del shown[group.path[0]]
    return shown

"""The `plans` part of the account JSON Schema, derived row by row from the table of plan groups.

An entry of a group allows `type`, the row's `fields`, Zoom's read-only lifecycle keys (`status`
and the two dates, so a GET /plans answer can be pasted), and on entries a call can change:
`state: cancelled` with Zoom's cancel `reason` and `comment`, and `paid_period_start_date` (a
scheduled change). Seats are required unless the entry is being cancelled. Groups sit where
Zoom's answer has them: at the top of `plans`, or inside `plan_phone`, `plan_zcc`, `plan_znode`.
"""

from __future__ import annotations

import re
from typing import Any

from reconciler.groups import table
from reconciler.groups.table import Call, PlanGroup, Shape

#: The key that makes an entry a scheduled change, and the read-only one it must equal.
SCHEDULE_KEY = "paid_period_start_date"
EFFECTIVE_KEY = "service_effective_date"
#: Zoom's cancel reasons (PATCH .../plans/base/status and .../plans/addons/status), paraphrased.
CANCEL_REASONS = {
    1: "no longer working remotely",
    2: "could not get the support needed",
    3: "the free Basic plan is enough",
    4: "too expensive",
    5: "bought the wrong product",
    6: "not needed now, will buy again later",
}
#: Zoom's facts about a Video SDK base plan that GET shows and no call sets.
BASE_READ_ONLY = ("included_minutes", "overage_price")
#: Base plan codes without seats (table.SEATLESS_BASE_PREFIXES) may leave `hosts` out (as
#: `zoomplans import` writes them); their seats are then not managed.
SEATLESS_BASE_TYPES = "|".join("^" + re.escape(p) for p in table.SEATLESS_BASE_PREFIXES)
#: Keys Zoom's 2026 GET answer shows on a group's entries besides the row's fields, that no
#: call sets (Contact Center usage: GET shows `hosts`, the POST body has none): accepted, so the
#: answer can be pasted, and left out of the desired state (pasted.py).
SHOWN_ONLY: dict[str, tuple[str, ...]] = {"plan_zcc.plan_usage": ("hosts",)}

_REF = "#/$defs/"


def ref(name: str) -> dict[str, str]:
    """A reference to one of the schema's `$defs`."""
    return {"$ref": _REF + name}


_FIELD_SCHEMAS: dict[str, dict[str, Any]] = {
    "hosts": ref("hosts"),
    "active_hosts": ref("active_hosts"),
    "tollfree_countries": ref("countries"),
    "premium_countries": ref("countries"),
    "callout_countries": ref("countries"),
    "ddi_numbers": {"type": "integer", "minimum": 0, "maximum": 9999},
}


def _field(group: PlanGroup, name: str) -> dict[str, Any]:
    if name == "hosts" and group.seat_noun != "hosts":
        return ref("engagements")
    return _FIELD_SCHEMAS[name]


def _cancellable(group: PlanGroup) -> bool:
    """Entries a file may ask to cancel: the base plan (PATCH /plans/base/status) and every
    add-on a call manages (PATCH /plans/addons/status)."""
    return group.call is Call.BASE or group.is_addon


def _describe(group: PlanGroup) -> str:
    """The entry's description, as an editor shows it on hover."""
    if group.call is Call.BASE:
        return (
            "The base plan: type and licensed hosts. `state: cancelled` cancels it (only with "
            "--allow-cancel-base, after every add-on of the account is cancelled)."
        )
    if group.call is Call.READ_ONLY:
        return (
            f"{group.title}: shown by Zoom's GET /plans, but no call of Zoom's API buys or "
            "changes it, so zoomplans cannot manage it; it may stay in a pasted answer. "
            f"{group.note}".strip()
        )
    if group.call is Call.BUNDLE:
        return (
            "A Zoom bundle code, sent only in the subscribe call of an account without a base "
            "plan (carrier-enabled partners only); Zoom refuses a base plan and a bundle "
            "together."
        )
    seats = "" if not group.seats else f" `hosts` counts {group.seat_noun}."
    return f"{group.title} add-on.{seats}"


def _entry(group: PlanGroup) -> dict[str, Any]:
    """One entry of `group`: an object with `type` and the row's fields."""
    if group.call is Call.BUNDLE:
        return {
            "description": _describe(group),
            "type": "object",
            "required": ["type"],
            "properties": {"type": ref("bundle_type")},
            "additionalProperties": False,
        }
    properties: dict[str, Any] = {"type": ref("plan_type")}
    properties.update({name: _field(group, name) for name in group.fields})
    if _cancellable(group):
        properties.update(
            state=ref("state"), reason=ref("cancel_reason"), comment=ref("cancel_comment")
        )
        properties[SCHEDULE_KEY] = ref("scheduled_date")
    if group.call is Call.BASE:
        properties.update({name: ref("read_only_value") for name in BASE_READ_ONLY})
    properties.update({name: ref("read_only_value") for name in SHOWN_ONLY.get(group.key, ())})
    properties.update(
        {
            EFFECTIVE_KEY: ref("read_only_date"),
            "next_invoice_date": ref("read_only_date"),
            "status": ref("read_only_status"),
        }
    )
    entry: dict[str, Any] = {
        "description": _describe(group),
        "type": "object",
        "required": ["type"],
        "properties": properties,
        "additionalProperties": False,
    }
    if _cancellable(group):
        entry["dependentRequired"] = {"reason": ["state"], "comment": ["state"]}
    if group.seats:
        needs_hosts: dict[str, Any] = {"required": ["hosts"]}
        if group.call is Call.BASE:
            seatless = {
                "required": ["type"],
                "properties": {"type": {"pattern": SEATLESS_BASE_TYPES}},
            }
            needs_hosts = {"if": seatless, "then": True, "else": needs_hosts}
        entry.update({"if": {"required": ["state"]}, "then": True, "else": needs_hosts})
    return entry


def _recording() -> dict[str, Any]:
    """`plan_recording`: Zoom's plain type string, or the file's `{type, state}`."""
    return {
        "description": "Cloud recording: a type string, or {type, state}.",
        "type": ["string", "object"],
        "minLength": 1,
        "pattern": "^[A-Za-z0-9_]+$",
        "required": ["type"],
        "properties": {
            "type": ref("plan_type"),
            "state": ref("state"),
            "reason": ref("cancel_reason"),
            "comment": ref("cancel_comment"),
            SCHEDULE_KEY: ref("scheduled_date"),
        },
        "additionalProperties": False,
        "dependentRequired": {"reason": ["state"], "comment": ["state"]},
    }


def _group_schema(group: PlanGroup) -> dict[str, Any]:
    if group is table.RECORDING:
        return _recording()
    if group.shape is Shape.LIST:
        return {"type": "array", "items": _entry(group)}
    return _entry(group)


_CONTAINER_WORDS = {
    "plan_phone": "Zoom Phone: its own base plan and lists of calling, number and calling add-on "
    "plans (bought through POST /plans/addons with `plan_details`).",
    "plan_zcc": "Zoom Contact Center: packages, AI Expert Assist, usage and phone numbers "
    "(bought through POST /plans/addons with `plan_zcc_details`).",
    "plan_znode": "Zoom Node: the Node base plan and its hybrid add-ons (bought through POST "
    "/plans/addons with `plan_znode_details`).",
}


def plans_schema() -> dict[str, Any]:
    """`plans`: every group of the table at its place in a GET /plans answer."""
    properties: dict[str, Any] = {}
    for group in table.GROUPS:
        if group.container is None:
            properties[group.key] = _group_schema(group)
            if group is table.RECORDING:
                properties[f"{group.key}_status"] = ref("read_only_status")
                properties[f"{group.key}_{EFFECTIVE_KEY}"] = ref("read_only_date")
                properties[f"{group.key}_next_invoice_date"] = ref("read_only_date")
        elif group.container not in properties:
            properties[group.container] = {
                "description": _CONTAINER_WORDS.get(group.container, group.container),
                "type": "object",
                "properties": {
                    row.name: _group_schema(row) for row in table.groups_in(group.container)
                },
                "additionalProperties": False,
            }
    return {
        "description": "The paid plans, with Zoom's group names. Groups not listed here are "
        "errors.",
        "type": "object",
        "properties": properties,
        "additionalProperties": False,
    }

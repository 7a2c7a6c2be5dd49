"""Wire bodies for add-ons and subscriptions, in the shapes of docs/ARCHITECTURE.md's contract.

Kept apart from the planner's decisions so the one place that knows how Zoom wants each add-on
spelled on the wire (recording needs `hosts: 1`, audio sends countries as comma strings, phone
base goes to the add-on endpoint) is small enough to check against the contract line by line.
"""

from __future__ import annotations

from typing import Any

from reconciler.normalise import (
    ADDON_GROUPS,
    COUNTRY_FIELDS,
    LIST_GROUPS,
    PHONE_BASE,
    PHONE_LISTS,
    RECORDING,
    AddonKey,
)

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
    if group == "plan_audio":
        return addon_body(group, fields)
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
    phone: dict[str, Any] = {}
    for key in sorted(addons, key=addon_order):
        group, _type = key
        entry = _get_shape_entry(group, addons[key])
        if group == RECORDING:
            groups[RECORDING] = entry["type"]
        elif group in LIST_GROUPS:
            groups.setdefault(group, []).append(entry)
        elif group == PHONE_BASE:
            phone["plan_base"] = entry
        elif group in PHONE_LISTS:
            phone.setdefault(group.split(".", 1)[1], []).append(entry)
        else:
            groups[group] = entry
    if phone:
        groups["plan_phone"] = phone
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

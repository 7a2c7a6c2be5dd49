"""One entry of any plan group of the table, placed where Zoom's GET (or the YAML) puts it.

Codes come from Zoom's own 2026 catalogue (the committed extract), the first one the group's
row claims, so each group is exercised with a code Zoom sells in it.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from reconciler.groups import table
from reconciler.groups.table import PlanGroup, Shape
from reconciler.zoom_2026 import catalogue_rows

BASE = {"type": "business_monthly", "hosts": 20}
#: Add-on groups planned through /plans/addons (everything a call can buy, base and bundle aside).
MANAGED = tuple(g for g in table.GROUPS if g.is_addon)
READ_ONLY = tuple(g for g in table.GROUPS if not g.manageable)


@cache
def code_of(row: PlanGroup) -> str:
    """A type code Zoom's catalogue places in the group (a prefix code when it lists none)."""
    for item in catalogue_rows():
        if row.claims(item.section, item.code):
            return item.code
    return f"{row.prefixes[0] if row.prefixes else row.name + '_'}monthly"


def entry_of(row: PlanGroup, hosts: int = 3) -> dict[str, Any]:
    """A desired entry: its type, hosts where the group has seats, countries where it has them."""
    entry: dict[str, Any] = {"type": code_of(row)}
    if row.seats:
        entry["hosts"] = hosts
    if "callout_countries" in row.fields:
        entry["callout_countries"] = ["US"]
    return entry


def placed(row: PlanGroup, entry: dict[str, Any], *, live: bool = False) -> dict[str, Any]:
    """`{plan_zcc: {plan_package_lists: [entry]}}`: the entry where GET shows it; a live one
    active, with Zoom's lifecycle fields where the group has them."""
    if row is table.RECORDING:
        plans: dict[str, Any] = {row.key: entry["type"]}
        if entry.get("state"):
            return {row.key: entry}
        if live:
            plans["plan_recording_status"] = "active"
            plans["plan_recording_next_invoice_date"] = "2031-02-01"
        return plans
    value = dict(entry)
    if live and row.lifecycle:
        value |= {"status": "active", "next_invoice_date": "2031-02-01"}
    held: Any = [value] if row.shape is Shape.LIST else value
    if row.container is not None:
        return {row.container: {row.name: held}}
    return {row.name: held}


def merged(*parts: dict[str, Any]) -> dict[str, Any]:
    """Plans objects put together, containers merged (two phone groups share `plan_phone`)."""
    out: dict[str, Any] = {}
    for part in parts:
        for key, value in part.items():
            if key in table.CONTAINERS and key in out:
                out[key] = {**out[key], **value}
            else:
                out[key] = value
    return out

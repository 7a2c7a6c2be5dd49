"""The GET /plans/usage answer, in the shapes Zoom's 2026 document gives it.

Usage is not GET /plans with counts added: the room connector is a list there, the recording
plan an object of storage figures, the Node parts sit flat at the top level, and two keys
(`plan_united`, `plan_zva`) exist only here. Which keys there are, and which fields each entry
carries, is read from the extract's usage schema; the counts come from the seed's `usage`.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from reconciler.sandbox import plan_object as po
from reconciler.sandbox.layout import GroupShape, PlanGroup, reading
from reconciler.zoom_2026 import operation

USAGE_PATH = "/accounts/{accountId}/plans/usage"


@cache
def _usage_keys() -> tuple[tuple[str, bool, frozenset[str]], ...]:
    """Each usage key, whether it is a list, and the fields of its entries."""
    schema = operation("GET", USAGE_PATH).response_schemas[200]
    assert schema is not None
    keys = []
    for key, sub in schema["properties"].items():
        entry = sub.get("items", sub)
        keys.append((key, sub.get("type") == "array", frozenset(entry.get("properties") or {})))
    return tuple(keys)


def _group_for(key: str) -> PlanGroup | None:
    """The plan group a usage key reports: a top-level group, or a Node part (flat here)."""
    groups = reading()
    found = groups.by_key(key)
    if found is not None:
        return found
    return next((g for g in groups.groups if len(g.path) == 2 and g.path[1] == key), None)


def _count(seeded: object, plan_type: str, name: str) -> int:
    """Seeded usage is an int, {usage, pending}, or {type: int | {usage, pending}}."""
    if isinstance(seeded, bool):
        return 0
    if isinstance(seeded, int):
        return seeded if name == "usage" else 0
    if isinstance(seeded, Mapping):
        if "usage" in seeded or "pending" in seeded:
            value = seeded.get(name, 0)
            return value if isinstance(value, int) and not isinstance(value, bool) else 0
        return _count(seeded.get(plan_type, 0), plan_type, name)
    return 0


def _row(entry: Mapping[str, Any], fields: frozenset[str], seeded: object) -> dict[str, Any]:
    plan_type = str(entry.get("type"))
    row: dict[str, Any] = {"type": plan_type}
    if "hosts" in fields:
        row["hosts"] = entry.get("hosts", 0)
    for name in ("usage", "pending"):
        if name in fields:
            row[name] = _count(seeded, plan_type, name)
    if "active_hosts" in fields and "active_hosts" in entry:
        row["active_hosts"] = entry["active_hosts"]
    return row


def _passed_through(value: object, fields: frozenset[str]) -> Any:
    """A usage-only key's seeded entry (or list of them), keeping only Zoom's fields."""
    if isinstance(value, Mapping) and "type" in value:
        return {k: v for k, v in value.items() if k in fields}
    if isinstance(value, list):
        return [{k: v for k, v in e.items() if k in fields} for e in value if isinstance(e, dict)]
    return None


def usage_answer(plans: dict[str, Any], usage: Mapping[str, Any]) -> dict[str, Any]:
    """The GET /plans/usage answer: live plans with hosts and the seeded counts."""
    answer: dict[str, Any] = {}
    for key, is_list, fields in _usage_keys():
        seeded = usage.get(key, 0)
        if key == "plan_base":
            base = plans.get("plan_base")
            if isinstance(base, dict):
                answer[key] = _row(base, fields, seeded)
            continue
        group = _group_for(key)
        if group is None:  # a usage-only key: only what the seed says
            shown = _passed_through(usage.get(key), fields)
            if shown:
                answer[key] = shown
            continue
        if group.shape is GroupShape.RECORDING:
            held = po.occupant(plans, group)
            if held:
                storage = seeded if isinstance(seeded, Mapping) else {}
                answer[key] = {**_passed_through({"type": held, **storage}, fields)}
                answer[key]["type"] = held
            continue
        rows = [
            _row(entry, fields, seeded)
            for entry in po.entries(plans, group)
            if po.entry_is_live(entry)
        ]
        if rows:
            answer[key] = rows if is_list else rows[0]
    return answer

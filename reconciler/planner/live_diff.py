"""Which fields of an account's normalised live plans changed between two readings.

A plan keeps, for each account with calls, the normalised live plans its `live_sha256`
hashes (`AccountPlan.live`). When apply finds the hash changed (the account is *stale*), two
hashes tell the reader nothing; this lists what moved, in the plan file's own field spelling
(`plan_base.hosts`, `<group>[<type>].<field>`, as in an action's `changes`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from reconciler.groups.normalise import PlanShapeError, canonical_json, normalise_plans

#: How many changed fields a message names before it says "and N more".
SHOWN = 6


def _flat(canonical: Mapping[str, Any]) -> dict[str, str]:
    """`field path -> canonical JSON of its value` for one `NormalisedPlans.to_canonical()`."""
    flat: dict[str, str] = {}
    base = canonical.get("base")
    for key, value in (base if isinstance(base, Mapping) else {}).items():
        flat[f"plan_base.{key}"] = canonical_json(value)
    for entry in canonical.get("addons") or []:
        if not isinstance(entry, Mapping):
            continue
        where = f"{entry.get('group')}[{entry.get('type')}]"
        for key, value in entry.items():
            if key not in ("group", "type"):
                flat[f"{where}.{key}"] = canonical_json(value)
        flat.setdefault(f"{where}.type", canonical_json(entry.get("type")))
    unknown = canonical.get("unknown")
    for key, value in (unknown if isinstance(unknown, Mapping) else {}).items():
        flat[str(key)] = canonical_json(value)
    return flat


def changed_fields(recorded: Mapping[str, Any], raw_plans: Mapping[str, Any] | None) -> list[str]:
    """`plan_webinar[webinar500_monthly].hosts 3 -> 4` for each field that differs between the
    plan's recorded reading and Zoom's answer now (`absent` where one side has none)."""
    try:
        now = normalise_plans(raw_plans).to_canonical()
    except PlanShapeError:
        return ["Zoom's answer now cannot be read"]
    before, after = _flat(recorded), _flat(now)
    return [
        f"{path} {before.get(path, 'absent')} -> {after.get(path, 'absent')}"
        for path in sorted(before.keys() | after.keys())
        if before.get(path) != after.get(path)
    ]


def describe_changes(
    recorded: Mapping[str, Any] | None, raw_plans: Mapping[str, Any] | None
) -> str:
    """`; changed: a 1 -> 2, b absent -> 3` for a stale account's message; empty when the plan
    recorded no reading (a plan file from an earlier version) or nothing field-level moved."""
    if recorded is None:
        return ""
    fields = changed_fields(recorded, raw_plans)
    if not fields:
        return ""
    more = f", and {len(fields) - SHOWN} more" if len(fields) > SHOWN else ""
    return f"; changed: {', '.join(fields[:SHOWN])}{more}"

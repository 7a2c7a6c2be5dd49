"""Is a call's change visible in a raw GET /plans answer?

Apply asks this in three places: to settle a POST/PATCH whose answer was lost (was the account
charged?), to settle an intent a crashed run left without an outcome, and to verify an account
after its calls (Zoom's reads are eventually consistent). It reads the live answer generically,
by plan ``type`` wherever it sits, so it needs no catalogue of which group a type lives in: a
type code names one product, whatever group Zoom lists it under.

Zoom keeps cancelled and expired entries in the GET answer until their paid period ends, so an
entry counts as present only while its status is not ``cancelled``/``expired``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from reconciler.apply.preflight import PlannedAccount, PlannedAction

_GONE = frozenset({"cancelled", "canceled", "expired"})
#: Fields of a subscribe body that are not plans.
_NOT_PLANS = frozenset({"contact"})


def _active(entry: Mapping[str, Any]) -> bool:
    status = entry.get("status")
    return not (isinstance(status, str) and status.strip().lower() in _GONE)


def _entries(node: Any) -> Iterator[Mapping[str, Any]]:
    """Every object with a string ``type`` inside ``node``, at any depth."""
    if isinstance(node, Mapping):
        if isinstance(node.get("type"), str):
            yield node
        for key, value in node.items():
            if key in _NOT_PLANS:
                continue
            yield from _entries(value)
    elif isinstance(node, list):
        for item in node:
            yield from _entries(item)


def active_entries(live: Mapping[str, Any] | None) -> dict[str, Mapping[str, Any]]:
    """Live entries that are still kept, by type (``plan_recording`` is a bare string)."""
    if not live:
        return {}
    found: dict[str, Mapping[str, Any]] = {}
    for entry in _entries({k: v for k, v in live.items() if k != "plan_recording"}):
        if _active(entry):
            found[entry["type"]] = entry
    recording = live.get("plan_recording")
    if isinstance(recording, str) and recording:
        entry = {"type": recording, "status": live.get("plan_recording_status")}
        if _active(entry):
            found[recording] = entry
    elif isinstance(recording, Mapping):
        found.update({e["type"]: e for e in _entries(recording) if _active(e)})
    return found


def _countries(value: Any) -> frozenset[str]:
    if isinstance(value, str):
        return frozenset(part.strip().upper() for part in value.split(",") if part.strip())
    if isinstance(value, list):
        return frozenset(str(part).strip().upper() for part in value if str(part).strip())
    return frozenset()


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def entry_matches(wanted: Mapping[str, Any], live: Mapping[str, Any]) -> bool:
    """Every field the call sent is what Zoom now shows (fields Zoom does not echo are skipped).

    ``hosts`` is compared only when Zoom lists it (a recording plan is a bare string with no
    hosts); countries compare as sets, since Zoom returns them as a comma string in any order.
    """
    for key, value in wanted.items():
        if key in ("type", "status", "state") or key not in live:
            continue
        if key.endswith("_countries"):
            if _countries(value) != _countries(live[key]):
                return False
        elif key in ("hosts", "ddi_numbers") and _as_int(value) != _as_int(live[key]):
            return False
    return True


def _base(live: Mapping[str, Any] | None) -> Mapping[str, Any] | None:
    base = (live or {}).get("plan_base")
    if isinstance(base, Mapping) and isinstance(base.get("type"), str) and _active(base):
        return base
    return None


def _entry_visible(wanted: Mapping[str, Any], live: Mapping[str, Any] | None) -> bool:
    present = active_entries(live).get(str(wanted.get("type")))
    return present is not None and entry_matches(wanted, present)


def change_visible(op: str, body: Mapping[str, Any], live: Mapping[str, Any] | None) -> bool:
    """The call ``op`` with ``body`` has visibly happened in ``live`` (a raw GET /plans answer).

    For ``subscribe`` this is deliberately lenient: once the account has an active base plan, a
    second subscribe could only fail or charge twice, so a lost subscribe answer is settled as
    soon as any base exists. ``verified`` below is the strict check used after the calls.
    """
    if op == "subscribe":
        return _base(live) is not None
    if op == "update_base":
        base = _base(live)
        return (
            base is not None and base.get("type") == body.get("type") and entry_matches(body, base)
        )
    if op in ("add_addon", "update_addon"):
        return _entry_visible(body, live)
    if op == "cancel_addon":
        return str(body.get("type")) not in active_entries(live)
    return False


def verified(op: str, body: Mapping[str, Any], live: Mapping[str, Any] | None) -> bool:
    """Strict form of :func:`change_visible`: a subscribe must show its base and every add-on."""
    if op != "subscribe":
        return change_visible(op, body, live)
    wanted_base = body.get("plan_base")
    base = _base(live)
    if not isinstance(wanted_base, Mapping) or base is None:
        return False
    if base.get("type") != wanted_base.get("type") or not entry_matches(wanted_base, base):
        return False
    addons = {k: v for k, v in body.items() if k not in ("plan_base", "contact")}
    present = active_entries(live)
    for wanted in _entries(addons):
        if wanted.get("state") == "cancelled":
            continue
        found = present.get(wanted["type"])
        if found is None or not entry_matches(wanted, found):
            return False
    recording = addons.get("plan_recording")
    return not (isinstance(recording, str) and recording not in present)


def all_calls_visible(account: PlannedAccount, live: Mapping[str, Any] | None) -> bool:
    """Default convergence test: every call's change shows in the live plans.

    Only the last call touching a given plan counts (a later call may change the same entry).
    """
    last: dict[str, PlannedAction] = {}
    for action in account.actions:
        target = (
            "plan_base" if action.op in ("subscribe", "update_base") else action.body.get("type")
        )
        last[str(target)] = action
    return all(verified(a.op, a.body, live) for a in last.values())

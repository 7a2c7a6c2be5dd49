"""A pasted GET /plans answer: what of it is desired state, and what only describes the past.

SPEC section 3 promises that a GET /accounts/{id}/plans answer can be pasted under `plans:`.
Zoom's answer carries read-only facts (dates, invoice fields, `status`) and keeps listing an
add-on (or base plan) whose status is `cancelled` or `expired` until its paid period ends. Such
an entry is history, not a wish: it must not become a desired add-on (that would re-buy it) nor
a cancellation request (only `state: cancelled` asks for one). So the desired plans keep only
what the account should pay for: lapsed entries are left out, read-only fields are dropped.

An entry that carries both a lapsed `status` and the file's own `state: cancelled` is still a
cancellation request: the user wrote `state`, so it is kept (and is already satisfied).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from reconciler.desired.reader import READ_ONLY_DATE_KEYS, DataPath
from reconciler.desired.schema import where
from reconciler.desired.schema_plans import BASE_READ_ONLY, SHOWN_ONLY
from reconciler.groups import table
from reconciler.groups.table import Shape

#: Zoom's statuses for an entry the account no longer keeps (normalise.py reads them alike).
LAPSED_STATUSES = frozenset({"cancelled", "canceled", "expired"})
RECORDING = table.RECORDING.key
RECORDING_STATUS = f"{RECORDING}_status"
#: `plan_recording` and its sibling status and dates in Zoom's answer.
RECORDING_KEYS = frozenset(
    key for key in table.TOP_LEVEL_KEYS if key == RECORDING or key.startswith(f"{RECORDING}_")
)
#: Zoom's read-only fields: accepted so a GET answer can be pasted, never part of desired state.
READ_ONLY_KEYS = READ_ONLY_DATE_KEYS | {"status", RECORDING_STATUS, *BASE_READ_ONLY}
_READ = tuple(group for group in table.GROUPS if group.in_get and group is not table.RECORDING)
#: Where groups sit (None: `plans` itself; else a container such as `plan_phone`), and the
#: names of those holding one entry (an object) and of those holding a list, at each place.
HOLDERS: tuple[str | None, ...] = (None, *table.CONTAINERS)
_SINGLE: dict[str | None, tuple[str, ...]] = {
    holder: tuple(g.name for g in _READ if g.container == holder and g.shape is Shape.OBJECT)
    for holder in HOLDERS
}
_LISTS: dict[str | None, tuple[str, ...]] = {
    holder: tuple(g.name for g in _READ if g.container == holder and g.shape is Shape.LIST)
    for holder in HOLDERS
}


@dataclass(frozen=True)
class LapsedEntry:
    """An entry left out of the desired plans: where it is and the status Zoom gave it."""

    path: DataPath
    status: str

    def describe(self) -> str:
        """`plans.plan_webinar[1] (status: cancelled)`: for the -v log line."""
        return f"{where(self.path)} (status: {self.status})"


def lapsed_status(entry: object) -> str | None:
    """The lapsed status of a plan entry (`cancelled`, `expired`), or None if it is kept.

    An entry that also says `state: cancelled` is the user's cancellation request: kept.
    """
    if not isinstance(entry, dict) or "state" in entry:
        return None
    return _lapsed(entry.get("status"))


def recording_lapsed(plans: object) -> str | None:
    """The lapsed `plan_recording_status` beside a plain-string `plan_recording`, or None."""
    if not isinstance(plans, dict) or not isinstance(plans.get(RECORDING), str):
        return None
    return _lapsed(plans.get(RECORDING_STATUS))


def _lapsed(status: object) -> str | None:
    if isinstance(status, str) and status.strip().lower() in LAPSED_STATUSES:
        return status.strip().lower()
    return None


def lapsed_entries(plans: object) -> Iterator[LapsedEntry]:
    """Every entry of `plans` (as written, after layering) that describes the past."""
    if not isinstance(plans, dict):
        return
    root: DataPath = ("plans",)
    for holder in HOLDERS:
        groups = plans if holder is None else plans.get(holder)
        if isinstance(groups, dict):
            at = root if holder is None else (*root, holder)
            yield from _lapsed_in(groups, at, _SINGLE[holder], _LISTS[holder])
    status = recording_lapsed(plans)
    if status is not None:
        yield LapsedEntry((*root, RECORDING), status)


def _lapsed_in(
    groups: dict[str, Any], at: DataPath, singles: tuple[str, ...], lists: tuple[str, ...]
) -> Iterator[LapsedEntry]:
    for name in singles:
        status = lapsed_status(groups.get(name))
        if status is not None:
            yield LapsedEntry((*at, name), status)
    for name in lists:
        entries = groups.get(name)
        if isinstance(entries, list):
            for index, entry in enumerate(entries):
                status = lapsed_status(entry)
                if status is not None:
                    yield LapsedEntry((*at, name, index), status)


def pasted_as_desired(plans: dict[str, Any]) -> dict[str, Any]:
    """`plans` as desired state: lapsed entries left out, read-only fields dropped."""
    kept = _active_groups(plans, _SINGLE[None], _LISTS[None])
    if recording_lapsed(plans) is not None:
        kept.pop(RECORDING, None)
    for container in table.CONTAINERS:
        groups = kept.get(container)
        if isinstance(groups, dict):
            kept[container] = _active_groups(groups, _SINGLE[container], _LISTS[container])
    result: dict[str, Any] = without_read_only(kept)
    for key, names in SHOWN_ONLY.items():
        _drop_shown_only(result, table.group(key), names)
    return result


def _drop_shown_only(plans: dict[str, Any], group: table.PlanGroup, names: tuple[str, ...]) -> None:
    """Keys Zoom shows on the group's entries but no call sets: not desired state either."""
    holder = plans if group.container is None else plans.get(group.container)
    value = holder.get(group.name) if isinstance(holder, dict) else None
    for entry in value if isinstance(value, list) else [value]:
        if isinstance(entry, dict):
            for name in names:
                entry.pop(name, None)


def _active_groups(
    groups: dict[str, Any], singles: tuple[str, ...], lists: tuple[str, ...]
) -> dict[str, Any]:
    kept: dict[str, Any] = {}
    for name, value in groups.items():
        if name in singles and lapsed_status(value) is not None:
            continue
        if name in lists and isinstance(value, list):
            value = [entry for entry in value if lapsed_status(entry) is None]
        kept[name] = value
    return kept


def without_read_only(value: Any) -> Any:
    """The data with Zoom's read-only keys (dates, invoice dates, statuses) removed, deeply."""
    if isinstance(value, dict):
        return {k: without_read_only(v) for k, v in value.items() if k not in READ_ONLY_KEYS}
    if isinstance(value, list):
        return [without_read_only(v) for v in value]
    return value

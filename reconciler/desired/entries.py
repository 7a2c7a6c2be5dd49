"""The plan entries of an account's (layered) data: each with its group, code and place.

The rules that run after layering (catalogue, host ranges, scheduled dates, Zoom's
preconditions) all walk the same entries, in the order of the table of plan groups, and report
at an entry's place in the file; this is that one walk.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from reconciler.desired.pasted import lapsed_status, recording_lapsed
from reconciler.desired.problems import Severity
from reconciler.desired.reader import DataPath
from reconciler.groups import table
from reconciler.groups.table import PlanGroup, Shape


class Reporter(Protocol):
    """How a rule reports: the data path it is about (located through the layering), the
    message, and its severity."""

    def __call__(self, path: DataPath, message: str, severity: Severity = "error") -> None: ...


@dataclass(frozen=True)
class PlanEntry:
    """One plan entry of an account: its group, its type and where the entry is in the data.

    `entry` is None for Zoom's plain-string `plan_recording`.
    """

    group: str
    plan_type: str
    path: DataPath
    entry: dict[str, Any] | None

    @property
    def cancelled(self) -> bool:
        """The file asks to cancel it (`state: cancelled`)."""
        return self.entry is not None and "state" in self.entry


#: The groups whose entries carry a catalogue code (a bundle's codes are not the catalogue's).
_ENTRY_ROWS: tuple[PlanGroup, ...] = tuple(g for g in table.GROUPS if g.in_get)


def _rows_by_key() -> dict[str, tuple[tuple[int, PlanGroup], ...]]:
    """Each top-level key of `plans:` with its rows and their place in table order."""
    rows: dict[str, list[tuple[int, PlanGroup]]] = {}
    for index, row in enumerate(_ENTRY_ROWS):
        rows.setdefault(row.path[0], []).append((index, row))
    return {key: tuple(found) for key, found in rows.items()}


#: The table compiled once per top-level key, so the walk follows the file's own keys (a
#: handful) instead of every row of the table for every account.
_ROWS_BY_KEY = _rows_by_key()


def _rows_of(plans: dict[Any, Any]) -> list[PlanGroup]:
    """The rows whose top-level key the plans have, in table order."""
    present = [item for key in plans if (rows := _ROWS_BY_KEY.get(key)) for item in rows]
    present.sort(key=lambda item: item[0])
    return [row for _, row in present]


def plan_entries(plans: object, *, cancelled: bool = True) -> Iterator[PlanEntry]:
    """Every entry with a text `type`, in table order, with its group key.

    Entries a pasted GET answer lists as cancelled or expired are history, not desired state
    (pasted.py): they are not checked, so a lapsed and a live entry of one type are no duplicate.
    Entries the file asks to cancel (`state: cancelled`) are left out when `cancelled` is False.
    """
    if not isinstance(plans, dict):
        return
    root: DataPath = ("plans",)
    for row in _rows_of(plans):
        value: object = plans
        for part in row.path:
            value = value.get(part) if isinstance(value, dict) else None
        path = (*root, *row.path)
        if row is table.RECORDING and isinstance(value, str):
            if recording_lapsed(plans) is None:
                yield PlanEntry(row.key, value, path, None)
        elif row.shape is Shape.LIST and isinstance(value, list):
            for index, entry in enumerate(value):
                if isinstance(entry, dict) and _wanted(entry, cancelled):
                    yield PlanEntry(row.key, entry["type"], (*path, index), entry)
        elif isinstance(value, dict) and _wanted(value, cancelled):
            yield PlanEntry(row.key, value["type"], path, value)


def _wanted(entry: dict[str, Any], cancelled: bool) -> bool:
    return (
        isinstance(entry.get("type"), str)
        and lapsed_status(entry) is None
        and (cancelled or "state" not in entry)
    )

"""Field-level changes of each planned call (`changes: [{path, before, after}]`), from DeepDiff.

Keyed matching by `(group, type)` decides which calls are made (reconciler.planner); this module
only says, per call, which fields differ between the normalised entries the call starts from
(`before`) and leads to (`after`), so a reviewer (text, Markdown, HTML, a CI script reading the
plan file) sees `hosts 20 -> 25` as data, not as prose. DeepDiff finds the differing fields; the
values shown are the whole field on each side (a country list as a sorted list), null where the
field is absent.

Paths: a call on one entry (update_base, add_addon, update_addon, cancel_addon) names the field
alone (`hosts`, `tollfree_countries`). A subscribe buys several entries at once, so its paths
name the entry first: `plan_base.hosts`, and for an add-on `<group>[<type>].<field>` such as
`plan_webinar[webinar500_monthly].hosts` (the type tells two entries of one list group apart).
A new entry (subscribe, add_addon) lists every field with before null, `type` included; a
cancellation lists every field of the live entry with after null.

All the calls of one account are diffed in one DeepDiff run (its fixed cost per run dominates
on entries this small), which keeps 10,000 accounts planning from memory under 2 s of CPU.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from deepdiff import DeepDiff

#: One action's side, flattened: entry name ("" for a one-entry call) -> its fields.
_Entries = dict[str, dict[str, Any]]


@dataclass(frozen=True)
class FieldChange:
    """One field one call changes: its path, and its value before and after (None: absent)."""

    path: str
    before: Any
    after: Any

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "before": self.before, "after": self.after}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> FieldChange:
        return cls(path=str(data["path"]), before=data.get("before"), after=data.get("after"))

    @property
    def entry(self) -> str:
        """`plan_webinar[webinar500_monthly]` or `plan_base` in a subscribe; "" otherwise."""
        return self.path.rpartition(".")[0]

    @property
    def field(self) -> str:
        """The field's own name: `hosts`, `type`, `tollfree_countries`."""
        return self.path.rpartition(".")[2]


def _entries(op: str, side: Mapping[str, Any] | None) -> _Entries:
    """A call's `before` or `after` as entry -> fields (see the module docstring's paths)."""
    if side is None:
        return {}
    if op != "subscribe":
        return {"": dict(side)}
    entries: _Entries = {}
    base = side.get("plan_base")
    if isinstance(base, Mapping):
        entries["plan_base"] = dict(base)
    for addon in side.get("addons") or ():
        fields = {k: v for k, v in addon.items() if k != "group"}
        entries[f"{addon.get('group')}[{fields.get('type')}]"] = fields
    return entries


def _path(entry: str, name: str) -> str:
    return f"{entry}.{name}" if entry else name


def _field_order(name: str) -> tuple[bool, str]:
    return name != "type", name  # `type` first: it names the entry


def _changes_of(
    before: _Entries, after: _Entries, touched: set[tuple[str, str]]
) -> list[FieldChange]:
    entries = list(before) + [e for e in after if e not in before]
    found: list[FieldChange] = []
    for entry in entries:
        old, new = before.get(entry, {}), after.get(entry, {})
        names = sorted({n for e, n in touched if e == entry}, key=_field_order)
        found.extend(FieldChange(_path(entry, n), old.get(n), new.get(n)) for n in names)
    return found


def account_changes(actions: Sequence[Any]) -> list[tuple[FieldChange, ...]]:
    """The changes of each of one account's calls, in order, from one DeepDiff run."""
    befores = {i: _entries(a.op, a.before) for i, a in enumerate(actions)}
    afters = {i: _entries(a.op, a.after) for i, a in enumerate(actions)}
    touched: dict[int, set[tuple[str, str]]] = {i: set() for i in befores}
    differing = [i for i in befores if befores[i] != afters[i]]  # equal pairs: no diff run
    if differing:
        diff = DeepDiff(
            {i: befores[i] for i in differing}, {i: afters[i] for i in differing}, view="tree"
        )
        for report in diff.values():
            for level in report:
                steps = level.path(output_format="list")
                index = steps[0]
                if len(steps) >= 3:
                    touched[index].add((steps[1], str(steps[2])))
                    continue
                # A whole entry (or a call's whole side) appears, goes or is replaced: every
                # field under that point, on either side, changes.
                for side in (befores[index], afters[index]):
                    for entry, fields in side.items():
                        if len(steps) == 1 or entry == steps[1]:
                            touched[index].update((entry, name) for name in fields)
    return [tuple(_changes_of(befores[i], afters[i], touched[i])) for i in befores]


def with_changes(actions: Sequence[Any]) -> tuple[Any, ...]:
    """The actions with their `changes` filled in (the planner's last step for an account)."""
    return tuple(
        replace(action, changes=changes)
        for action, changes in zip(actions, account_changes(actions), strict=True)
    )


def changes_of(action: Any) -> tuple[FieldChange, ...]:
    """An action's changes: as recorded, or computed for a plan file written before them."""
    recorded: tuple[FieldChange, ...] | None = action.changes
    return recorded if recorded is not None else account_changes([action])[0]

"""Field-level changes of each planned call (`changes: [{path, before, after}]`).

Keyed matching by `(group, type)` decides which calls are made (reconciler.planner.core); this
only says, per call, which fields differ between the normalised entries the call starts from
(`before`) and leads to (`after`), so a reviewer (text, Markdown, HTML, a CI script reading the
plan file) sees `hosts 20 -> 25` as data, not as prose. `_differs` finds the differing fields; the
values shown are the whole field on each side (a country list as a sorted list), null where the
field is absent.

Paths: a call on one entry (update_base, add_addon, update_addon, cancel_addon) names the field
alone (`hosts`, `tollfree_countries`). A subscribe buys several entries at once, so its paths
name the entry first: `plan_base.hosts`, and for an add-on `<group>[<type>].<field>` such as
`plan_webinar[webinar500_monthly].hosts` (the type tells two entries of one list group apart),
`plan_bundle[CODE].type` for a bundle and `subscription_options.contract_term` for Zoom's
subscription options.
A new entry (subscribe, add_addon) lists every field with before null, `type` included; a
cancellation lists every field of the live entry with after null.

Each call's entries are compared on the normalised entries the planner already holds (no
serialising). A call that only creates or only removes entries changes every field of them.
Otherwise a field changed when it is on one side only or its two values differ as DeepDiff (the
product's diff engine, SPEC section 6) reads them: a different type is a change (`5` and `5.0`,
`1` and `True`) and lists compare in order (their scalar items by `==`). Normalised fields are
almost always JSON scalars or lists of them (`hosts`, `type`, country lists), which `_same`
compares with DeepDiff's rules; any other value (a nested object) goes to DeepDiff itself.
DeepDiff costs about 0.1 ms a pair, a third of planning 10,000 accounts when every changed
entry went through it (issue 19); `tests/planner/test_field_changes.py` checks the result
against an independent oracle and `_same` against DeepDiff on random values.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from reconciler.groups.operations import Sides, spec_of
from reconciler.planner.fast_instances import action_with_changes
from reconciler.planner.model import AccountPlan, Action, FieldChange

#: One action's side, flattened: entry name ("" for a one-entry call) -> its fields.
_Entries = dict[str, dict[str, Any]]


def _entries(op: str, side: Mapping[str, Any] | None) -> _Entries:
    """A call's `before` or `after` as entry -> fields (see the module docstring's paths)."""
    if side is None:
        return {}
    if spec_of(op).sides is not Sides.SUBSCRIPTION:
        return {"": dict(side)}
    entries: _Entries = {}
    base = side.get("plan_base")
    if isinstance(base, Mapping):
        entries["plan_base"] = dict(base)
    for code in side.get("bundle") or ():
        entries[f"plan_bundle[{code}]"] = {"type": code}
    for addon in side.get("addons") or ():
        fields = {k: v for k, v in addon.items() if k != "group"}
        entries[f"{addon.get('group')}[{fields.get('type')}]"] = fields
    options = side.get("subscription_options")
    if isinstance(options, Mapping) and options:
        entries["subscription_options"] = dict(options)
    return entries


def _path(entry: str, name: str) -> str:
    return f"{entry}.{name}" if entry else name


def _field_order(name: str) -> tuple[bool, str]:
    return name != "type", name  # `type` first: it names the entry


def _changes_of(before: _Entries, after: _Entries) -> list[FieldChange]:
    """The changes of one call: entries in order (`before`'s, then the new ones), each entry's
    changed fields with `type` first. A call that only creates (subscribe, add_addon) or only
    removes (cancel_addon) entries changes every field of them, nothing to compare."""
    found: list[FieldChange] = []
    whole = not before or not after
    if not whole and before == after:  # equal pairs: nothing changes (`5 == 5.0` is no change)
        return found
    for entry in [*before, *(e for e in after if e not in before)]:
        old, new = before.get(entry, {}), after.get(entry, {})
        names = old.keys() | new.keys() if whole else _changed_fields(old, new)
        for name in sorted(names, key=_field_order):
            found.append(FieldChange(_path(entry, name), old.get(name), new.get(name)))
    return found


#: Values `_same` compares itself; DeepDiff reads these exactly so (type, then `==`).
_SCALARS = frozenset({str, int, float, bool, type(None)})


def _same(old: Any, new: Any) -> bool:
    """Whether DeepDiff finds no difference between two values of a field: scalars of the same
    type and equal, lists of scalars equal item by item; other values are DeepDiff's own."""
    if old is new:  # DeepDiff's first test too (so one NaN object equals itself)
        return True
    kind = type(old)
    if kind is not type(new):
        return False
    if kind in _SCALARS:
        equal: bool = old == new  # two NaN objects differ, as in DeepDiff
        return equal
    if kind is list and all(type(v) in _SCALARS for v in (*old, *new)):
        # DeepDiff matches lists of scalars as sequences (difflib), item by `==`: in a list,
        # `0` and `False` or `1` and `1.0` are the same item (country lists are strings).
        listed: bool = old == new
        return listed
    from deepdiff import DeepDiff  # nested values only: its import costs start-up time

    return not DeepDiff(old, new)


def _changed_fields(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    """The fields of one entry that are changed, added or removed."""
    return [
        name
        for name in old.keys() | new.keys()
        if name not in old or name not in new or not _same(old[name], new[name])
    ]


def calls_changes(accounts: Sequence[Sequence[Action]]) -> list[list[tuple[FieldChange, ...]]]:
    """The changes of every call of every account (a list of calls each)."""
    found: list[list[tuple[FieldChange, ...]]] = []
    for actions in accounts:
        calls = []
        for action in actions:
            before, after = _entries(action.op, action.before), _entries(action.op, action.after)
            calls.append(tuple(_changes_of(before, after)))
        found.append(calls)
    return found


def actions_with_changes(actions: tuple[Action, ...]) -> tuple[Action, ...]:
    """One account's actions with their `changes` filled in (the planner's last step for it)."""
    if not actions:
        return actions
    found = calls_changes([actions])[0]
    return tuple(action_with_changes(a, changes) for a, changes in zip(actions, found, strict=True))


def with_changes(accounts: Sequence[AccountPlan]) -> list[AccountPlan]:
    """The AccountPlans with each action's `changes` filled in."""
    return [
        replace(account, actions=actions_with_changes(account.actions))
        if account.actions
        else account
        for account in accounts
    ]


def changes_of(action: Action) -> tuple[FieldChange, ...]:
    """An action's changes: as recorded, or computed for a plan file written before them."""
    recorded = action.changes
    return recorded if recorded is not None else calls_changes([[action]])[0][0]

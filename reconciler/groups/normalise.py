"""One reading of Zoom's plan shapes, used for the desired YAML and the live GET answer alike.

The planner compares the two sides only after both went through `normalise_plans`, so an
applied plan re-plans to nothing. What normalisation does, and why:

- Read-only facts (dates, invoice fields, usage, status) are dropped: Zoom changes them on its
  own and they are never sent. `status` is read first: an entry whose status is `cancelled` or
  `expired` is still listed by GET until its paid period ends, but the account no longer keeps
  it, so it counts as absent.
- Add-ons are keyed by `(group, type)`; list groups (webinar, large meeting...) and single
  groups (zoom rooms, audio...) share one shape, and `plan_phone`'s nested groups become
  `plan_phone.plan_base`, `plan_phone.plan_calling`, `plan_phone.plan_number`.
- `plan_recording` may be Zoom's plain string (with sibling `plan_recording_status`) or the
  YAML's `{type, state}`.
- Countries (a YAML list or Zoom's comma string) become sorted lists without duplicates.
- Zoom's `""`, `0` and `null` for an unset field count as absent, so a field the desired entry
  leaves out is simply not there, and the planner neither compares nor sends it.
- Which groups exist, their shapes and nesting come from `reconciler.groups.table`. Keys the
  table does not know (Zoom adds groups) are kept aside, read-only fields stripped, so the
  planner can report them as unmanaged by name; usage-only and reply-only keys are understood.
- `plan_bundle` (subscribe only) and `paid_period_start_date` (a scheduled change) are desired
  facts sent with a call and never compared, so they are kept apart from the compared fields.

The table is compiled at import into a rule per top-level key of GET /plans (below) and the
fields of an entry are read by a rule per field name (`field_rules.py`), so reading an answer
is one pass over its own keys: its cost grows with the answer, not with the table.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from reconciler.groups import table
from reconciler.groups.canonical import canonical_json as canonical_json
from reconciler.groups.canonical import canonical_sha256 as canonical_sha256
from reconciler.groups.field_rules import COUNTRY_FIELDS as COUNTRY_FIELDS
from reconciler.groups.field_rules import (
    SCHEDULE_KEY,
    asks_cancel,
    cancel_notes,
    is_inactive,
    is_read_only,
    is_unset,
    read_entry,
    scheduled_from,
    strip_read_only,
)
from reconciler.groups.field_rules import countries as countries
from reconciler.groups.field_rules import entry_fields as entry_fields
from reconciler.groups.normalised import AddonKey as AddonKey
from reconciler.groups.normalised import AmbiguousEntries as AmbiguousEntries
from reconciler.groups.normalised import NormalisedPlans as NormalisedPlans
from reconciler.groups.normalised import PlanShapeError as PlanShapeError

# The names below are views of `reconciler.groups.table`, kept for the modules that read them.
RECORDING = table.RECORDING.key
#: Every group read from an answer besides the base plan, in the order plans list them.
_READ_GROUPS = tuple(g for g in table.GROUPS if g.in_get and g is not table.BASE)
#: Groups where an account keeps at most one active entry: a different type is a type change.
ONE_PER_ACCOUNT = frozenset(g.key for g in _READ_GROUPS if g.one_per_account)
#: Groups whose entries carry a seat count that PUT /plans/addons can change.
HOSTED_GROUPS = frozenset(g.key for g in _READ_GROUPS if g.seats and g.is_addon)
#: Top-level keys that are not plan groups of GET /plans but are understood: usage-only and
#: reply-only keys, and the subscribe-only bundle (its own field of NormalisedPlans).
_UNDERSTOOD = table.USAGE_ONLY_KEYS | table.REPLY_ONLY_KEYS | {table.BUNDLE.key}


def _entries(value: Any, where: str) -> list[Mapping[str, Any]]:
    """A group's entries whether Zoom answered an object or a list."""
    kind = type(value)
    if kind is dict:  # the common shapes first, without an abc check
        return [value]
    if kind is list:
        for item in value:  # a loop, not all(): lists hold a few entries, often one
            if type(item) is not dict:
                break
        else:
            entries: list[Mapping[str, Any]] = value  # a list of dicts, checked just above
            return entries
    if is_unset(value):
        return []
    if isinstance(value, Mapping):
        return [value]
    if isinstance(value, list):
        bad = [v for v in value if not isinstance(v, Mapping)]
        if bad:
            raise PlanShapeError(f"{where}: list entries must be objects, not {bad[0]!r}")
        return value
    raise PlanShapeError(f"{where}: expected an object or a list, not {value!r}")


def _recording_entries(plans: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    value = plans.get(RECORDING)
    if is_unset(value):
        return []
    if isinstance(value, str):
        # Zoom's shape: a plain type string, its status in a sibling field.
        return [{"type": value, "status": plans.get("plan_recording_status")}]
    if isinstance(value, Mapping):
        return [value]
    raise PlanShapeError(f"{RECORDING}: expected a plan type string or {{type, state}}")


def _container(plans: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    value = plans.get(name)
    if is_unset(value):
        return {}
    if not isinstance(value, Mapping):
        raise PlanShapeError(f"{name}: expected an object, not {value!r}")
    return value


#: What one top-level key of an answer contributes: its entries, each with its (dotted) group
#: key, into `found`, and what no row knows into `unknown`.
_Found = list[tuple[str, Mapping[str, Any]]]
_Handler = Callable[[Mapping[str, Any], _Found, dict[str, Any]], None]


def _read_recording(plans: Mapping[str, Any], found: _Found, _unknown: dict[str, Any]) -> None:
    for entry in _recording_entries(plans):
        found.append((RECORDING, entry))


def _container_handler(name: str) -> _Handler:
    nested = {g.name: g.key for g in _READ_GROUPS if g.container == name}

    def read(plans: Mapping[str, Any], found: _Found, unknown: dict[str, Any]) -> None:
        for sub, inner in _container(plans, name).items():
            group = nested.get(sub)
            if group is not None:
                for entry in _entries(inner, group):
                    found.append((group, entry))
            elif not is_read_only(sub) and not is_unset(inner):
                unknown[f"{name}.{sub}"] = strip_read_only(inner)

    return read


def _compile_keys() -> tuple[dict[str, str], dict[str, _Handler], frozenset[str]]:
    """The group table as a rule per key of GET /plans, made once at import: a top-level group
    holding entries (most of them) is its group key, read inline; the recording string and the
    containers have a handler; every other key the table knows holds no entry (the base plan,
    read first, the recording's siblings, usage-only keys, the bundle)."""
    plain: dict[str, str] = {}
    handlers: dict[str, _Handler] = {name: _container_handler(name) for name in table.CONTAINERS}
    for group in _READ_GROUPS:
        if group is table.RECORDING:
            handlers[group.name] = _read_recording
        elif group.container is None:
            plain[group.name] = group.key
    understood = frozenset(table.TOP_LEVEL_KEYS | _UNDERSTOOD) - plain.keys() - handlers.keys()
    return plain, handlers, understood


#: Every top-level key the table knows: a group key, a handler, or a key holding no entry.
_PLAIN_GROUPS, _HANDLERS, _NO_ENTRIES = _compile_keys()


def _walk(plans: Mapping[str, Any]) -> tuple[_Found, dict[str, Any]]:
    """Every entry of the answer with its (dotted) group key, and the keys no row knows."""
    found: _Found = []
    unknown: dict[str, Any] = {}
    plain, handlers, no_entries = _PLAIN_GROUPS, _HANDLERS, _NO_ENTRIES
    for key, value in plans.items():
        group = plain.get(key)
        if group is not None:
            if type(value) is dict:  # one entry: the common shape, without a call
                found.append((group, value))
            else:
                for entry in _entries(value, group):
                    found.append((group, entry))
        elif key in no_entries:
            continue
        elif key in handlers:
            handlers[key](plans, found, unknown)
        elif not is_read_only(key) and not is_unset(value):
            unknown[key] = strip_read_only(value)
    return found, unknown


def _bundle(plans: Mapping[str, Any]) -> tuple[str, ...]:
    if table.BUNDLE.key not in plans:
        return ()
    codes: list[str] = []
    for entry in _entries(plans.get(table.BUNDLE.key), table.BUNDLE.key):
        code = entry.get("type")
        if not isinstance(code, str) or not code.strip():
            raise PlanShapeError(f"{table.BUNDLE.key}: an entry without a plan type")
        codes.append(code)
    return tuple(codes)


def _read_base(value: Any) -> tuple[dict[str, Any] | None, bool]:
    """The base plan's fields (None: blank, or inactive without asking for a cancellation)
    and whether the entry asks to cancel it. An inactive base is absent: unlike an add-on's,
    it is not read (nor refused) at all, unless the desired side asks to cancel it."""
    if type(value) is dict:
        pass  # the common shape, without a call
    elif is_unset(value):
        return None, False
    elif not isinstance(value, Mapping):
        raise PlanShapeError(f"plan_base: expected an object, not {value!r}")
    if is_inactive(value):
        if not asks_cancel(value):
            return None, False
        return read_entry(value, "plan_base")[0], True
    return read_entry(value, "plan_base")[0], False


def normalise_plans(plans: Mapping[str, Any] | None) -> NormalisedPlans:
    """Read one plans object (a GET answer or a desired `plans:`) into the comparable shape.

    Raises PlanShapeError for a shape no reading of Zoom explains, and its AmbiguousEntries
    for two active entries of one type; callers turn either into an error on that one account.
    """
    if plans is None:
        return NormalisedPlans(base=None)
    if type(plans) is not dict and not isinstance(plans, Mapping):  # dict: no abc check
        raise PlanShapeError(f"plans must be an object, not {type(plans).__name__}")
    base_value: Any = plans.get("plan_base")  # a Mapping wherever a base was read
    base, cancel_base = _read_base(base_value)
    scheduled: dict[AddonKey, str] = {}
    cancelled_base: str | None = None
    notes: dict[AddonKey, dict[str, Any]] = {}
    if base is None:
        pass  # blank or inactive: no base plan
    elif cancel_base:
        cancelled_base = base["type"]
        notes[("plan_base", cancelled_base)] = cancel_notes(base_value)
        base = None
    elif SCHEDULE_KEY in base_value:
        when = scheduled_from(base_value)
        if when is not None:
            scheduled[("plan_base", base["type"])] = when
    addons: dict[AddonKey, dict[str, Any]] = {}
    cancelled: set[AddonKey] = set()
    twins: dict[AddonKey, list[dict[str, Any]]] = {}
    found, unknown = _walk(plans)
    for group, entry in found:
        fields, inactive = read_entry(entry, group)
        if fields is None:
            continue
        key = (group, fields["type"])
        if inactive:
            # Desired `state: cancelled` asks for a cancellation; a live cancelled or expired
            # entry is just absent. Only the desired side spells `state`.
            if "state" in entry and asks_cancel(entry):
                cancelled.add(key)
                notes[key] = cancel_notes(entry)
            continue
        if key in addons:
            twins.setdefault(key, [addons[key]]).append(fields)
        addons[key] = fields
        if SCHEDULE_KEY in entry:
            when = scheduled_from(entry)
            if when is not None:
                scheduled[key] = when
    if twins:
        (group, type_), entries = min(twins.items())
        raise AmbiguousEntries(group, type_, entries)
    return NormalisedPlans.read(
        base,
        addons,
        frozenset(cancelled - addons.keys()) if cancelled else frozenset(),
        unknown,
        _bundle(plans),
        scheduled,
        cancelled_base,
        {k: v for k, v in notes.items() if v and k not in addons} if notes else {},
    )

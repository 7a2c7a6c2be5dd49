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
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

from reconciler.groups import table
from reconciler.groups.canonical import canonical_json as canonical_json
from reconciler.groups.canonical import canonical_sha256 as canonical_sha256
from reconciler.groups.normalised import AddonKey as AddonKey
from reconciler.groups.normalised import AmbiguousEntries as AmbiguousEntries
from reconciler.groups.normalised import NormalisedPlans as NormalisedPlans
from reconciler.groups.normalised import PlanShapeError as PlanShapeError
from reconciler.groups.table import Shape

INACTIVE_STATUSES = frozenset({"cancelled", "canceled", "expired"})

# The names below are views of `reconciler.groups.table`, kept for the modules that read them.
RECORDING = table.RECORDING.key
PHONE_BASE = "plan_phone.plan_base"
#: Every group read from an answer besides the base plan, in the order plans list them.
_READ_GROUPS = tuple(g for g in table.GROUPS if g.in_get and g is not table.BASE)
ADDON_GROUPS: tuple[str, ...] = tuple(g.key for g in _READ_GROUPS)
#: Add-on groups holding one entry (Zoom answers an object), and those holding a list.
SINGLE_GROUPS = tuple(g.key for g in _READ_GROUPS if g.shape is Shape.OBJECT)
LIST_GROUPS = tuple(g.key for g in _READ_GROUPS if g.shape is Shape.LIST)
PHONE_LISTS = tuple(k for k in LIST_GROUPS if k.startswith("plan_phone."))
#: Groups where an account keeps at most one active entry: a different type is a type change.
ONE_PER_ACCOUNT = frozenset(g.key for g in _READ_GROUPS if g.one_per_account)
#: Groups whose entries carry a seat count that PUT /plans/addons can change.
HOSTED_GROUPS = frozenset(g.key for g in _READ_GROUPS if g.seats and g.is_addon)
COUNTRY_FIELDS = frozenset({"tollfree_countries", "premium_countries", "callout_countries"})
INTEGER_FIELDS = frozenset({"hosts", "active_hosts", "ddi_numbers"})
#: Keys read but never compared: `state` is the YAML's cancellation marker, `status` Zoom's;
#: `reason` and `comment` are what a desired cancellation tells Zoom (CANCEL_NOTES).
CANCEL_NOTES = ("reason", "comment")
_MARKERS = frozenset({"status", "state", *CANCEL_NOTES})
#: The markers that say an entry is no longer kept (`cancelled`, `expired`).
_ACTIVITY_MARKERS = frozenset({"status", "state"})
#: Zoom's facts about an entry that it sets itself (Video SDK minutes and prices, the 201
#: reply's partner pricing) and `paid_period_start_date`, which `scheduled` reads instead.
_READ_ONLY = frozenset(
    {
        "usage",
        "pending",
        "invoice",
        "paid_period_start_date",
        "included_minutes",
        "overage_price",
        "partner_sku",
        "discount_rate",
        "discount_percent",
    }
)
#: Top-level keys that are not plan groups of GET /plans but are understood: usage-only and
#: reply-only keys, and the subscribe-only bundle (its own field of NormalisedPlans).
_UNDERSTOOD = table.USAGE_ONLY_KEYS | table.REPLY_ONLY_KEYS | {table.BUNDLE.key}
#: The key whose presence makes a desired entry a scheduled change (Zoom's request field).
SCHEDULE_KEY = "paid_period_start_date"


def _is_unset(value: Any) -> bool:
    """Zoom writes `""`, `0` or null for a field that is not set; so do pasted answers."""
    kind = type(value)
    if kind is str:
        return not value.strip()
    if kind is int or kind is float:
        zero: bool = value == 0  # an int or a float here, so a bool
        return zero
    if value is None:
        return True
    if kind is list or kind is tuple:
        return not value
    return False  # booleans, objects, other types: set


@lru_cache(maxsize=4096)
def is_read_only(key: str) -> bool:
    """Dates and invoice facts change on Zoom's side and are never sent (cached: hot path)."""
    return key in _READ_ONLY or key.endswith("_date") or "invoice" in key


def countries(value: Any) -> list[str]:
    """A YAML list or Zoom's `"US,CA"` string as a sorted list without duplicates."""
    if isinstance(value, str):
        return list(_countries_of(tuple(value.split(","))))
    kind = type(value)
    if (kind is list or kind is tuple) and all(type(p) is str for p in value):
        return list(_countries_of(tuple(value)))  # a YAML list of codes: no str() each
    if isinstance(value, (list, tuple, set, frozenset)):
        return list(_countries_of(tuple(str(p) for p in value)))
    raise PlanShapeError(f"countries must be a list or a comma string, not {value!r}")


@lru_cache(maxsize=1024)
def _countries_of(parts: tuple[str, ...]) -> tuple[str, ...]:
    """Sorted, stripped, without blanks and duplicates; read once per distinct spelling
    (a plan's accounts repeat a handful)."""
    return tuple(sorted({p.strip() for p in parts if p.strip()}))


def _integer(value: Any) -> Any:
    # Zoom documents integers, but numeric strings have been seen in answers; read both.
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


# How an entry's field is read, decided once per field name (`_field_rule`), so reading an
# entry is one pass over its own keys: skipped (markers, read-only facts), countries, integer,
# or kept as it is.
_SKIP, _COUNTRIES, _INTEGER, _KEEP, _MARKER = range(5)
_FIELD_RULES: dict[str, int] = {}


def _field_rule(key: str) -> int:
    """The rule of a field name not met before (the table of names is then one dict lookup)."""
    if key in _ACTIVITY_MARKERS:
        rule = _MARKER
    elif key in _MARKERS or is_read_only(key):
        rule = _SKIP
    elif key in COUNTRY_FIELDS:
        rule = _COUNTRIES
    elif key in INTEGER_FIELDS:
        rule = _INTEGER
    else:
        rule = _KEEP
    if len(_FIELD_RULES) < 4096:  # names come from Zoom's answers: keep the cache bounded
        _FIELD_RULES[key] = rule
    return rule


def _read_entry(entry: Mapping[str, Any], where: str) -> tuple[dict[str, Any] | None, bool]:
    """`type` plus every managed field that is set, each in its canonical spelling (None for a
    blank entry: `{}` or `{"type": "", "hosts": 0}`, Zoom's way of saying "nothing here"), and
    whether the entry is inactive (`status` or `state` cancelled or expired)."""
    out: dict[str, Any] = {}
    blank = True
    inactive = False
    rules = _FIELD_RULES
    for key, value in entry.items():
        rule = rules.get(key)
        if rule is None:
            rule = _field_rule(key)
        if rule == _SKIP:
            continue
        kind = type(value)  # _is_unset, inlined: this loop runs for every field of every entry
        if rule == _MARKER:
            if kind is str and value.strip().lower() in INACTIVE_STATUSES:
                inactive = True
            continue
        if kind is str:
            if not value.strip():
                continue
            if rule == _KEEP:
                blank = False
                out[key] = value
                continue
        elif kind is int:
            if value == 0:
                continue
            if rule != _COUNTRIES:  # an int is kept as it is, also where one is expected
                blank = False
                out[key] = value
                continue
        elif kind is float:
            if value == 0:
                continue
        elif value is None or ((kind is list or kind is tuple) and not value):
            continue
        blank = False
        if rule == _KEEP:
            out[key] = value
        elif rule == _INTEGER:
            out[key] = _integer(value)
        else:
            listed = countries(value)
            if listed:
                out[key] = listed
    if blank:
        return None, inactive
    if not isinstance(out.get("type"), str):
        raise PlanShapeError(f"{where}: an entry without a plan type: {dict(entry)!r}")
    return out, inactive


def entry_fields(entry: Mapping[str, Any], where: str = "entry") -> dict[str, Any]:
    """One plan entry (a call body, a GET entry) as the diff reads it: `type` plus the managed
    fields that are set, countries as sorted lists, numbers as integers."""
    fields, _ = _read_entry(entry, where)
    if fields is None:  # blank: no type either
        raise PlanShapeError(f"{where}: an entry without a plan type: {dict(entry)!r}")
    return fields


def _is_inactive(entry: Mapping[str, Any]) -> bool:
    """`status` or `state` says cancelled or expired (what `_read_entry` also reports)."""
    for marker in _ACTIVITY_MARKERS:
        value = entry.get(marker)
        if isinstance(value, str) and value.strip().lower() in INACTIVE_STATUSES:
            return True
    return False


def _entries(value: Any, where: str) -> list[Mapping[str, Any]]:
    """A group's entries whether Zoom answered an object or a list."""
    kind = type(value)
    if kind is dict:  # the common shapes first, without an abc check
        return [value]
    if kind is list and all(type(v) is dict for v in value):
        entries: list[Mapping[str, Any]] = value  # a list of dicts, checked just above
        return entries
    if _is_unset(value):
        return []
    if isinstance(value, Mapping):
        return [value]
    if isinstance(value, list):
        bad = [v for v in value if not isinstance(v, Mapping)]
        if bad:
            raise PlanShapeError(f"{where}: list entries must be objects, not {bad[0]!r}")
        return value
    raise PlanShapeError(f"{where}: expected an object or a list, not {value!r}")


def _strip_read_only(value: Any) -> Any:
    """Unknown groups are compared and fingerprinted without their dates and invoice fields."""
    if isinstance(value, Mapping):
        return {
            k: _strip_read_only(v) for k, v in sorted(value.items()) if not is_read_only(str(k))
        }
    if isinstance(value, list):
        return [_strip_read_only(v) for v in value]
    return value


def _recording_entries(plans: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    value = plans.get(RECORDING)
    if _is_unset(value):
        return []
    if isinstance(value, str):
        # Zoom's shape: a plain type string, its status in a sibling field.
        return [{"type": value, "status": plans.get("plan_recording_status")}]
    if isinstance(value, Mapping):
        return [value]
    raise PlanShapeError(f"{RECORDING}: expected a plan type string or {{type, state}}")


def _container(plans: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    value = plans.get(name)
    if _is_unset(value):
        return {}
    if not isinstance(value, Mapping):
        raise PlanShapeError(f"{name}: expected an object, not {value!r}")
    return value


#: What one top-level key of an answer contributes: its entries, each with its (dotted) group
#: key, into `found`, and what no row knows into `unknown`.
_Found = list[tuple[str, Mapping[str, Any]]]
_Handler = Callable[[Mapping[str, Any], Any, _Found, dict[str, Any]], None]


def _read_recording(
    plans: Mapping[str, Any], _value: Any, found: _Found, _unknown: dict[str, Any]
) -> None:
    found.extend((RECORDING, e) for e in _recording_entries(plans))


def _container_handler(name: str) -> _Handler:
    nested = {g.name: g.key for g in _READ_GROUPS if g.container == name}

    def read(plans: Mapping[str, Any], _value: Any, found: _Found, unknown: dict[str, Any]) -> None:
        for sub, inner in _container(plans, name).items():
            group = nested.get(sub)
            if group is not None:
                found.extend((group, e) for e in _entries(inner, group))
            elif not is_read_only(sub) and not _is_unset(inner):
                unknown[f"{name}.{sub}"] = _strip_read_only(inner)

    return read


def _ignore(_plans: Mapping[str, Any], _value: Any, _found: _Found, _u: dict[str, Any]) -> None:
    """A top-level key that is understood but holds no entry (base plan, usage-only, bundle)."""


def _compile_handlers() -> tuple[dict[str, str], dict[str, _Handler]]:
    """The group table as a rule per key of GET /plans, made once at import: a top-level group
    holding entries (most of them) is its group key, read inline; any other key the table
    knows (the recording string, the containers, keys holding no entry) has a handler."""
    plain: dict[str, str] = {}
    handlers: dict[str, _Handler] = dict.fromkeys((*table.TOP_LEVEL_KEYS, *_UNDERSTOOD), _ignore)
    for group in _READ_GROUPS:
        if group is table.RECORDING:
            handlers[group.name] = _read_recording
        elif group.container is None:
            plain[group.name] = group.key
            del handlers[group.name]
    for name in table.CONTAINERS:
        handlers[name] = _container_handler(name)
    return plain, handlers


#: Every top-level key the table knows, as a group key or a handler: reading an answer is one
#: pass over its own keys, so its cost grows with the answer, not with the table.
_PLAIN_GROUPS, _HANDLERS = _compile_handlers()


def _walk(plans: Mapping[str, Any]) -> tuple[_Found, dict[str, Any]]:
    """Every entry of the answer with its (dotted) group key, and the keys no row knows."""
    found: _Found = []
    unknown: dict[str, Any] = {}
    plain, handlers = _PLAIN_GROUPS, _HANDLERS
    for key, value in plans.items():
        group = plain.get(key)
        if group is not None:
            if type(value) is dict:  # one entry: the common shape, without a call
                found.append((group, value))
            else:
                for entry in _entries(value, group):
                    found.append((group, entry))
            continue
        handler = handlers.get(key)
        if handler is not None:
            handler(plans, value, found, unknown)
        elif not is_read_only(key) and not _is_unset(value):
            unknown[key] = _strip_read_only(value)
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


def _cancel_notes(entry: Mapping[str, Any]) -> dict[str, Any]:
    """`reason` and `comment` of a desired cancellation, as Zoom's PATCH takes them."""
    return {name: entry[name] for name in CANCEL_NOTES if not _is_unset(entry.get(name))}


def _asks_cancel(entry: Mapping[str, Any]) -> bool:
    """Only the desired side spells `state`: a live cancelled entry is just absent."""
    return str(entry.get("state", "")).lower() in INACTIVE_STATUSES


def _scheduled_from(entry: Mapping[str, Any]) -> str | None:
    value = entry.get(SCHEDULE_KEY)
    if value is None or _is_unset(value):
        return None
    return str(value)


def normalise_plans(plans: Mapping[str, Any] | None) -> NormalisedPlans:
    """Read one plans object (a GET answer or a desired `plans:`) into the comparable shape.

    Raises PlanShapeError for a shape no reading of Zoom explains, and its AmbiguousEntries
    for two active entries of one type; callers turn either into an error on that one account.
    """
    if plans is None:
        return NormalisedPlans(base=None)
    if type(plans) is not dict and not isinstance(plans, Mapping):  # dict: no abc check
        raise PlanShapeError(f"plans must be an object, not {type(plans).__name__}")
    base_value = plans.get("plan_base")
    base: dict[str, Any] | None = None
    scheduled: dict[AddonKey, str] = {}
    cancelled_base: str | None = None
    notes: dict[AddonKey, dict[str, Any]] = {}
    if not _is_unset(base_value):
        if type(base_value) is not dict and not isinstance(base_value, Mapping):
            raise PlanShapeError(f"plan_base: expected an object, not {base_value!r}")
        asks_cancel = _asks_cancel(base_value)
        # An inactive base is absent: unlike an add-on's, it is not read (nor refused) at all.
        read = (
            _read_entry(base_value, "plan_base")[0]
            if asks_cancel or not _is_inactive(base_value)
            else None
        )
        if read is None:
            pass  # blank or inactive: no base plan
        elif asks_cancel:
            cancelled_base = read["type"]
            notes[("plan_base", cancelled_base)] = _cancel_notes(base_value)
        else:
            base = read
            when = _scheduled_from(base_value)
            if when is not None:
                scheduled[("plan_base", base["type"])] = when
    addons: dict[AddonKey, dict[str, Any]] = {}
    cancelled: set[AddonKey] = set()
    twins: dict[AddonKey, list[dict[str, Any]]] = {}
    found, unknown = _walk(plans)
    for group, entry in found:
        fields, inactive = _read_entry(entry, group)
        if fields is None:
            continue
        key = (group, fields["type"])
        if inactive:
            # Desired `state: cancelled` asks for a cancellation; a live cancelled or expired
            # entry is just absent. Only the desired side spells `state`.
            if _asks_cancel(entry):
                cancelled.add(key)
                notes[key] = _cancel_notes(entry)
            continue
        if key in addons:
            twins.setdefault(key, [addons[key]]).append(fields)
        addons[key] = fields
        if SCHEDULE_KEY in entry:
            when = _scheduled_from(entry)
            if when is not None:
                scheduled[key] = when
    if twins:
        (group, type_), entries = min(twins.items())
        raise AmbiguousEntries(group, type_, entries)
    return NormalisedPlans(
        base=base,
        addons=addons,
        cancelled=frozenset(cancelled - addons.keys()) if cancelled else frozenset(),
        unknown=unknown,
        bundle=_bundle(plans),
        scheduled=scheduled,
        cancelled_base=cancelled_base,
        cancel_notes={k: v for k, v in notes.items() if v and k not in addons} if notes else {},
    )

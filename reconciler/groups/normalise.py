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

from collections.abc import Mapping
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
        parts = value.split(",")
    elif isinstance(value, (list, tuple, set, frozenset)):
        parts = [str(p) for p in value]
    else:
        raise PlanShapeError(f"countries must be a list or a comma string, not {value!r}")
    return sorted({p.strip() for p in parts if p.strip()})


def _integer(key: str, value: Any) -> Any:
    # Zoom documents integers, but numeric strings have been seen in answers; read both.
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _is_inactive(entry: Mapping[str, Any]) -> bool:
    for marker in ("status", "state"):
        value = entry.get(marker)
        if isinstance(value, str) and value.strip().lower() in INACTIVE_STATUSES:
            return True
    return False


def _fields(entry: Mapping[str, Any], where: str) -> dict[str, Any]:
    """`type` plus every managed field that is set, each in its canonical spelling."""
    out: dict[str, Any] = {}
    for key, value in entry.items():
        if key in _MARKERS or _is_unset(value) or is_read_only(key):
            continue
        if key in COUNTRY_FIELDS:
            listed = countries(value)
            if listed:
                out[key] = listed
        elif key in INTEGER_FIELDS:
            out[key] = _integer(key, value)
        else:
            out[key] = value
    if not isinstance(out.get("type"), str):
        raise PlanShapeError(f"{where}: an entry without a plan type: {dict(entry)!r}")
    return out


def entry_fields(entry: Mapping[str, Any], where: str = "entry") -> dict[str, Any]:
    """One plan entry (a call body, a GET entry) as the diff reads it: `type` plus the managed
    fields that are set, countries as sorted lists, numbers as integers."""
    return _fields(entry, where)


def _is_blank(entry: Mapping[str, Any]) -> bool:
    """`{}` or `{"type": "", "hosts": 0}`: Zoom's way of saying "nothing here"."""
    return all(_is_unset(v) or is_read_only(k) or k in _MARKERS for k, v in entry.items())


def _entries(value: Any, where: str) -> list[Mapping[str, Any]]:
    """A group's entries whether Zoom answered an object or a list."""
    if _is_unset(value):
        return []
    if isinstance(value, Mapping):
        return [value]
    if isinstance(value, list):
        bad = [v for v in value if not isinstance(v, Mapping)]
        if bad:
            raise PlanShapeError(f"{where}: list entries must be objects, not {bad[0]!r}")
        return list(value)
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


#: The rows read from an answer, by top-level key and by container and nested key: the walk
#: follows the answer's own keys, so its cost grows with the answer, not with the table.
_TOP_ROWS = {g.name: g for g in _READ_GROUPS if g.container is None}
_NESTED_ROWS = {c: {g.name: g for g in _READ_GROUPS if g.container == c} for c in table.CONTAINERS}


def _walk(
    plans: Mapping[str, Any],
) -> tuple[list[tuple[str, Mapping[str, Any]]], dict[str, Any]]:
    """Every entry of the answer with its (dotted) group key, and the keys no row knows (one
    pass over the answer's own keys: the 2 s CPU budget for 10,000 accounts)."""
    found: list[tuple[str, Mapping[str, Any]]] = []
    unknown: dict[str, Any] = {}
    for key, value in plans.items():
        row = _TOP_ROWS.get(key)
        if row is table.RECORDING:
            found.extend((RECORDING, e) for e in _recording_entries(plans))
        elif row is not None:
            found.extend((row.key, e) for e in _entries(value, row.key))
        elif key in _NESTED_ROWS:
            nested = _NESTED_ROWS[key]
            for sub, inner in _container(plans, key).items():
                sub_row = nested.get(sub)
                if sub_row is not None:
                    found.extend((sub_row.key, e) for e in _entries(inner, sub_row.key))
                elif not is_read_only(sub) and not _is_unset(inner):
                    unknown[f"{key}.{sub}"] = _strip_read_only(inner)
        elif key in table.TOP_LEVEL_KEYS or key in _UNDERSTOOD or is_read_only(key):
            continue
        elif not _is_unset(value):
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
    if not isinstance(plans, Mapping):
        raise PlanShapeError(f"plans must be an object, not {type(plans).__name__}")
    base_value = plans.get("plan_base")
    base: dict[str, Any] | None = None
    scheduled: dict[AddonKey, str] = {}
    cancelled_base: str | None = None
    notes: dict[AddonKey, dict[str, Any]] = {}
    if not _is_unset(base_value):
        if not isinstance(base_value, Mapping):
            raise PlanShapeError(f"plan_base: expected an object, not {base_value!r}")
        if _asks_cancel(base_value) and not _is_blank(base_value):
            cancelled_base = _fields(base_value, "plan_base")["type"]
            notes[("plan_base", cancelled_base)] = _cancel_notes(base_value)
        elif not _is_inactive(base_value) and not _is_blank(base_value):
            base = _fields(base_value, "plan_base")
            when = _scheduled_from(base_value)
            if when is not None:
                scheduled[("plan_base", base["type"])] = when
    addons: dict[AddonKey, dict[str, Any]] = {}
    cancelled: set[AddonKey] = set()
    twins: dict[AddonKey, list[dict[str, Any]]] = {}
    found, unknown = _walk(plans)
    for group, entry in found:
        if _is_blank(entry):
            continue
        fields = _fields(entry, group)
        key = (group, fields["type"])
        if _is_inactive(entry):
            # Desired `state: cancelled` asks for a cancellation; a live cancelled or expired
            # entry is just absent. Only the desired side spells `state`.
            if _asks_cancel(entry):
                cancelled.add(key)
                notes[key] = _cancel_notes(entry)
            continue
        if key in addons:
            twins.setdefault(key, [addons[key]]).append(fields)
        addons[key] = fields
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

"""How the fields of one plan entry are read: a rule per field name, decided once.

`normalise.py` reads every entry of every answer (a plan of 10,000 accounts reads some 120,000),
so this is the hot path of planning. Each field name gets its rule the first time it is met
(markers, read-only facts, countries, integers, kept as written) and is then one dict lookup:
reading an entry is one pass over its own keys, with no walk of the table per entry.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any, Final

from reconciler.groups.normalised import PlanShapeError

INACTIVE_STATUSES = frozenset({"cancelled", "canceled", "expired"})
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
#: The key whose presence makes a desired entry a scheduled change (Zoom's request field).
SCHEDULE_KEY = "paid_period_start_date"


def is_unset(value: Any) -> bool:
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
    kind = type(value)
    if kind is str:
        spelling: str | tuple[Any, ...] = value
    elif kind is list or kind is tuple:
        spelling = tuple(value)
    else:
        return list(_read_countries(value))
    try:
        known = _SPELLINGS.get(spelling)
    except TypeError:  # an unhashable item (an object): never a list of codes
        return list(_read_countries(value))
    if known is None:
        known = _read_countries(value)
        # Only plain strings are remembered: `(1,)` equals `(1.0,)` and `(True,)`, which read
        # differently. Spellings come from Zoom's answers: the memory stays bounded.
        if len(_SPELLINGS) < 1024 and (kind is str or all(type(p) is str for p in spelling)):
            _SPELLINGS[spelling] = known
    return list(known)


#: Country spellings read before (a plan's accounts repeat a handful): the codes they give.
_SPELLINGS: dict[str | tuple[Any, ...], tuple[str, ...]] = {}


def _read_countries(value: Any) -> tuple[str, ...]:
    """Sorted, stripped, without blanks and duplicates."""
    if isinstance(value, str):
        parts: Any = value.split(",")
    elif isinstance(value, (list, tuple, set, frozenset)):
        parts = (p if type(p) is str else str(p) for p in value)
    else:
        raise PlanShapeError(f"countries must be a list or a comma string, not {value!r}")
    return tuple(sorted({p.strip() for p in parts if p.strip()}))


#: Digits of the longest numeric string read as a number (seats never come near it).
_MOST_DIGITS: Final = 18


def _integer(value: Any) -> Any:
    # Zoom documents integers, but numeric strings have been seen in answers; read both.
    if isinstance(value, str):
        text = value.strip()
        # ASCII digits only, and few: "²" is a digit to str.isdigit and 5,000 digits are over
        # int()'s limit; either was a ValueError. Left as written, like any other string.
        if text.isascii() and text.isdigit() and len(text) <= _MOST_DIGITS:
            return int(text)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


# A field's rule, decided once per field name.
_KEEP: Final = 1  # kept as written when set (`type`, and fields no rule names)
_INTEGER: Final = 2
_SKIP: Final = 3  # markers' notes and read-only facts
_MARKER: Final = 4  # `status`, `state`: whether the entry is still kept
_COUNTRIES: Final = 5
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


def read_entry(entry: Mapping[str, Any], where: str) -> tuple[dict[str, Any] | None, bool]:
    """`type` plus every managed field that is set, each in its canonical spelling (None for a
    blank entry: `{}` or `{"type": "", "hosts": 0}`, Zoom's way of saying "nothing here"), and
    whether the entry is inactive (`status` or `state` cancelled or expired)."""
    out: dict[str, Any] = {}
    inactive = False
    emptied = False  # a countries field set to only separators: set, but nothing kept
    rules = _FIELD_RULES
    for key, value in entry.items():
        try:
            rule = rules[key]  # (a subscript: cheaper than .get's call, some 400,000 a plan)
        except KeyError:
            rule = _field_rule(key)
        if rule == _KEEP:  # the branches below are `is_unset`, inlined for the common types
            kind = type(value)
            if kind is str:
                if value.strip():
                    out[key] = value
            elif kind is int:
                if value:
                    out[key] = value
            elif not is_unset(value):
                out[key] = value
        elif rule == _INTEGER:
            if type(value) is int:
                if value:
                    out[key] = value
            elif not is_unset(value):
                out[key] = _integer(value)
        elif rule == _SKIP:
            continue
        elif rule == _MARKER:
            if type(value) is str and _inactive_status(value):
                inactive = True
        elif (type(value) is list and value) or not is_unset(value):  # a list: no call
            listed = countries(value)  # the field's rule is _COUNTRIES
            if listed:
                out[key] = listed
            else:
                emptied = True
    if not out and not emptied:
        return None, inactive
    if not isinstance(out.get("type"), str):
        raise PlanShapeError(f"{where}: an entry without a plan type: {dict(entry)!r}")
    return out, inactive


def _inactive_status(status: str) -> bool:
    """Whether Zoom's `status` (or the YAML's `state`) says the entry is no longer kept."""
    known = _STATUSES.get(status)
    if known is None:
        known = status.strip().lower() in INACTIVE_STATUSES
        if len(_STATUSES) < 1024:  # statuses come from Zoom's answers: keep the cache bounded
            _STATUSES[status] = known
    return known


#: Status spellings read before (`active`, `cancelled`...): whether each says inactive.
_STATUSES: dict[str, bool] = {}


def entry_fields(entry: Mapping[str, Any], where: str = "entry") -> dict[str, Any]:
    """One plan entry (a call body, a GET entry) as the diff reads it: `type` plus the managed
    fields that are set, countries as sorted lists, numbers as integers."""
    fields, _ = read_entry(entry, where)
    if fields is None:  # blank: no type either
        raise PlanShapeError(f"{where}: an entry without a plan type: {dict(entry)!r}")
    return fields


def is_inactive(entry: Mapping[str, Any]) -> bool:
    """`status` or `state` says cancelled or expired (what `read_entry` also reports)."""
    status, state = entry.get("status"), entry.get("state")  # the _ACTIVITY_MARKERS
    return (isinstance(status, str) and _inactive_status(status)) or (
        isinstance(state, str) and _inactive_status(state)
    )


def asks_cancel(entry: Mapping[str, Any]) -> bool:
    """Only the desired side spells `state`: a live cancelled entry is just absent."""
    return str(entry.get("state", "")).lower() in INACTIVE_STATUSES


def cancel_notes(entry: Mapping[str, Any]) -> dict[str, Any]:
    """`reason` and `comment` of a desired cancellation, as Zoom's PATCH takes them."""
    if entry.keys().isdisjoint(CANCEL_NOTES):  # most cancellations say neither
        return {}
    return {name: entry[name] for name in CANCEL_NOTES if not is_unset(entry.get(name))}


def scheduled_from(entry: Mapping[str, Any]) -> str | None:
    """The date a desired entry takes effect (`paid_period_start_date`), if it says one."""
    value = entry.get(SCHEDULE_KEY)
    if value is None or is_unset(value):
        return None
    return str(value)


def strip_read_only(value: Any) -> Any:
    """Unknown groups are compared and fingerprinted without their dates and invoice fields."""
    if isinstance(value, Mapping):
        return {k: strip_read_only(v) for k, v in sorted(value.items()) if not is_read_only(str(k))}
    if isinstance(value, list):
        return [strip_read_only(v) for v in value]
    return value

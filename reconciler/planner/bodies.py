"""How Zoom wants each plan spelled on the wire, for every group of `reconciler.groups.table`.

The one place that turns a normalised entry into a request body, reading the group's row:

- a simple add-on (`Call.ADDON`): POST /plans/addons `{type, hosts}`, only the fields the YAML
  sets; a group without seats (no `hosts` in its fields: recording, Video SDK recording,
  Partner Premier, Clips Plus, audio) sends `hosts: 1`, because Zoom's simple shape requires
  hosts; audio also sends the countries the YAML sets, as one comma string each (GET shows
  them; Zoom's 2026 simple shape does not list them, its 2018 notes took them);
- a nested group (Phone, Contact Center, Node): Zoom's own body for it, `{type: "plan_phone",
  plan_details: {plan_calling: [{type, hosts}]}}`, one entry per call, the group under its
  request name (`plan_package_list` for GET's `plan_package_lists`);
- a seat change of any entry, nested or not: PUT /plans/addons `{type, hosts}`;
- a cancellation: PATCH /plans/addons/status `{action: "cancel", type}` with the file's
  `reason` and `comment`; the base plan's: PATCH /plans/base/status without a type;
- the subscribe POST: every group in GET /plans shape, nested groups under their request names.

A scheduled change (`paid_period_start_date` in the YAML) sends both of Zoom's dates, equal, at
the top of the body, where Zoom's 2026 document has them (the simple and Phone add-on bodies,
PUT /plans/addons, PUT /plans/base); its Contact Center and Node bodies have no dates.

Apply reads bodies back through `entry_of` (which plan a body buys or changes), so a nested
body is settled, journaled and priced by its entry's type, never by `plan_phone`.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from reconciler.groups import table
from reconciler.groups.normalise import COUNTRY_FIELDS, AddonKey
from reconciler.groups.table import Call, Shape

#: Zoom's two dates of a scheduled change; sent equal (Zoom refuses them otherwise).
DATE_FIELDS = ("paid_period_start_date", "service_effective_date")
#: Calls whose 2026 request body carries the two dates (Contact Center and Node bodies do not).
DATED_CALLS = frozenset({Call.ADDON, Call.PHONE, Call.BASE})
#: Top `type` of a nested POST body -> the key holding its groups (`plan_details`).
_DETAILS: dict[str, str] = {top: details for top, details in table.NESTED_BODIES.values()}
#: (container, request name) -> the group's GET key: `("plan_zcc", "plan_package_list")`.
_BY_WIRE_NAME: dict[tuple[str, str], str] = {
    (g.container, g.wire_name): g.key for g in table.GROUPS if g.container is not None
}


def wire_value(name: str, value: Any) -> Any:
    """Zoom's schema spells countries as one comma-separated string."""
    if name in COUNTRY_FIELDS and isinstance(value, list):
        return ",".join(value)
    return value


def dates(when: str | None) -> dict[str, str]:
    """Both of Zoom's dates for a change taking effect on `when` (nothing when immediate)."""
    return dict.fromkeys(DATE_FIELDS, when) if when else {}


def can_schedule(group: str) -> bool:
    """Whether Zoom's body for this group's calls can say when the change takes effect."""
    return table.group(group).call in DATED_CALLS


def _entry(row: table.PlanGroup, fields: Mapping[str, Any]) -> dict[str, Any]:
    """`type` plus the row's fields the YAML sets, in the row's order, on the wire."""
    entry: dict[str, Any] = {"type": fields["type"]}
    for name in row.fields:
        if name in fields:
            entry[name] = wire_value(name, fields[name])
    return entry


def addon_body(group: str, fields: Mapping[str, Any], when: str | None = None) -> dict[str, Any]:
    """The POST /plans/addons body that buys one desired entry of `group`."""
    row = table.group(group)
    entry = _entry(row, fields)
    if row.call in table.NESTED_BODIES:
        top, details = table.NESTED_BODIES[row.call]
        held: Any = [entry] if row.shape is Shape.LIST else entry
        body: dict[str, Any] = {"type": top, details: {row.wire_name: held}}
    else:
        # Zoom's simple shape requires hosts; a plan without seats sends 1.
        body = entry if row.seats else {"type": entry["type"], "hosts": 1, **entry}
    return {**body, **dates(when)}


def seat_body(type_: str, hosts: int, when: str | None = None) -> dict[str, Any]:
    """PUT /plans/addons or PUT /plans/base: absolute hosts, never `increasing_hosts`."""
    return {"type": type_, "hosts": hosts, **dates(when)}


def cancel_body(type_: str | None, notes: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """PATCH .../status: cancel one add-on by type, or the base plan (no type)."""
    body: dict[str, Any] = {"action": "cancel"}
    if type_ is not None:
        body["type"] = type_
    body.update(notes or {})
    return body


@lru_cache(maxsize=4096)  # a sort key planning asks 27,000 times for 10,000 accounts
def addon_order(key: AddonKey) -> tuple[int, str]:
    """Entries are listed group by group in table order, then by type: stable output."""
    return table.order_of(key[0]), key[1]


def subscribe_groups(addons: Mapping[AddonKey, Mapping[str, Any]]) -> dict[str, Any]:
    """Every desired add-on in GET /plans shape, for the one subscribe POST.

    Zoom's POST /plans takes the groups as GET shows them, except that a nested group goes
    by its request name (`plan_zcc.plan_package_list`) and recording is a bare type string.
    """
    groups: dict[str, Any] = {}
    for key in sorted(addons, key=addon_order):
        row = table.group(key[0])
        entry = _entry(row, addons[key])
        if row is table.RECORDING:
            groups[row.key] = entry["type"]
            continue
        holder = groups if row.container is None else groups.setdefault(row.container, {})
        if row.shape is Shape.LIST:
            holder.setdefault(row.wire_name, []).append(entry)
        else:
            holder[row.wire_name] = entry
    return groups


def subscribe_plans(after: Mapping[str, Any]) -> dict[str, Any]:
    """The subscribe POST's body without its contact, from the reviewed `after`: the planner
    builds the body with it and apply proves a saved body is still what the reviewer saw."""
    addons = {
        (str(entry["group"]), str(entry["type"])): {k: v for k, v in entry.items() if k != "group"}
        for entry in after.get("addons") or []
    }
    body: dict[str, Any] = {}
    if after.get("subscription_options"):
        body["subscription_options"] = dict(after["subscription_options"])
    if after.get("plan_base") is not None:
        body["plan_base"] = dict(after["plan_base"])
    if after.get("bundle"):
        body[table.BUNDLE.key] = [{"type": code} for code in after["bundle"]]
    return {**body, **subscribe_groups(addons)}


def as_get_answer(body: Mapping[str, Any]) -> dict[str, Any]:
    """A subscribe body's plans in GET /plans shape (nested request names back to GET names),
    so apply reads what a subscribe bought with the same reading as a GET answer."""
    plans: dict[str, Any] = {}
    for key, value in body.items():
        if key in ("contact", "subscription_options", table.BUNDLE.key):
            continue
        if key in table.CONTAINERS and isinstance(value, Mapping):
            plans[key] = {
                _BY_WIRE_NAME.get((key, name), f"{key}.{name}").split(".")[1]: inner
                for name, inner in value.items()
            }
        else:
            plans[key] = value
    return plans


def entry_of(body: Mapping[str, Any]) -> dict[str, Any]:
    """The one entry a call body buys, changes or cancels: the body itself for a simple call,
    the entry inside `plan_details` (or the Contact Center and Node equivalents) for a nested
    one. Zoom's dates, the cancel `action` and notes are not part of the entry."""
    details = _DETAILS.get(str(body.get("type")))
    if details is not None and isinstance(body.get(details), Mapping):
        for value in body[details].values():
            found = value[0] if isinstance(value, list) and value else value
            if isinstance(found, Mapping) and isinstance(found.get("type"), str):
                return dict(found)
    skip = {*DATE_FIELDS, "action", "reason", "comment"}
    return {k: v for k, v in body.items() if k not in skip}


def entry_type(body: Mapping[str, Any]) -> str:
    """The plan type code a call body is about (`""` for a base cancellation or a subscribe)."""
    value = entry_of(body).get("type")
    return value if isinstance(value, str) else ""


def scheduled_date(body: Mapping[str, Any]) -> str | None:
    """The date a call takes effect, when it is a scheduled change (None: at once)."""
    options = body.get("subscription_options")
    holder = options if isinstance(options, Mapping) else body
    when = holder.get(DATE_FIELDS[0])
    return when if isinstance(when, str) and when else None

"""Where each of Zoom's plan groups sits in Zoom's answers: the sandbox's own reading of
Zoom's 2026 document (through the committed extract), apart from the client's table on purpose.

- The groups, their layout (object, list, the recording string, nested under `plan_phone`,
  `plan_zcc`, `plan_znode`) and the fields GET lists for an entry come from the GET /plans
  answer schema;
- groups a request may carry that GET has no place for (Phone Power Pack in
  `plan_calling_addons`, Contact Center cloud storage in `plan_zcc_details.plan_recording`) come
  from the POST /plans/addons schema: they are held but never listed (docs/sandbox.md);
- which fields a request takes for a group (hosts or not) come from the request schemas.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from functools import cache, cached_property
from typing import Any

from reconciler.zoom_2026 import operation, thawed

PLANS_PATH = "/accounts/{accountId}/plans"
ADDONS_PATH = "/accounts/{accountId}/plans/addons"
DATE_FIELDS = ("service_effective_date", "next_invoice_date")


class GroupShape(Enum):
    """How a group is laid out in a GET /plans answer."""

    OBJECT = "object"  # {type, hosts, ...}
    LIST = "list"  # [{type, hosts, ...}, ...]
    RECORDING = "recording"  # a plain string plus plan_recording_* sibling fields


@dataclass(frozen=True)
class PlanGroup:
    """One add-on group: where it sits in the plan object, and what an entry carries.

    `fields` are the entry fields Zoom's GET schema lists (so `plan_ztransl` has no dates and
    `plan_sdk_cmr` no hosts); `listed` is False for a group only a request can carry.
    """

    path: tuple[str, ...]
    shape: GroupShape
    fields: frozenset[str]
    title: str
    listed: bool = True
    #: Whether Zoom's request shapes for the group carry hosts (Contact Center usage plans are
    #: listed with hosts but bought without).
    bought_with_hosts: bool = True
    #: The entry fields Zoom's request shapes take for the group (POST /plans, nested bodies).
    request_fields: frozenset[str] = frozenset()

    @property
    def key(self) -> str:
        return ".".join(self.path)

    @property
    def hosted(self) -> bool:
        return "hosts" in self.fields

    @property
    def dated(self) -> bool:
        return "status" in self.fields


TITLES: dict[str, str] = {
    "plan_zoom_rooms": "Zoom Rooms",
    "plan_room_connector": "Room Connector",
    "plan_large_meeting": "Large Meeting",
    "plan_webinar": "Webinar",
    "plan_zoom_events": "Zoom Events",
    "plan_recording": "Cloud Recording",
    "plan_audio": "Audio",
    "plan_phone.plan_base": "Phone Base",
    "plan_phone.plan_calling": "Phone Calling",
    "plan_phone.plan_number": "Phone Number",
    "plan_phone.plan_calling_addons": "Phone Power Pack",
    "plan_whiteboard": "Whiteboard",
    "plan_whiteboard_plus": "Whiteboard Plus",
    "plan_zoom_iq": "Revenue Accelerator",
    "plan_ztransl": "Translation",
    "plan_zoom_one": "Workplace Business Plus",
    "plan_zoom_one_premier": "Workplace Enterprise Premier",
    "plan_zcc.plan_package_lists": "Contact Center Package",
    "plan_zcc.plan_ai_expert_assist": "AI Expert Assist",
    "plan_zcc.plan_usage": "Contact Center Usage",
    "plan_zcc.plan_phone_number": "Contact Center Phone Number",
    "plan_zcc.plan_recording": "Contact Center Cloud Storage",
    "plan_znode.plan_znode_base": "Node Base",
    "plan_znode.plan_zphybrid": "Phone Hybrid",
    "plan_znode.plan_zmhybrid": "Meeting Hybrid",
    "plan_znode.plan_mchybrid": "Meeting Connector",
    "plan_znode.plan_rchybrid": "Recording Connector",
    "plan_znode.plan_cmrhybrid": "Node Hybrid Recording",
    "plan_znode.plan_tchybrid": "Team Chat Hybrid",
    "plan_sdk_cmr": "Video SDK Cloud Recording",
    "plan_audio_us_ca": "Audio US/CA Unlimited",
    "plan_qss": "Quality of Service",
    "plan_zwr": "Workspace Reservation",
    "plan_zsched": "Scheduler",
}


def _shape_of(schema: Mapping[str, Any]) -> GroupShape:
    if schema.get("type") == "string":
        return GroupShape.RECORDING
    return GroupShape.LIST if schema.get("type") == "array" else GroupShape.OBJECT


def _fields_of(schema: Mapping[str, Any]) -> frozenset[str]:
    entry = schema.get("items", schema)
    return frozenset(entry.get("properties") or {})


def _is_container(schema: Mapping[str, Any]) -> bool:
    """plan_phone, plan_zcc, plan_znode: objects whose every field is itself a group."""
    props = schema.get("properties") or {}
    return (
        schema.get("type") == "object"
        and "type" not in props
        and all(sub.get("type") in ("object", "array") for sub in props.values())
    )


def _title(path: tuple[str, ...]) -> str:
    key = ".".join(path)
    return TITLES.get(key) or path[-1].removeprefix("plan_").replace("_", " ").title()


def _group(
    path: tuple[str, ...],
    schema: Mapping[str, Any],
    request: Mapping[str, Any] | None,
    *,
    listed: bool = True,
) -> PlanGroup:
    fields = _fields_of(schema) if schema.get("type") != "string" else frozenset({"type"})
    if not listed:  # held, never listed: it still needs a status to be cancelled
        fields |= {"status"}
    taken = _fields_of(request) if request is not None else frozenset({"type", "hosts"})
    return PlanGroup(path, _shape_of(schema), fields, _title(path), listed, "hosts" in taken, taken)


def _request_part(
    request: Mapping[str, Any], path: tuple[str, ...], aliases: Mapping[str, str]
) -> Mapping[str, Any] | None:
    """The POST /plans request schema of a group (its part of a container for nested ones)."""
    props: Mapping[str, Any] = request["properties"]
    if len(path) == 1:
        return props.get(path[0])
    container = props.get(path[0]) or {}
    names = {get: req for req, get in aliases.items()}
    return (container.get("properties") or {}).get(names.get(path[1], path[1]))


@dataclass(frozen=True)
class GroupReading:
    """Every group, and how the nested add-on bodies name the containers and their parts."""

    groups: tuple[PlanGroup, ...]
    #: POST /plans/addons: discriminating key -> (its `type` value, the GET container).
    nested_bodies: Mapping[str, tuple[str, str]]
    #: A request's name for a container part -> GET's name (plan_package_list -> ..._lists).
    request_aliases: Mapping[str, str]
    recording_siblings: tuple[str, ...]
    containers: tuple[str, ...]

    @cached_property
    def _by_key(self) -> dict[str, PlanGroup]:
        return {group.key: group for group in self.groups}

    def by_key(self, key: str) -> PlanGroup | None:
        return self._by_key.get(key)


@cache
def reading() -> GroupReading:
    """The groups as Zoom's 2026 document lays them out (read once; immutable)."""
    get_schema = operation("GET", PLANS_PATH).response_schemas[200]
    addons = operation("POST", ADDONS_PATH).request_schema
    subscribe = operation("POST", PLANS_PATH).request_schema
    assert get_schema is not None and addons is not None and subscribe is not None
    listed: dict[tuple[str, ...], Mapping[str, Any]] = {}
    containers: list[str] = []
    siblings: list[str] = []
    for key, schema in get_schema["properties"].items():
        if key.startswith("plan_recording_"):
            siblings.append(key)
        elif _is_container(schema):
            containers.append(key)
            listed.update({(key, part): sub for part, sub in schema["properties"].items()})
        elif key != "plan_base":
            listed[(key,)] = schema
    nested: dict[str, tuple[str, str]] = {}
    aliases: dict[str, str] = {}
    held: dict[tuple[str, ...], Mapping[str, Any]] = {}
    for branch in addons["oneOf"]:
        props = branch["properties"]
        details = [k for k, sub in props.items() if sub.get("type") == "object"]
        if len(details) != 1:
            continue  # the simple {type, hosts} shape
        container = str(props["type"].get("example"))
        assert container in containers, container
        nested[details[0]] = (container, container)
        for part, sub in props[details[0]]["properties"].items():
            if (container, part) in listed:
                continue
            if (container, part + "s") in listed:
                aliases[part] = part + "s"
            else:
                held[(container, part)] = sub
    request = {"properties": {**_merged_properties(subscribe)}}
    for part_key, part in _nested_parts(addons, nested).items():
        request["properties"].setdefault(part_key[0], {"properties": {}})
        request["properties"][part_key[0]].setdefault("properties", {})
        request["properties"][part_key[0]]["properties"].setdefault(part_key[1], part)
    groups = [_group(p, s, _request_part(request, p, aliases)) for p, s in listed.items()]
    groups += [_group(p, s, s, listed=False) for p, s in held.items()]
    return GroupReading(tuple(groups), nested, aliases, tuple(siblings), tuple(containers))


def _merged_properties(schema: Mapping[str, Any]) -> dict[str, Any]:
    """The properties of an object schema, or of every part of its `allOf` (POST /plans)."""
    props: dict[str, Any] = dict(schema.get("properties") or {})
    for part in schema.get("allOf") or ():
        props.update(part.get("properties") or {})
    return {k: thawed(v) for k, v in props.items()}


def _nested_parts(
    addons: Mapping[str, Any], nested: Mapping[str, tuple[str, str]]
) -> dict[tuple[str, str], Any]:
    """Each part of the nested add-on shapes (POST /plans/addons), by (container, part)."""
    parts: dict[tuple[str, str], Any] = {}
    for branch in addons["oneOf"]:
        for details, (_, container) in nested.items():
            if details in branch["properties"]:
                for part, sub in branch["properties"][details]["properties"].items():
                    parts[(container, part)] = thawed(sub)
    return parts

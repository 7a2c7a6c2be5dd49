"""The table of plan groups agrees with Zoom's 2026 document and catalogue, group by group.

The table is the client's reading of Zoom; `reconciler/zoom_2026` is Zoom's own word (the
committed extract). Every difference the table allows itself is named here with its reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from reconciler import zoom_2026
from reconciler.groups import table
from reconciler.groups.table import Call, Shape, UsageShape

ACCOUNT = "/accounts/sub_1"
#: Rows the 2026 document's GET schema does not show, and why the table has them anyway.
NOT_IN_THE_DOCUMENT = {
    "plan_phone.plan_calling_addons": "POST bodies and the 201 reply carry it",
    "plan_zva_voice": "added to GET on 2026-04-23, after the document",
    "plan_zva_chat": "added to GET on 2026-04-23, after the document",
    "plan_bundle": "subscribe only",
}
#: Catalogue sections no GET group shows: Zoom sells them, zoomplans cannot see them back.
UNSEEN_SECTIONS = {
    "Contact Center Cloud Storage plans",
    "Concurrent Meeting plans",
    "SIP Trunk plans",
}
_JSON_SHAPES = {"object": Shape.OBJECT, "array": Shape.LIST, "string": Shape.STRING}


def _get_schema() -> Mapping[str, Any]:
    schema = zoom_2026.operation("GET", f"{ACCOUNT}/plans").response_schemas[200]
    assert schema is not None
    return schema["properties"]


def _usage_schema() -> Mapping[str, Any]:
    schema = zoom_2026.operation("GET", f"{ACCOUNT}/plans/usage").response_schemas[200]
    assert schema is not None
    return schema["properties"]


def _documented(row: table.PlanGroup) -> Mapping[str, Any]:
    properties = _get_schema()
    if row.container is None:
        return properties[row.key]
    return properties[row.container]["properties"][row.name]


def test_every_key_of_the_get_answer_is_a_key_of_the_table() -> None:
    documented = set(_get_schema())
    assert documented <= table.TOP_LEVEL_KEYS
    extra = table.TOP_LEVEL_KEYS - documented
    assert extra == {k for k in NOT_IN_THE_DOCUMENT if "." not in k}


def test_every_nested_key_of_the_get_answer_is_a_row() -> None:
    properties = _get_schema()
    for container in table.CONTAINERS:
        documented = set(properties[container]["properties"])
        rows = {row.name for row in table.groups_in(container)}
        extra = {f"{container}.{name}" for name in rows - documented}
        assert documented <= rows, container
        assert extra <= set(NOT_IN_THE_DOCUMENT), container


@pytest.mark.parametrize(
    "row",
    [row for row in table.GROUPS if row.key not in NOT_IN_THE_DOCUMENT],
    ids=lambda row: row.key,
)
def test_each_row_has_zooms_shape_fields_and_lifecycle(row: table.PlanGroup) -> None:
    documented = _documented(row)
    assert _JSON_SHAPES[documented["type"]] is row.shape
    entry = documented.get("items", documented)
    fields = set(entry.get("properties", {}))
    if row.shape is not Shape.STRING:
        assert set(row.fields) <= fields, f"{row.key}: {set(row.fields) - fields} not in GET"
        assert ("status" in fields) is row.lifecycle, row.key
    if "hosts" in fields and row.manageable and row.call is not Call.BASE:
        # Zoom shows hosts; the row manages them unless Zoom's POST body has no hosts for it.
        assert row.seats or row.key == "plan_zcc.plan_usage", row.key


def test_nested_rows_match_zooms_add_on_body_shapes() -> None:
    request = zoom_2026.operation("POST", f"{ACCOUNT}/plans/addons").request_schema
    assert request is not None
    details_of: dict[str, set[str]] = {}
    for branch in request["oneOf"]:
        for key, value in branch["properties"].items():
            if key.endswith("details"):
                details_of[key] = set(value["properties"])
    for call, (_type, details_key) in table.NESTED_BODIES.items():
        wire = {row.wire_name for row in table.GROUPS if row.call is call}
        assert wire <= details_of[details_key], (call, wire - details_of[details_key])


def test_usage_shapes_are_zooms() -> None:
    usage = _usage_schema()
    for row in table.GROUPS:
        if row.usage is None or row.key in NOT_IN_THE_DOCUMENT:
            continue
        if row.usage is UsageShape.FLAT:
            assert row.name in usage, row.key
            continue
        assert row.key in usage, row.key
        kind = usage[row.key]["type"]
        assert kind == ("array" if row.usage is UsageShape.LIST else "object"), row.key
    assert set(usage) >= table.USAGE_ONLY_KEYS


def test_every_catalogue_code_has_a_group_unless_get_never_shows_it() -> None:
    homeless = {
        row.section
        for row in zoom_2026.catalogue_rows()
        if not any(group.claims(row.section, row.code) for group in table.GROUPS)
    }
    assert homeless == UNSEEN_SECTIONS


def test_every_section_a_row_names_is_in_the_catalogue() -> None:
    sections = {row.section for row in zoom_2026.catalogue_rows()}
    named = {section for row in table.GROUPS for section in row.sections}
    assert named <= sections, named - sections


def test_base_plan_codes_are_the_catalogues_base_plans() -> None:
    for row in zoom_2026.catalogue_rows():
        if row.group == "Base plans":
            assert table.BASE.claims(row.section, row.code), row.code
        else:
            assert not table.BASE.claims(row.section, row.code), row.code

"""Inlined schemas are only faster: they accept and reject exactly what the published ones do."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from reconciler.desired.packaged_schemas import RecursiveSchemaError, inline_refs

SCHEMAS = Path(__file__).resolve().parents[1] / "schemas"


def test_refs_are_replaced_by_their_definitions() -> None:
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$defs": {"seats": {"type": "integer", "minimum": 1}, "entry": {"$ref": "#/$defs/seats"}},
        "properties": {"hosts": {"$ref": "#/$defs/entry"}},
    }
    assert inline_refs(schema) == {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "properties": {"hosts": {"type": "integer", "minimum": 1}},
    }


def test_a_definition_referred_to_twice_is_inlined_once_and_shared() -> None:
    """The inlined schema is no bigger than the published one; the fast path compiles a shared
    definition once."""
    schema = {
        "$defs": {"seats": {"type": "integer", "minimum": 1}},
        "properties": {"hosts": {"$ref": "#/$defs/seats"}, "rooms": {"$ref": "#/$defs/seats"}},
    }
    inlined = inline_refs(schema)
    assert inlined["properties"]["hosts"] == {"type": "integer", "minimum": 1}
    assert inlined["properties"]["hosts"] is inlined["properties"]["rooms"]


def test_a_definition_that_refers_to_itself_is_refused() -> None:
    schema = {"$defs": {"node": {"items": {"$ref": "#/$defs/node"}}}, "$ref": "#/$defs/node"}
    with pytest.raises(RecursiveSchemaError, match="node"):
        inline_refs({"$ref": "#/$defs/node"}, schema)


@pytest.mark.parametrize("name", sorted(p.name for p in SCHEMAS.glob("*.schema.json")))
def test_every_published_schema_inlines_to_the_same_verdicts(name: str) -> None:
    published = json.loads((SCHEMAS / name).read_text("utf-8"))
    inlined = inline_refs(published)
    assert "$ref" not in json.dumps(inlined)
    samples: list[object] = [
        {},
        [],
        "text",
        {"format_version": 1, "accounts": [{"account_id": 3}]},
        {"account_id": "sub_1", "plans": {"plan_base": {"type": "monthly", "hosts": 0}}},
        {"account_id": "sub_1", "plans": {"plan_webinar": [{"type": "", "hosts": "x"}]}},
        {"currency": "USD", "prices": {"monthly": {"per_host": -1}}},
    ]
    for sample in samples:
        expected = {e.json_path for e in Draft202012Validator(published).iter_errors(sample)}
        found = {e.json_path for e in Draft202012Validator(inlined).iter_errors(sample)}
        assert found == expected, sample

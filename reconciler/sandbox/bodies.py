"""Request body checks that Zoom's gateway makes before any business rule.

The schemas are Zoom's own (the 2026 document, through the committed extract): a missing
required field, a wrong JSON type, a value outside an enum or a field Zoom's schema does not
have is answered 400 / 300 "Validation Failed." with one `errors` entry per field, all at once.
Zoom's schemas never forbid other fields; the sandbox does (docs/sandbox.md), so that a client
sending a field Zoom would silently drop (`host` for `hosts`) learns it here.

POST /plans/addons takes one of four shapes (`oneOf`), whose branches neither forbid other
fields nor, for Contact Center and Node, require any: a plain `oneOf` check would match a simple
`{type, hosts}` body to three branches and refuse it. The sandbox reads the shape from the body:
`plan_details` (or `type: plan_phone`) is Phone, `plan_zcc_details` (`plan_zcc`) Contact Center,
`plan_znode_details` (`plan_znode`) Node, anything else the simple shape.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from typing import Any, TypeGuard

from reconciler.sandbox.errors import FieldProblem, ZoomApiError, validation_failed
from reconciler.sandbox.layout import reading
from reconciler.zoom_2026 import operation, thawed

PLANS = "/accounts/{accountId}/plans"
ADDONS = "/accounts/{accountId}/plans/addons"
AUDIO_COUNTRY_FIELDS: tuple[str, ...] = (
    "tollfree_countries",
    "premium_countries",
    "callout_countries",
)
#: Fields the simple add-on shape does not list but Zoom's GET shows for audio and the phone base
#: plan (and its 2018 notes took on add-on writes): accepted for those groups only.
COUNTRY_FIELDS: dict[str, dict[str, Any]] = {
    **{name: {"type": "string"} for name in AUDIO_COUNTRY_FIELDS},
    "ddi_numbers": {"type": "integer"},
}
_TYPE_WORDS = {
    "string": ("a string", str),
    "object": ("an object", dict),
    "array": ("a list", list),
    "boolean": ("true or false", bool),
}
_WORDS = {
    "integer": "an integer",
    "number": "a number",
    **{k: v[0] for k, v in _TYPE_WORDS.items()},
}


def not_a_json_object() -> ZoomApiError:
    return ZoomApiError(400, 300, "Request Body should be a valid JSON object.")


def parse_json_object(raw: bytes) -> dict[str, Any]:
    """The body as a JSON object, or Zoom's 300 answer for anything else (empty, junk, a list)."""
    try:
        value = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise not_a_json_object() from None
    if not isinstance(value, dict):
        raise not_a_json_object()
    return value


def is_integer(value: object) -> TypeGuard[int]:
    """JSON integers only: `true` is not 1, and `25.0` or `"25"` are not host counts."""
    return isinstance(value, int) and not isinstance(value, bool)


def raise_if(problems: list[FieldProblem]) -> None:
    """Raise Zoom's one 300 answer listing every problem, if there are any."""
    if problems:
        raise validation_failed(*problems)


def _type_problem(schema: Mapping[str, Any], value: Any) -> str | None:
    kind = schema.get("type")
    if kind == "integer":
        return None if is_integer(value) else "must be an integer"
    if kind == "number":
        number = isinstance(value, int | float) and not isinstance(value, bool)
        return None if number else "must be a number"
    if kind in _TYPE_WORDS:
        word, python_type = _TYPE_WORDS[kind]
        ok = isinstance(value, python_type) and (kind == "boolean" or not isinstance(value, bool))
        return None if ok else f"must be {word}"
    return None


def check(schema: Mapping[str, Any], value: Any, where: str = "") -> list[FieldProblem]:
    """Every way `value` breaks `schema` (Zoom's, strict about unknown fields), by field."""
    name = where or "(body)"
    if value is None:  # null is not a string or an integer either (Swagger's reading)
        return [FieldProblem(name, f"must be {_WORDS.get(str(schema.get('type')), 'set')}")]
    wrong = _type_problem(schema, value)
    if wrong:
        return [FieldProblem(name, wrong)]
    if "enum" in schema and value not in schema["enum"]:
        choices = ", ".join(str(choice) for choice in schema["enum"])
        return [FieldProblem(name, f"must be one of: {choices}")]
    prefix = f"{where}." if where else ""
    problems: list[FieldProblem] = []
    if isinstance(value, dict) and "properties" in schema:
        props = schema["properties"]
        for required in schema.get("required") or ():
            if value.get(required) is None:
                problems.append(FieldProblem(prefix + required, "is required"))
        for key, item in value.items():
            if key not in props:
                problems.append(FieldProblem(prefix + key, "is not a field Zoom's API takes here"))
            elif not (item is None and key in (schema.get("required") or ())):
                problems += check(props[key], item, prefix + key)
    if isinstance(value, list) and "items" in schema:
        for index, item in enumerate(value):
            problems += check(schema["items"], item, f"{where}[{index}]")
    return problems


def merged(schema: Mapping[str, Any]) -> dict[str, Any]:
    """An `allOf` of objects as one object schema (POST /plans: contact, then the plans)."""
    plain: dict[str, Any] = thawed(schema)
    if "allOf" not in plain:
        return plain
    result: dict[str, Any] = {"type": "object", "properties": {}, "required": []}
    for part in plain["allOf"]:
        result["properties"].update(part.get("properties") or {})
        result["required"] += part.get("required") or []
    return result


@cache
def _request_schema(method: str, path: str) -> Mapping[str, Any]:
    schema = operation(method, path).request_schema
    assert schema is not None
    return merged(schema)


@cache
def _addon_branches() -> dict[str | None, dict[str, Any]]:
    """POST /plans/addons's four shapes, by discriminating key (None: the simple shape)."""
    branches: dict[str | None, dict[str, Any]] = {}
    for branch in _request_schema("POST", ADDONS)["oneOf"]:
        details = [k for k, v in branch["properties"].items() if v.get("type") == "object"]
        branches[details[0] if len(details) == 1 else None] = branch
    return branches


def _with_country_fields(schema: Mapping[str, Any]) -> dict[str, Any]:
    return {**schema, "properties": {**schema["properties"], **COUNTRY_FIELDS}}


def addon_shape(body: dict[str, Any]) -> str | None:
    """Which of Zoom's add-on shapes a body is: a discriminating key, or None (simple)."""
    nested = reading().nested_bodies
    present = [key for key in nested if key in body]
    if len(present) > 1:
        raise validation_failed(
            *(FieldProblem(key, "only one of Zoom's add-on shapes at a time") for key in present)
        )
    if present:
        return present[0]
    by_type = [key for key, (type_value, _) in nested.items() if body.get("type") == type_value]
    return by_type[0] if by_type else None


def addon_problems(body: dict[str, Any]) -> tuple[str | None, list[FieldProblem]]:
    """POST /plans/addons: the body's shape and its problems against that shape's schema."""
    shape = addon_shape(body)
    branch = _addon_branches()[shape]
    if shape is None:
        return None, check(_with_country_fields(branch), body)
    problems = check(branch, body)
    type_value = reading().nested_bodies[shape][0]
    if body.get("type") != type_value and not any(p.field == "type" for p in problems):
        problems.append(FieldProblem("type", f"must be {type_value} with {shape}"))
    return shape, problems


def addon_update_problems(body: dict[str, Any]) -> list[FieldProblem]:
    """PUT /plans/addons: {type, hosts} (plus the dates, and countries for audio/phone)."""
    return check(_with_country_fields(_request_schema("PUT", ADDONS)), body)


def base_update_problems(body: dict[str, Any]) -> list[FieldProblem]:
    """PUT /plans/base: type required; hosts or increasing_hosts checked with the family."""
    return check(_request_schema("PUT", PLANS + "/base"), body)


def cancel_problems(body: dict[str, Any], *, needs_type: bool) -> list[FieldProblem]:
    """The status PATCH bodies: `action` must be "cancel"; add-ons also name their `type`."""
    path = PLANS + ("/addons/status" if needs_type else "/base/status")
    schema = _request_schema("PATCH", path)
    problems = check(schema, body)
    if body.get("action") is None and not any(p.field == "action" for p in problems):
        problems.append(FieldProblem("action", "is required"))
    elif body.get("action") not in (None, "cancel") and not any(
        p.field == "action" for p in problems
    ):
        # Zoom's text: "Value must be set to "cancel"" (its base-cancel schema has no enum).
        problems.append(FieldProblem("action", "must be one of: cancel"))
    if needs_type and body.get("type") is None and not any(p.field == "type" for p in problems):
        problems.append(FieldProblem("type", "is required"))  # nothing to cancel otherwise
    return problems


def contract_terms() -> tuple[int, ...]:
    """Zoom's contract terms (months) for subscription_options.contract_term."""
    options = _request_schema("POST", PLANS)["properties"]["subscription_options"]
    return tuple(options["properties"]["contract_term"]["enum"])


def subscribe_problems(body: dict[str, Any]) -> list[FieldProblem]:
    """POST /plans: contact and plan_base (or, for carrier partners, plan_bundle), every group
    in its request shape, nothing else.

    Zoom's schema requires `plan_base`, and its error list forbids a base plan together with a
    bundle: a bundle-only body is read as the one way to buy a bundle (docs/sandbox.md). A
    contract term outside Zoom's list is Zoom's own 10200 answer, not a schema problem.
    """
    schema = _request_schema("POST", PLANS)
    options = body.get("subscription_options")
    term = options.get("contract_term") if isinstance(options, dict) else None
    if is_integer(term) and term not in contract_terms():
        raise ZoomApiError(
            400, 10200, "Your request cannot be processed due to an invalid contract term."
        )
    if "plan_bundle" in body and "plan_base" not in body:
        schema = {**schema, "required": [r for r in schema["required"] if r != "plan_base"]}
    return check(schema, body)

"""Request and answer bodies checked against Zoom's 2026 schemas (the committed extract).

Tests call these to prove that the client sends, and the sandbox answers, what Zoom's own
document describes. Two readings of the document are made on purpose, and both are stricter
than a plain JSON Schema check:

- **No unknown fields.** Zoom's schemas never say `additionalProperties: false`, so a typo
  (`host` for `hosts`) would pass a plain check and be ignored by Zoom. Here every object
  schema with `properties` accepts only those (an `allOf` of objects is merged first).
- **One branch of a `oneOf`, chosen by its discriminating key.** POST /plans/addons is a
  `oneOf` of four shapes whose branches neither forbid other fields nor (Contact Center, Node)
  require any, so a plain `oneOf` check rejects every body: a simple `{type, hosts}` matches the
  Contact Center and Node branches too. A branch is named by its one object-valued property
  (`plan_details` Phone, `plan_zcc_details` Contact Center, `plan_znode_details` Node): a body
  carrying one of those (or that branch's `type`: `plan_phone`, `plan_zcc`, `plan_znode`, the
  value Zoom's document gives it, which it must then carry) is checked against that branch, any
  other body against the branch without one (the simple `{type, hosts}` shape).

Error answers are `{code, message}` (plus Zoom's optional `errors[]`) with a code the operation
documents for that status, or one of Zoom's generic codes (`GENERIC_CODES`).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from jsonschema import Draft4Validator

from reconciler.zoom_2026 import PlanOperation, operation, thawed

__all__ = ["GENERIC_CODES", "answer_problems", "request_problems"]

#: Zoom's codes that any operation may answer (Zoom's error-code page, not each operation):
#: 300 a body that is not JSON or fails validation, 124 an invalid token, 4700 a token without
#: the scope the call needs, 429 the rate limits.
GENERIC_CODES: Mapping[int, frozenset[int]] = {
    400: frozenset({300, 4700}),
    401: frozenset({124, 4700}),
    403: frozenset({4700}),
    429: frozenset({429}),
}

_ERROR_BODY: dict[str, Any] = {
    "type": "object",
    "required": ["code", "message"],
    "additionalProperties": False,
    "properties": {
        "code": {"type": "integer"},
        "message": {"type": "string", "minLength": 1},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["field", "message"],
                "additionalProperties": False,
                "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
            },
        },
    },
}


def request_problems(method: str, path: str, body: Any) -> list[str]:
    """What in a request body breaks Zoom's 2026 schema of the operation; [] if nothing."""
    found = operation(method, path)
    schema = found.request_schema
    if schema is None:
        return [] if body is None else [f"{_name(found)} takes no request body"]
    if "oneOf" in schema:
        return _branch_problems(found, body)
    return _problems(_validator(found.method, found.path, None, None), body)


def answer_problems(method: str, path: str, status: int, body: Any) -> list[str]:
    """What in an answer breaks Zoom's 2026 document of the operation; [] if nothing.

    A success must carry the documented status and a body of the documented schema (none
    where Zoom documents none); an error a documented (or generic) status and code.
    """
    found = operation(method, path)
    if status == found.success_status:
        if found.response_schemas.get(status) is None:
            return [] if body in (None, b"", "") else [f"{_name(found)} {status} has no body"]
        return _problems(_validator(found.method, found.path, None, status), body)
    if 200 <= status < 300:
        return [f"{_name(found)} answers {found.success_status}, not {status}"]
    if status not in found.error_statuses and status not in GENERIC_CODES:
        return [f"{_name(found)} documents no {status} answer"]
    problems = _problems(Draft4Validator(_ERROR_BODY), body)
    if problems:
        return problems
    code = body["code"]
    allowed = found.documented_codes(status) | GENERIC_CODES.get(status, frozenset())
    if code not in allowed:
        listed = ", ".join(str(c) for c in sorted(allowed)) or "none"
        problems.append(f"{_name(found)}: code {code} is not documented for {status} ({listed})")
    return problems


def _name(found: PlanOperation) -> str:
    return f"{found.method} {found.path}"


def _discriminators(found: PlanOperation) -> dict[str | None, int]:
    """Each `oneOf` branch's discriminating key (None for the simple shape) -> its index."""
    assert found.request_schema is not None
    branches: dict[str | None, int] = {}
    for index, branch in enumerate(found.request_schema["oneOf"]):
        objects = [
            key
            for key, sub in (branch.get("properties") or {}).items()
            if sub.get("type") == "object"
        ]
        key = objects[0] if len(objects) == 1 else None
        if len(objects) > 1 or key in branches:
            raise ValueError(f"{_name(found)}: oneOf branch {index} has no single discriminator")
        branches[key] = index
    return branches


def _branch_problems(found: PlanOperation, body: Any) -> list[str]:
    assert found.request_schema is not None
    branches = _discriminators(found)
    named = [key for key in branches if key is not None]
    present = [key for key in named if isinstance(body, dict) and key in body]
    if not present and isinstance(body, dict):  # `type: plan_zcc` names its shape too
        present = [key for key in named if body.get("type") == _type_value(found, key)]
    if len(present) > 1:
        return [f"(body): carries {' and '.join(present)}; Zoom's shapes take one of them"]
    key = present[0] if present else None
    if key not in branches:
        return [f"(body): must carry one of {', '.join(named)}"]
    index = branches[key]
    problems = _problems(_validator(found.method, found.path, index, None), body)
    if key is not None and isinstance(body, dict):
        expected = _type_value(found, key)
        if expected is not None and body.get("type") != expected:
            problems.append(f"type: must be {expected!r} with {key}, not {body.get('type')!r}")
    return problems


def _type_value(found: PlanOperation, key: str) -> str | None:
    """The `type` Zoom's document gives a named branch (`plan_zcc` for plan_zcc_details)."""
    assert found.request_schema is not None
    branch = found.request_schema["oneOf"][_discriminators(found)[key]]
    example = (branch["properties"].get("type") or {}).get("example")
    return None if example is None else str(example)


@cache
def _validator(method: str, path: str, branch: int | None, status: int | None) -> Draft4Validator:
    """The strict validator of a request (or one oneOf branch of it) or a success answer."""
    found = operation(method, path)
    schema = found.request_schema if status is None else found.response_schemas[status]
    assert schema is not None
    if branch is not None:
        schema = schema["oneOf"][branch]
    return Draft4Validator(_strict(thawed(schema)))


def _strict(schema: Any) -> Any:
    """The schema with `allOf` objects merged and no property beyond the listed ones."""
    if not isinstance(schema, dict):
        return schema
    if "allOf" in schema and all(isinstance(p, dict) for p in schema["allOf"]):
        merged: dict[str, Any] = {"type": "object", "properties": {}, "required": []}
        for part in schema.pop("allOf"):
            merged["properties"].update(part.get("properties") or {})
            merged["required"] += part.get("required") or []
        schema = {**merged, **schema}
    for key in ("properties",):
        if key in schema:
            schema[key] = {name: _strict(sub) for name, sub in schema[key].items()}
    if "items" in schema:
        schema["items"] = _strict(schema["items"])
    for key in ("oneOf", "anyOf"):
        if key in schema:
            schema[key] = [_strict(branch) for branch in schema[key]]
    if "properties" in schema:
        schema.setdefault("additionalProperties", False)
    return schema


def _problems(validator: Draft4Validator, body: Any) -> list[str]:
    found = []
    for error in validator.iter_errors(body):
        where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path)
        found.append(f"{where.lstrip('.') or '(body)'}: {error.message}")
    return sorted(found)

"""A plan file checked against schemas/plan.schema.json, the published JSON form (SPEC section 7).

Reading a plan file and tests of the JSON form both need the one list of schema problems. A
valid file (nearly every one) is accepted in one pass by the compiled fast path, without
importing jsonschema; jsonschema's validator is built only to find and word the problems of one
that is not, so the messages stay jsonschema's.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from reconciler.desired.packaged_schemas import inline_refs, packaged_acceptor, packaged_schema

SCHEMA_FILE = "plan.schema.json"


@cache
def _plan_schema() -> dict[str, Any]:
    """schemas/plan.schema.json, read and inlined once per process."""
    return inline_refs(packaged_schema(SCHEMA_FILE))


@cache
def _plan_validator() -> Any:
    """jsonschema's validator (import kept lazy: only a file with problems needs it)."""
    import jsonschema

    return jsonschema.Draft202012Validator(_plan_schema())


def schema_problems(data: Any) -> list[str]:
    """Where `data` breaks schemas/plan.schema.json, one short line per problem."""
    if packaged_acceptor(SCHEMA_FILE)(data):
        return []
    errors = _plan_validator().iter_errors(data)
    return [
        f"{'/'.join(str(p) for p in err.absolute_path) or '(top)'}: {err.message}"
        for err in sorted(errors, key=lambda e: list(e.absolute_path))
    ]

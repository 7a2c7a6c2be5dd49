"""A plan file checked against schemas/plan.schema.json, the published JSON form (SPEC section 7).

Reading a plan file and tests of the JSON form both need the one list of schema problems; the
validator is built once per process and its imports stay lazy, so the plan model loads fast.
"""

from __future__ import annotations

from functools import cache
from typing import Any

SCHEMA_FILE = "plan.schema.json"


@cache
def _plan_validator() -> Any:
    """schemas/plan.schema.json, read and inlined once per process (imports kept lazy)."""
    import jsonschema

    from reconciler.desired.packaged_schemas import inline_refs, packaged_schema

    return jsonschema.Draft202012Validator(inline_refs(packaged_schema(SCHEMA_FILE)))


def schema_problems(data: Any) -> list[str]:
    """Where `data` breaks schemas/plan.schema.json, one short line per problem."""
    errors = _plan_validator().iter_errors(data)
    return [
        f"{'/'.join(str(p) for p in err.absolute_path) or '(top)'}: {err.message}"
        for err in sorted(errors, key=lambda e: list(e.absolute_path))
    ]

"""The JSON Schemas packaged with zoomplans: read once, and inlined for checking many documents.

`packaged_schema_text` and `packaged_schema` are the one way the package reads its schemas
(account files, prices.yaml, zoomplans.yaml, plan files), so a missing or broken installation
says the same thing whichever file was being checked.

jsonschema resolves a `$ref` on every use through `referencing`, which is most of the cost of
checking small documents: inlined, the 1,000 account documents of the benchmark are checked in
0.18 s instead of 0.33 s, and a 1,000-account plan file in about half the time. The published
files keep their `$defs` (editors and users read them); only the in-memory copy is inlined.
A plainly valid document skips jsonschema altogether (`schema_fast_path`).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from reconciler.desired.schema_fast_path import Acceptor, compile_acceptor

_LOCAL = "#/$defs/"


class SchemaUnavailable(RuntimeError):
    """The packaged schema is missing or broken: an installation problem, not a user one."""


@cache
def packaged_schema_text(name: str) -> str:
    """A schema file as packaged, e.g. `account.schema.json` (reconciler/schemas is a symlink to
    the published schemas/ folder)."""
    try:
        try:  # beside the package's files: importlib.resources' first read costs 7-10 ms
            return (Path(__file__).parents[1] / "schemas" / name).read_text("utf-8")
        except OSError:  # not installed as files (a zip)
            from importlib import resources

            return (resources.files("reconciler") / "schemas" / name).read_text("utf-8")
    except OSError as exc:
        raise SchemaUnavailable(f"cannot load the packaged {name}: {exc}") from exc


@cache
def packaged_schema(name: str) -> dict[str, Any]:
    """A packaged schema, parsed once per process (callers must not change it)."""
    try:
        schema: dict[str, Any] = json.loads(packaged_schema_text(name))
    except ValueError as exc:
        raise SchemaUnavailable(f"cannot load the packaged {name}: {exc}") from exc
    return schema


class RecursiveSchemaError(ValueError):
    """A definition refers to itself: such a schema cannot be inlined (ours never do)."""


def inline_refs(schema: dict[str, Any], root: dict[str, Any] | None = None) -> dict[str, Any]:
    """`schema` (by default the whole `root`) with every `{"$ref": "#/$defs/name"}` replaced
    by that definition of `root`, and `$schema` kept."""
    base = schema if root is None else root
    defs: dict[str, Any] = base.get("$defs", {})
    inlined: dict[str, Any] = _inline(schema, defs, (), {})
    if "$schema" in base:
        inlined["$schema"] = base["$schema"]
    return inlined


def _inline(node: Any, defs: dict[str, Any], trail: tuple[str, ...], done: dict[str, Any]) -> Any:
    """`done`: each definition inlined once and then shared wherever it is referred to, so
    the result is no bigger than the schema and a compiler can compile each part once."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if len(node) == 1 and isinstance(ref, str) and ref.startswith(_LOCAL):
            name = ref.removeprefix(_LOCAL)
            if name in trail:
                raise RecursiveSchemaError(f"$defs/{name} refers to itself")
            if name not in done:
                done[name] = _inline(defs[name], defs, (*trail, name), done)
            return done[name]
        return {
            key: _inline(value, defs, trail, done) for key, value in node.items() if key != "$defs"
        }
    if isinstance(node, list):
        return [_inline(item, defs, trail, done) for item in node]
    return node


@cache
def packaged_acceptor(name: str) -> Acceptor:
    """The one-pass check of a packaged schema: True only where jsonschema finds no error."""
    return compile_acceptor(inline_refs(packaged_schema(name)))


@cache
def _published_validator(name: str) -> Any:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(packaged_schema(name))


def packaged_schema_errors(name: str, data: Any) -> list[Any]:
    """jsonschema's errors (`ValidationError`s) of `data` against a packaged schema as
    published (`$defs` kept, so paths and messages are as they always were); a plainly valid
    document is accepted without importing jsonschema."""
    if packaged_acceptor(name)(data):
        return []
    return list(_published_validator(name).iter_errors(data))

"""The compiled fast path agrees with jsonschema: it accepts only what jsonschema finds no error
in, and on real documents it accepts exactly that (it declines only where it says it is unsure).

Compared over every example and test document of the repository, each packaged schema, and
documents made by mutating them (hypothesis): a value replaced by another of any JSON type or by
one of the schema's own words, a key dropped, a key added.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from reconciler.desired import schema as account
from reconciler.desired.packaged_schemas import inline_refs, packaged_schema
from reconciler.desired.schema_fast_path import (
    UnsupportedSchema,
    _Compiler,
    _Unsure,
    compile_acceptor,
)

ROOT = Path(__file__).resolve().parents[2]
KINDS = ("account:full", "account:partial", "account:template", "plan", "prices", "project")


@cache
def _pair(kind: str) -> tuple[Callable[[Any], bool], Any]:
    """(the fast path's raw check, which may raise _Unsure; jsonschema's validator) of a kind."""
    if kind.startswith("account:"):
        name = kind.removeprefix("account:")
        compiled = _Compiler(strict_integer=True).compile(account._schema(name))
        return compiled, account._validator(name)
    published = packaged_schema(f"{kind}.schema.json")
    return _Compiler(strict_integer=False).compile(inline_refs(published)), Draft202012Validator(
        published
    )


def _agree(kind: str, document: Any) -> bool:
    """True when the fast path and jsonschema agree (or the fast path declined, unsure)."""
    check, validator = _pair(kind)
    valid = not any(True for _ in validator.iter_errors(document))
    try:
        return check(document) == valid
    except _Unsure:
        return True


def _yaml_documents(pattern: str) -> list[Any]:
    found = []
    for path in sorted(ROOT.glob(pattern)):
        try:
            text = path.read_text("utf-8")
            if any(isinstance(event, yaml.AliasEvent) for event in yaml.parse(text)):
                continue  # the loader's alias bombs and recursive aliases: never a tree
            found += [d for d in yaml.safe_load_all(text) if d is not None]
        except (yaml.YAMLError, UnicodeDecodeError):
            continue  # a fixture that is broken YAML on purpose
    return found


def _corpus(kind: str) -> tuple[Any, ...]:
    """The repository's documents of that kind (the account kinds also get every other YAML
    fixture: a verdict must agree on any document, valid or not)."""
    return _documents_for("account" if kind.startswith("account:") else kind)


@cache
def _documents_for(kind: str) -> tuple[Any, ...]:
    if kind == "plan":
        files = [*ROOT.glob("tests/golden/*.plan.json"), ROOT / "examples" / "plan.json"]
        return tuple(json.loads(path.read_text("utf-8")) for path in sorted(files))
    if kind == "prices":
        return tuple(_yaml_documents("**/prices*.yaml") + _yaml_documents("examples/*.yaml"))
    if kind == "project":
        return tuple(_yaml_documents("**/zoomplans*.yaml") + _yaml_documents("examples/*.yaml"))
    return tuple(
        _yaml_documents("examples/**/*.yaml")
        + _yaml_documents("tests/fixtures/**/*.yaml")
        + _yaml_documents("tests/guards/fixtures/**/*.yaml")
    )


@pytest.mark.parametrize("kind", KINDS)
def test_every_repository_document_gets_jsonschemas_verdict(kind: str) -> None:
    check, validator = _pair(kind)
    documents = _corpus(kind)
    assert len(documents) >= 3
    accepted = 0
    for document in documents:
        valid = not any(True for _ in validator.iter_errors(document))
        assert check(document) == valid, document  # never unsure on a real document
        accepted += valid
    assert accepted >= 1  # the comparison saw valid documents, not only broken ones


def _paths(node: Any, trail: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in a document (the root included)."""
    places = [trail]
    if isinstance(node, dict):
        for key, value in node.items():
            places += _paths(value, (*trail, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            places += _paths(value, (*trail, index))
    return places


@cache
def _schema_words(kind: str) -> tuple[Any, ...]:
    """Property names, enum and const values of a schema: mutations that come close to valid."""
    schema = (
        account._schema("full")
        if kind.startswith("account")
        else packaged_schema(f"{kind}.schema.json")
    )
    words: set[Any] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            words.update(k for k in node.get("properties", {}) if isinstance(k, str))
            words.update(v for v in node.get("enum", []) if isinstance(v, str | int))
            if isinstance(node.get("const"), str | int):
                words.add(node["const"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)
    return tuple(sorted(words, key=repr))


_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-3, max_value=10**6),
    st.sampled_from([0, 1, 3.0, 2.5, -1, 10**12, 1e300, "", "US", "us", "US\n", "a b", "x@y.z"]),
    st.floats(allow_nan=False),
    st.text(max_size=8),
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=6,
)


def _replace(document: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(document, dict):
        return {**document, head: _replace(document[head], rest, value)}
    copy = list(document)
    copy[head] = _replace(copy[head], rest, value)
    return copy


def _drop(document: Any, path: tuple[Any, ...]) -> Any:
    parent = path[:-1]

    def without(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: v for k, v in node.items() if k != path[-1]}
        return [v for i, v in enumerate(node) if i != path[-1]]

    target = document
    for part in parent:
        target = target[part]
    return _replace(document, parent, without(target))


@st.composite
def _mutated(draw: st.DrawFn, kind: str) -> Any:
    document = draw(st.sampled_from(_corpus(kind)))
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        path = draw(st.sampled_from(_paths(document)))
        words = _schema_words(kind)
        what = draw(st.sampled_from(["value", "word", "drop", "add"]))
        if what == "value":
            document = _replace(document, path, draw(_VALUES))
        elif what == "word":
            document = _replace(document, path, draw(st.sampled_from(words)))
        elif what == "drop" and path:
            document = _drop(document, path)
        elif what == "add" and isinstance(_at(document, path), dict):
            key = draw(st.sampled_from(words) | st.text(max_size=5))
            document = _replace(document, path, {**_at(document, path), key: draw(_VALUES)})
    return document


def _at(document: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        document = document[part]
    return document


@pytest.mark.parametrize("kind", KINDS)
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_mutated_documents_get_jsonschemas_verdict(kind: str, data: st.DataObject) -> None:
    document = data.draw(_mutated(kind))
    assert _agree(kind, document), document


def test_the_acceptor_declines_rather_than_guess() -> None:
    unique = compile_acceptor({"type": "array", "uniqueItems": True})
    assert unique(["US", "CA"])
    assert not unique(["US", "US"])
    assert not unique([1, True])  # jsonschema's uniq tells 1 from True: left to it
    listed = compile_acceptor({"enum": [[1], "a"]})
    assert listed("a")
    assert not listed([1])  # a list compared with a list: left to jsonschema


def test_strict_and_draft_integers() -> None:
    assert not compile_acceptor({"type": "integer"}, strict_integer=True)(3.0)
    assert compile_acceptor({"type": "integer"})(3.0)
    assert not compile_acceptor({"type": "integer"})(True)
    assert not compile_acceptor({"const": 1})(True)
    assert compile_acceptor({"const": 1})(1.0)


def test_an_unknown_keyword_is_refused_when_compiled() -> None:
    with pytest.raises(UnsupportedSchema, match="patternProperties"):
        compile_acceptor({"patternProperties": {"^x": {"type": "string"}}})
    with pytest.raises(UnsupportedSchema, match="unknown type"):
        compile_acceptor({"type": "decimal"})
    with pytest.raises(UnsupportedSchema, match="object or a boolean"):
        compile_acceptor({"not": []})


def test_loading_valid_files_never_imports_jsonschema() -> None:
    """jsonschema (0.09 s to import) is for documents with problems only."""
    accounts = ROOT / "examples" / "accounts"
    plan_file = ROOT / "examples" / "plan.json"
    script = (
        "import json, sys\n"
        "from pathlib import Path\n"
        "from reconciler.desired.loader import load_desired\n"
        "from reconciler.planner.model import Plan\n"
        f"assert load_desired([Path({str(accounts)!r})]).accounts\n"
        f"Plan.from_json(json.loads(Path({str(plan_file)!r}).read_text()))\n"
        "print([m for m in sys.modules if m.split('.')[0] in ('jsonschema', 'referencing')])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert done.stdout.strip() == "[]", done.stderr

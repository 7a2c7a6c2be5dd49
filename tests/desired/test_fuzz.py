"""Random bytes and random YAML trees: the only outcomes are a model or located problems."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any
from unittest.mock import patch

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reconciler.desired import DesiredState, load_desired, reader
from reconciler.desired.catalogue import known_types
from reconciler.desired.reader import read_bytes

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(["NO", "yes", "012", "1:30", "2026-01-01", "~", "cancelled", "active"]),
)
keys = st.one_of(
    st.sampled_from(
        [
            "account_id",
            "name",
            "labels",
            "extends",
            "contact",
            "plans",
            "plan_base",
            "plan_webinar",
            "plan_recording",
            "plan_audio",
            "plan_phone",
            "plan_calling",
            "type",
            "hosts",
            "state",
            "status",
            "tollfree_countries",
            "country",
        ]
    ),
    st.text(max_size=8),
)
trees = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(keys, children, max_size=5)
    ),
    max_leaves=25,
)
plan_types = st.one_of(st.sampled_from(known_types()), st.text(max_size=10))
hosts = st.one_of(st.integers(min_value=-5, max_value=10_050), st.floats(), st.text(max_size=3))
entry = st.fixed_dictionaries(
    {"type": plan_types},
    optional={"hosts": hosts, "state": st.sampled_from(["cancelled", "paused"])},
)
accounts = st.fixed_dictionaries(
    {"account_id": st.one_of(st.just("sub_fuzz"), st.text(max_size=6))},
    optional={
        "labels": st.dictionaries(st.text(max_size=5), scalars, max_size=3),
        "extends": st.sampled_from(["missing.yaml", "self.yaml", ""]),
        "plans": st.fixed_dictionaries(
            {},
            optional={
                "plan_base": entry,
                "plan_zoom_rooms": entry,
                "plan_webinar": st.lists(entry, max_size=3),
                "plan_large_meeting": st.lists(entry, max_size=3),
                "plan_recording": st.one_of(plan_types, entry),
                "plan_audio": entry,
                "plan_phone": st.fixed_dictionaries(
                    {}, optional={"plan_base": entry, "plan_calling": st.lists(entry, max_size=2)}
                ),
            },
        ),
    },
)


def load_text(raw: bytes) -> tuple[DesiredState, str]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "self.yaml"
        path.write_bytes(raw)
        return load_desired([path]), str(path)


def assert_model_or_located(state: DesiredState, file: str) -> None:
    for problem in state.problems:
        assert problem.file == file
        assert problem.line >= 1
        assert problem.column >= 1
        assert problem.severity in ("error", "warning")
        assert problem.message
        assert "Traceback" not in problem.message
    if not state.ok:
        assert state.errors
    for account in state.accounts:
        assert isinstance(account.account_id, str)
        assert account.account_id
        assert isinstance(account.plans, dict)


@FUZZ
@given(st.binary(max_size=400))
def test_random_bytes(raw: bytes) -> None:
    state, file = load_text(raw)
    assert_model_or_located(state, file)


@FUZZ
@given(st.lists(trees, min_size=1, max_size=3))
def test_random_yaml_trees(documents: list[Any]) -> None:
    state, file = load_text(yaml.safe_dump_all(documents).encode())
    assert_model_or_located(state, file)


@FUZZ
@given(st.lists(accounts, min_size=1, max_size=3))
def test_random_account_shaped_documents(documents: list[Any]) -> None:
    state, file = load_text(yaml.safe_dump_all(documents, sort_keys=False).encode())
    assert_model_or_located(state, file)
    declared = [d["account_id"] for d in documents]
    for account in state.accounts:
        assert declared.count(account.account_id) == 1


@FUZZ
@given(st.text(alphabet=" \t\n-:[]{},&*!|>'\"#%@`?abyNO0123", max_size=120))
def test_random_yaml_punctuation(text: str) -> None:
    state, file = load_text(text.encode())
    assert_model_or_located(state, file)


@FUZZ
@given(st.lists(trees, min_size=1, max_size=3))
def test_libyaml_and_pure_python_agree_on_random_trees(documents: list[Any]) -> None:
    raw = yaml.safe_dump_all(documents).encode()
    fast = read_bytes(raw, "f")
    with patch.object(reader.yaml, "__with_libyaml__", False):
        slow = read_bytes(raw, "f")
    assert [d.data for d in fast.documents] == [d.data for d in slow.documents]
    assert [(p.line, p.column, p.message) for p in fast.problems] == [
        (p.line, p.column, p.message) for p in slow.problems
    ]

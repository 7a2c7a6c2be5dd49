"""streamed.py: the one-pass reading of an ordinary file gives what composed nodes give.

Every file reads the same through either path (data and its key order, the place of every key
and value, the problems word for word and in order); the one pass declines, unread, whatever is
out of the ordinary, and takes the ordinary files the loader meets.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from unittest.mock import patch

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from yaml.nodes import ScalarNode
from yaml.resolver import Resolver

from reconciler.desired import reader
from reconciler.desired.located import Location, Places
from reconciler.desired.reader import ReadResult, read_bytes
from reconciler.desired.streamed import plain_tag, read_stream

REPO = Path(__file__).resolve().parents[2]
#: Every YAML file of the repository's examples and tests: accounts, templates, invalid ones.
FILES = sorted(
    path
    for folder in ("examples", "tests")
    for pattern in ("*.yaml", "*.yml")
    for path in (REPO / folder).rglob(pattern)
)
SAMPLES = [
    b"a: 1\nb: 2\na: 3\n",
    b"on: 1\nyes: [y, n, Y, 'N']\n",
    b"[a]: 1\nb: 2\n",
    b"{a: 1}: 2\nb: 3\n",
    b"<<: {a: 1}\nc: 1\n",
    b"!!merge [x]: 1\n",
    b"a: !!set {x}\nb: !!omap [c: 1]\nc: !custom 1\n",
    b"- !!str 1\n- !!int '3'\n- ! 12\n- ! [a]\n- ! {a: 1}\n",
    b"a: 012\nb: 0x1f\nc: 1:30\nd: 1_000\ne: 0b101\nf: +12\ng: -0\n",
    b"hosts: " + b"1" * 200 + b"\n",
    b"d: 2026-01-01\npaid_period_start_date: 2026-01-01\n",
    b"a: 1\n---\n---\nb: 2\n---\n",
    b"---\n",
    b"a: 1.5\nb: .inf\nc: -.nan\nd: 1e3\ne: ~\nf: null\ng:\n",
    b"1: a\n'1': b\n? c\n: 1\n? [d]\n: 2\n",
    b"a:\n  - b: 1\n    b: 2\n  - [c, {d: e}]\n",
    b"%YAML 1.1\n---\na: 1\n",
    b"%TAG !e! tag:example.com,2000:\n---\na: !e!foo 1\n",
    b"a: |\n  text\nb: >\n  folded\n",
    b"just text\n",
    b"- - - - a\n",
    b"<<: 1\n<<: 2\na:\n  <<: {x: 1}\n  y: 2\n",
    b"a: &x 1\nb: *x\n",
    b"a: *x\n",
    b"a: &a [*a]\n",
    b"a: [1\n",
    b"a: b: c\n",
    b"a: 1\n--- [x\n",
    b"x: 0b_\n",
    b"[" * 40 + b"]" * 40,
    b"[" * 41 + b"]" * 41,
    "".join(f"{'  ' * d}k{d}:\n" for d in range(39)).encode(),
    "".join(f"{'  ' * d}k{d}:\n" for d in range(45)).encode(),
    b"[[a]]: 1\n" + b"k: " + b"[" * 39 + b"]" * 39 + b"\n",
]
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
trees = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(),
        st.text(max_size=8),
        st.sampled_from(["NO", "y", "012", "1:30", "0x1f", "2026-01-01", "<<", "~", "=", ""]),
    ),
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.text(max_size=6), children, max_size=4),
    ),
    max_leaves=20,
)


def through_nodes(raw: bytes) -> ReadResult:
    """What reading gives when every file goes through composed nodes."""
    with patch.object(reader, "read_stream", lambda *_args, **_kw: None):
        return read_bytes(raw, "f.yaml")


def same_reading(raw: bytes) -> None:
    fast, slow = read_bytes(raw, "f.yaml"), through_nodes(raw)
    assert fast.problems == slow.problems
    assert [(d.file, d.line, repr(d.data)) for d in fast.documents] == [
        (d.file, d.line, repr(d.data)) for d in slow.documents
    ]
    assert [(list(d.values.items()), list(d.keys.items())) for d in fast.documents] == [
        (list(d.values.items()), list(d.keys.items())) for d in slow.documents
    ]


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(REPO)))
def test_every_example_and_test_file_reads_the_same(path: Path) -> None:
    same_reading(path.read_bytes())


@pytest.mark.parametrize("raw", SAMPLES)
def test_odd_and_hostile_input_reads_the_same(raw: bytes) -> None:
    same_reading(raw)


@FUZZ
@given(st.lists(trees, min_size=1, max_size=3))
def test_random_trees_read_the_same(documents: list[Any]) -> None:
    same_reading(yaml.safe_dump_all(documents).encode())


@FUZZ
@given(st.text(alphabet=" \n-:[]{},&*!|>'\"#?<=ayNO0123", max_size=60))
def test_random_punctuation_reads_the_same(text: str) -> None:
    same_reading(text.encode())


def test_the_ordinary_files_are_read_in_one_pass() -> None:
    """The speed is not lost quietly: every valid example is read by the one pass."""
    valid = [p for p in FILES if "invalid" not in p.parts and "cassettes" not in p.parts]
    declined = [p for p in valid if read_stream(p.read_text(), str(p), max_values=10_000) is None]
    assert len(valid) > 20
    assert declined == [], "declined: an anchor or alias, or a limit? (read, but more slowly)"


@pytest.mark.parametrize(
    "text",
    [
        "a: &x 1\nb: *x\n",  # an anchor: the node path expands aliases within its limits
        "a: [1\n",  # a parse error
        "[" * 41 + "]" * 41,  # too deep
        "".join(f"{'  ' * d}k{d}:\n" for d in range(45)),
        "- " + "\n- ".join("x" * 10 for _ in range(60)),  # more values than allowed (50)
        "x: 0b_\n",  # a number Python cannot convert
    ],
)
def test_out_of_the_ordinary_is_declined_unread(text: str) -> None:
    assert read_stream(text, "f", max_values=50) is None


def test_an_alias_bomb_is_declined_at_its_first_alias() -> None:
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    with patch("reconciler.desired.streamed.ScalarChecks.scalar") as scalar:
        assert read_stream("\n".join(lines), "f", max_values=200_000) is None
    assert scalar.call_count == 0  # declined at the first anchor, before reading any value


@pytest.mark.parametrize(
    "value",
    ["", "y", "Yes", "NO", "n", "null", "Null", "~", "true", "off", "012", "0x1f", "0b101",
     "1:30", "1_000", "-1", "+12", "1.5", ".inf", "-.nan", "1e3", "2026-01-01",
     "2026-01-01T10:00:00Z", "<<", "=", "business_monthly", "cancelled", "US", "-", "."],
)  # fmt: skip
def test_plain_tags_are_pyyaml_s(value: str) -> None:
    assert plain_tag(value) == Resolver().resolve(ScalarNode, value, (True, False))


def test_places_are_locations_made_when_asked() -> None:
    places = Places("f.yaml", {("a",): (3, 5)})
    assert places[("a",)] == Location("f.yaml", 3, 5)
    assert places.get(("a",)) == Location("f.yaml", 3, 5)
    assert places.get(("b",)) is None
    assert ("a",) in places and ("b",) not in places
    assert dict(places) == {("a",): Location("f.yaml", 3, 5)}
    assert places == {("a",): Location("f.yaml", 3, 5)}


def test_a_file_is_read_to_its_end_even_when_it_grew_after_stat(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_bytes(b"a: 1\n" * 30_000)
    with open(path, "rb", buffering=0) as handle:
        assert reader._read_bounded(handle, 10) == path.read_bytes()


@FUZZ
@given(st.text(max_size=12))
def test_any_plain_text_gets_pyyaml_s_tag(value: str) -> None:
    assert plain_tag(value) == Resolver().resolve(ScalarNode, value, (True, False))

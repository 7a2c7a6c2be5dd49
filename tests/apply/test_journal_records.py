"""One parser of journal lines (issue 21 item 2): every line is a typed record or a located
problem, never an exception of another kind, whatever a hand edit or a crash left."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from reconciler.apply.journal_records import (
    Intent,
    JournalLineError,
    Outcome,
    Result,
    Settlement,
    parse_line,
)
from tests.apply.journal_lines import line

KINDS = ["intent", "outcome", "resolution", "acknowledged", "run_start", "run_end", "other"]
VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=6,
)
FIELDS = [
    "intent_id", "account_id", "op", "method", "path", "body", "result", "ts", "zoom_ts",
    "master_account_id", "retry_of", "line_sha256", "reason", "resolved_by", "http_status",
]  # fmt: skip


@given(
    kind=st.sampled_from(KINDS),
    changes=st.dictionaries(st.sampled_from(FIELDS), VALUES, max_size=4),
    cut=st.integers(min_value=0, max_value=400),
)
def test_any_edit_of_a_line_is_a_record_or_a_located_problem(
    kind: str, changes: dict[str, Any], cut: int
) -> None:
    text = json.dumps({**line(kind, line_sha256="abc", reason="r"), **changes}) + "\n"
    for variant in (text, text[:cut]):
        try:
            parse_line("j.jsonl:7", variant)
        except JournalLineError as exc:
            assert str(exc).startswith("j.jsonl:7: ")


def test_each_kind_becomes_its_record_with_typed_fields() -> None:
    intent = parse_line("j:1", json.dumps(line("intent", intent_id="i1")) + "\n")
    assert isinstance(intent, Intent) and intent.intent_id == "i1" and intent.zoom_ts is None
    outcome = parse_line("j:2", json.dumps(line("outcome", intent_id="i1")) + "\n")
    assert isinstance(outcome, Outcome) and outcome.result is Result.OK
    settled = parse_line(
        "j:3", json.dumps(line("resolution", intent_id="i1", result="not_visible")) + "\n"
    )
    assert isinstance(settled, Settlement) and settled.result is Result.NOT_VISIBLE


def test_an_unknown_result_is_named() -> None:
    try:
        parse_line("j:4", json.dumps(line("outcome", intent_id="i1", result="maybe")) + "\n")
    except JournalLineError as exc:
        assert 'j:4: result "maybe" is not one of ok, failed' in str(exc)
    else:
        raise AssertionError("an unknown result must be a problem")

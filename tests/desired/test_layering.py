"""layering.py: extends chains, merge rules, and locations that survive the merge."""

from __future__ import annotations

from pathlib import Path

import pytest

from reconciler.desired.layering import Layered, Layering, merge
from reconciler.desired.reader import Location, read_bytes, read_file

#: Files are written under tmp_path, outside git: it is the root they may extend within.
pytestmark = pytest.mark.usefixtures("in_tmp_tree")


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def layered(text: str, file: str) -> Layered:
    (document,) = read_bytes(text.encode(), file).documents
    return Layered(document.data, dict(document.values), (file,))


def resolve(path: Path) -> tuple[Layered, list[tuple[str, int, str]], bool, Layering]:
    layering = Layering(read_file)
    (document,) = read_file(path, str(path)).documents
    merged, problems, ok = layering.resolve(document)
    return merged, [(Path(p.file).name, p.line, p.message) for p in problems], ok, layering


def test_mappings_merge_key_by_key_and_the_nearer_file_wins() -> None:
    base = layered("labels: {a: '1', b: '2'}\nplans: {plan_base: {type: t, hosts: 10}}\n", "t.yaml")
    over = layered("account_id: x\nlabels: {b: '3'}\nplans:\n  plan_base: {hosts: 20}\n", "a.yaml")
    merged = merge(base, over)
    assert merged.data == {
        "account_id": "x",
        "labels": {"a": "1", "b": "3"},
        "plans": {"plan_base": {"type": "t", "hosts": 20}},
    }
    assert merged.at(("labels", "a")) == Location("t.yaml", 1, 13)
    assert merged.at(("labels", "b")) == Location("a.yaml", 2, 13)
    assert merged.at(("plans", "plan_base", "type")) == Location("t.yaml", 2, 27)
    assert merged.at(("plans", "plan_base", "hosts")) == Location("a.yaml", 4, 22)
    assert merged.files == ("t.yaml", "a.yaml")


def test_add_on_lists_merge_by_type_keeping_order() -> None:
    base = layered(
        "plans:\n  plan_webinar:\n    - {type: w1, hosts: 1}\n    - {type: w2, hosts: 1}\n",
        "t.yaml",
    )
    over = layered(
        "plans:\n  plan_webinar:\n    - {type: w3, hosts: 5}\n    - {type: w2, state: cancelled}\n",
        "a.yaml",
    )
    merged = merge(base, over)
    assert merged.data["plans"]["plan_webinar"] == [
        {"type": "w1", "hosts": 1},
        {"type": "w2", "hosts": 1, "state": "cancelled"},
        {"type": "w3", "hosts": 5},
    ]
    webinar = ("plans", "plan_webinar")
    assert merged.at((*webinar, 0, "type")) == Location("t.yaml", 3, 14)
    assert merged.at((*webinar, 1, "state")) == Location("a.yaml", 4, 25)
    assert merged.at((*webinar, 1, "hosts")) == Location("t.yaml", 4, 25)
    assert merged.at((*webinar, 2, "hosts")) == Location("a.yaml", 3, 25)


def test_a_recording_string_replaces_a_recording_mapping() -> None:
    base = layered("plans: {plan_recording: {type: cmr_a}}\n", "t.yaml")
    over = layered("plans: {plan_recording: cmr_b}\n", "a.yaml")
    assert merge(base, over).data == {"plans": {"plan_recording": "cmr_b"}}


def test_other_lists_are_replaced_whole() -> None:
    base = layered("plans: {plan_audio: {type: a, tollfree_countries: [US, CA]}}\n", "t.yaml")
    over = layered("plans: {plan_audio: {tollfree_countries: [GB]}}\n", "a.yaml")
    assert merge(base, over).data["plans"]["plan_audio"] == {
        "type": "a",
        "tollfree_countries": ["GB"],
    }


def test_chains_resolve_relative_to_the_naming_file(tmp_path: Path) -> None:
    write(tmp_path / "templates" / "base.yaml", "labels: {tier: business, region: amer}\n")
    write(tmp_path / "templates" / "emea.yaml", "extends: base.yaml\nlabels: {region: emea}\n")
    account = write(
        tmp_path / "accounts" / "a.yaml",
        "account_id: sub_a\nextends: ../templates/emea.yaml\nlabels: {owner: ada}\n",
    )
    merged, problems, ok, layering = resolve(account)
    assert (problems, ok) == ([], True)
    assert merged.data["labels"] == {"tier": "business", "region": "emea", "owner": "ada"}
    assert len(layering.template_files) == 2


def test_missing_target_is_reported_at_the_extends_line(tmp_path: Path) -> None:
    account = write(tmp_path / "a.yaml", "account_id: sub_a\n\nextends: nowhere.yaml\n")
    _, problems, ok, _ = resolve(account)
    assert not ok
    assert problems == [("a.yaml", 3, f"extends target not found: {tmp_path / 'nowhere.yaml'}")]


def test_a_cycle_is_reported_where_it_closes(tmp_path: Path) -> None:
    write(tmp_path / "one.yaml", "extends: two.yaml\n")
    write(tmp_path / "two.yaml", "labels: {a: b}\nextends: one.yaml\n")
    account = write(tmp_path / "a.yaml", "account_id: sub_a\nextends: one.yaml\n")
    _, problems, ok, layering = resolve(account)
    assert not ok
    assert problems == []
    assert [(Path(p.file).name, p.line, p.message) for p in layering.problems()] == [
        ("two.yaml", 2, "extends cycle: a.yaml -> one.yaml -> two.yaml -> one.yaml")
    ]


def test_an_account_extending_itself_is_a_cycle(tmp_path: Path) -> None:
    account = write(tmp_path / "a.yaml", "account_id: sub_a\nextends: a.yaml\n")
    _, problems, ok, _ = resolve(account)
    assert not ok
    assert problems == [("a.yaml", 2, "extends cycle: a.yaml -> a.yaml")]


def test_a_template_must_hold_one_document(tmp_path: Path) -> None:
    write(tmp_path / "t.yaml", "labels: {a: b}\n---\nlabels: {c: d}\n")
    account = write(tmp_path / "a.yaml", "account_id: sub_a\nextends: t.yaml\n")
    _, _, ok, layering = resolve(account)
    assert not ok
    assert [(p.line, p.message) for p in layering.problems()] == [
        (3, "a template file named by extends must hold exactly one document")
    ]


def test_an_unreadable_template_is_named_at_the_extends_line(tmp_path: Path) -> None:
    write(tmp_path / "t.yaml", "labels: [\n")
    account = write(tmp_path / "a.yaml", "account_id: sub_a\nextends: t.yaml\n")
    _, problems, ok, layering = resolve(account)
    assert not ok
    assert problems == [
        ("a.yaml", 2, f"extends target {tmp_path / 't.yaml'} has errors (see above)")
    ]
    assert [Path(p.file).name for p in layering.problems()] == ["t.yaml"]

"""load_desired: files and folders in, DesiredState out, for valid inputs and mixed ones."""

from __future__ import annotations

import gc
import os
from pathlib import Path

import pytest

from reconciler.desired import DesiredState, SourceMark, load_desired, loader
from reconciler.desired.loader import find_files
from reconciler.desired.reader import ReadResult, read_file

#: Files are written under tmp_path, outside git: it is the root they may extend within.
pytestmark = pytest.mark.usefixtures("in_tmp_tree")

REPO = Path(__file__).resolve().parents[2]
VALID = REPO / "tests" / "fixtures" / "valid"
EXAMPLES = REPO / "examples" / "accounts"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def by_id(state: DesiredState) -> dict[str, object]:
    return {account.account_id: account for account in state.accounts}


def test_examples_are_valid_and_use_every_plan_group() -> None:
    state = load_desired([EXAMPLES])
    assert state.problems == []
    assert len(state.accounts) >= 6
    groups = set()
    for account in state.accounts:
        groups |= set(account.plans)
        for container in ("plan_phone", "plan_zcc"):
            groups |= {f"{container}.{g}" for g in account.plans.get(container, {})}
    for group in (
        "plan_base",
        "plan_zoom_rooms",
        "plan_room_connector",
        "plan_large_meeting",
        "plan_webinar",
        "plan_zoom_events",
        "plan_recording",
        "plan_audio",
        "plan_phone.plan_base",
        "plan_phone.plan_calling",
        "plan_phone.plan_number",
        # Zoom's 2026 groups the examples and the demo show (issue 12)
        "plan_whiteboard",
        "plan_ztransl",
        "plan_zoom_one",
        "plan_zcc.plan_package_lists",
        "plan_zcc.plan_usage",
        "plan_zcc.plan_phone_number",
    ):
        assert group in groups, group
    assert any(a.contact for a in state.accounts)


def test_several_documents_in_one_file_each_with_its_own_source_line() -> None:
    state = load_desired([VALID / "several-documents.yaml"])
    assert state.ok
    shown = str(VALID / "several-documents.yaml")
    assert [(a.account_id, a.source) for a in state.accounts] == [
        ("sub_one", SourceMark(shown, 1)),
        ("sub_two", SourceMark(shown, 6)),
    ]
    second = state.accounts[1]
    assert second.labels == {"tier": "gold", "region": "emea"}
    assert second.plans["plan_recording"] == {
        "type": "cmr_monthly_commitment_100",
        "state": "cancelled",
    }


def test_a_pasted_get_answer_loads_without_its_read_only_fields() -> None:
    state = load_desired([VALID / "pasted-get-answer.yaml"])
    assert state.problems == []
    (account,) = state.accounts
    assert account.plans == {
        "plan_base": {"type": "business_monthly", "hosts": 20},
        "plan_webinar": [{"type": "webinar500_monthly", "hosts": 3}],
        "plan_recording": "cmr_monthly_commitment_40",
        "plan_audio": {
            "type": "tollfree_payongo",
            "tollfree_countries": "US,CA",
            "premium_countries": "",
            "callout_countries": "US",
            "ddi_numbers": 0,
        },
    }


def test_extends_chain_merges_and_the_account_file_wins() -> None:
    state = load_desired([VALID / "layered" / "accounts"])
    assert state.problems == []
    accounts = by_id(state)
    berlin = accounts["sub_berlin"]
    assert berlin.plans["plan_base"] == {"type": "business_monthly", "hosts": 30}
    assert berlin.plans["plan_webinar"] == [
        {"type": "webinar100_monthly", "hosts": 1, "state": "cancelled"},
        {"type": "webinar500_monthly", "hosts": 2},
        {"type": "webinar1000_monthly", "hosts": 1},
    ]
    assert berlin.labels == {"tier": "business", "region": "emea"}
    assert berlin.contact is not None
    # The nearest contact wins whole: nothing of base.yaml's (London, EC1A 1BB) is left.
    assert (berlin.contact["country"], berlin.contact["city"], berlin.contact["zip"]) == (
        "DE",
        "Berlin",
        "10117",
    )
    assert berlin.contact["email"] == "billing-emea@acme.example"
    origin = berlin.contact_origin
    assert origin is not None and origin.file.endswith("templates/emea.yaml")
    assert {f.rsplit(":", 1)[0] for _, f in origin.fields} == {origin.file}
    assert origin.replaced is not None and origin.replaced.endswith("templates/base.yaml:3")
    paris = accounts["sub_paris"]
    assert paris.labels == {"tier": "gold", "region": "emea"}
    assert paris.plans["plan_base"] == {"type": "business_monthly", "hosts": 10}


def test_templates_in_the_given_folder_are_not_counted_as_accounts() -> None:
    state = load_desired([VALID / "layered"])
    assert state.problems == []
    assert sorted(a.account_id for a in state.accounts) == ["sub_berlin", "sub_paris"]
    assert len(state.files) == 2


def test_unknown_types_are_errors_unless_allowed_by_name() -> None:
    path = VALID / "new-codes" / "accounts" / "new-codes.yaml"
    refused = load_desired([path])
    assert not refused.ok
    assert [(p.line, p.severity) for p in refused.problems] == [(7, "error"), (8, "error")]
    assert refused.accounts == []
    allowed = load_desired([path], extra_plan_types=["webinar2000_monthly", "zroom_biennial"])
    assert allowed.ok
    assert allowed.problems == []
    assert [a.account_id for a in allowed.accounts] == ["sub_new_codes"]


def test_a_broken_document_does_not_hide_its_valid_neighbour(tmp_path: Path) -> None:
    path = write(
        tmp_path / "two.yaml",
        "account_id: sub_good\nplans: {plan_base: {type: monthly, hosts: 2}}\n---\n"
        "account_id: sub_bad\nplans: {plan_base: {type: monthly, hosts: 0}}\n",
    )
    state = load_desired([path])
    assert [a.account_id for a in state.accounts] == ["sub_good"]
    assert [(p.line, p.severity) for p in state.problems] == [(5, "error")]


def test_duplicate_account_ids_keep_neither(tmp_path: Path) -> None:
    doc = "account_id: sub_same\nplans: {plan_base: {type: monthly, hosts: 2}}\n"
    first = write(tmp_path / "a.yaml", doc)
    write(tmp_path / "b.yaml", "# again\n" + doc)
    state = load_desired([tmp_path])
    assert state.accounts == []
    (problem,) = state.problems
    assert (problem.file, problem.line) == (str(tmp_path / "b.yaml"), 2)
    assert f"{first}:1" in problem.message


def test_folders_are_searched_recursively_in_sorted_order_skipping_hidden(tmp_path: Path) -> None:
    doc = "account_id: sub_{0}\nplans: {{plan_base: {{type: monthly, hosts: 2}}}}\n"
    write(tmp_path / "b" / "two.yml", doc.format("two"))
    write(tmp_path / "a.yaml", doc.format("one"))
    write(tmp_path / "c" / "d" / "three.yaml", doc.format("three"))
    write(tmp_path / ".git" / "junk.yaml", "not: [valid")
    write(tmp_path / "notes.txt", "not yaml at all: [")
    state = load_desired([tmp_path])
    assert state.problems == []
    assert [a.account_id for a in state.accounts] == ["sub_one", "sub_two", "sub_three"]


def test_the_same_file_given_twice_is_read_once(tmp_path: Path) -> None:
    path = write(tmp_path / "a.yaml", "account_id: sub_x\nplans: {}\n")
    state = load_desired([path, tmp_path])
    assert [a.account_id for a in state.accounts] == ["sub_x"]
    assert state.problems == []


def test_missing_path_and_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    state = load_desired([tmp_path / "missing", tmp_path / "empty"])
    assert [(p.severity, p.message) for p in state.problems] == [
        ("error", "no such file or folder"),
        (
            "error",
            f"no account files found under {tmp_path / 'empty'} (no *.yaml or *.yml files); "
            "check the path",
        ),
    ]
    assert not state.ok


def test_yaml_only_in_hidden_folders_counts_as_no_account_files(tmp_path: Path) -> None:
    write(tmp_path / ".git" / "a.yaml", "account_id: sub_x\nplans: {}\n")
    state = load_desired([tmp_path])
    assert [(p.file, p.line, p.severity) for p in state.problems] == [(str(tmp_path), 1, "error")]
    assert "no account files found" in state.problems[0].message


def test_required_keys_may_come_from_the_template(tmp_path: Path) -> None:
    write(tmp_path / "t.yaml", "plans: {plan_base: {type: business_monthly}}\n")
    write(
        tmp_path / "a.yaml", "account_id: sub_a\nextends: t.yaml\nplans: {plan_base: {hosts: 12}}\n"
    )
    state = load_desired([tmp_path / "a.yaml"])
    assert state.problems == []
    assert state.accounts[0].plans["plan_base"] == {"type": "business_monthly", "hosts": 12}


def test_a_required_key_missing_after_layering_points_at_the_group(tmp_path: Path) -> None:
    write(tmp_path / "t.yaml", "labels: {tier: gold}\n")
    write(
        tmp_path / "a.yaml",
        "account_id: sub_a\nextends: t.yaml\nplans:\n  plan_base: {hosts: 12}\n",
    )
    state = load_desired([tmp_path / "a.yaml"])
    assert [(p.file, p.line, p.message) for p in state.problems] == [
        (str(tmp_path / "a.yaml"), 4, "plans.plan_base is missing the required key 'type'")
    ]
    assert state.accounts == []


def test_a_template_used_twice_reports_its_problems_once(tmp_path: Path) -> None:
    write(tmp_path / "t.yaml", "plans: {plan_base: {type: monthly, hosts: 0}}\n")
    write(tmp_path / "a.yaml", "account_id: sub_a\nextends: t.yaml\n")
    write(tmp_path / "b.yaml", "account_id: sub_b\nextends: t.yaml\n")
    state = load_desired([tmp_path / "a.yaml", tmp_path / "b.yaml"])
    assert [(Path(p.file).name, p.line) for p in state.problems] == [("t.yaml", 1)]
    assert state.accounts == []


def test_to_json_of_a_loaded_account_is_plain_data() -> None:
    state = load_desired([EXAMPLES / "globex.yaml"])
    (account,) = state.accounts
    assert account.to_json() == {
        "account_id": "sub_globex_apac",
        "name": "Globex APAC",
        "labels": {"tier": "pro", "region": "apac"},
        "contact": None,
        "plans": {
            "plan_base": {"type": "monthly", "hosts": 5},
            "plan_room_connector": {"type": "roomconnector_monthly", "hosts": 1},
            "plan_recording": {"type": "cmr_monthly_commitment_100"},
        },
    }


def test_messages_stay_on_one_line_and_short(tmp_path: Path) -> None:
    long_name = "z" * 5000
    path = write(
        tmp_path / "a.yaml",
        f'account_id: sub_x\n"a\\nb\\e\\u2028": 1\nlabels: {{x: "{long_name}", y: 3}}\n'
        f'extends: "{long_name}"\n',
    )
    state = load_desired([path])
    messages = [p.message for p in state.problems]
    assert "unknown key 'a\\nb\\x1b\\u2028' in the document" in messages[0]
    assert all("\n" not in m and "\x1b" not in m and len(m) <= 400 for m in messages)
    assert messages[-1].endswith("...")


def test_strict_also_refuses_accounts_in_a_file_with_a_yaml_warning(tmp_path: Path) -> None:
    path = write(tmp_path / "a.yaml", "account_id: sub_a\nname: y\n")
    assert [a.account_id for a in load_desired([path]).accounts] == ["sub_a"]
    strict = load_desired([path], strict=True)
    assert strict.accounts == []
    assert [(p.line, p.severity) for p in strict.problems] == [(2, "error")]


def test_each_file_found_carries_its_real_path(tmp_path: Path) -> None:
    """The walk resolves a folder once and a file only when it is a link: the same real path
    as resolving every file in full, so a file reached twice is still read once."""
    account = "account_id: sub_{}\nplans:\n  plan_base: {{type: business_monthly, hosts: 10}}\n"
    write(tmp_path / "real" / "a.yaml", account.format("a"))
    write(tmp_path / "real" / "deeper" / "b.yaml", account.format("b"))
    (tmp_path / "real" / "same-as-a.yaml").symlink_to(tmp_path / "real" / "a.yaml")
    (tmp_path / "through").symlink_to(tmp_path / "real")  # a folder named through a link
    files, problems = find_files(["through", tmp_path / "real" / "a.yaml"])
    assert problems == []
    assert [(shown, real) for _path, shown, real in files] == [
        (shown, os.path.realpath(path)) for path, shown, _real in files
    ]
    assert sorted(os.path.basename(real) for _path, _shown, real in files) == ["a.yaml", "b.yaml"]
    assert sorted(a.account_id for a in load_desired(["through"]).accounts) == ["sub_a", "sub_b"]


def test_files_load_with_the_cycle_collector_paused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(
        tmp_path / "a.yaml",
        "account_id: sub_a\nplans:\n  plan_base: {type: business_monthly, hosts: 10}\n",
    )
    seen: list[bool] = []

    def watching(file: Path, display: str) -> ReadResult:
        seen.append(gc.isenabled())
        return read_file(file, display)

    monkeypatch.setattr(loader, "read_file", watching)
    was = gc.isenabled()
    gc.enable()
    try:
        assert load_desired([path]).ok
        assert gc.isenabled()
    finally:
        (gc.enable if was else gc.disable)()
    assert seen == [False]

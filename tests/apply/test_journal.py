"""The journal: durable intent-before-call, one JSON object per line, and what a run recovers."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import pytest

from reconciler.apply.intents import unsettled
from reconciler.apply.journal import (
    Journal,
    JournalBusy,
    JournalError,
    RunContext,
    read_journal,
)
from tests.apply.journal_lines import line as journal_line

CALL = {
    "account_id": "sub_a",
    "op": "add_addon",
    "method": "POST",
    "path": "/accounts/sub_a/plans/addons",
    "body": {"type": "webinar500_monthly", "hosts": 3},
}


def test_intent_is_fsynced_before_the_method_returns(open_journal, monkeypatch, kit) -> None:
    journal = open_journal()
    synced: list[str] = []
    real_fsync = os.fsync

    def spy(fd: int) -> None:
        real_fsync(fd)
        synced.append(journal.path.read_text())

    monkeypatch.setattr(os, "fsync", spy)
    intent_id = journal.intent(**CALL)
    assert len(synced) == 1
    written = json.loads(synced[0].splitlines()[-1])
    assert written["kind"] == "intent"
    assert written["intent_id"] == intent_id


def test_every_line_carries_the_run_context_and_the_call(open_journal, kit) -> None:
    journal = open_journal()
    intent_id = journal.intent(**CALL)
    journal.outcome(intent_id, **CALL, result="ok", http_status=201, duration_ms=12.345)
    intent, outcome = kit.lines(journal.path)
    for line in (intent, outcome):
        assert line["run_id"] == "run1"
        assert line["actor"] == "tester"
        assert line["git_commit"] == "c0ffee"
        assert line["plan_sha256"] == "p1"
        assert line["account_id"] == "sub_a"
        assert line["op"] == "add_addon"
        assert line["method"] == "POST"
        assert line["path"] == "/accounts/sub_a/plans/addons"
        assert line["body"] == {"type": "webinar500_monthly", "hosts": 3}
        assert line["ts"].endswith("Z")
    assert outcome["intent_id"] == intent_id
    assert outcome["http_status"] == 201
    assert outcome["duration_ms"] == 12.3
    assert outcome["result"] == "ok"


def test_the_folder_is_created_and_earlier_lines_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "journal.jsonl"
    for run in ("r1", "r2"):
        with Journal(path, RunContext(run, "me", None, "p")) as journal:
            journal.write("run_start")
    assert [json.loads(x)["run_id"] for x in path.read_text().splitlines()] == ["r1", "r2"]


def test_a_journal_that_cannot_be_opened_is_a_named_error(tmp_path: Path) -> None:
    (tmp_path / "taken").mkdir()
    journal = Journal(tmp_path / "taken", RunContext("r", "me", None, "p"))
    with pytest.raises(JournalError, match="cannot open for appending"):
        journal.open()


def test_actor_comes_from_github_actor_then_user(monkeypatch) -> None:
    monkeypatch.setenv("GITHUB_ACTOR", "octocat")
    monkeypatch.setenv("USER", "local")
    assert RunContext.for_this_process(plan_sha256="p", git_commit=None).actor == "octocat"
    monkeypatch.delenv("GITHUB_ACTOR")
    context = RunContext.for_this_process(plan_sha256="p", git_commit="abc")
    assert context.actor == "local"
    assert context.git_commit == "abc"
    assert len(context.run_id) == 32


def test_concurrent_appends_stay_one_object_per_line(open_journal, kit) -> None:
    journal = open_journal()

    def many(worker: int) -> None:
        for n in range(100):
            journal.write("note", worker=worker, n=n, filler="x" * 500)

    threads = [threading.Thread(target=many, args=(w,)) for w in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    lines = kit.lines(journal.path)
    assert len(lines) == 800
    assert {(x["worker"], x["n"]) for x in lines} == {(w, n) for w in range(8) for n in range(100)}


def test_an_intent_without_outcome_is_unsettled(open_journal) -> None:
    journal = open_journal()
    done = journal.intent(**CALL)
    journal.outcome(done, **CALL, result="ok", http_status=201)
    crashed = journal.intent(**{**CALL, "account_id": "sub_b"})
    contents = read_journal(journal.path)
    assert [item.intent_id for item in contents.unsettled] == [crashed]
    item = contents.unsettled[0]
    assert item.account_id == "sub_b"
    assert item.last_result is None
    assert item.body == CALL["body"]
    assert contents.unsettled_for("sub_a") == []


def test_an_ambiguous_outcome_stays_unsettled_until_resolved(open_journal) -> None:
    journal = open_journal()
    intent_id = journal.intent(**CALL)
    journal.outcome(intent_id, **CALL, result="ambiguous", message="timed out")
    (pending,) = read_journal(journal.path).unsettled
    assert pending.last_result == "ambiguous"
    journal.resolution(pending, result="resolved_present", message="visible")
    assert read_journal(journal.path).unsettled == ()


def test_failed_and_resolved_absent_are_final(open_journal) -> None:
    journal = open_journal()
    failed = journal.intent(**CALL)
    journal.outcome(failed, **CALL, result="failed", http_status=400, zoom_code=300)
    absent = journal.intent(**CALL)
    journal.outcome(absent, **CALL, result="unknown")
    (pending,) = read_journal(journal.path).unsettled
    journal.resolution(pending, result="resolved_absent", message="not visible")
    assert read_journal(journal.path).unsettled == ()


def test_a_line_cut_short_by_a_crash_is_a_located_problem(tmp_path: Path) -> None:
    path = tmp_path / "j.jsonl"
    good = journal_line("intent", intent_id="i1")
    path.write_text(json.dumps(good) + "\n" + '{"kind": "intent", "intent_id": "i2", "acc')
    contents = read_journal(path)
    assert [str(p) for p in contents.problems] == [
        f"{path}:2: the line is cut short (no newline at its end): a write was interrupted"
    ]
    assert [item.intent_id for item in contents.unsettled] == ["i1"]


def test_a_missing_journal_is_empty(tmp_path: Path) -> None:
    contents = read_journal(tmp_path / "nothing.jsonl")
    assert contents.entries == ()
    assert contents.unsettled == ()


def test_junk_lines_are_problems_named_by_file_and_line_never_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "j.jsonl"
    path.write_bytes(b'\xff\xfe junk\n[1, 2]\n{"kind": "outcome", "intent_id": 5}\n\n')
    contents = read_journal(path)
    assert [p.location for p in contents.problems] == [f"{path}:{n}" for n in (1, 2, 3)]
    assert "not a JSON object" in str(contents.problems[1])
    assert unsettled(contents.records) == []


def test_a_new_run_starts_on_a_fresh_line_after_a_cut_one(tmp_path: Path) -> None:
    path = tmp_path / "j.jsonl"
    path.write_text(json.dumps(journal_line("intent", intent_id="i1")) + '\n{"kind": "outc')
    with Journal(path, RunContext("r2", "me", None, "p")) as journal:
        journal.write("run_start")
    contents = read_journal(path)
    assert [p.location for p in contents.problems] == [f"{path}:2"]
    assert [entry["kind"] for entry in contents.entries] == ["intent", "run_start"]


def test_a_second_run_on_the_same_journal_is_refused_while_the_first_holds_it(
    tmp_path: Path,
) -> None:
    path = tmp_path / "j.jsonl"
    with (
        Journal(path, RunContext("r1", "me", None, "p")),
        pytest.raises(JournalBusy, match="another zoomplans apply is using it"),
    ):
        Journal(path, RunContext("r2", "me", None, "p")).open()
    with Journal(path, RunContext("r3", "me", None, "p")) as journal:
        journal.write("run_start")
    assert read_journal(path).entries[-1]["run_id"] == "r3"


def test_a_new_journal_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "j.jsonl"
    with Journal(path, RunContext("r1", "me", None, "p")) as journal:
        journal.write("run_start")
    assert path.stat().st_mode & 0o777 == 0o600


def test_without_github_actor_or_user_the_login_name_is_the_actor(monkeypatch) -> None:
    import getpass

    monkeypatch.delenv("GITHUB_ACTOR", raising=False)
    monkeypatch.delenv("USER", raising=False)
    monkeypatch.setattr(getpass, "getuser", lambda: "cron")
    assert RunContext.for_this_process(plan_sha256="p", git_commit=None).actor == "cron"

"""Journal upkeep (issue 13 item 5): one file per month next to --journal FILE, an index of the
unsettled intents, and a start that reads only the index and the lines inside its window."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from reconciler.apply.journal import Journal, RunContext, read_journal
from reconciler.apply.journal_file import open_lines
from reconciler.apply.journal_months import (
    index_path,
    month_files,
    month_path,
    read_index,
    refresh_index,
)

NOW = datetime.now(UTC)
LAST_MONTH = NOW.replace(day=1) - timedelta(days=20)  # some day of the month before this one


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _line(kind: str, intent_id: str, at: datetime, **more: Any) -> str:
    fields = {"kind": kind, "intent_id": intent_id, "ts": _iso(at), "run_id": "old",
              "account_id": "sub_a", "op": "add_addon", "method": "POST",
              "path": "/accounts/sub_a/plans/addons", "body": {"type": "webinar500_monthly"},
              **more}  # fmt: skip
    return json.dumps(fields, sort_keys=True, separators=(",", ":")) + "\n"


def _last_month_lines() -> str:
    return (
        _line("intent", "settled", LAST_MONTH)
        + _line("outcome", "settled", LAST_MONTH, result="ok")
        + _line("resolution", "settled", LAST_MONTH, result="resolved_present")
        + _line("intent", "in-doubt", LAST_MONTH + timedelta(minutes=1))
        + _line("outcome", "in-doubt", LAST_MONTH + timedelta(minutes=1), result="ambiguous")
    )


def _open(path: Path, run_id: str = "new") -> Journal:
    journal = Journal(path, RunContext(run_id, "tester", None, "p"))
    journal.open()
    return journal


def test_the_first_run_of_a_month_moves_last_month_s_lines_to_their_own_file(
    tmp_path: Path,
) -> None:
    path = tmp_path / ".zoomplans" / "journal.jsonl"
    path.parent.mkdir()
    path.write_text(_last_month_lines())
    with _open(path) as journal:
        journal.write("run_start", mode="fresh_plan")
    archived = month_path(path, _iso(LAST_MONTH)[:7])
    assert archived.name == f"journal-{_iso(LAST_MONTH)[:7]}.jsonl"
    assert archived.read_text() == _last_month_lines()  # every line, as it was
    assert [json.loads(x)["kind"] for x in path.read_text().splitlines()] == ["run_start"]
    assert archived.stat().st_mode & 0o777 == 0o600
    # The index keeps the intent still in doubt, and nothing settled.
    index = read_index(path)
    assert index is not None
    assert {json.loads(x[1])["intent_id"] for x in index["open"]} == {"in-doubt"}
    # Its lines keep their place: the month file they moved to, and their line numbers.
    assert [x[0] for x in index["open"]] == [f"{archived}:4", f"{archived}:5"]
    assert index["covered"] == path.stat().st_size
    # Read whole: both months, oldest first; read for a start: the unsettled intent and now.
    everything = read_journal(path)
    assert [e.get("intent_id") for e in everything.entries][:5] == [
        "settled", "settled", "settled", "in-doubt", "in-doubt"
    ]  # fmt: skip
    start = read_journal(path, since=NOW - timedelta(days=7))
    assert "settled" not in {e.get("intent_id") for e in start.entries}
    assert [i.intent_id for i in start.unsettled] == ["in-doubt"]
    assert [i.intent_id for i in everything.unsettled] == ["in-doubt"]


def test_a_rotation_cut_short_by_a_crash_is_finished_without_a_copy(tmp_path: Path) -> None:
    path = tmp_path / "journal.jsonl"
    path.write_text(_last_month_lines())
    archived = month_path(path, _iso(LAST_MONTH)[:7])
    archived.write_text(_last_month_lines())  # the month file was written, FILE not emptied
    _open(path).close()
    assert [p.name for _m, p in month_files(path)] == [archived.name]
    assert path.read_text() == ""
    assert archived.read_text() == _last_month_lines()


def test_lines_a_killed_run_wrote_past_the_index_are_read(tmp_path: Path) -> None:
    path = tmp_path / "journal.jsonl"
    with _open(path, "first") as journal:
        journal.write("run_start", mode="fresh_plan")
    covered = read_index(path)["covered"]  # type: ignore[index]
    with path.open("a") as handle:  # a run killed before it could bring the index up to date
        handle.write(_line("intent", "killed", NOW - timedelta(seconds=5)))
    assert read_index(path)["covered"] == covered  # type: ignore[index]
    start = read_journal(path, since=NOW)
    assert [i.intent_id for i in start.unsettled] == ["killed"]


def test_a_start_reads_the_window_and_the_unsettled_not_the_whole_month(tmp_path: Path) -> None:
    path = tmp_path / "journal.jsonl"
    old = NOW - timedelta(days=10)
    with path.open("w") as handle:
        handle.write(_line("intent", "old-settled", old))
        handle.write(_line("outcome", "old-settled", old, result="ok"))
        handle.write(_line("resolution", "old-settled", old, result="resolved_present"))
        handle.write(_line("intent", "old-accepted", old))
        handle.write(_line("outcome", "old-accepted", old, result="ok"))
        handle.write(_line("intent", "old-in-doubt", old))
        handle.write(_line("intent", "recent", NOW - timedelta(hours=1)))
        handle.write(_line("outcome", "recent", NOW - timedelta(hours=1), result="ok"))
    refresh_index(path, open_lines)  # what closing the journal does (opening might rotate it)
    index = json.loads(index_path(path).read_text())
    # An accepted purchase no read has shown stays open too: past the window a person decides.
    assert {json.loads(x[1])["intent_id"] for x in index["open"]} == {
        "old-in-doubt", "old-accepted", "recent"
    }  # fmt: skip
    start = read_journal(path, since=NOW - timedelta(hours=2))
    ids = [e.get("intent_id") for e in start.entries]
    assert "old-settled" not in ids  # bisected away: before the window and settled
    assert ids.count("old-in-doubt") == 1  # from the index, not twice
    assert ids.count("recent") == 2


def test_without_an_index_everything_is_read(tmp_path: Path) -> None:
    path = tmp_path / "journal.jsonl"
    path.write_text(_line("intent", "ancient", NOW - timedelta(days=40)))
    start = read_journal(path, since=NOW)
    assert [i.intent_id for i in start.unsettled] == ["ancient"]

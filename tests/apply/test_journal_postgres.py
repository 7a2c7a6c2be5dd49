"""The PostgreSQL journal against a real server (tests/postgres_server.py): what it keeps, its
lock, export/import, choosing it, and that no password ever shows."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest
from click.testing import CliRunner

from reconciler.apply.journal import Journal, JournalBusy, JournalError, RunContext, read_journal
from reconciler.apply.journal_postgres import PostgresJournalStore
from reconciler.cli import cli
from tests.postgres_server import PASSWORD_ROLE, PostgresServer


def context(run_id: str, master: str = "MASTER1") -> RunContext:
    return RunContext(
        run_id=run_id, actor="tester", git_commit="c0ffee", plan_sha256="p1",
        master_account_id=master,
    )  # fmt: skip


def test_each_line_is_committed_before_write_returns_and_read_back_exactly(
    journal_db: str,
) -> None:
    with Journal(PostgresJournalStore(journal_db), context("run1")) as journal:
        intent_id = journal.intent(
            account_id="sub1", op="add_addon", method="POST", path="/accounts/sub1/plans/addons",
            body={"type": "webinar500_monthly", "hosts": 1, "note": "é\u0000"},
        )  # fmt: skip
        # Another connection sees the intent at once: it is committed, not pending in a batch.
        with psycopg.connect(journal_db) as other:
            rows = other.execute("SELECT master_account_id, line FROM zoomplans_journal").fetchall()
        assert [(m, json.loads(line)["intent_id"]) for m, line in rows] == [("MASTER1", intent_id)]
        journal.outcome(
            intent_id, account_id="sub1", op="add_addon", method="POST",
            path="/accounts/sub1/plans/addons", body={}, result="ok", http_status=201,
        )  # fmt: skip
    store = PostgresJournalStore(journal_db)
    lines = list(store.lines())
    assert [where for where, _text in lines] == [f"{store.describe()}#1", f"{store.describe()}#2"]
    assert json.loads(lines[0][1])["body"]["note"] == "é\u0000"
    assert (
        lines[0][1]
        == json.dumps(json.loads(lines[0][1]), sort_keys=True, separators=(",", ":")) + "\n"
    )  # the text the file journal would write, kept exactly
    history = read_journal(store)
    assert [e["kind"] for e in history.entries] == ["intent", "outcome"]
    assert history.unsettled == ()


def test_an_empty_database_reads_as_an_empty_journal_and_creates_nothing(journal_db: str) -> None:
    assert read_journal(PostgresJournalStore(journal_db)).entries == ()
    with psycopg.connect(journal_db) as conn:
        assert conn.execute("SELECT to_regclass('zoomplans_journal')").fetchone() == (None,)


def test_a_second_run_on_the_same_master_account_fails_at_once_naming_the_holder(
    journal_db: str,
) -> None:
    first = Journal(PostgresJournalStore(journal_db), context("run-one"))
    first.open()
    try:
        second = Journal(PostgresJournalStore(journal_db), context("run-two"))
        with pytest.raises(JournalBusy) as busy:
            second.open()
        message = str(busy.value)
        assert "run run-one by tester on host" in message
        assert "started 20" in message and "--lock-timeout" in message
        # Another master account has a lock of its own: it runs meanwhile.
        with Journal(PostgresJournalStore(journal_db), context("run-three", "MASTER2")):
            pass
    finally:
        first.close()
    with Journal(PostgresJournalStore(journal_db), context("run-two")) as again:
        again.write("run_start")  # the lock was released with the first run


def test_with_a_lock_timeout_the_second_run_waits_for_the_first(journal_db: str) -> None:
    first = Journal(PostgresJournalStore(journal_db), context("run-one"))
    first.open()
    threading.Timer(0.6, first.close).start()
    started = time.monotonic()
    with Journal(PostgresJournalStore(journal_db), context("run-two"), lock_timeout_s=30):
        waited = time.monotonic() - started
    assert 0.4 < waited < 20


def test_the_file_journal_waits_too(tmp_path: Path) -> None:
    path = tmp_path / "journal.jsonl"
    first = Journal(path, context("run-one"))
    first.open()
    with pytest.raises(JournalBusy):
        Journal(path, context("run-two")).open()
    threading.Timer(0.5, first.close).start()
    with Journal(path, context("run-two"), lock_timeout_s=30):
        pass


def test_an_unreachable_database_is_a_journal_error_without_a_traceback(
    postgres_server: PostgresServer,
) -> None:
    store = PostgresJournalStore(f"postgresql://nobody@127.0.0.1:{_closed_port()}/none")
    with pytest.raises(JournalError, match=r"cannot connect to the database \(unreachable"):
        Journal(store, context("run1")).open()
    with pytest.raises(JournalError, match="unreachable"):
        read_journal(store)


def _closed_port() -> int:
    from tests.postgres_server import free_port

    return free_port()  # nothing listens there once the probe closed


def test_export_and_import_round_trip_once(journal_db: str, tmp_path: Path) -> None:
    path = tmp_path / "journal.jsonl"
    with Journal(path, context("file-run")) as journal:
        for n in range(3):
            journal.write("run_start", n=n)
    (tmp_path / "journal-2026-10.jsonl").write_text('{"kind":"run_start","old":true}\n')
    runner = CliRunner()
    moved = runner.invoke(cli, ["journal", "import", str(path), "--journal", journal_db])
    assert moved.exit_code == 0, moved.output
    assert "Imported 4 line(s)" in moved.output
    again = runner.invoke(cli, ["journal", "import", str(path), "--journal", journal_db])
    assert again.exit_code == 0, again.output
    assert "nothing added" in again.output
    with path.open("a") as grown:
        grown.write('{"kind":"run_end"}\n')
    refused = runner.invoke(cli, ["journal", "import", str(path), "--journal", journal_db])
    assert refused.exit_code == 1
    assert "4 line(s) of" in refused.output and "nothing was imported" in refused.output

    exported = tmp_path / "export.jsonl"
    out = runner.invoke(
        cli, ["journal", "export", "--format", "jsonl", "--journal", journal_db,
              "--out", str(exported)],
    )  # fmt: skip
    assert out.exit_code == 0, out.output
    month = (tmp_path / "journal-2026-10.jsonl").read_text()
    assert exported.read_text() == month + "".join(path.read_text().splitlines(True)[:3])
    to_file = runner.invoke(cli, ["journal", "export", "--journal", str(path)])
    assert to_file.stdout == month + path.read_text()


def test_import_needs_a_database_journal(tmp_path: Path) -> None:
    done = CliRunner().invoke(cli, ["journal", "import", str(tmp_path / "j.jsonl")])
    assert done.exit_code == 64
    assert "--journal postgresql://" in done.output


def test_the_password_never_shows(postgres_server: PostgresServer, journal_db: str) -> None:
    secret = "Sw0rdfish-9931"
    postgres_server.password_role(secret)
    database = urlsplit(journal_db).path.lstrip("/")
    good = postgres_server.url(database, user=PASSWORD_ROLE, password=secret)
    bad = postgres_server.url(database, user=PASSWORD_ROLE, password=secret + "-wrong")
    store = PostgresJournalStore(good)
    assert secret not in store.describe() and secret not in repr(store)
    with Journal(store, context("run1")) as journal:
        journal.write("run_start")
        where = [w for w, _t in store.lines()]
    assert all(secret not in w for w in where)
    with pytest.raises(JournalError) as failed:
        Journal(PostgresJournalStore(bad), context("run2")).open()
    assert "password authentication failed" in str(failed.value)
    assert secret not in str(failed.value)
    runner = CliRunner()
    for url in (good, bad):
        done = runner.invoke(cli, ["journal", "export"], env={"ZOOMPLANS_JOURNAL_URL": url})
        assert secret not in done.output
    assert done.exit_code == 1 and "password authentication failed" in done.output


def test_zoomplans_yaml_names_a_default_database_journal_never_with_a_password(
    journal_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ZOOMPLANS_JOURNAL_URL", raising=False)
    Path("zoomplans.yaml").write_text(f"journal: '{journal_db}'\n")
    runner = CliRunner()
    done = runner.invoke(cli, ["journal", "export"])
    assert done.exit_code == 0, done.output
    assert "(from zoomplans.yaml)" in done.output and "postgresql://" in done.output
    Path("zoomplans.yaml").write_text(
        "prices: p.yaml\njournal: postgresql://ci:hunter2@db.example/zoom\n"
    )
    refused = runner.invoke(cli, ["journal", "export"])
    assert refused.exit_code == 1
    assert "zoomplans.yaml:2:10: error: journal: a URL here must not hold a password" in (
        refused.output
    )
    assert "hunter2" not in refused.output
    Path("zoomplans.yaml").write_text("journal: audit/journal.jsonl\n")
    path_refused = runner.invoke(cli, ["journal", "export"])
    assert path_refused.exit_code == 1
    assert "is not a postgresql:// URL" in path_refused.output

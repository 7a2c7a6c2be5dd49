"""apply with the PostgreSQL journal, end to end: real processes, the sandbox on loopback, a real
server. Two machines applying at once never send a call twice; a database lost mid-apply stops
new calls and the next run settles what was in flight; an unreachable one sends nothing."""

from __future__ import annotations

import json
import signal
import subprocess
import time
from typing import Any

import psycopg
from click.testing import CliRunner

from reconciler.cli import cli
from tests.apply.test_apply_crash import (
    ACCOUNTS,
    EXPECTED_CALLS,
    OPT_INS,
    SEED,
    carried_out,
    command,
    env_for,
    settled_writes,
)
from tests.postgres_server import PostgresServer, free_port

NO_TRACEBACK = "Traceback (most recent call last)"


def db_lines(url: str) -> list[dict[str, Any]]:
    with psycopg.connect(url) as conn:
        if conn.execute("SELECT to_regclass('zoomplans_journal')").fetchone() == (None,):
            return []
        rows = conn.execute("SELECT line FROM zoomplans_journal ORDER BY id").fetchall()
    return [json.loads(line) for (line,) in rows]


def start_apply(sb: Any, url: str, *extra: str) -> subprocess.Popen[str]:
    args = command("apply", ACCOUNTS, *OPT_INS, "--auto-approve", "--journal", url, *extra)
    return subprocess.Popen(
        args, env=env_for(sb), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def wait_for_intents(url: str, count: int, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        if sum(1 for x in db_lines(url) if x["kind"] == "intent") >= count:
            return
        time.sleep(0.02)
    raise AssertionError(f"apply did not reach intent {count}: {process.communicate()}")


def waiting_for_the_lock(url: str) -> bool:
    """Whether a run is polling for the apply lock (its last statement is the try-lock)."""
    with psycopg.connect(url) as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'zoomplans' "
            "AND query LIKE '%pg_try_advisory_lock%' AND pid <> pg_backend_pid()"
        ).fetchone()
    return bool(row and row[0])


def test_two_applies_on_one_database_one_fails_naming_the_other_one_waits(
    sandbox, journal_db: str
) -> None:
    sb = sandbox(SEED, latency_ms=50)
    first = start_apply(sb, journal_db, "--parallelism", "1")
    wait_for_intents(journal_db, 1, first)
    first.send_signal(signal.SIGSTOP)  # the first run holds the lock, mid-apply, until SIGCONT
    try:
        refused = subprocess.run(
            command("apply", ACCOUNTS, *OPT_INS, "--auto-approve", "--journal", journal_db),
            env=env_for(sb), capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        # A third run waits for the lock (--lock-timeout): it plans while the first is
        # sending, so its plan holds calls the first makes meanwhile; none is sent again.
        waiter = start_apply(sb, journal_db, "--lock-timeout", "2m")
        deadline = time.monotonic() + 60
        while not waiting_for_the_lock(journal_db) and time.monotonic() < deadline:
            assert waiter.poll() is None, waiter.communicate()
            time.sleep(0.05)
    finally:
        first.send_signal(signal.SIGCONT)
    (run_start,) = [x for x in db_lines(journal_db) if x["kind"] == "run_start"]
    assert refused.returncode == 1, refused.stderr
    assert f"run {run_start['run_id']} by " in refused.stderr
    assert " on host " in refused.stderr and "started 20" in refused.stderr
    assert "no call is sent without a journal" in refused.stderr
    assert NO_TRACEBACK not in refused.stderr
    _out, err = first.communicate(timeout=120)
    assert first.returncode == 0, err
    _out, waited = waiter.communicate(timeout=120)
    assert NO_TRACEBACK not in waited
    assert waiter.returncode in (0, 1), waited
    done = settled_writes(sb)
    assert sum(done.values()) == EXPECTED_CALLS
    assert set(done.values()) == {1}, "a call was sent twice"
    assert len([x for x in db_lines(journal_db) if x["kind"] == "run_start"]) == 2


def test_the_database_stopped_mid_apply_stops_new_calls_and_the_next_run_settles(
    sandbox, postgres_server: PostgresServer, journal_db: str
) -> None:
    sb = sandbox(SEED, latency_ms=200)
    running = start_apply(sb, journal_db, "--parallelism", "1")
    wait_for_intents(journal_db, 3, running)
    postgres_server.stop("fast")
    try:
        out, err = running.communicate(timeout=120)
    finally:
        postgres_server.start()
    assert running.returncode == 1, err
    assert NO_TRACEBACK not in err
    assert "the journal cannot be written" in out + err or "cannot write" in err
    sent = settled_writes(sb)
    intents = [x for x in db_lines(journal_db) if x["kind"] == "intent"]
    assert sum(sent.values()) <= len(intents) == 3  # no call without a durable intent

    again = CliRunner().invoke(
        cli,
        ["apply", ACCOUNTS, *OPT_INS, "--auto-approve", "--journal", journal_db,
         "--settle-timeout", "1", "--resend-after", "0s"],
        env=sb.env(),
    )  # fmt: skip
    assert again.exit_code == 0, again.output
    after = carried_out(sb)
    assert sum(after.values()) == EXPECTED_CALLS
    assert set(after.values()) == {1}, "a call was sent twice"
    lines = db_lines(journal_db)
    outcomes = {x["intent_id"] for x in lines if x["kind"] in ("outcome", "resolution")}
    assert {x["intent_id"] for x in intents} <= outcomes  # every call in flight is settled


def test_an_unreachable_database_sends_nothing_and_says_so(sandbox) -> None:
    sb = sandbox(SEED)
    url = f"postgresql://zoomplans@127.0.0.1:{free_port()}/journal"
    done = CliRunner().invoke(
        cli,
        ["apply", ACCOUNTS, *OPT_INS, "--auto-approve"],
        env={**sb.env(), "ZOOMPLANS_JOURNAL_URL": url},
    )
    assert done.exit_code == 1
    assert "cannot connect to the database" in done.output
    assert "nothing was sent" in done.output
    assert done.exception is None or isinstance(done.exception, SystemExit)
    assert sb.writes() == []

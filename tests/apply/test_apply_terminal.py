"""Confirmation on a real terminal, eventual consistency, and blocked accounts, end to end."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from reconciler.cli import cli

FIXTURES = Path(__file__).parent / "fixtures"
SEED = FIXTURES / "seed.yaml"
ACCOUNTS = str(FIXTURES / "accounts")
BLOCKED = str(FIXTURES / "blocked")


def apply_on_a_terminal(sb: Any, cwd: Path, answer: str) -> subprocess.CompletedProcess[str]:
    """Run apply with a pseudo-terminal as stdin and type ``answer`` into it."""
    controller, terminal = pty.openpty()
    try:
        os.write(controller, answer.encode() + b"\n")
        return subprocess.run(
            [
                sys.executable,
                "-m",
                "reconciler",
                "apply",
                ACCOUNTS,
                "--account",
                "sub_down",
                "--allow-decrease",
            ],
            cwd=cwd,
            env={**os.environ, **sb.env()},
            stdin=terminal,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    finally:
        os.close(terminal)
        os.close(controller)


def test_on_a_terminal_yes_applies(sandbox, tmp_path: Path) -> None:
    sb = sandbox(SEED)
    done = apply_on_a_terminal(sb, tmp_path, "yes")
    assert "Only 'yes' will be accepted" in done.stderr
    assert done.returncode == 0, done.stderr
    assert "plan_base business_monthly: hosts 30 -> 20" in done.stdout
    assert "sub_down: applied (1/1 calls)" in done.stdout
    assert [w.path for w in sb.writes()] == ["/v2/accounts/sub_down/plans/base"]


def test_on_a_terminal_anything_but_yes_sends_nothing(sandbox, tmp_path: Path) -> None:
    sb = sandbox(SEED)
    done = apply_on_a_terminal(sb, tmp_path, "y")
    assert done.returncode == 1
    assert "apply cancelled; nothing was sent" in done.stderr
    assert sb.writes() == []
    assert not (tmp_path / ".zoomplans" / "journal.jsonl").exists()


def run_in_process(sb: Any, tmp_path: Path, *args: str) -> tuple[Any, list[dict[str, Any]]]:
    path = tmp_path / "journal.jsonl"
    result = CliRunner().invoke(cli, [*args, "--journal", str(path)], env=sb.env())
    lines = [json.loads(x) for x in path.read_text().splitlines()] if path.exists() else []
    return result, lines


def test_a_lost_answer_is_waited_for_when_zoom_shows_writes_late(sandbox, tmp_path: Path) -> None:
    sb = sandbox(SEED, visibility_delay_ms=600)
    sb.faults.drop_response(nth_write=1, method="POST")
    result, lines = run_in_process(
        sb, tmp_path, "apply", ACCOUNTS, "--account", "sub_new", "--auto-approve"
    )
    assert result.exit_code == 0, result.output
    posts = [w for w in sb.writes() if w.method == "POST"]
    assert len(posts) == 1
    assert [x["result"] for x in lines if x["kind"] == "resolution"] == ["resolved_present"]


def test_changes_zoom_has_not_shown_yet_are_reported_not_failed(sandbox, tmp_path: Path) -> None:
    sb = sandbox(SEED, visibility_delay_ms=3000)
    result, _ = run_in_process(
        sb,
        tmp_path,
        "apply",
        ACCOUNTS,
        "--account",
        "sub_audio",
        "--auto-approve",
        "--verify-timeout",
        "0.3",
    )
    assert result.exit_code == 0, result.output
    assert "sub_audio: applied, not yet visible (2/2 calls)" in result.output
    assert "Apply: 0 applied, 1 applied but not yet visible" in result.output


def test_a_blocked_account_gets_nothing_and_the_others_proceed(sandbox, tmp_path: Path) -> None:
    sb = sandbox(SEED)
    result, lines = run_in_process(sb, tmp_path, "apply", BLOCKED, "--auto-approve")
    assert result.exit_code == 1
    assert "sub_audio: blocked" in result.output
    assert "sub_down: applied (1/1 calls)" in result.output
    assert "Apply: 1 applied, 0 stale, 0 failed, 1 blocked." in result.output
    assert [w.path for w in sb.writes()] == ["/v2/accounts/sub_down/plans/base"]
    assert {x["account_id"] for x in lines if x["kind"] == "intent"} == {"sub_down"}


#: The calls `apply ACCOUNTS --allow-decrease --allow-cancel` makes against SEED, per account.
CALLS_PER_ACCOUNT = {"sub_up": 4, "sub_audio": 2, "sub_down": 1, "sub_new": 1}


def test_after_the_daily_limit_no_account_sends_another_call(sandbox, tmp_path: Path) -> None:
    sb = sandbox(SEED, daily_limits={"heavy": 3})  # the plan's usage read, then two writes
    path = tmp_path / "journal.jsonl"
    result = CliRunner().invoke(
        cli,
        [
            "apply",
            ACCOUNTS,
            "--allow-decrease",
            "--allow-cancel",
            "--auto-approve",
            "--journal",
            str(path),
        ],
        env=sb.env(),
    )
    assert result.exit_code == 1
    assert "stopping: " in result.output
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    first_limit = next(
        n for n, x in enumerate(lines) if x["kind"] == "outcome" and x.get("http_status") == 429
    )
    later_intents = [x for x in lines[first_limit:] if x["kind"] == "intent"]
    assert later_intents == []
    intents = [x for x in lines if x["kind"] == "intent"]
    assert len(sb.writes()) == len(intents)
    # The accounts run at once, so which two writes fit under the limit is a race (on an idle
    # machine sub_audio's first and sub_down's only one): the summary must say what happened.
    passed = Counter(w.path.split("/")[3] for w in sb.writes() if w.status < 300)
    assert sum(passed.values()) == 2
    applied = sum(passed[account] == calls for account, calls in CALLS_PER_ACCOUNT.items())
    failed = len(CALLS_PER_ACCOUNT) - applied
    assert f"Apply: {applied} applied, 0 stale, {failed} failed, 0 blocked." in result.output


def read_until(stream: Any, text: str, within_s: float) -> str:
    """What the child wrote to ``stream`` up to and including ``text`` (read from the pipe
    itself, so the rest is still there for ``communicate``); fails after ``within_s``."""
    import select
    import time

    deadline, seen = time.monotonic() + within_s, b""
    while text.encode() not in seen:
        left = deadline - time.monotonic()
        assert left > 0, f"no {text!r} within {within_s} s: {seen.decode()!r}"
        ready, _, _ = select.select([stream], [], [], left)
        chunk = os.read(stream.fileno(), 4096) if ready else b""
        assert chunk or not ready, f"closed before {text!r}: {seen.decode()!r}"
        seen += chunk
    return seen.decode()


def test_ctrl_c_at_the_question_ends_at_once_with_exit_130(sandbox, tmp_path: Path) -> None:
    import signal

    sb = sandbox(SEED)
    controller, terminal = pty.openpty()
    args = [sys.executable, "-m", "reconciler", "apply", ACCOUNTS, "--allow-decrease"]
    process = subprocess.Popen(
        args,
        cwd=tmp_path,
        env={**os.environ, **sb.env()},
        stdin=terminal,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        # Planning done, the question is on screen, nobody answers.
        asked = read_until(process.stderr, "Enter a value", within_s=60)
        process.send_signal(signal.SIGINT)
        _, rest = process.communicate(timeout=10)  # no thread left waiting for an answer
        err = asked + rest
    finally:
        if process.poll() is None:
            process.kill()
        os.close(terminal)
        os.close(controller)
    assert process.returncode == 130, err
    assert "Enter a value" in err
    assert "interrupted before any call was sent; nothing was sent." in err
    assert "no call was in flight" not in err
    assert "Traceback" not in err
    assert sb.writes() == []

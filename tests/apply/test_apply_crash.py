"""Crashes and flaky networks: a killed apply resumes without charging twice; faults converge."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from reconciler.cli import cli

FIXTURES = Path(__file__).parent / "fixtures"
SEED = FIXTURES / "seed.yaml"
ACCOUNTS = str(FIXTURES / "accounts")
OPT_INS = ("--allow-cancel", "--allow-decrease")
EXPECTED_CALLS = 8


def command(*args: str) -> list[str]:
    return [sys.executable, "-m", "reconciler", *args]


def env_for(sb: Any) -> dict[str, str]:
    return {**os.environ, **sb.env()}


def journal(cwd: Path) -> list[dict[str, Any]]:
    path = cwd / ".zoomplans" / "journal.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines() if line.endswith("}")]


def carried_out(sb: Any) -> Counter[tuple[str, str, str]]:
    """Writes Zoom performed (2xx, or performed and then the answer dropped)."""
    return Counter(
        (w.method, w.path, json.dumps(w.body, sort_keys=True))
        for w in sb.writes()
        if w.dropped or 200 <= w.status < 300
    )


def settled_writes(sb: Any, quiet_s: float = 1.0, within_s: float = 15.0) -> Counter[Any]:
    """What Zoom carried out once the sandbox's log has been still for ``quiet_s``: a call cut
    by a kill may still be in the sandbox (its latency, a loaded machine) for a moment."""
    deadline = time.monotonic() + within_s
    seen, since = carried_out(sb), time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.05)
        now = carried_out(sb)
        if now != seen:
            seen, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet_s:
            break
    return seen


def in_process(sb: Any, cwd: Path, *args: str) -> Any:
    """Run the CLI in this process with the journal under ``cwd`` (quicker than a subprocess)."""
    journal_args = (
        ["--journal", str(cwd / ".zoomplans" / "journal.jsonl")] if args[0] == "apply" else []
    )
    return CliRunner().invoke(cli, [*args, *journal_args], env=sb.env(), catch_exceptions=False)


def start_and_signal(
    sb: Any, cwd: Path, at_intent: int, how: tuple[str, ...], sig: signal.Signals
) -> subprocess.CompletedProcess[str]:
    """Start apply; send ``sig`` as soon as its Nth intent line is on disk (call in flight)."""
    journal_path = cwd / ".zoomplans" / "journal.jsonl"
    args = command("apply", *how, "--parallelism", "1")
    process = subprocess.Popen(
        args, cwd=cwd, env=env_for(sb), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline and process.poll() is None:
            if journal_path.exists():
                text = journal_path.read_text()
                if text.count('"kind":"intent"') >= at_intent:
                    break
            time.sleep(0.005)
        assert process.poll() is None, "apply finished before the kill point"
        process.send_signal(sig)
        out, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=30)
    return subprocess.CompletedProcess(args, process.returncode, out, err)


def resume_after_kill(sandbox, tmp_path: Path, kill_at_intent: int, saved: bool = False) -> None:
    """Kill apply at a call, run the same command again: the rest is sent, nothing twice."""
    sb = sandbox(SEED, latency_ms=100)
    how: tuple[str, ...] = (ACCOUNTS, *OPT_INS, "--auto-approve")
    if saved:
        plan_file = tmp_path / "plan.json"
        made = in_process(sb, tmp_path, "plan", *how[:-1], "--out", str(plan_file))
        assert made.exit_code == 0, made.output
        how = (ACCOUNTS, *OPT_INS, "--plan", str(plan_file))
    killed = start_and_signal(sb, tmp_path, kill_at_intent, how, signal.SIGKILL)
    assert killed.returncode == -signal.SIGKILL
    before = settled_writes(sb)  # the call that was in flight has landed (or not) by then
    first_run = journal(tmp_path)
    orphans = {x["intent_id"] for x in first_run if x["kind"] == "intent"} - {
        x["intent_id"] for x in first_run if x["kind"] == "outcome"
    }
    assert len(orphans) == 1

    # A call cut by the kill stays in doubt until it is older than --resend-after (15m by
    # default): "0s" plays the run a quarter of an hour later, which sends it again only if
    # Zoom still does not show it (tests/apply/test_in_flight.py has the run right after).
    again = in_process(sb, tmp_path, "apply", *how, "--settle-timeout", "1", "--resend-after", "0s")
    assert again.exit_code == 0, again.output

    after = carried_out(sb)
    assert sum(after.values()) == EXPECTED_CALLS, again.output  # every call happened...
    assert set(after.values()) == {1}  # ...exactly once: nothing was charged twice
    second_run = journal(tmp_path)[len(first_run) :]
    sent_again = [x for x in second_run if x["kind"] == "intent"]
    assert len(sent_again) == EXPECTED_CALLS - sum(before.values())
    (settled,) = [x for x in second_run if x["kind"] == "resolution" and x["intent_id"] in orphans]
    assert settled["intent_id"] in orphans
    assert settled["result"] in ("resolved_present", "resolved_absent")

    check = in_process(sb, tmp_path, "plan", ACCOUNTS, *OPT_INS, "--detailed-exitcode")
    assert check.exit_code == 0, check.output


# Four kill points in the fast suite (every point, both modes, in `make soak`): the first call
# of the run (a PUT), the subscribe POST of sub_new, and in a saved plan sub_up's add-on POST
# after its base PUT (half done), and the last call (the cancel PATCH).
@pytest.mark.parametrize(
    ("kill_at_intent", "saved"), [(1, False), (4, False), (6, True), (8, True)]
)
def test_a_killed_apply_resumes_without_charging_twice(
    sandbox, tmp_path: Path, kill_at_intent: int, saved: bool
) -> None:
    resume_after_kill(sandbox, tmp_path, kill_at_intent, saved)
    if saved and kill_at_intent > 1:
        assert "resumed:" in json.dumps(journal(tmp_path)[-1])


def test_ctrl_c_names_the_calls_in_flight_and_exits_130(sandbox, tmp_path: Path) -> None:
    sb = sandbox(SEED, latency_ms=150)
    how = (ACCOUNTS, *OPT_INS, "--auto-approve")
    stopped = start_and_signal(sb, tmp_path, 2, how, signal.SIGINT)
    assert stopped.returncode == 130, stopped.stderr
    assert "Traceback" not in stopped.stderr
    assert "Aborted" not in stopped.stderr
    assert "zoomplans: interrupted with 1 call(s) sent and no answer recorded" in stopped.stderr
    lines = journal(tmp_path)
    (open_call,) = [
        x
        for x in lines
        if x["kind"] == "intent"
        and x["intent_id"] not in {y.get("intent_id") for y in lines if y["kind"] == "outcome"}
    ]
    assert f"  {open_call['account_id']}: {open_call['op']} {open_call['method']}" in stopped.stderr
    assert "Re-running `zoomplans apply` with the same --journal" in stopped.stderr
    # A call cut by the kill stays in doubt until it is older than --resend-after (15m by
    # default): "0s" plays the run a quarter of an hour later, which sends it again only if
    # Zoom still does not show it (tests/apply/test_in_flight.py has the run right after).
    again = in_process(sb, tmp_path, "apply", *how, "--settle-timeout", "1", "--resend-after", "0s")
    assert again.exit_code == 0, again.output
    assert set(carried_out(sb).values()) == {1}
    assert any(x["kind"] == "resolution" for x in journal(tmp_path)[len(lines) :])


def test_sigterm_lets_the_call_in_flight_finish_prints_the_report_and_exits_143(
    sandbox, tmp_path: Path
) -> None:
    """What a cancelled CI job sends: no new call, the one in flight finishes and is journaled,
    the summary is printed, exit 143; the next run sends the rest, nothing twice."""
    sb = sandbox(SEED, latency_ms=150)
    how = (ACCOUNTS, *OPT_INS, "--auto-approve")
    stopped = start_and_signal(sb, tmp_path, 2, how, signal.SIGTERM)
    assert stopped.returncode == 143, stopped.stderr
    assert "Traceback" not in stopped.stderr
    assert "zoomplans: SIGTERM: no new call is started" in stopped.stderr
    assert "zoomplans: stopped by SIGTERM: no call was started after it" in stopped.stderr
    assert "Apply: " in stopped.stdout  # the report is printed
    lines = journal(tmp_path)
    intents = [x["intent_id"] for x in lines if x["kind"] == "intent"]
    settled = {x["intent_id"] for x in lines if x["kind"] in ("outcome", "resolution")}
    assert 2 <= len(intents) < EXPECTED_CALLS  # the run stopped early...
    assert set(intents) <= settled  # ...and every call it sent has its outcome journaled
    assert lines[-1]["kind"] == "run_end" and lines[-1]["exit_code"] == 143
    before = carried_out(sb)
    assert sum(before.values()) == len(intents)
    again = in_process(sb, tmp_path, "apply", *how)
    assert again.exit_code == 0, again.output
    after = carried_out(sb)
    assert sum(after.values()) == EXPECTED_CALLS and set(after.values()) == {1}


def test_a_second_sigterm_exits_at_once(sandbox, tmp_path: Path) -> None:
    sb = sandbox(SEED, latency_ms=400)
    journal_path = tmp_path / ".zoomplans" / "journal.jsonl"
    args = command("apply", ACCOUNTS, *OPT_INS, "--auto-approve", "--parallelism", "1")
    process = subprocess.Popen(
        args, cwd=tmp_path, env=env_for(sb), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not (
            journal_path.exists() and '"kind":"intent"' in journal_path.read_text()
        ):
            time.sleep(0.005)
        process.send_signal(signal.SIGTERM)
        time.sleep(0.05)
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=30)
    assert process.returncode == 143, err
    assert "SIGTERM again: exiting now; the journal holds every call sent" in err
    intents = [x for x in journal(tmp_path) if x["kind"] == "intent"]
    assert intents  # the intent was journaled before the call; the next run settles it


@pytest.mark.slow
@pytest.mark.parametrize("saved", [False, True])
@pytest.mark.parametrize("kill_at_intent", [1, 2, 3, 4, 5, 6, 7, 8])
def test_a_killed_apply_resumes_at_every_kill_point(
    sandbox, tmp_path: Path, kill_at_intent: int, saved: bool
) -> None:
    resume_after_kill(sandbox, tmp_path, kill_at_intent, saved)


@pytest.mark.slow  # issue 5 acceptance runs in the fast suite: test_apply_faults.py
def test_with_random_server_faults_apply_converges_without_double_charges(
    sandbox, tmp_path: Path
) -> None:
    # One account at a time keeps the sandbox's random faults reproducible for this seed.
    sb = sandbox(SEED, fault_rate=0.1, seed_rng=5)
    # A write left in doubt waits for --resend-after (15m) before a later run may send it
    # again; "0s" plays each run a quarter of an hour after the one before (this sandbox shows
    # a write in its next read, so a call still not shown by then did not happen).
    codes, checks = [], []
    for _ in range(5):
        done = subprocess.run(
            command(
                "apply", ACCOUNTS, *OPT_INS, "--auto-approve", "--settle-timeout", "1",
                "--resend-after", "0s", "--parallelism", "1",
            ),
            cwd=tmp_path, env=env_for(sb), capture_output=True, text=True, timeout=120,
            check=False,
        )  # fmt: skip
        codes.append(done.returncode)
        assert "Traceback" not in done.stderr
        check = subprocess.run(
            command("plan", ACCOUNTS, *OPT_INS, "--detailed-exitcode", "--resend-after", "0s"),
            cwd=tmp_path, env=env_for(sb), capture_output=True, text=True, timeout=120,
            check=False,
        )  # fmt: skip
        checks.append(check.returncode)
        if check.returncode == 0:
            break
    assert checks[-1] == 0, (codes, checks)
    assert set(carried_out(sb).values()) == {1}
    assert sum(carried_out(sb).values()) == EXPECTED_CALLS
    assert any(w.method == "POST" and w.status >= 500 for w in sb.writes()), (
        "this seed should make the sandbox fail at least one POST"
    )
    lines = journal(tmp_path)
    lost = {x["intent_id"] for x in lines if x["kind"] == "outcome" and x["result"] == "ambiguous"}
    settled = {x["intent_id"] for x in lines if x["kind"] == "resolution"}
    assert lost
    assert lost <= settled

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


def apply_until_killed(sb: Any, cwd: Path, kill_at_intent: int, *how: str) -> None:
    """Start apply and SIGKILL it as soon as its Nth intent line is on disk (call in flight)."""
    journal_path = cwd / ".zoomplans" / "journal.jsonl"
    how = how or (ACCOUNTS, *OPT_INS, "--auto-approve")
    args = command("apply", *how, "--parallelism", "1")
    process = subprocess.Popen(
        args, cwd=cwd, env=env_for(sb), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline and process.poll() is None:
            if journal_path.exists():
                text = journal_path.read_text()
                if text.count('"kind":"intent"') >= kill_at_intent:
                    break
            time.sleep(0.005)
        assert process.poll() is None, "apply finished before the kill point"
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL


def resume_after_kill(sandbox, tmp_path: Path, kill_at_intent: int, saved: bool = False) -> None:
    """Kill apply at a call, run the same command again: the rest is sent, nothing twice."""
    sb = sandbox(SEED, latency_ms=120)
    how: tuple[str, ...] = (ACCOUNTS, *OPT_INS, "--auto-approve")
    if saved:
        made = subprocess.run(
            command("plan", *how[:-1], "--out", "plan.json"),
            cwd=tmp_path,
            env=env_for(sb),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert made.returncode == 0, made.stderr
        how = (ACCOUNTS, "--plan", "plan.json")
    apply_until_killed(sb, tmp_path, kill_at_intent, *how)
    time.sleep(0.4)  # let the call that was in flight land (or not) in the sandbox
    before = carried_out(sb)
    first_run = journal(tmp_path)
    orphans = {x["intent_id"] for x in first_run if x["kind"] == "intent"} - {
        x["intent_id"] for x in first_run if x["kind"] == "outcome"
    }
    assert len(orphans) == 1

    again = subprocess.run(
        command("apply", *how, "--settle-timeout", "1"),
        cwd=tmp_path,
        env=env_for(sb),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert again.returncode == 0, again.stdout + again.stderr

    after = carried_out(sb)
    assert sum(after.values()) == EXPECTED_CALLS  # every call happened...
    assert set(after.values()) == {1}  # ...exactly once: nothing was charged twice
    second_run = journal(tmp_path)[len(first_run) :]
    sent_again = [x for x in second_run if x["kind"] == "intent"]
    assert len(sent_again) == EXPECTED_CALLS - sum(before.values())
    (settled,) = [x for x in second_run if x["kind"] == "resolution"]
    assert settled["intent_id"] in orphans
    assert settled["result"] in ("resolved_present", "resolved_absent")

    check = subprocess.run(
        command("plan", ACCOUNTS, *OPT_INS, "--detailed-exitcode"),
        cwd=tmp_path,
        env=env_for(sb),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert check.returncode == 0, check.stdout + check.stderr


def test_a_killed_apply_resumes_without_charging_twice(sandbox, tmp_path: Path) -> None:
    # The 4th call in account order is the subscribe POST of sub_new.
    resume_after_kill(sandbox, tmp_path, kill_at_intent=4)


def test_a_killed_apply_of_a_saved_plan_resumes_with_the_same_plan(sandbox, tmp_path: Path) -> None:
    # The 6th call is sub_up's add-on POST, after its base PUT: sub_up is half done.
    resume_after_kill(sandbox, tmp_path, kill_at_intent=6, saved=True)
    assert "resumed:" in json.dumps(journal(tmp_path)[-1])


@pytest.mark.slow
@pytest.mark.parametrize("saved", [False, True])
@pytest.mark.parametrize("kill_at_intent", [1, 2, 3, 4, 5, 6, 7, 8])
def test_a_killed_apply_resumes_at_every_kill_point(
    sandbox, tmp_path: Path, kill_at_intent: int, saved: bool
) -> None:
    resume_after_kill(sandbox, tmp_path, kill_at_intent, saved)


def test_with_random_server_faults_apply_converges_without_double_charges(
    sandbox, tmp_path: Path
) -> None:
    # One account at a time keeps the sandbox's random faults reproducible for this seed.
    sb = sandbox(SEED, fault_rate=0.1, seed_rng=5)
    codes = []
    for _ in range(3):
        done = subprocess.run(
            command(
                "apply",
                ACCOUNTS,
                *OPT_INS,
                "--auto-approve",
                "--settle-timeout",
                "1",
                "--parallelism",
                "1",
            ),
            cwd=tmp_path,
            env=env_for(sb),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        codes.append(done.returncode)
        assert "Traceback" not in done.stderr
        if done.returncode == 0:
            break
    assert codes[-1] == 0, codes
    assert set(carried_out(sb).values()) == {1}
    assert sum(carried_out(sb).values()) == EXPECTED_CALLS
    check = subprocess.run(
        command("plan", ACCOUNTS, *OPT_INS, "--detailed-exitcode"),
        cwd=tmp_path,
        env=env_for(sb),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    assert any(w.method == "POST" and w.status >= 500 for w in sb.writes()), (
        "this seed should make the sandbox fail at least one POST"
    )
    lines = journal(tmp_path)
    lost = {x["intent_id"] for x in lines if x["kind"] == "outcome" and x["result"] == "ambiguous"}
    settled = {x["intent_id"] for x in lines if x["kind"] == "resolution"}
    assert lost
    assert lost <= settled

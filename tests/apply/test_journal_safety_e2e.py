"""The journal as the team's memory (issue 18 items 2 and 3), end to end over HTTP.

Against the sandbox: a purchase Zoom accepts and never shows is not bought again when the window
ends (by Zoom's clock, ``clock_offset_s``) until a person resolves it; a run whose clock was 16
minutes slow does not make the next run resend early; a journal with a line it cannot trust
stops apply before anything is sent; a journal that cannot be locked is refused.
"""

from __future__ import annotations

import errno
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from reconciler.cli import cli
from tests.apply.journal_lines import iso
from tests.apply.journal_lines import line as journal_line

LOST = Path(__file__).parent / "fixtures" / "lost"
SEED = LOST / "seed.yaml"
ACCOUNTS = str(LOST / "accounts")
FAST = ("--verify-timeout", "0.2", "--settle-timeout", "0.3")
EIGHT_DAYS = 8 * 86_400


def run(sb: Any, journal: Path, *args: str) -> Any:
    return CliRunner().invoke(cli, [*args, "--journal", str(journal)], env=sb.env())


def apply(sb: Any, journal: Path, *more: str) -> Any:
    return run(sb, journal, "apply", ACCOUNTS, "--auto-approve", *FAST, *more)


def posts(sb: Any) -> list[Any]:
    return [r for r in sb.writes() if r.method == "POST"]


def test_an_accepted_purchase_never_shown_is_not_bought_again_after_the_window(
    sandbox: Any, tmp_path: Path
) -> None:
    journal = tmp_path / "journal.jsonl"
    first = sandbox(SEED)
    bought = apply(first, journal)
    assert bought.exit_code == 0, bought.output
    assert len(posts(first)) == 1
    (intent,) = [x for x in map(json.loads, journal.read_text().splitlines())
                 if x["kind"] == "intent"]  # fmt: skip
    assert intent["zoom_ts"]  # Zoom's time is journaled beside ours
    # Eight days later by Zoom's clock (the window is 7): Zoom still does not show it.
    later = sandbox(SEED, clock_offset_s=EIGHT_DAYS)
    blocked = apply(later, journal)
    assert blocked.exit_code == 1, blocked.output
    assert posts(later) == []
    assert f"intent {intent['intent_id']}" in blocked.output
    assert "is not bought again automatically" in blocked.output
    listed = run(later, journal, "journal", "list", "--unsettled", "--account", "sub_lost")
    assert intent["intent_id"] in listed.output and "accepted" in listed.output
    # A person checks Zoom's console: not there. The next run buys it, as told.
    resolved = run(
        later, journal, "journal", "resolve", intent["intent_id"], "--not-applied",
        "--reason", "not on the invoice",
    )  # fmt: skip
    assert resolved.exit_code == 0, resolved.output
    (decision,) = [x for x in map(json.loads, journal.read_text().splitlines())
                   if x["kind"] == "resolution" and x.get("resolved_by")]  # fmt: skip
    assert decision["result"] == "resolved_absent"
    assert decision["reason"] == "not on the invoice"
    again = apply(later, journal)
    assert again.exit_code == 0, again.output
    assert len(posts(later)) == 1
    refused = run(later, journal, "journal", "resolve", intent["intent_id"], "--applied",
                  "--reason", "twice")  # fmt: skip
    assert refused.exit_code == 1
    assert "settled already" in refused.output


def test_a_run_with_a_slow_clock_does_not_make_the_next_run_resend_early(
    sandbox: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The purchase's answer is lost (a 503 after the write): in doubt. The first run's clock
    is 16 minutes slow, so its local ts looks older than the 15-minute minimum age."""
    import reconciler.apply.journal as journal_module

    journal = tmp_path / "journal.jsonl"
    sb = sandbox(SEED, write_error_rate=1.0)
    slow = lambda: datetime.now(UTC) - timedelta(minutes=16)  # noqa: E731
    monkeypatch.setattr(journal_module, "_local_now", slow)
    first = apply(sb, journal)
    assert len(posts(sb)) == 1
    assert "awaiting Zoom" in first.output, first.output
    monkeypatch.undo()
    second = apply(sb, journal)
    assert len(posts(sb)) == 1, second.output  # not resent: 3 s old by Zoom's clock
    assert "awaiting Zoom" in second.output
    assert "by Zoom's clock" in second.output


def _damaged(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    """One journal per kind of damage, and the problem verify names at its line 2."""
    future = iso(datetime.now(UTC) + timedelta(days=2))
    damage = {
        "cut": ('{"kind": "outcome", "intent_id": "i1", "res', "the line is cut short"),
        "intent_id": (json.dumps(journal_line("intent", intent_id=5)) + "\n",
                      "intent_id must be a non-empty string, not 5"),
        "ts": (json.dumps(journal_line("intent", intent_id="i2", ts="yesterday")) + "\n",
               'ts "yesterday" is not a time'),
        "future": (json.dumps(journal_line("intent", intent_id="i3", ts=future)) + "\n",
                   "lies in the future"),
    }  # fmt: skip
    found = {}
    for name, (text, problem) in damage.items():
        path = tmp_path / name / "journal.jsonl"
        path.parent.mkdir(parents=True)
        good = journal_line("intent", intent_id="i0", account_id="sub_other")
        path.write_text(json.dumps(good) + "\n" + text)
        found[name] = (path, problem)
    return found


def test_a_journal_line_apply_cannot_trust_stops_it_before_anything_is_sent(
    sandbox: Any, tmp_path: Path
) -> None:
    sb = sandbox(SEED)
    for name, (path, problem) in _damaged(tmp_path).items():
        verified = run(sb, path, "journal", "verify")
        assert verified.exit_code == 1, name
        assert verified.stdout.startswith(f"{path}:2: "), name
        assert problem in verified.stdout, name
        refused = apply(sb, path)
        assert refused.exit_code == 1, name
        assert f"{path}:2: " in refused.output, name
        assert "nothing was sent" in refused.output, name
        assert "Traceback" not in refused.output and "internal error" not in refused.output
        assert sb.writes() == [], name
    # A person looks at the line and records it; apply then goes on.
    path, _problem = _damaged(tmp_path / "again")["cut"]
    acknowledged = run(sb, path, "journal", "acknowledge", f"{path}:2",
                       "--reason", "power cut on the runner")  # fmt: skip
    assert acknowledged.exit_code == 0, acknowledged.output
    assert run(sb, path, "journal", "verify").exit_code == 0
    assert apply(sb, path).exit_code == 0
    assert len(posts(sb)) == 1


def test_a_journal_that_cannot_be_locked_is_refused_unless_told(
    sandbox: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import fcntl

    def no_locks(_fd: int, _how: int) -> None:
        raise OSError(errno.ENOLCK, "No locks available")

    monkeypatch.setattr(fcntl, "flock", no_locks)
    sb = sandbox(SEED)
    journal = tmp_path / "journal.jsonl"
    refused = apply(sb, journal)
    assert refused.exit_code == 1
    assert "cannot be locked (flock: No locks available)" in refused.output
    assert "--no-journal-lock" in refused.output
    assert sb.writes() == []
    told = apply(sb, journal, "--no-journal-lock")
    assert told.exit_code == 0, told.output
    assert len(posts(sb)) == 1

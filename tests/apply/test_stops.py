"""Issue 11 item 5: a journal that fails mid-run stops new calls, and a resumed account is
planned again (seats in use read now) before its remaining calls; executor level."""

from __future__ import annotations

import asyncio
from typing import Any

from reconciler.apply import ApplySettings, Executor
from reconciler.apply.journal import Journal, JournalError, RunContext, read_journal
from reconciler.planner.fingerprints import live_fingerprint
from reconciler.planner.model import AccountPlan, Action

FAST = ApplySettings(settle_timeout_s=0.01, verify_timeout_s=0.05, first_pause_s=0.001)
BASE = {"plan_base": {"type": "business_monthly", "hosts": 20, "status": "active"}}


class DiskFillsUp(Journal):
    """A journal whose file system fills up after ``lines`` lines."""

    def __init__(self, *args: Any, lines: int) -> None:
        super().__init__(*args)
        self.left = lines

    def write(self, kind: str, **fields: Any) -> dict[str, Any]:
        if self.left <= 0:
            raise JournalError(self.path, "cannot write: No space left on device")
        self.left -= 1
        return super().write(kind, **fields)


def _context() -> RunContext:
    return RunContext(run_id="r", actor="t", git_commit=None, plan_sha256="p1")


def _raise_base(kit, account_id: str) -> Any:
    return kit.account(
        account_id, BASE, kit.action(account_id, "update_base", {"type": "business_monthly",
                                                                  "hosts": 25})
    )  # fmt: skip


def test_a_journal_that_fails_mid_run_stops_new_calls_and_keeps_the_report(kit, tmp_path) -> None:
    zoom = kit.zoom({a: BASE for a in ("sub_a", "sub_b", "sub_c")})
    # sub_a: intent, outcome, shown (a read shows its PUT: settled); sub_b: its intent
    # cannot be written.
    journal = DiskFillsUp(tmp_path / "j.jsonl", _context(), lines=3)
    journal.open()
    try:
        executor = Executor(
            zoom, journal, history=read_journal(journal.path), fingerprint=kit.fingerprint,
            settings=ApplySettings(parallelism=1, first_pause_s=0.001, verify_timeout_s=0.05),
        )  # fmt: skip
        accounts = [_raise_base(kit, a) for a in ("sub_a", "sub_b", "sub_c")]
        report = asyncio.run(executor.run(accounts))
    finally:
        journal.close()
    assert [acc for _, acc, _ in zoom.writes] == ["sub_a"]  # no call without its intent line
    assert [r.state for r in report.accounts] == ["applied", "failed", "failed"]
    assert report.accounts[1].reason.startswith(
        "stopped: the journal cannot be written (cannot write: No space left on device); "
        "0 call(s) made to this account before that"
    )
    assert report.accounts[2].reason.startswith("not attempted: the journal cannot be written")
    assert report.calls_made == 1
    assert report.journal_error is not None and report.exit_code == 1


def test_accounts_sending_when_the_journal_fails_finish_that_call_and_start_no_other(
    kit, tmp_path
) -> None:
    zoom = kit.zoom({"sub_a": BASE, "sub_b": BASE, "sub_c": BASE})
    zoom.delay_s = 0.05  # sub_a and sub_b are both in flight when the journal fills up
    journal = DiskFillsUp(tmp_path / "j.jsonl", _context(), lines=2)  # two intents, no outcome
    journal.open()
    try:
        executor = Executor(
            zoom, journal, history=read_journal(journal.path), fingerprint=kit.fingerprint,
            settings=ApplySettings(parallelism=2, first_pause_s=0.001, verify_timeout_s=0.05),
        )  # fmt: skip
        more = {"type": "business_monthly", "hosts": 30}
        accounts = [
            kit.account("sub_a", BASE, kit.action("sub_a", "update_base", more),
                        kit.action("sub_a", "update_base", {**more, "hosts": 35})),
            _raise_base(kit, "sub_b"),
            _raise_base(kit, "sub_c"),
        ]  # fmt: skip
        report = asyncio.run(executor.run(accounts))
    finally:
        journal.close()
    assert sorted(acc for _, acc, _ in zoom.writes) == ["sub_a", "sub_b"]  # one call each
    assert [r.state for r in report.accounts] == ["failed", "failed", "failed"]
    assert "a call in flight at that moment may have happened" in report.accounts[0].reason
    assert report.accounts[2].reason.startswith("not attempted: the journal cannot be written")


def test_a_resumed_account_is_planned_again_with_seats_in_use_read_now(kit, tmp_path) -> None:
    """A killed run of this plan made the base increase; the add-on decrease remains, and the
    re-plan (which reads seats in use now) is asked about exactly the remaining call."""
    first = Journal(tmp_path / "j.jsonl", _context())
    first.open()
    facts = {"account_id": "sub_a", "op": "update_base", "method": "PUT",
             "path": "/accounts/sub_a/plans/base",
             "body": {"type": "business_monthly", "hosts": 25}}  # fmt: skip
    first.outcome(first.intent(**facts), **facts, result="ok", http_status=204)
    first.close()
    planned = {**BASE, "plan_webinar": [{"type": "webinar500_monthly", "hosts": 5,
                                        "status": "active"}]}  # fmt: skip
    now = {**planned, "plan_base": {**BASE["plan_base"], "hosts": 25}}
    account = AccountPlan(
        account_id="sub_a",
        source=None,
        status="changes",
        live_sha256=live_fingerprint(planned),
        actions=(
            Action(
                op="update_base",
                klass="seat_increase",
                method="PUT",
                path="/accounts/sub_a/plans/base",
                body=facts["body"],
                before={"hosts": 20},
                after={"hosts": 25},
            ),
            Action(
                op="update_addon",
                klass="seat_decrease",
                method="PUT",
                path="/accounts/sub_a/plans/addons",
                body={"type": "webinar500_monthly", "hosts": 3},
                before={"hosts": 5},
                after={"hosts": 3},
                group="plan_webinar",
            ),
        ),
    )
    asked: list[Any] = []

    async def confirm(shown: Any, live: Any) -> tuple[str, str] | None:
        asked.append(shown)  # replan_confirm reads GET /plans/usage here, now
        return "blocked", "plan_webinar: 3 hosts is below the 4 seats in use now"

    zoom = kit.zoom({"sub_a": now})
    journal = Journal(tmp_path / "j.jsonl", _context())
    journal.open()
    try:
        executor = Executor(
            zoom, journal, history=read_journal(journal.path), fingerprint=live_fingerprint,
            settings=FAST, confirm=confirm,
        )  # fmt: skip
        report = asyncio.run(executor.run([account]))
    finally:
        journal.close()
    (shown,) = asked
    assert isinstance(shown, AccountPlan) and shown.account_id == "sub_a"
    assert [a.op for a in shown.actions] == ["update_addon"]  # only the calls still to send
    assert zoom.writes == []
    assert report.accounts[0].state == "blocked"
    assert "below the 4 seats in use now" in report.accounts[0].reason


def test_the_command_says_how_many_calls_were_made_before_the_journal_failed(
    sandbox, tmp_path, monkeypatch
) -> None:
    from pathlib import Path

    from click.testing import CliRunner

    from reconciler.cli import cli

    fixtures = Path(__file__).parent / "fixtures"
    sb = sandbox(fixtures / "seed.yaml")
    real_write = Journal.write
    written: list[str] = []

    def write(self: Journal, kind: str, **fields: Any) -> dict[str, Any]:
        if len(written) >= 3:  # run_start, the first intent and its outcome; then disk full
            raise JournalError(self.path, "cannot write: No space left on device")
        written.append(kind)
        return real_write(self, kind, **fields)

    monkeypatch.setattr(Journal, "write", write)
    args = ["apply", str(fixtures / "accounts"), "--allow-cancel", "--allow-decrease",
            "--auto-approve", "--parallelism", "1",
            "--journal", str(tmp_path / "j.jsonl")]  # fmt: skip
    result = CliRunner().invoke(cli, args, env=sb.env())
    assert result.exit_code == 1
    assert written == ["run_start", "intent", "outcome"]
    assert len(sb.writes()) == 1  # the one call with its intent line; none after the failure
    assert "Apply: " in result.stdout  # the report so far is printed
    assert (
        "zoomplans: error: journal " in result.stderr
        and "cannot write: No space left on device; no call was started after that, and 1 "
        "call(s) were made before it (listed above)"
        in result.stderr
    )
    assert "no call is sent without a journal" not in result.output
    assert "Traceback" not in result.output

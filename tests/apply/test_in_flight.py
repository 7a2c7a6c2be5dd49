"""The journal decides (issue 11 item 1): an unrepeatable write Zoom accepted, or that is in
doubt, and that no read has shown, is never sent again; executor level, with the tiny Zoom."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from reconciler.apply import ApplySettings, Executor
from reconciler.apply.in_flight import InFlightRules, writes_in_flight
from reconciler.apply.journal import Journal, RunContext, read_journal
from reconciler.planner.model import Action
from tests.apply.journal_lines import line as journal_line
from tests.apply.journal_lines import records
from tests.apply.journal_lines import text as journal_text

FAST = ApplySettings(settle_timeout_s=0.01, verify_timeout_s=0.05, first_pause_s=0.001)
BASE = {"plan_base": {"type": "business_monthly", "hosts": 20, "status": "active"}}
WEBINAR = {"type": "webinar500_monthly", "hosts": 3}
WITH_WEBINAR = {**BASE, "plan_webinar": [{**WEBINAR, "status": "active"}]}
MASTER = "MASTER1"


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def earlier_call(
    path: Path,
    *,
    result: str | None = "ok",
    ago: timedelta = timedelta(seconds=30),
    master: str | None = MASTER,
    run_id: str = "earlier-run",
    settled: bool = False,
    op: str = "add_addon",
    body: dict[str, Any] | None = None,
) -> str:
    """Lines an earlier run (of another plan, any mode) wrote for one add_addon of sub_a."""
    path.parent.mkdir(parents=True, exist_ok=True)
    intent_id = f"{run_id}-intent"
    common = {"run_id": run_id, "plan_sha256": "another-plan", "master_account_id": master,
              "account_id": "sub_a", "op": op, "method": "POST",
              "path": "/accounts/sub_a/plans/addons", "body": body or WEBINAR,
              "intent_id": intent_id}  # fmt: skip
    sent = datetime.now(UTC) - ago
    lines = [{"kind": "intent", "ts": _iso(sent), **common}]
    if result is not None:
        lines.append({"kind": "outcome", "ts": _iso(sent), "result": result, **common})
    if settled:
        lines.append({"kind": "resolution", "ts": _iso(sent), "result": "resolved_present",
                      **common})  # fmt: skip
    if master is None:
        for line in lines:
            del line["master_account_id"]  # a journal of a version that did not record it
    with path.open("a") as handle:
        handle.writelines(json.dumps(line) + "\n" for line in lines)
    return intent_id


def this_run(path: Path) -> Journal:
    context = RunContext(run_id="now", actor="tester", git_commit=None, plan_sha256="this-plan",
                         master_account_id=MASTER)  # fmt: skip
    journal = Journal(path, context)
    journal.open()
    return journal


def apply(kit, zoom, path: Path, accounts, settings: ApplySettings = FAST):
    history = read_journal(path)
    with this_run(path) as journal:
        executor = Executor(
            zoom, journal, history=history, fingerprint=kit.fingerprint, settings=settings
        )
        return asyncio.run(executor.run(accounts))


def add_webinar(kit, live=BASE):
    return kit.account(
        "sub_a",
        live,
        kit.action("sub_a", "add_addon", WEBINAR),
        kit.action("sub_a", "update_base", {"type": "business_monthly", "hosts": 30}),
    )


def test_an_accepted_purchase_zoom_does_not_show_yet_is_not_sent_again(kit, tmp_path: Path) -> None:
    path = tmp_path / "journal.jsonl"
    earlier_call(path)
    zoom = kit.zoom({"sub_a": BASE})  # Zoom's read trails: the add-on does not show yet
    report = apply(kit, zoom, path, [add_webinar(kit)])
    assert zoom.writes == []  # nothing at all is sent to the account
    (account,) = report.accounts
    assert account.state == "awaiting_zoom"
    assert "add_addon webinar500_monthly was accepted by Zoom at" in account.reason
    assert "(run earlier-run)" in account.reason
    assert report.exit_code == 0
    assert account.line().startswith("sub_a: awaiting Zoom (0/2 calls): ")
    check = [x for x in kit.lines(path) if x["run_id"] == "now"]
    assert [(x["kind"], x["result"]) for x in check] == [("resolution", "not_visible")]
    assert check[0]["master_account_id"] == MASTER


def test_a_write_in_doubt_is_not_sent_again_before_the_minimum_age(kit, tmp_path: Path) -> None:
    for result in (None, "ambiguous", "unknown"):
        path = tmp_path / f"{result}.jsonl"
        earlier_call(path, result=result, ago=timedelta(minutes=14))
        zoom = kit.zoom({"sub_a": BASE})
        report = apply(kit, zoom, path, [add_webinar(kit)])
        assert zoom.writes == [], result
        assert report.accounts[0].state == "awaiting_zoom"
        assert "got no clear answer and does not show yet" in report.accounts[0].reason


def test_a_write_in_doubt_older_than_the_minimum_age_and_still_absent_is_sent_again(
    kit, tmp_path: Path
) -> None:
    path = tmp_path / "journal.jsonl"
    old = earlier_call(path, result="unknown", ago=timedelta(minutes=16))
    zoom = kit.zoom({"sub_a": BASE})
    report = apply(kit, zoom, path, [add_webinar(kit)])
    assert [op for op, _, _ in zoom.writes] == ["add_addon", "update_base"]
    assert report.accounts[0].state == "applied"
    lines = [x for x in kit.lines(path) if x["run_id"] == "now"]
    released, intent = lines[0], lines[1]
    assert (released["kind"], released["result"]) == ("resolution", "resolved_absent")
    assert released["sent_at"] and released["read_at"]
    assert intent["retry_of"] == old


def test_an_accepted_purchase_stays_awaited_whatever_its_age_within_the_window(
    kit, tmp_path: Path
) -> None:
    path = tmp_path / "journal.jsonl"
    earlier_call(path, result="ok", ago=timedelta(days=6))
    zoom = kit.zoom({"sub_a": BASE})
    assert apply(kit, zoom, path, [add_webinar(kit)]).accounts[0].state == "awaiting_zoom"
    assert zoom.writes == []


def test_purchases_outside_the_window_refusals_and_other_masters_do_not_hold_back(
    kit, tmp_path: Path
) -> None:
    cases = {
        "old-in-doubt": {"ago": timedelta(days=8), "result": "ambiguous"},
        "refused": {"result": "failed"},
        "other-master": {"master": "MASTER2"},
    }
    for name, how in cases.items():
        path = tmp_path / f"{name}.jsonl"
        earlier_call(path, **how)
        zoom = kit.zoom({"sub_a": BASE})
        report = apply(kit, zoom, path, [add_webinar(kit)])
        assert [op for op, _, _ in zoom.writes] == ["add_addon", "update_base"], name
        assert report.accounts[0].state == "applied"


def test_lines_without_a_master_account_count_as_this_one(kit, tmp_path: Path) -> None:
    path = tmp_path / "journal.jsonl"
    earlier_call(path, master=None)
    zoom = kit.zoom({"sub_a": BASE})
    assert apply(kit, zoom, path, [add_webinar(kit)]).accounts[0].state == "awaiting_zoom"
    assert zoom.writes == []


def test_a_shown_purchase_is_settled_and_bought_again_once_someone_removed_it(
    kit, tmp_path: Path
) -> None:
    path = tmp_path / "journal.jsonl"
    intent_id = earlier_call(path)
    # First run: the read shows the add-on: the journal records it as settled.
    zoom = kit.zoom({"sub_a": WITH_WEBINAR})
    plan = kit.account(
        "sub_a",
        WITH_WEBINAR,
        kit.action("sub_a", "update_base", {"type": "business_monthly", "hosts": 30}),
    )
    assert apply(kit, zoom, path, [plan]).accounts[0].state == "applied"
    settled = [x for x in kit.lines(path) if x["kind"] == "resolution" and x["op"] == "add_addon"]
    assert [(x["intent_id"], x["result"]) for x in settled] == [(intent_id, "resolved_present")]
    # Someone removes it; the desired files still want it: a new purchase, sent as usual.
    zoom = kit.zoom({"sub_a": BASE})
    report = apply(kit, zoom, path, [add_webinar(kit)])
    assert [op for op, _, _ in zoom.writes] == ["add_addon", "update_base"]
    assert report.accounts[0].state == "applied"


def test_an_action_the_plan_marks_in_flight_is_never_sent(kit, tmp_path: Path) -> None:
    """apply --plan with a plan that showed the call in flight, on a runner without the journal."""
    path = tmp_path / "journal.jsonl"
    marked = Action(
        op="add_addon", klass="addon_added", method="POST", path="/accounts/sub_a/plans/addons",
        body=WEBINAR,
        in_flight={"intent_id": "i1", "run_id": "r1", "sent_at": "2026-12-06T01:00:00.000Z",
                   "outcome": "ok"},
    )  # fmt: skip
    zoom = kit.zoom({"sub_a": BASE})
    report = apply(kit, zoom, path, [kit.account("sub_a", BASE, marked)])
    assert zoom.writes == []
    assert report.accounts[0].state == "awaiting_zoom"
    assert "in flight in the plan (sent at 2026-12-06T01:00:00.000Z, run r1, ok)" in (
        report.accounts[0].reason
    )


def test_every_subscribe_of_an_account_is_the_same_purchase(kit, tmp_path: Path) -> None:
    path = tmp_path / "journal.jsonl"
    earlier_call(
        path,
        op="subscribe",
        body={"plan_base": {"type": "business_yearly", "hosts": 10}},
    )
    zoom = kit.zoom({"sub_a": {}})
    subscribe = {"contact": {"email": "a@b.example"},
                 "plan_base": {"type": "business_monthly", "hosts": 10}}  # fmt: skip
    report = apply(
        kit, zoom, path, [kit.account("sub_a", {}, kit.action("sub_a", "subscribe", subscribe))]
    )
    assert zoom.writes == []
    assert report.accounts[0].state == "awaiting_zoom"


def test_writes_in_flight_reads_the_journal_s_story() -> None:
    now = datetime(2026, 12, 6, 3, 0, tzinfo=UTC)
    rules = InFlightRules()

    def line(kind: str, intent: str, minutes: int, **more: Any) -> dict[str, Any]:
        return journal_line(kind, intent_id=intent, ts=_iso(now - timedelta(minutes=minutes)),
                            body=WEBINAR, run_id="r", **more)  # fmt: skip

    entries = [
        line("intent", "accepted", 50),
        line("outcome", "accepted", 50, result="ok"),
        line("resolution", "accepted", 40, result="not_visible"),  # evidence, not an outcome
        line("intent", "shown", 30),
        line("outcome", "shown", 30, result="ok"),
        line("resolution", "shown", 20, result="resolved_present"),
        line("intent", "lost", 10),
        line("outcome", "lost", 10, result="ambiguous"),
        line("resolution", "lost", 10, result="unknown"),
        {**line("intent", "a-put", 5), "op": "update_base", "method": "PUT"},  # safe to repeat
    ]
    found = writes_in_flight(records(entries), master_account_id=MASTER, now=now, rules=rules)
    assert [(w.intent_id, w.outcome, len(w.read_at)) for w in found] == [
        ("accepted", "ok", 1),
        ("lost", "in_doubt", 0),
    ]
    assert not found[0].may_resend(now, rules)  # accepted: never, within the window
    assert not found[1].may_resend(now, rules)  # 10 minutes in doubt: not yet
    assert found[1].may_resend(now + timedelta(minutes=6), rules)


def test_a_call_in_doubt_from_before_the_window_is_settled_by_the_next_read(
    kit, tmp_path: Path
) -> None:
    path = tmp_path / "journal.jsonl"
    old = earlier_call(path, result="ambiguous", ago=timedelta(days=8))
    zoom = kit.zoom({"sub_a": BASE})
    report = apply(kit, zoom, path, [add_webinar(kit)])
    assert [op for op, _, _ in zoom.writes] == ["add_addon", "update_base"]
    assert report.accounts[0].state == "applied"
    settled = [x for x in kit.lines(path) if x["kind"] == "resolution" and x["intent_id"] == old]
    assert [x["result"] for x in settled] == ["resolved_absent"]
    assert read_journal(path).unsettled == ()


def test_the_window_and_the_minimum_age_come_from_flags_then_zoomplans_yaml(
    tmp_path: Path,
) -> None:
    from click.testing import CliRunner

    from reconciler.cli import cli
    from reconciler.cli.journal_options import in_flight_rules
    from reconciler.guards.project import load_project

    project_file = tmp_path / "zoomplans.yaml"
    project_file.write_text("journal_window: 2d\nresend_after: 30m\n")
    project = load_project(project_file)
    assert in_flight_rules(None, None, None) == InFlightRules()
    assert in_flight_rules(None, None, project) == InFlightRules(
        window=timedelta(days=2), resend_after=timedelta(minutes=30)
    )
    assert in_flight_rules("12h", "0s", project) == InFlightRules(
        window=timedelta(hours=12), resend_after=timedelta(0)
    )
    for command in (["plan"], ["apply", "--auto-approve"]):
        refused = CliRunner().invoke(cli, [*command, "--journal-window", "0d", str(tmp_path)])
        assert refused.exit_code == 64, refused.output
        assert "journal window '0d' is not a duration; use a positive number" in refused.output
    project_file.write_text("journal_window: a week\n")
    wrong = CliRunner().invoke(cli, ["plan", "--config", str(project_file), str(tmp_path)])
    assert wrong.exit_code == 1
    assert (
        f"{project_file}:1:17: error: journal_window: 'a week' is not a duration; write a number "
        "with s, m, h or d" in wrong.output
    )


def test_an_accepted_purchase_unseen_when_the_window_ends_is_never_bought_again(
    kit, tmp_path: Path
) -> None:
    """Issue 18 item 3: past the window, an accepted purchase Zoom never showed blocks the
    account (exit 1 by the report), naming the intent and what to check; nothing is sent."""
    path = tmp_path / "journal.jsonl"
    intent_id = earlier_call(path, result="ok", ago=timedelta(days=8))
    zoom = kit.zoom({"sub_a": BASE})
    report = apply(kit, zoom, path, [add_webinar(kit)])
    assert zoom.writes == []
    (account,) = report.accounts
    assert account.state == "blocked"
    assert report.exit_code == 1
    assert f"intent {intent_id}" in account.reason
    assert "no read has shown it within the journal window" in account.reason
    assert f"zoomplans journal resolve {intent_id} --applied|--not-applied" in account.reason


def test_ages_are_measured_on_zoom_s_clock_not_the_writers(kit, tmp_path: Path) -> None:
    """Issue 18 item 2: a run whose clock was 16 minutes behind wrote a purchase in doubt 3 s
    ago by Zoom's clock; its local ts looks 16 minutes old. Not resent: Zoom's time decides."""
    from reconciler.zoom.zoom_time import ZoomTime

    path = tmp_path / "journal.jsonl"
    zoom_now = datetime.now(UTC)
    sent = zoom_now - timedelta(seconds=3)
    behind = sent - timedelta(minutes=16)
    common = {"run_id": "slow-clock", "master_account_id": MASTER, "intent_id": "slow",
              "body": WEBINAR}  # fmt: skip
    path.write_text(
        journal_text([
            journal_line("intent", ts=_iso(behind), zoom_ts=_iso(sent), **common),
            journal_line("outcome", ts=_iso(behind), zoom_ts=_iso(sent), result="ambiguous",
                         **common),
        ])
    )  # fmt: skip
    zoom = kit.zoom({"sub_a": BASE})
    zoom.zoom_time = ZoomTime()
    zoom.zoom_time.saw(zoom_now.strftime("%a, %d %b %Y %H:%M:%S GMT"))
    report = apply(kit, zoom, path, [add_webinar(kit)])
    assert zoom.writes == []
    assert report.accounts[0].state == "awaiting_zoom"
    assert "by Zoom's clock" in report.accounts[0].reason
    # The same lines without Zoom's time (an earlier version's): aged on the local clocks.
    old = tmp_path / "old.jsonl"
    old.write_text(
        journal_text([
            journal_line("intent", ts=_iso(behind), **common),
            journal_line("outcome", ts=_iso(behind), result="ambiguous", **common),
        ])
    )  # fmt: skip
    zoom = kit.zoom({"sub_a": BASE})
    assert apply(kit, zoom, old, [add_webinar(kit)]).accounts[0].state == "applied"
    assert [op for op, _, _ in zoom.writes] == ["add_addon", "update_base"]

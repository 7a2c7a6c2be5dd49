"""The executor against a tiny in-memory Zoom: order, stops, parallelism, lost answers, recovery."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from reconciler.apply import ApplySettings, Executor
from reconciler.apply.in_flight import InFlightRules
from reconciler.apply.journal import read_journal
from reconciler.zoom.errors import AmbiguousWriteError, BadRequest

FAST = ApplySettings(settle_timeout_s=0.01, verify_timeout_s=0.05, first_pause_s=0.001)

BASE = {"plan_base": {"type": "business_monthly", "hosts": 20, "status": "active"}}
WEBINAR = {"type": "webinar500_monthly", "hosts": 3}


def run(kit, zoom, journal, accounts, *, settings=FAST, history=None, reads=None):
    executor = Executor(
        zoom,
        journal,
        history=history if history is not None else read_journal(journal.path),
        fingerprint=kit.fingerprint,
        settings=settings,
        reads=reads,
    )
    return asyncio.run(executor.run(accounts))


def test_calls_of_one_account_go_in_plan_order_each_after_its_intent(kit, open_journal) -> None:
    journal = open_journal()
    zoom = kit.zoom({"sub_a": BASE}, journal_path=journal.path)
    plan = kit.account(
        "sub_a",
        BASE,
        kit.action("sub_a", "update_base", {"type": "business_monthly", "hosts": 25}),
        kit.action("sub_a", "add_addon", WEBINAR),
        kit.action("sub_a", "update_addon", {"type": "webinar500_monthly", "hosts": 5}),
    )
    report = run(kit, zoom, journal, [plan])
    assert [op for op, _, _ in zoom.writes] == ["update_base", "add_addon", "update_addon"]
    # At the moment each call was made, the last journal line was that call's intent.
    assert [(x["kind"], x["op"]) for x in zoom.journal_last_line_at_write] == [
        ("intent", "update_base"),
        ("intent", "add_addon"),
        ("intent", "update_addon"),
    ]
    kinds = [(x["kind"], x["op"], x.get("result")) for x in kit.lines(journal.path)]
    assert kinds == [
        ("intent", "update_base", None),
        ("outcome", "update_base", "ok"),
        ("intent", "add_addon", None),
        ("outcome", "add_addon", "ok"),
        ("intent", "update_addon", None),
        ("outcome", "update_addon", "ok"),
        # The verification read shows every call: each is settled in the journal (a PUT is
        # then no longer laid over later reads: reconciler.apply.own_writes).
        ("resolution", "update_base", "resolved_present"),
        ("resolution", "add_addon", "resolved_present"),
        ("resolution", "update_addon", "resolved_present"),
    ]
    assert report.accounts[0].state == "applied"
    assert report.accounts[0].calls_made == 3
    assert report.exit_code == 0
    assert report.summary_line() == "Apply: 1 applied, 0 stale, 0 failed, 0 blocked."


def test_first_failure_stops_that_account_only(kit, open_journal) -> None:
    journal = open_journal()
    zoom = kit.zoom({"sub_a": BASE, "sub_b": BASE})
    zoom.reject[("sub_a", "add_addon")] = BadRequest(
        "Invalid request", status=400, code=300, method="POST", path="/accounts/sub_a/plans/addons"
    )
    accounts = [
        kit.account(
            account_id,
            BASE,
            kit.action(account_id, "add_addon", WEBINAR),
            kit.action(account_id, "update_base", {"type": "business_monthly", "hosts": 30}),
        )
        for account_id in ("sub_a", "sub_b")
    ]
    report = run(kit, zoom, journal, accounts)
    assert ("update_base", "sub_a") not in [(op, acc) for op, acc, _ in zoom.writes]
    assert [op for op, acc, _ in zoom.writes if acc == "sub_b"] == ["add_addon", "update_base"]
    failed, applied = report.accounts
    assert failed.state == "failed"
    assert "Zoom code 300" in failed.reason
    assert "1 later call(s) not sent" in failed.reason
    assert applied.state == "applied"
    assert report.exit_code == 1
    outcome = [x for x in kit.lines(journal.path) if x["account_id"] == "sub_a"][-1]
    assert (outcome["result"], outcome["http_status"], outcome["zoom_code"]) == ("failed", 400, 300)


def test_accounts_run_in_parallel_up_to_the_limit(kit, open_journal) -> None:
    live = {f"sub_{n}": BASE for n in range(6)}
    for limit, expected in ((2, 2), (8, 6)):
        journal = open_journal(f"j{limit}.jsonl")
        zoom = kit.zoom(live)
        zoom.delay_s = 0.05
        accounts = [
            kit.account(
                a, BASE, kit.action(a, "update_base", {"type": "business_monthly", "hosts": 21})
            )
            for a in live
        ]
        settings = ApplySettings(parallelism=limit, first_pause_s=0.001, verify_timeout_s=0.05)
        report = run(kit, zoom, journal, accounts, settings=settings)
        assert zoom.max_active == expected
        assert [r.account_id for r in report.accounts] == list(live)
        assert report.count("applied") == 6


def test_a_lost_answer_whose_change_is_visible_is_not_resent(kit, open_journal) -> None:
    journal = open_journal()
    zoom = kit.zoom({"sub_a": BASE})
    zoom.lose_after_apply[("sub_a", "add_addon")] = 1
    report = run(
        kit, zoom, journal, [kit.account("sub_a", BASE, kit.action("sub_a", "add_addon", WEBINAR))]
    )
    assert [op for op, _, _ in zoom.writes] == ["add_addon"]
    assert report.accounts[0].state == "applied"
    kinds = [(x["kind"], x.get("result")) for x in kit.lines(journal.path)]
    assert kinds == [("intent", None), ("outcome", "ambiguous"), ("resolution", "resolved_present")]
    assert read_journal(journal.path).unsettled == ()


def test_a_lost_answer_whose_change_is_absent_is_not_resent_in_the_same_run(
    kit, open_journal
) -> None:
    journal = open_journal()
    zoom = kit.zoom({"sub_a": BASE, "sub_b": BASE})
    zoom.lose_before_apply[("sub_a", "add_addon")] = 1
    accounts = [
        kit.account(a, BASE, kit.action(a, "add_addon", WEBINAR),
                    kit.action(a, "update_base", {"type": "business_monthly", "hosts": 30}))
        for a in ("sub_a", "sub_b")
    ]  # fmt: skip
    report = run(kit, zoom, journal, accounts)
    assert [(op, acc) for op, acc, _ in zoom.writes if acc == "sub_a"] == [("add_addon", "sub_a")]
    awaiting, applied = report.accounts
    assert awaiting.state == "awaiting_zoom"
    assert "the answer was lost (read timed out)" in awaiting.reason
    assert "not sent again in this run" in awaiting.reason
    assert "1 later call(s) not sent" in awaiting.reason
    assert applied.state == "applied"  # the other accounts go on
    assert report.exit_code == 0  # awaiting Zoom is not a failure
    assert "1 awaiting Zoom" in report.summary_line()
    lines = [x for x in kit.lines(journal.path) if x["account_id"] == "sub_a"]
    assert [(x["kind"], x.get("result")) for x in lines] == [
        ("intent", None),
        ("outcome", "ambiguous"),
        ("resolution", "unknown"),
    ]
    # The evidence: when it was sent and each read made while reading back.
    assert lines[2]["sent_at"] and len(lines[2]["read_at"]) >= 1
    assert [i.intent_id for i in read_journal(journal.path).unsettled] == [lines[0]["intent_id"]]


SUBSCRIBE = {
    "contact": {"email": "a@b.example"},
    "plan_base": {"type": "business_monthly", "hosts": 10},
}


def test_an_ambiguous_subscribe_is_sent_exactly_once_however_long_it_stays_unseen(
    kit, open_journal
) -> None:
    journal = open_journal()
    zoom = kit.zoom({"sub_a": {}})
    zoom.lose_before_apply[("sub_a", "subscribe")] = 99
    account = kit.account("sub_a", {}, kit.action("sub_a", "subscribe", SUBSCRIBE))
    settings = ApplySettings(settle_timeout_s=0.2, verify_timeout_s=0.05, first_pause_s=0.01)
    report = run(kit, zoom, journal, [account], settings=settings)
    assert len(zoom.writes) == 1
    assert len(zoom.reads) >= 4  # read back with patience: several reads, growing pauses
    assert report.accounts[0].state == "awaiting_zoom"
    assert [x.get("result") for x in kit.lines(journal.path)] == [None, "ambiguous", "unknown"]


def test_a_5xx_is_reported_as_zoom_s_answer_not_as_a_lost_one(kit, open_journal) -> None:
    journal = open_journal()
    zoom = kit.zoom({"sub_a": BASE})
    zoom.reject[("sub_a", "add_addon")] = AmbiguousWriteError(
        "HTTP 503", status=503, method="POST", path="/accounts/sub_a/plans/addons"
    )
    account = kit.account("sub_a", BASE, kit.action("sub_a", "add_addon", WEBINAR))
    report = run(kit, zoom, journal, [account])
    assert len(zoom.writes) == 1
    assert "Zoom answered HTTP 503, which does not say whether it was applied" in (
        report.accounts[0].reason
    )


def test_a_changed_account_is_stale_and_gets_nothing(kit, open_journal) -> None:
    journal = open_journal()
    moved = {"plan_base": {**BASE["plan_base"], "hosts": 22}}
    zoom = kit.zoom({"sub_a": moved, "sub_b": BASE})
    accounts = [
        kit.account(
            a, BASE, kit.action(a, "update_base", {"type": "business_monthly", "hosts": 25})
        )
        for a in ("sub_a", "sub_b")
    ]
    report = run(kit, zoom, journal, accounts)
    assert [acc for _, acc, _ in zoom.writes] == ["sub_b"]
    stale, applied = report.accounts
    assert stale.state == "stale"
    assert "zoomplans plan" in stale.reason
    assert applied.state == "applied"
    assert report.exit_code == 1
    assert report.summary_line() == "Apply: 1 applied, 1 stale, 0 failed, 0 blocked."


def test_blocked_and_errored_accounts_get_nothing(kit, open_journal) -> None:
    from reconciler.planner.model import AccountPlan, BlockedItem

    journal = open_journal()
    zoom = kit.zoom({"sub_a": BASE, "sub_b": BASE})
    blocked = AccountPlan(
        account_id="sub_a",
        source=None,
        status="blocked",
        live_sha256=kit.fingerprint(BASE),
        actions=(kit.action("sub_a", "add_addon", WEBINAR),),
        blocked=(
            BlockedItem(reason_code="base_type_change", message="the base plan type cannot change"),
        ),
    )
    errored = AccountPlan(
        account_id="sub_b",
        source=None,
        status="error",
        live_sha256=None,
        error="sub_b: account does not exist",
    )
    report = run(kit, zoom, journal, [blocked, errored])
    assert zoom.writes == []
    assert zoom.reads == []
    assert [(r.state, r.reason) for r in report.accounts] == [
        ("blocked", "the base plan type cannot change"),
        ("failed", "sub_b: account does not exist; nothing sent"),
    ]
    assert report.exit_code == 1


def test_an_earlier_crash_whose_change_is_visible_is_settled_before_writing(
    kit, open_journal
) -> None:
    crashed = open_journal(run_id="crashed")
    crashed.intent(
        account_id="sub_a",
        op="add_addon",
        method="POST",
        path="/accounts/sub_a/plans/addons",
        body=WEBINAR,
    )
    now = {**BASE, "plan_webinar": [{**WEBINAR, "status": "active"}]}
    zoom = kit.zoom({"sub_a": now})
    crashed.close()  # the crashed run is gone; its lock went with it
    journal = open_journal(run_id="next")
    plan = kit.account(
        "sub_a", now, kit.action("sub_a", "update_base", {"type": "business_monthly", "hosts": 30})
    )
    report = run(kit, zoom, journal, [plan])
    assert [op for op, _, _ in zoom.writes] == ["update_base"]
    resolution = [x for x in kit.lines(journal.path) if x["kind"] == "resolution"]
    assert [(x["result"], x["run_id"], x["intent_run_id"]) for x in resolution] == [
        ("resolved_present", "next", "crashed"),
        ("resolved_present", "next", "next"),  # its own PUT, shown by the verification read
    ]
    assert report.accounts[0].state == "applied"
    assert read_journal(journal.path).unsettled == ()


def _crashed_add_addon(open_journal) -> None:
    crashed = open_journal(run_id="crashed")
    crashed.intent(
        account_id="sub_a", op="add_addon", method="POST", path="/accounts/sub_a/plans/addons",
        body=WEBINAR,
    )  # fmt: skip
    crashed.close()  # the crashed run is gone; its lock went with it


def test_an_earlier_crash_whose_change_is_absent_waits_for_the_minimum_age(
    kit, open_journal
) -> None:
    _crashed_add_addon(open_journal)
    zoom = kit.zoom({"sub_a": BASE})
    journal = open_journal(run_id="next")
    plan = kit.account("sub_a", BASE, kit.action("sub_a", "add_addon", WEBINAR))
    report = run(kit, zoom, journal, [plan])
    assert zoom.writes == []  # a few seconds of absence never settle an intent as absent
    assert report.accounts[0].state == "awaiting_zoom"
    assert "run crashed" in report.accounts[0].reason
    check = [x for x in kit.lines(journal.path) if x["kind"] == "resolution"]
    assert [x["result"] for x in check] == ["not_visible"]
    assert check[0]["sent_at"] and len(check[0]["read_at"]) == 1


def test_an_earlier_crash_older_than_the_minimum_age_and_still_absent_is_sent_again(
    kit, open_journal
) -> None:
    _crashed_add_addon(open_journal)
    zoom = kit.zoom({"sub_a": BASE})
    journal = open_journal(run_id="next")
    old_enough = ApplySettings(
        settle_timeout_s=0.01, verify_timeout_s=0.05, first_pause_s=0.001,
        rules=InFlightRules(resend_after=timedelta(0)),
    )  # fmt: skip
    plan = kit.account("sub_a", BASE, kit.action("sub_a", "add_addon", WEBINAR))
    report = run(kit, zoom, journal, [plan], settings=old_enough)
    assert [op for op, _, _ in zoom.writes] == ["add_addon"]
    lines = kit.lines(journal.path)
    story = [(x["kind"], x.get("result")) for x in lines if x["run_id"] == "next"]
    assert story[:3] == [("resolution", "resolved_absent"), ("intent", None), ("outcome", "ok")]
    crashed_id = lines[0]["intent_id"]
    assert lines[1]["sent_at"] == lines[0]["ts"]  # the evidence: when it was sent
    assert lines[2]["retry_of"] == crashed_id
    assert report.accounts[0].state == "applied"


def test_an_in_sync_account_with_an_unsettled_call_is_still_settled(kit, open_journal) -> None:
    crashed = open_journal(run_id="crashed")
    crashed.intent(
        account_id="sub_a", op="update_base", method="PUT", path="/accounts/sub_a/plans/base",
        body={"type": "business_monthly", "hosts": 20},
    )  # fmt: skip
    zoom = kit.zoom({"sub_a": BASE})
    crashed.close()  # the crashed run is gone; its lock went with it
    journal = open_journal(run_id="next")
    report = run(kit, zoom, journal, [kit.account("sub_a", BASE, status="in_sync")])
    assert zoom.writes == []
    assert report.accounts[0].state == "in_sync"
    assert read_journal(journal.path).unsettled == ()


def test_changes_not_yet_visible_are_reported_as_such(kit, open_journal) -> None:
    journal = open_journal()
    zoom = kit.zoom({"sub_a": BASE})
    zoom.stale_reads["sub_a"] = 1000  # every read after the write still shows the old plans
    zoom.snapshot["sub_a"] = BASE
    plan = kit.account(
        "sub_a", BASE, kit.action("sub_a", "update_base", {"type": "business_monthly", "hosts": 25})
    )
    report = run(kit, zoom, journal, [plan])
    assert report.accounts[0].state == "applied_not_visible"
    assert report.exit_code == 0
    assert "not yet visible" in report.accounts[0].line()


def test_eventual_consistency_is_waited_for(kit, open_journal) -> None:
    journal = open_journal()
    zoom = kit.zoom({"sub_a": BASE})
    zoom.snapshot["sub_a"] = BASE
    zoom.stale_reads["sub_a"] = 3  # the compare-and-swap read, then two stale verification reads
    plan = kit.account(
        "sub_a", BASE, kit.action("sub_a", "update_base", {"type": "business_monthly", "hosts": 25})
    )
    settings = ApplySettings(first_pause_s=0.001, verify_timeout_s=2.0)
    report = run(kit, zoom, journal, [plan], settings=settings)
    assert report.accounts[0].state == "applied"
    assert len(zoom.reads) == 4


def test_a_bug_in_one_account_does_not_stop_the_others(kit, open_journal) -> None:
    journal = open_journal()
    zoom = kit.zoom({"sub_a": BASE, "sub_b": BASE})

    def fingerprint(live):
        if live is not None and live["plan_base"].get("boom"):
            raise RuntimeError("unexpected answer")
        return kit.fingerprint(live)

    zoom.plans["sub_a"]["plan_base"]["boom"] = True
    accounts = [
        kit.account(
            a, BASE, kit.action(a, "update_base", {"type": "business_monthly", "hosts": 25})
        )
        for a in ("sub_a", "sub_b")
    ]
    executor = Executor(
        zoom, journal, history=read_journal(journal.path), fingerprint=fingerprint, settings=FAST
    )
    report = asyncio.run(executor.run(accounts))
    assert [(r.account_id, r.state) for r in report.accounts] == [
        ("sub_a", "failed"),
        ("sub_b", "applied"),
    ]
    assert "internal error RuntimeError" in report.accounts[0].reason
    assert [acc for _, acc, _ in zoom.writes] == ["sub_b"]


def test_a_stale_account_says_when_this_same_plan_already_made_calls(kit, open_journal) -> None:
    first = open_journal(run_id="first")
    facts = {
        "account_id": "sub_a",
        "op": "update_base",
        "method": "PUT",
        "path": "/accounts/sub_a/plans/base",
        "body": {"type": "business_monthly", "hosts": 25},
    }
    first.outcome(first.intent(**facts), **facts, result="ok", http_status=204)
    first.close()
    moved = {"plan_base": {**BASE["plan_base"], "hosts": 25}}
    zoom = kit.zoom({"sub_a": moved})
    journal = open_journal(run_id="again")  # same plan hash ("p1") as the first run
    plan = kit.account(
        "sub_a",
        BASE,
        kit.action("sub_a", "update_base", facts["body"]),
        kit.action("sub_a", "add_addon", WEBINAR),
    )
    report = run(kit, zoom, journal, [plan])
    assert report.accounts[0].state == "stale"
    assert (
        "partly by an earlier run of this same plan (1 call(s) made)" in report.accounts[0].reason
    )
    assert zoom.writes == []


def test_a_convergence_check_that_breaks_reports_the_calls_as_made(kit, open_journal) -> None:
    journal = open_journal()
    zoom = kit.zoom({"sub_a": BASE})

    def converged(_account, _live):
        raise KeyError("plan_base")

    plan = kit.account(
        "sub_a", BASE, kit.action("sub_a", "update_base", {"type": "business_monthly", "hosts": 25})
    )
    executor = Executor(
        zoom,
        journal,
        history=read_journal(journal.path),
        fingerprint=kit.fingerprint,
        converged=converged,
        settings=FAST,
    )
    report = asyncio.run(executor.run([plan]))
    assert report.accounts[0].state == "applied_not_visible"
    assert report.accounts[0].calls_made == 1


def test_after_the_daily_limit_accounts_not_started_get_nothing(kit, open_journal) -> None:
    from reconciler.zoom.errors import DailyLimitReached

    journal = open_journal()
    zoom = kit.zoom({"sub_a": BASE, "sub_b": BASE, "sub_c": BASE})
    zoom.reject[("sub_b", "update_base")] = DailyLimitReached(
        "daily limit", status=429, code=429, method="PUT", path="/accounts/sub_b/plans/base"
    )
    accounts = [
        kit.account(
            a, BASE, kit.action(a, "update_base", {"type": "business_monthly", "hosts": 25})
        )
        for a in ("sub_a", "sub_b", "sub_c")
    ]
    settings = ApplySettings(parallelism=1, first_pause_s=0.001, verify_timeout_s=0.05)
    report = run(kit, zoom, journal, accounts, settings=settings)
    assert [r.state for r in report.accounts] == ["applied", "failed", "failed"]
    assert report.accounts[2].reason.startswith("not attempted: the run stopped after sub_b:")
    assert [acc for _, acc, _ in zoom.writes] == ["sub_a", "sub_b"]
    assert "sub_c" not in zoom.reads


def test_after_the_daily_limit_accounts_already_running_send_no_next_call(
    kit, open_journal
) -> None:
    from reconciler.zoom.errors import AuthError, DailyLimitReached

    for stop in (
        DailyLimitReached("daily limit", status=429, code=429, method="POST", path="/x"),
        AuthError("invalid client credentials", status=401, code=124, method="POST", path="/x"),
    ):
        journal = open_journal(name=f"{type(stop).__name__}.jsonl")
        zoom = kit.zoom({"sub_a": BASE, "sub_b": BASE})
        zoom.reject[("sub_a", "add_addon")] = stop
        plain_write = zoom.write

        async def slow_update(op: str, account_id: str, body: dict, plain=plain_write) -> Any:
            if op == "update_base":
                await asyncio.sleep(0.05)  # still in flight when sub_a meets the refusal
            return await plain(op, account_id, body)

        zoom.write = slow_update
        more = [
            kit.action("sub_b", "update_base", {"type": "business_monthly", "hosts": n})
            for n in (25, 30, 35)
        ]
        accounts = [
            kit.account("sub_a", BASE, kit.action("sub_a", "add_addon", WEBINAR)),
            kit.account("sub_b", BASE, *more),
        ]
        report = run(kit, zoom, journal, accounts)
        assert sorted((op, acc) for op, acc, _ in zoom.writes) == [
            ("add_addon", "sub_a"),
            ("update_base", "sub_b"),
        ], type(stop)
        assert report.accounts[1].state == "failed"
        assert report.accounts[1].calls_made == 1
        assert "update_base not sent: the run stopped after" in report.accounts[1].reason


def test_an_earlier_call_whose_account_cannot_be_read_again_keeps_the_account_untouched(
    kit, open_journal
) -> None:
    _crashed_add_addon(open_journal)
    zoom = kit.zoom({"sub_a": BASE})
    zoom.reads_left["sub_a"] = 0  # Zoom is unreachable for reads
    journal = open_journal(run_id="next")
    plan = kit.account("sub_a", BASE, kit.action("sub_a", "add_addon", WEBINAR))
    report = run(kit, zoom, journal, [plan])
    assert zoom.writes == []
    assert report.accounts[0].state == "failed"
    assert "could not re-read the live plans before writing" in report.accounts[0].reason
    assert len(read_journal(journal.path).unsettled) == 1

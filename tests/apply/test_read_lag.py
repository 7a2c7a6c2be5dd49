"""Issue 11's acceptance, end to end over loopback: Zoom's reads trail its writes and some
answers are lost, a CI "re-run" applies again at once, and no purchase is made twice.

Another helper adds ``sandbox --read-lag``; until then a test-only wrapper plays the lag on the
client side: each GET /plans answers as the account was ``lag`` seconds ago (the newest answer
read that long ago, else the oldest one read), while writes act on the sandbox's true state.
"""

from __future__ import annotations

import copy
import json
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from reconciler.cli import cli
from reconciler.planner.plan_schema import schema_problems
from reconciler.zoom import ZoomClient
from reconciler.zoom.errors import NoSubscription

FIXTURES = Path(__file__).parent / "fixtures"
SEED = FIXTURES / "seed.yaml"
ACCOUNTS = str(FIXTURES / "accounts")
OPT_INS = ("--allow-cancel", "--allow-decrease")
LAG_S = 3.0
#: Read back and verify for much less than the lag: Zoom keeps not showing the writes.
QUICK = ("--settle-timeout", "0.3", "--verify-timeout", "0.3")


class LaggingReads:
    """GET /plans as Zoom answers it when its reads trail its writes by ``lag`` seconds."""

    def __init__(self, lag: float) -> None:
        self.lag = lag
        self.seen: dict[str, list[tuple[float, Any]]] = {}

    def install(self, monkeypatch: pytest.MonkeyPatch) -> None:
        real = ZoomClient.get_plans

        async def get_plans(client: ZoomClient, account_id: str) -> dict[str, Any]:
            try:
                answer: Any = await real(client, account_id)
            except NoSubscription as exc:
                answer = exc
            now = time.monotonic()
            history = self.seen.setdefault(account_id, [])
            history.append((now, answer))
            old = [item for moment, item in history if moment <= now - self.lag]
            shown = old[-1] if old else history[0][1]
            if isinstance(shown, NoSubscription):
                raise shown
            return copy.deepcopy(shown)

        monkeypatch.setattr(ZoomClient, "get_plans", get_plans)


def _run(sb: Any, journal: Path, *args: str) -> Any:
    return CliRunner().invoke(cli, [*args, "--journal", str(journal)], env=sb.env())


def _carried_out(sb: Any) -> Counter[tuple[str, str, str]]:
    return Counter(
        (w.method, w.path, json.dumps(w.body, sort_keys=True))
        for w in sb.writes()
        if w.dropped or 200 <= w.status < 300
    )


def _two_runs_at_once(sb: Any, journal: Path, lag: float) -> tuple[Any, Any, int]:
    """apply, then at once apply again (a CI re-run); both inside the read lag."""
    sb.faults.drop_response(nth_write=1, method="POST", path_suffix="/plans")  # the subscribe
    sb.faults.drop_response(nth_write=1, method="POST", path_suffix="/plans/addons")
    started = time.monotonic()
    first = _run(sb, journal, "apply", ACCOUNTS, *OPT_INS, "--auto-approve", *QUICK)
    assert first.exit_code == 0, first.output
    after_first = len(_posts(sb))
    assert after_first == 4  # a lost answer stopped its account before its next add-on
    again = _run(sb, journal, "apply", ACCOUNTS, *OPT_INS, "--auto-approve", *QUICK)
    assert time.monotonic() - started < lag, "the second run must start inside the lag"
    assert again.exit_code == 0, again.output
    assert len(_posts(sb)) == after_first  # the second run sent no POST/PATCH at all
    return first, again, after_first


def _posts(sb: Any) -> list[Any]:
    return [w for w in sb.writes() if w.method in ("POST", "PATCH")]


def test_an_immediate_second_apply_under_read_lag_sends_no_purchase_again(
    sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sb = sandbox(SEED)
    LaggingReads(10.0).install(monkeypatch)  # no test waits for it: the lag only has to last
    journal = tmp_path / ".zoomplans" / "journal.jsonl"
    first, again, _ = _two_runs_at_once(sb, journal, 10.0)
    assert "sub_new: awaiting Zoom (0/1 calls): subscribe: the answer was lost" in first.output
    assert "in flight by the journal" in again.output
    report = again.output.split("\n\n")[-1]
    assert "sub_new: awaiting Zoom" in report
    assert "sub_up: awaiting Zoom" in report
    assert "0 failed" in report
    # plan shows the purchases in flight, does not count them, and has nothing pending.
    shown = _run(sb, journal, "plan", ACCOUNTS, *OPT_INS, "--format", "json")
    assert shown.exit_code == 0, shown.output
    data = json.loads(shown.stdout)
    in_flight = [
        (a["account_id"], x["op"], x["in_flight"]["outcome"])
        for a in data["accounts"]
        for x in a["actions"]
        if x.get("in_flight")
    ]
    assert ("sub_new", "subscribe", "in_doubt") in in_flight
    assert ("sub_up", "add_addon", "ok") in in_flight
    assert data["summary"]["actions"]["subscribe"] == 0
    assert data["summary"]["in_flight"] == len(in_flight)
    assert schema_problems(data) == []  # an optional field: format_version 1 still holds
    text = _run(sb, journal, "plan", ACCOUNTS, *OPT_INS)
    assert text.exit_code == 0, text.output
    # The PUTs Zoom accepted and does not show yet are laid over its reads (read your own
    # writes): sub_down is planned from its 20 seats, not planned again.
    assert (
        "zoomplans: sub_down: Zoom's read shows business_monthly hosts 30; this journal holds "
        "PUT hosts 20 accepted at "
    ) in text.output
    assert "Zoom's read shows business_monthly hosts 20; this journal holds PUT hosts 25" in (
        text.output
    )
    assert "sub_down" not in text.stdout.split("Plan:")[0]
    awaiting_only = ("--account", "sub_new", "--account", "sub_up", "--detailed-exitcode")
    held = _run(sb, journal, "plan", ACCOUNTS, *OPT_INS, *awaiting_only)
    assert held.exit_code == 0, held.output  # apply has nothing to send: not "pending" (2)
    assert "subscribe (one POST with the base plan and every add-on):   (in flight: sent " in (
        text.output
    )
    assert "answer in doubt; awaiting Zoom, not sent again)" in text.output
    assert "accepted by Zoom; awaiting Zoom, not sent again)" in text.output
    assert f"In flight (awaiting Zoom, not sent again): {len(in_flight)}." in text.output
    markdown = _run(sb, journal, "plan", ACCOUNTS, *OPT_INS, "--format", "markdown")
    assert "accepted by Zoom; awaiting Zoom, not sent again)" in markdown.output
    assert "In flight (awaiting Zoom, not sent again)" in markdown.output


@pytest.mark.slow
def test_under_read_lag_and_lost_answers_every_purchase_is_made_exactly_once_and_converges(
    sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sb = sandbox(SEED)
    LaggingReads(LAG_S).install(monkeypatch)
    journal = tmp_path / ".zoomplans" / "journal.jsonl"
    first, again, _ = _two_runs_at_once(sb, journal, LAG_S)
    # Once the lag has passed, the next apply sees every purchase and sends what is left.
    time.sleep(LAG_S + 0.3)
    last = _run(sb, journal, "apply", ACCOUNTS, *OPT_INS, "--auto-approve", *QUICK)
    assert last.exit_code == 0, last.output
    time.sleep(LAG_S + 0.3)
    settled = _run(sb, journal, "plan", ACCOUNTS, *OPT_INS, "--detailed-exitcode")
    assert settled.exit_code == 0, settled.output
    assert "in sync" in settled.output and "In flight" not in settled.output
    carried = {c: n for c, n in _carried_out(sb).items() if c[0] in ("POST", "PATCH")}
    assert len(carried) == 5, carried  # subscribe, 3 add-ons, 1 cancel
    assert set(carried.values()) == {1}, carried  # each exactly once
    assert len(_posts(sb)) == 5  # and none was even attempted twice
    assert "Traceback" not in first.output + again.output + last.output + settled.output

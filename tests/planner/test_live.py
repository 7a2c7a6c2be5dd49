"""Reading many accounts: concurrency bound, per-account errors, run-wide stops, usage on demand."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest

from reconciler.planner.model import PlanOptions
from reconciler.planner.workflow import SelectionError, make_plan, parse_selector, select_accounts
from reconciler.zoom.errors import (
    AccountNotFound,
    AuthError,
    BulkLicenseMaster,
    DailyLimitReached,
    MissingScope,
    NetworkError,
    NoSubscription,
    SelfPayAccount,
)
from reconciler.zoom.live import LiveReadStopped, read_live
from tests.fakes import FakeZoom

BASE20 = {"type": "business_monthly", "hosts": 20, "status": "active"}


def err(cls: type, account_id: str, **facts: Any) -> Exception:
    return cls("x", method="GET", path=f"/accounts/{account_id}/plans", **facts)


async def test_reads_are_bounded_and_all_answered() -> None:
    ids = [f"sub_{i}" for i in range(1000)]
    zoom = FakeZoom({i: {"plan_base": BASE20} for i in ids}, read_pause_s=0)
    lives = await read_live(zoom, ids, in_flight=50, progress=False)
    assert list(lives) == ids
    assert zoom.max_reads_in_flight == 50
    assert all(
        live.plans == {"plan_base": BASE20} and live.error is None for live in lives.values()
    )


async def test_one_accounts_error_never_stops_the_others(fake_zoom: Any) -> None:
    zoom = fake_zoom(
        {"sub_ok": {"plan_base": BASE20}},
        errors={
            "sub_gone": err(AccountNotFound, "sub_gone", status=404, code=2001),
            "sub_self": err(SelfPayAccount, "sub_self", status=400, code=2100),
            "sub_new": err(NoSubscription, "sub_new", status=400, code=200),
        },
    )
    lives = await read_live(zoom, ["sub_ok", "sub_gone", "sub_self", "sub_new"], progress=False)
    assert lives["sub_ok"].plans == {"plan_base": BASE20}
    assert isinstance(lives["sub_gone"].error, AccountNotFound)
    assert isinstance(lives["sub_self"].error, SelfPayAccount)
    # "no subscription yet" is an unsubscribed account, not an error
    assert lives["sub_new"].plans is None and lives["sub_new"].error is None


@pytest.mark.parametrize(
    "error",
    [
        AuthError(
            "Zoom refused the access token",
            status=401,
            code=124,
            method="GET",
            path="/accounts/sub_1/plans",
        ),
        DailyLimitReached(
            "daily", status=429, code=429, method="GET", path="/accounts/sub_1/plans"
        ),
        BulkLicenseMaster(
            "Master accounts with bulk licenses cannot ...",
            status=400,
            code=2100,
            method="GET",
            path="/accounts/sub_1/plans",
        ),
        MissingScope(
            "Invalid access token, does not contain scopes:[x].",
            status=400,
            code=4700,
            method="GET",
            path="/accounts/sub_1/plans",
        ),
    ],
)
async def test_run_wide_errors_stop_the_run(fake_zoom: Any, error: Exception) -> None:
    zoom = fake_zoom(
        {f"sub_{i}": {"plan_base": BASE20} for i in range(50)}, errors={"sub_1": error}
    )
    with pytest.raises(LiveReadStopped) as caught:
        await read_live(zoom, [f"sub_{i}" for i in range(50)], in_flight=4, progress=False)
    assert re.match(
        r"(stopped reading live plans after reading [1-9]\d* of 50 accounts"
        r"|read no account's live plans \(of 50\)): ",
        str(caught.value),
    )
    assert str(error) in str(caught.value)


async def test_a_stop_after_some_reads_counts_only_the_accounts_read(fake_zoom: Any) -> None:
    """Issue 20: accounts that failed before the stop were counted as read."""
    refused = AuthError(
        "Zoom refused the access token", status=401, code=124, method="GET", path="/x"
    )
    zoom = fake_zoom(
        {f"sub_{i}": {"plan_base": BASE20} for i in range(6)}, errors={"sub_3": refused}
    )
    with pytest.raises(LiveReadStopped) as caught:
        await read_live(zoom, [f"sub_{i}" for i in range(6)], in_flight=1, progress=False)
    assert str(caught.value) == (
        "stopped reading live plans after reading 3 of 6 accounts: GET /x: Zoom refused the "
        "access token (HTTP 401, Zoom code 124)"
    )


async def test_usage_is_read_only_where_wanted(fake_zoom: Any) -> None:
    zoom = fake_zoom(
        {"sub_a": {"plan_base": BASE20}, "sub_b": {"plan_base": BASE20}},
        usage={"sub_b": {"plan_base": {"usage": 3}}},
    )
    lives = await read_live(
        zoom, ["sub_a", "sub_b"], want_usage=lambda i, _p: i == "sub_b", progress=False
    )
    assert lives["sub_a"].usage is None
    assert lives["sub_b"].usage == {"plan_base": {"usage": 3}}
    assert ("get_usage", "sub_a") not in zoom.calls


async def test_progress_bar_only_when_enabled(fake_zoom: Any) -> None:
    zoom = fake_zoom({f"sub_{i}": {} for i in range(30)})
    stream = io.StringIO()
    await read_live(zoom, list(zoom.plans), progress=True, progress_stream=stream)
    assert "reading live plans" in stream.getvalue() and "30/30" in stream.getvalue()
    quiet = io.StringIO()  # not a terminal: no bar by default
    await read_live(zoom, list(zoom.plans), progress_stream=quiet)
    assert quiet.getvalue() == ""


async def test_make_plan_reads_usage_only_for_an_allowed_base_decrease(
    make_desired: Any, fake_zoom: Any
) -> None:
    accounts = [
        make_desired({"plan_base": {"type": "business_monthly", "hosts": 15}}, "sub_down"),
        make_desired({"plan_base": {"type": "business_monthly", "hosts": 25}}, "sub_up"),
    ]
    zoom = fake_zoom(
        {"sub_down": {"plan_base": BASE20}, "sub_up": {"plan_base": BASE20}},
        usage={"sub_down": {"plan_base": {"usage": 16, "pending": 0}}},
    )
    plan = await make_plan(accounts, zoom, PlanOptions(allow_decrease=True), progress=False)
    assert [c for c in zoom.calls if c[0] == "get_usage"] == [("get_usage", "sub_down")]
    assert [(a.account_id, a.status) for a in plan.accounts] == [
        ("sub_down", "blocked"),
        ("sub_up", "changes"),
    ]
    assert plan.accounts[0].blocked[0].reason_code == "below_usage"
    zoom.calls.clear()
    await make_plan(accounts, zoom, PlanOptions(), progress=False)
    assert not [c for c in zoom.calls if c[0] == "get_usage"]


def test_select_accounts(make_desired: Any) -> None:
    accounts = [
        make_desired({}, "sub_a", labels={"tier": "gold", "region": "emea"}),
        make_desired({}, "sub_b", labels={"tier": "silver", "region": "emea"}),
        make_desired({}, "sub_c"),
    ]
    assert [a.account_id for a in select_accounts(accounts)] == ["sub_a", "sub_b", "sub_c"]
    assert [a.account_id for a in select_accounts(accounts, ["sub_b", "sub_c"])] == [
        "sub_b",
        "sub_c",
    ]
    assert [a.account_id for a in select_accounts(accounts, (), ["region=emea"])] == [
        "sub_a",
        "sub_b",
    ]
    assert [a.account_id for a in select_accounts(accounts, (), ["region=emea", "tier=gold"])] == [
        "sub_a"
    ]
    with pytest.raises(SelectionError, match="no declared account matches --select tier=bronze"):
        select_accounts(accounts, (), ["tier=bronze"])
    with pytest.raises(SelectionError, match="--account names accounts no YAML declares: sub_zz"):
        select_accounts(accounts, ["sub_a", "sub_zz"])
    with pytest.raises(SelectionError, match="not KEY=VALUE"):
        parse_selector("tier")


async def test_zoom_unreachable_from_the_start_stops_early(fake_zoom: Any) -> None:
    ids = [f"sub_{i:02d}" for i in range(40)]
    down = {
        i: NetworkError("could not connect", method="GET", path=f"/accounts/{i}/plans") for i in ids
    }
    zoom = fake_zoom({}, errors=down)
    with pytest.raises(LiveReadStopped, match="could not connect"):
        await read_live(zoom, ids, in_flight=2, progress=False)
    assert len(zoom.calls) < 40


async def test_network_errors_after_zoom_answered_stay_on_their_accounts(fake_zoom: Any) -> None:
    ids = [f"sub_{i:02d}" for i in range(20)]
    down = {i: NetworkError("reset", method="GET", path=f"/accounts/{i}/plans") for i in ids[1:]}
    zoom = fake_zoom({"sub_00": {"plan_base": BASE20}}, errors=down)
    lives = await read_live(zoom, ids, in_flight=1, progress=False)
    assert lives["sub_00"].error is None
    assert all(isinstance(lives[i].error, NetworkError) for i in ids[1:])

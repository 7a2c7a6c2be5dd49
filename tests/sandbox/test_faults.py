"""Injected trouble: dropped answers, scripted and random 5xx, latency, eventual consistency."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import httpx
import pytest

from reconciler.sandbox import FaultScriptError, SandboxServer

Factory = Callable[..., SandboxServer]
ClientFor = Callable[[SandboxServer], httpx.Client]
ZROOM = {"type": "zroom_monthly", "hosts": 1}


def test_dropped_post_is_applied_but_the_client_sees_a_broken_answer(
    sandbox: Factory, client_for: ClientFor
) -> None:
    sb = sandbox()
    client = client_for(sb)
    sb.faults.drop_response()
    with pytest.raises(httpx.TransportError):
        client.post("/accounts/sub_pro/plans/addons", json=ZROOM)
    assert sb.plans("sub_pro")["plan_zoom_rooms"]["type"] == "zroom_monthly"
    posts = [w for w in sb.writes() if w.method == "POST"]
    assert len(posts) == 1
    assert (posts[0].status, posts[0].dropped, posts[0].body) == (0, True, ZROOM)
    again = client.post("/accounts/sub_pro/plans/addons", json=ZROOM)  # a blind resend...
    assert again.status_code == 400  # ...is refused: it is already there
    assert again.json()["code"] == 2100


def test_drop_the_nth_matching_write_only(sandbox: Factory, client_for: ClientFor) -> None:
    sb = sandbox()
    client = client_for(sb)
    sb.faults.drop_response(nth_write=2, method="PUT", path_suffix="/plans/base")
    client.post("/accounts/sub_pro/plans/addons", json=ZROOM)  # not a PUT: not counted
    assert (
        client.put("/accounts/sub_pro/plans/base", json={"type": "monthly", "hosts": 2}).status_code
        == 204
    )
    with pytest.raises(httpx.TransportError):
        client.put("/accounts/sub_pro/plans/base", json={"type": "monthly", "hosts": 3})
    assert sb.plans("sub_pro")["plan_base"]["hosts"] == 3
    assert (
        client.put("/accounts/sub_pro/plans/base", json={"type": "monthly", "hosts": 4}).status_code
        == 204
    )
    assert [w.dropped for w in sb.writes()] == [False, False, True, False]


def test_a_dropped_204_is_still_a_broken_answer(sandbox: Factory, client_for: ClientFor) -> None:
    sb = sandbox()
    client = client_for(sb)
    sb.faults.drop_response(method="PATCH")
    with pytest.raises(httpx.TransportError):
        client.patch(
            "/accounts/sub_8Jk2Lm/plans/addons/status",
            json={"action": "cancel", "type": "zroom_monthly"},
        )
    assert sb.plans("sub_8Jk2Lm")["plan_zoom_rooms"]["status"] == "cancelled"


def test_fail_next_answers_the_status_and_applies_nothing(
    sandbox: Factory, client_for: ClientFor
) -> None:
    sb = sandbox()
    client = client_for(sb)
    sb.faults.fail_next(2, status=503)
    first = client.post("/accounts/sub_pro/plans/addons", json=ZROOM)
    second = client.get("/accounts/sub_pro/plans")
    assert (first.status_code, second.status_code) == (503, 503)
    assert first.headers["content-type"].startswith("text/html")  # gateways do not speak JSON
    assert "plan_zoom_rooms" not in sb.plans("sub_pro")
    assert client.get("/accounts/sub_pro/plans").status_code == 200
    sb.faults.fail_next(status=500)
    answer = client.get("/accounts/sub_pro/plans")
    assert (answer.status_code, answer.json()["code"]) == (500, 500)


def test_fault_rate_one_fails_every_api_call_but_not_oauth(
    sandbox: Factory, client_for: ClientFor
) -> None:
    sb = sandbox(fault_rate=1.0, seed_rng=7)
    client = client_for(sb)  # the token endpoint still works
    statuses = {
        client.put("/accounts/sub_pro/plans/base", json={"type": "monthly", "hosts": 2}).status_code
        for _ in range(10)
    }
    assert statuses <= {500, 502, 503, 504}
    assert sb.plans("sub_pro")["plan_base"]["hosts"] == 5


def test_fault_rate_is_repeatable_with_a_seed(sandbox: Factory, client_for: ClientFor) -> None:
    runs = []
    for _ in range(2):
        sb = sandbox(fault_rate=0.5, seed_rng=42)
        client = client_for(sb)
        runs.append([client.get("/accounts/sub_pro/plans").status_code for _ in range(30)])
    assert runs[0] == runs[1]
    assert 200 in runs[0]
    assert any(status >= 500 for status in runs[0])


def test_bad_fault_requests_are_refused(sandbox: Factory) -> None:
    sb = sandbox()
    with pytest.raises(FaultScriptError):
        sb.faults.drop_response(nth_write=0)
    with pytest.raises(FaultScriptError):
        sb.faults.drop_response(method="GET")
    with pytest.raises(FaultScriptError):
        sb.faults.fail_next(0)
    with pytest.raises(FaultScriptError):
        sandbox(fault_rate=1.5)


def test_writes_show_in_get_only_after_the_visibility_delay(
    sandbox: Factory, client_for: ClientFor
) -> None:
    sb = sandbox(visibility_delay_ms=300)
    client = client_for(sb)
    assert (
        client.put("/accounts/sub_pro/plans/base", json={"type": "monthly", "hosts": 8}).status_code
        == 204
    )
    assert sb.plans("sub_pro")["plan_base"]["hosts"] == 8  # the truth, at once
    assert client.get("/accounts/sub_pro/plans").json()["plan_base"]["hosts"] == 5  # not yet
    # Writes are checked against the newest state, not the visible one.
    again = client.post("/accounts/sub_pro/plans/addons", json=ZROOM)
    assert again.status_code == 201
    assert client.post("/accounts/sub_pro/plans/addons", json=ZROOM).status_code == 400
    deadline = time.monotonic() + 5
    seen = client.get("/accounts/sub_pro/plans").json()
    while "plan_zoom_rooms" not in seen and time.monotonic() < deadline:
        time.sleep(0.05)
        seen = client.get("/accounts/sub_pro/plans").json()
    assert seen["plan_base"]["hosts"] == 8
    assert seen["plan_zoom_rooms"]["type"] == "zroom_monthly"


async def test_latency_does_not_serialise_requests(sandbox: Factory, client_for: ClientFor) -> None:
    sb = sandbox(latency_ms=100, rate_limits={"medium": 100})
    authorization = client_for(sb).headers["Authorization"]
    limits = httpx.Limits(max_connections=100)
    async with httpx.AsyncClient(
        base_url=sb.api_base_url,
        headers={"Authorization": authorization},
        limits=limits,
        verify=False,
    ) as client:
        answers = await asyncio.gather(*(client.get("/accounts/sub_pro/plans") for _ in range(60)))
    assert all(a.status_code == 200 for a in answers)
    # Answered one after another, at most one request would ever be in flight.
    assert sb.max_concurrent_requests >= 10

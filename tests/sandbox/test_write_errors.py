"""5xx after a write: Zoom applied it, the gateway answered 503 (the charge happened anyway)."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from reconciler.sandbox import FaultScriptError, SandboxServer

Factory = Callable[..., SandboxServer]
ClientFor = Callable[[SandboxServer], httpx.Client]
ZROOM = {"type": "zroom_monthly", "hosts": 1}
WEBINAR = {"type": "webinar500_monthly", "hosts": 1}


def test_a_scripted_error_after_write_applies_the_write_and_answers_503(
    sandbox: Factory, client_for: ClientFor
) -> None:
    sb = sandbox()
    client = client_for(sb)
    sb.faults.error_after_write(nth_write=2, method="POST", path_suffix="/plans/addons")
    assert client.post("/accounts/sub_pro/plans/addons", json=ZROOM).status_code == 201
    answer = client.post("/accounts/sub_pro/plans/addons", json=WEBINAR)
    assert answer.status_code == 503
    assert answer.headers["content-type"].startswith("text/html")  # a gateway's page
    assert sb.plans("sub_pro")["plan_webinar"][0]["type"] == "webinar500_monthly"
    posts = [(w.status, w.applied, w.dropped) for w in sb.writes()]
    assert posts == [(201, True, False), (503, True, False)]
    # Sent again, Zoom refuses it: the add-on is already there.
    again = client.post("/accounts/sub_pro/plans/addons", json=WEBINAR)
    assert (again.status_code, again.json()["code"]) == (400, 2100)
    assert sb.writes()[-1].applied is False


def test_every_successful_write_gets_a_503_at_rate_1_and_refusals_stay_refusals(
    sandbox: Factory, client_for: ClientFor
) -> None:
    sb = sandbox(write_error_rate=1.0)
    client = client_for(sb)
    put = client.put("/accounts/sub_pro/plans/base", json={"type": "monthly", "hosts": 7})
    assert put.status_code == 503
    assert sb.plans("sub_pro")["plan_base"]["hosts"] == 7
    refused = client.put("/accounts/sub_pro/plans/base", json={"type": "monthly", "hosts": 99})
    assert (refused.status_code, refused.json()["code"]) == (400, 300)  # Pro allows 1-9
    assert client.get("/accounts/sub_pro/plans").status_code == 200  # reads are untouched
    assert [(w.status, w.applied) for w in sb.writes()] == [(503, True), (400, False)]


def test_a_rate_of_one_half_is_repeatable_with_a_seed(
    sandbox: Factory, client_for: ClientFor
) -> None:
    runs = []
    for _ in range(2):
        sb = sandbox(write_error_rate=0.5, seed_rng=7)
        client = client_for(sb)
        statuses = []
        for hosts in range(1, 10):
            body = {"type": "monthly", "hosts": hosts}
            statuses.append(client.put("/accounts/sub_pro/plans/base", json=body).status_code)
        runs.append(statuses)
        assert all(w.applied for w in sb.writes())
        assert sb.plans("sub_pro")["plan_base"]["hosts"] == 9  # every write landed
    assert runs[0] == runs[1]
    assert set(runs[0]) == {204, 503}


def test_a_dropped_answer_is_not_also_a_503(sandbox: Factory, client_for: ClientFor) -> None:
    sb = sandbox(drop_rate=1.0, write_error_rate=1.0)
    client = client_for(sb)
    with pytest.raises(httpx.TransportError):
        client.post("/accounts/sub_pro/plans/addons", json=ZROOM)
    assert [(w.status, w.applied, w.dropped) for w in sb.writes()] == [(0, True, True)]


def test_bad_write_error_requests_are_refused(sandbox: Factory) -> None:
    sb = sandbox()
    with pytest.raises(FaultScriptError):
        sb.faults.error_after_write(status=429)
    with pytest.raises(FaultScriptError):
        sb.faults.error_after_write(method="GET")
    with pytest.raises(FaultScriptError):
        sandbox(write_error_rate=-0.1)

"""The request log, in process and over HTTP for tests that run the CLI in another process."""

from __future__ import annotations

import logging
from collections.abc import Callable

import httpx
import pytest

from reconciler.sandbox import SandboxServer

Factory = Callable[..., SandboxServer]
ClientFor = Callable[[SandboxServer], httpx.Client]


def test_log_records_every_request_in_arrival_order(
    sandbox: Factory, client_for: ClientFor
) -> None:
    sb = sandbox(rate_limits={"heavy": 1})
    client = client_for(sb)
    client.get("/accounts", params={"page_size": 5})
    client.put("/accounts/sub_pro/plans/base", json={"type": "monthly", "hosts": 2})
    client.put("/accounts/sub_pro/plans/base", json={"type": "monthly", "hosts": 3})
    httpx.get(f"{sb.api_base_url}/accounts/sub_pro/plans")  # no token
    log = sb.requests
    assert [(r.method, r.status, r.label, r.zoom_code) for r in log] == [
        ("POST", 200, None, None),  # the token
        ("GET", 200, "Medium", None),
        ("PUT", 204, "Heavy", None),
        ("PUT", 429, "Heavy", 429),
        ("GET", 401, "Medium", 124),
    ]
    assert log[1].query == "page_size=5"
    assert log[0].body is None  # the OAuth form is never logged
    assert [r.at for r in log] == sorted(r.at for r in log)
    assert [r.body for r in sb.writes()] == [
        {"type": "monthly", "hosts": 2},
        {"type": "monthly", "hosts": 3},
    ]
    sb.clear_requests()
    assert sb.requests == []


def test_log_over_http_with_since(sandbox: Factory, client_for: ClientFor) -> None:
    sb = sandbox()
    client = client_for(sb)
    client.get("/accounts/sub_pro/plans")
    client.post("/accounts/sub_pro/plans/addons", json={"type": "zroom_monthly", "hosts": 1})
    with httpx.Client(base_url=sb.origin, verify=False) as http:
        everything = http.get("/_sandbox/requests").json()
        later = http.get("/_sandbox/requests", params={"since": 2}).json()
        assert http.get("/_sandbox/health").json() == {"ok": True}
        assert http.get("/_sandbox/nothing").status_code == 404
        assert http.post("/_sandbox/requests").status_code == 405
    assert everything["count"] == 3
    assert [r["path"] for r in everything["requests"]] == [
        "/oauth/token",
        "/v2/accounts/sub_pro/plans",
        "/v2/accounts/sub_pro/plans/addons",
    ]
    assert later["requests"] == everything["requests"][2:]
    assert later["requests"][0]["body"] == {"type": "zroom_monthly", "hosts": 1}
    assert later["requests"][0]["dropped"] is False
    assert len(sb.requests) == 3  # reading the log is not logged


def test_a_huge_body_is_413_and_not_applied(sandbox: Factory, client_for: ClientFor) -> None:
    sb = sandbox()
    client = client_for(sb)
    huge = b'{"type": "monthly", "hosts": 2, "pad": "' + b"x" * (2 * 1024 * 1024) + b'"}'
    answer = client.put(
        "/accounts/sub_pro/plans/base", content=huge, headers={"Content-Type": "application/json"}
    )
    assert answer.status_code == 413
    assert sb.plans("sub_pro")["plan_base"]["hosts"] == 5


def test_paths_outside_v2_are_404(sandbox: Factory) -> None:
    sb = sandbox()
    with httpx.Client(verify=False) as http:
        assert http.get(f"{sb.origin}/accounts/sub_pro/plans").status_code == 404


def test_a_sandbox_bug_is_a_500_and_one_log_line(
    sandbox: Factory,
    client_for: ClientFor,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    sb = sandbox()
    client = client_for(sb)

    def broken(_account_id: str) -> dict[str, object]:
        raise RuntimeError("a bug in the fake")

    monkeypatch.setattr(sb.world, "visible_plans", broken)
    with caplog.at_level(logging.ERROR, logger="reconciler.sandbox"):
        answer = client.get("/accounts/sub_pro/plans")
    assert answer.status_code == 500
    assert answer.json() == {"code": 500, "message": "Sandbox internal error."}
    assert "RuntimeError: a bug in the fake" in caplog.text
    assert "Traceback" not in caplog.text
    assert sb.requests[-1].status == 500

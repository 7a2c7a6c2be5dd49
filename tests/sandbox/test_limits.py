"""Rate limits: per-label sliding one-second windows and the daily Heavy cap."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from reconciler.sandbox import RateLimitSpecError, SandboxServer, parse_rate_limits
from reconciler.sandbox.limits import RateLimiter

PER_SECOND = "You have reached the maximum per-second rate limit for this API. Try again later."

Factory = Callable[..., SandboxServer]
ClientFor = Callable[[SandboxServer], httpx.Client]


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_burst_over_the_limit_gets_429_with_zoom_headers(
    sandbox: Factory, client_for: ClientFor
) -> None:
    sb = sandbox(rate_limits={"medium": 5})
    client = client_for(sb)
    answers = [client.get("/accounts/sub_pro/plans") for _ in range(8)]
    assert [a.status_code for a in answers] == [200] * 5 + [429] * 3
    refused = answers[-1]
    assert refused.json() == {"code": 429, "message": PER_SECOND}
    assert refused.headers["X-RateLimit-Category"] == "Medium"
    assert refused.headers["X-RateLimit-Limit"] == "5"
    assert refused.headers["X-RateLimit-Remaining"] == "0"
    assert "Retry-After" not in refused.headers
    statuses = [(r.label, r.status, r.zoom_code) for r in sb.requests if r.label]
    assert statuses[-1] == ("Medium", 429, 429)


def test_labels_are_counted_separately(sandbox: Factory, client_for: ClientFor) -> None:
    sb = sandbox(rate_limits={"heavy": 2})
    client = client_for(sb)
    body = {"type": "monthly", "hosts": 3}
    puts = [client.put("/accounts/sub_pro/plans/base", json=body).status_code for _ in range(3)]
    assert puts == [204, 204, 429]
    assert client.get("/accounts/sub_pro/plans").status_code == 200  # Medium is untouched
    assert sb.plans("sub_pro")["plan_base"]["hosts"] == 3


def test_a_429_can_come_without_any_rate_headers(sandbox: Factory, client_for: ClientFor) -> None:
    sb = sandbox(rate_limits={"medium": 1}, headerless_429_rate=1.0)
    client = client_for(sb)
    client.get("/accounts")
    refused = client.get("/accounts")
    assert refused.status_code == 429
    assert not [h for h in refused.headers if h.lower().startswith("x-ratelimit")]


def test_sliding_window_admits_exactly_the_limit_in_any_second() -> None:
    clock = FakeClock()
    limiter = RateLimiter({"heavy": 3}, clock=clock)
    admitted: list[float] = []
    for _ in range(40):  # one attempt every 100 ms for 4 seconds
        if limiter.admit("Heavy").allowed:
            admitted.append(clock.now)
        clock.now += 0.1
    for start in admitted:
        in_window = [t for t in admitted if start <= t < start + 1.0]
        assert len(in_window) <= 3
    assert len(admitted) >= 12  # and the limit is really given out again every second


def test_a_refused_request_is_not_counted() -> None:
    clock = FakeClock()
    limiter = RateLimiter({"light": 1}, clock=clock)
    assert limiter.admit("Light").allowed
    clock.now += 0.5
    assert not limiter.admit("Light").allowed
    clock.now += 0.6  # 1.1 s after the first, 0.6 s after the refused one
    assert limiter.admit("Light").allowed


def test_daily_cap_answers_429_with_retry_after_date(
    sandbox: Factory, client_for: ClientFor
) -> None:
    sb = sandbox(daily_limits={"heavy": 2})
    client = client_for(sb)
    body = {"type": "monthly", "hosts": 3}
    assert client.put("/accounts/sub_pro/plans/base", json=body).status_code == 204
    assert client.get("/accounts/sub_pro/plans/usage").status_code == 200
    refused = client.put("/accounts/sub_pro/plans/base", json={"type": "monthly", "hosts": 4})
    assert refused.status_code == 429
    assert refused.json()["code"] == 429
    assert "daily" in refused.json()["message"]
    assert refused.headers["X-RateLimit-Type"] == "Daily-limit"
    assert refused.headers["X-RateLimit-Category"] == "Heavy"
    assert refused.headers["X-RateLimit-Limit"] == "2"
    reset = datetime.strptime(refused.headers["Retry-After"], "%Y-%m-%dT%H:%M:%SZ")
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).date()
    assert (reset.date(), reset.hour, reset.minute) == (tomorrow, 0, 0)
    assert sb.plans("sub_pro")["plan_base"]["hosts"] == 3  # the refused call did nothing
    assert client.get("/accounts/sub_pro/plans").status_code == 200  # Medium has no daily cap


def test_scripted_daily_limit_until_a_given_time(sandbox: Factory, client_for: ClientFor) -> None:
    sb = sandbox()
    client = client_for(sb)
    reset_at = datetime(2031, 5, 17, 6, 30, tzinfo=UTC)
    assert sb.faults.daily_limit(reset_at) == reset_at
    refused = client.post(
        "/accounts/sub_pro/plans/addons", json={"type": "zroom_monthly", "hosts": 1}
    )
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "2031-05-17T06:30:00Z"
    assert sb.plans("sub_pro").get("plan_zoom_rooms") is None


def test_a_scripted_daily_limit_in_the_past_is_already_over(
    sandbox: Factory, client_for: ClientFor
) -> None:
    sb = sandbox()
    client = client_for(sb)
    sb.faults.daily_limit(datetime.now(UTC) - timedelta(seconds=1))
    body = {"type": "monthly", "hosts": 3}
    assert client.put("/accounts/sub_pro/plans/base", json=body).status_code == 204


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("light=80,medium=60,heavy=40", {"Light": 80, "Medium": 60, "Heavy": 40}),
        ("medium=20", {"Medium": 20}),
        (" Heavy = 5 , ", {"Heavy": 5}),
    ],
)
def test_parse_rate_limits(text: str, expected: dict[str, int]) -> None:
    assert parse_rate_limits(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("medium", "expected light=N"),
        ("fast=3", "expected light=N"),
        ("heavy=x", "not a whole number"),
        ("heavy=0", "at least 1"),
        ("", "no limits given"),
    ],
)
def test_parse_rate_limits_errors(text: str, message: str) -> None:
    with pytest.raises(RateLimitSpecError, match=message):
        parse_rate_limits(text)

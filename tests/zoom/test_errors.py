"""Reading Zoom's error answers and Retry-After headers: exact cases, and never a crash."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from reconciler.zoom import (
    AccountNotFound,
    AmbiguousWriteError,
    BadRequest,
    InvalidPlanType,
    MissingScope,
    NoSubscription,
    PlanTypeMismatch,
    RetryPolicy,
    SelfPayAccount,
    ServerError,
    ZoomClient,
    ZoomConfig,
    ZoomError,
    ZuoraSubscriptionMissing,
)
from reconciler.zoom.errors import classify, parse_error_body
from reconciler.zoom.scopes import SCOPE_CODES, is_scope_refusal
from reconciler.zoom.session import parse_when, retry_after_seconds

NOW = datetime(2026, 11, 22, 12, 0, 0, tzinfo=UTC)


def test_zoom_body_with_field_errors() -> None:
    body = (
        '{"code": 300, "message": "Validation Failed.",'
        ' "errors": [{"field": "hosts", "message": "bad"}]}'
    )
    assert parse_error_body(body, "application/json") == (300, "Validation Failed. [hosts: bad]")


def test_code_as_string_and_oauth_shape() -> None:
    assert parse_error_body('{"code": "2001", "message": "x"}', "") == (2001, "x")
    assert parse_error_body('{"reason": "Invalid client", "error": "invalid_client"}', "") == (
        None,
        "Invalid client",
    )


def test_non_json_and_empty_bodies() -> None:
    code, message = parse_error_body("<html>\n<h1>502 Bad   Gateway</h1></html>", "text/html; x")
    assert code is None
    assert message == "non-JSON error answer (text/html): <html> <h1>502 Bad Gateway</h1></html>"
    assert parse_error_body("", "") == (None, "empty error answer")
    assert parse_error_body("[1, 2]", "application/json")[0] is None


@given(st.text(max_size=300), st.text(max_size=40))
def test_any_error_body_reads_without_crashing(text: str, content_type: str) -> None:
    code, message = parse_error_body(text, content_type)
    assert code is None or isinstance(code, int)
    assert isinstance(message, str) and message


@given(
    st.integers(min_value=300, max_value=599),
    st.one_of(st.none(), st.integers(min_value=0, max_value=10_000)),
    st.text(max_size=80),
)
@example(500, 4711, "")  # once read as a missing scope
@example(502, 4700, "does not contain scopes:[billing:master]")
def test_any_status_maps_to_a_named_error_with_one_line(
    status: int, code: int | None, message: str
) -> None:
    error = classify(status, code, message, "GET", "/accounts/sub_1/plans")
    assert isinstance(error, ZoomError)
    assert type(error) is not ZoomError
    line = str(error)
    assert line.startswith("sub_1: ")
    assert f"HTTP {status}" in line
    if status >= 500:
        assert isinstance(error, ServerError)


@pytest.mark.parametrize("code", sorted(SCOPE_CODES))
def test_a_5xx_is_a_server_error_whatever_its_body_says(code: int) -> None:
    # Found by hypothesis: status 500 with Zoom code 4711 read as a missing scope, which stops
    # the run; a 5xx is Zoom failing (retried, a write in doubt), its body's code is no refusal.
    error = classify(500, code, "Internal error", "GET", "/accounts/sub_1/plans")
    assert isinstance(error, ServerError) and not isinstance(error, MissingScope)
    assert not is_scope_refusal(503, code, "does not contain scopes:[billing:master]")
    assert not is_scope_refusal(429, code, "")
    assert not is_scope_refusal(404, code, "")
    # At 400, 401 (speaking of scopes) and 403, the code is a scope refusal.
    assert isinstance(classify(400, code, "no scope", "GET", "/x/a"), MissingScope)
    assert isinstance(classify(403, code, "", "GET", "/x/a"), MissingScope)
    message = "Invalid access token, does not contain scopes:[billing:master]."
    assert isinstance(classify(401, code, message, "GET", "/x/a"), MissingScope)


def test_unknown_4xx_is_a_bad_request() -> None:
    error = classify(409, 9999, "Conflict.", "POST", "/accounts/a/plans/addons")
    assert isinstance(error, BadRequest)
    assert str(error) == "a: Conflict (HTTP 409, Zoom code 9999)"


def test_ambiguous_write_line() -> None:
    error = AmbiguousWriteError(
        "no answer from Zoom in time (ReadTimeout)",
        body={"type": "x", "hosts": 1},
        method="POST",
        path="/accounts/sub_1/plans/addons",
    )
    assert str(error) == (
        "sub_1: POST /accounts/sub_1/plans/addons may or may not have been applied (no answer "
        "from Zoom in time (ReadTimeout)); read the live plans before sending it again"
    )


def test_retry_after_forms() -> None:
    assert retry_after_seconds("3", NOW) == 3.0
    assert retry_after_seconds("0.5", NOW) == 0.5
    assert retry_after_seconds("Sun, 22 Nov 2026 12:00:30 GMT", NOW) == 30.0
    assert retry_after_seconds("2026-11-22T12:01:00Z", NOW) == 60.0
    assert retry_after_seconds("2026-11-22T13:01:00+01:00", NOW) == 60.0
    assert retry_after_seconds("2026-11-22T11:00:00Z", NOW) == 0.0
    assert retry_after_seconds(None, NOW) is None
    assert retry_after_seconds("soon", NOW) is None
    assert retry_after_seconds("nan", NOW) is None
    assert retry_after_seconds("inf", NOW) is None
    assert retry_after_seconds("-4", NOW) == 0.0
    assert parse_when("2026-11-23T00:00:00") == datetime(2026, 11, 23, tzinfo=UTC)


@given(st.text(max_size=60))
def test_any_retry_after_reads_without_crashing(value: str) -> None:
    seconds = retry_after_seconds(value, NOW)
    assert seconds is None or seconds >= 0


ERROR_CASES = [
    (404, 2001, "Account does not exist: sub_1.", AccountNotFound,
     "sub_1: account does not exist (HTTP 404, Zoom code 2001)"),
    (400, 2100, "Sub account on self-pay mode.", SelfPayAccount,
     "sub_1: sub-account is on self-pay mode; the master account cannot manage its plans "
     "(HTTP 400, Zoom code 2100)"),
    (400, 2100, "Invalid Base Plan Type: business_yearly_c50", InvalidPlanType,
     "sub_1: Invalid Base Plan Type: business_yearly_c50 (HTTP 400, Zoom code 2100)"),
    (400, 200, "You do not have a subscription yet.", NoSubscription,
     "sub_1: You do not have a subscription yet (HTTP 400, Zoom code 200)"),
    (404, 3200, "Cannot find Zuora subscription for account:sub_1.", ZuoraSubscriptionMissing,
     "sub_1: Zoom refused update_base (PUT /accounts/sub_1/plans/base): Zoom's billing system "
     "(Zuora) holds no subscription for this account, so its add-ons cannot be changed; check "
     "the account's billing in Zoom's web portal or with Zoom support (HTTP 404, Zoom code 3200)"),
    (400, 300, "Plan types do not match, oldPlanType: monthly newPlanType: business_monthly.",
     PlanTypeMismatch,
     "sub_1: Plan types do not match, oldPlanType: monthly newPlanType: business_monthly "
     "(HTTP 400, Zoom code 300)"),
    (400, 300, "Insufficient number of hosts for business plan type.", BadRequest,
     "sub_1: Insufficient number of hosts for business plan type (HTTP 400, Zoom code 300)"),
    (400, 200, "Free trial and VIP account can't update sub plan.", BadRequest,
     "sub_1: Free trial and VIP account can't update sub plan (HTTP 400, Zoom code 200)"),
]  # fmt: skip


@pytest.mark.parametrize(("status", "code", "message", "kind", "line"), ERROR_CASES)
async def test_zoom_errors_map_to_named_classes(
    scripted, oauth_config, fast_retry, status, code, message, kind, line
) -> None:
    scripted.answers = [scripted.reply(status, {"code": code, "message": message})]
    async with client(oauth_config, scripted, fast_retry) as zoom:
        with pytest.raises(kind) as caught:
            await zoom.update_base("sub_1", {"type": "business_monthly", "hosts": 12})
    err = caught.value
    assert type(err) is kind
    assert (err.status, err.code, err.message) == (status, code, message)
    assert (err.method, err.path) == ("PUT", "/accounts/sub_1/plans/base")
    assert str(err) == line
    assert len(scripted.requests) == 1, "a 4xx is final: never retried"


async def test_field_errors_are_part_of_the_message(scripted, oauth_config, fast_retry) -> None:
    body = {
        "code": 300,
        "message": "Validation Failed.",
        "errors": [{"field": "hosts", "message": "too many"}],
    }
    scripted.answers = [scripted.reply(400, body)]
    async with client(oauth_config, scripted, fast_retry) as zoom:
        with pytest.raises(BadRequest) as caught:
            await zoom.update_addon("sub_1", {"type": "zroom_monthly", "hosts": 99999})
    assert str(caught.value) == (
        "sub_1: Validation Failed. [hosts: too many] (HTTP 400, Zoom code 300)"
    )


def client(config: ZoomConfig, scripted, retry: RetryPolicy) -> ZoomClient:
    return ZoomClient(config, transport=scripted.transport(), retry=retry)

"""The token endpoint and the bearer check, as Zoom's Server-to-Server OAuth behaves."""

from __future__ import annotations

import base64
from collections.abc import Callable

import httpx

from reconciler.sandbox import SandboxServer

GOOD_FORM = {"grant_type": "account_credentials", "account_id": "MASTER1"}


def test_token_answer_has_zoom_fields_and_works_on_plans(
    sandbox: Callable[..., SandboxServer],
    http: httpx.Client,
) -> None:
    sb = sandbox()
    answer = http.post(sb.oauth_token_url, auth=("demo-client", "demo-secret"), data=GOOD_FORM)
    assert answer.status_code == 200
    body = answer.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 3600
    assert body["scope"] == "billing:master"
    plans = http.get(
        f"{sb.api_base_url}/accounts/sub_8Jk2Lm/plans",
        headers={"Authorization": f"Bearer {body['access_token']}"},
    )
    assert plans.status_code == 200
    assert plans.json()["plan_base"]["hosts"] == 20


def test_tokens_are_random(sandbox: Callable[..., SandboxServer], http: httpx.Client) -> None:
    sb = sandbox()
    tokens = {
        http.post(sb.oauth_token_url, auth=("demo-client", "demo-secret"), data=GOOD_FORM).json()[
            "access_token"
        ]
        for _ in range(3)
    }
    assert len(tokens) == 3


def test_wrong_secret_is_401(sandbox: Callable[..., SandboxServer], http: httpx.Client) -> None:
    sb = sandbox()
    answer = http.post(sb.oauth_token_url, auth=("demo-client", "nope"), data=GOOD_FORM)
    assert answer.status_code == 401
    assert answer.json() == {
        "reason": "Invalid client_id or client_secret",
        "error": "invalid_client",
    }


def test_wrong_client_id_is_401(sandbox: Callable[..., SandboxServer], http: httpx.Client) -> None:
    sb = sandbox()
    answer = http.post(sb.oauth_token_url, auth=("other", "demo-secret"), data=GOOD_FORM)
    assert answer.status_code == 401


def test_no_basic_auth_is_401(sandbox: Callable[..., SandboxServer], http: httpx.Client) -> None:
    sb = sandbox()
    assert http.post(sb.oauth_token_url, data=GOOD_FORM).status_code == 401
    junk = http.post(sb.oauth_token_url, data=GOOD_FORM, headers={"Authorization": "Basic ***"})
    assert junk.status_code == 401


def test_wrong_master_account_is_401(
    sandbox: Callable[..., SandboxServer], http: httpx.Client
) -> None:
    sb = sandbox()
    form = {"grant_type": "account_credentials", "account_id": "OTHER"}
    answer = http.post(sb.oauth_token_url, auth=("demo-client", "demo-secret"), data=form)
    assert answer.status_code == 401
    assert answer.json()["reason"] == "Invalid account_id"


def test_parameters_in_query_string_are_400(
    sandbox: Callable[..., SandboxServer], http: httpx.Client
) -> None:
    sb = sandbox()
    answer = http.post(sb.oauth_token_url, auth=("demo-client", "demo-secret"), params=GOOD_FORM)
    assert answer.status_code == 400
    assert answer.json()["error"] == "invalid_request"


def test_wrong_grant_type_and_missing_account_are_400(
    sandbox: Callable[..., SandboxServer],
    http: httpx.Client,
) -> None:
    sb = sandbox()
    auth = ("demo-client", "demo-secret")
    grant = http.post(sb.oauth_token_url, auth=auth, data={"grant_type": "client_credentials"})
    assert grant.status_code == 400
    assert grant.json()["error"] == "unsupported_grant_type"
    missing = http.post(sb.oauth_token_url, auth=auth, data={"grant_type": "account_credentials"})
    assert missing.status_code == 400
    assert missing.json()["reason"] == "Missing account_id"


def test_json_body_instead_of_form_is_400(
    sandbox: Callable[..., SandboxServer], http: httpx.Client
) -> None:
    sb = sandbox()
    answer = http.post(sb.oauth_token_url, auth=("demo-client", "demo-secret"), json=GOOD_FORM)
    assert answer.status_code == 400


def test_get_on_token_endpoint_is_405(
    sandbox: Callable[..., SandboxServer], http: httpx.Client
) -> None:
    sb = sandbox()
    assert http.get(sb.oauth_token_url).status_code == 405


def test_missing_unknown_and_malformed_tokens_are_401_code_124(
    sandbox: Callable[..., SandboxServer],
    http: httpx.Client,
) -> None:
    sb = sandbox()
    url = f"{sb.api_base_url}/accounts/sub_8Jk2Lm/plans"
    for headers in ({}, {"Authorization": "Bearer not-issued"}, {"Authorization": "Basic x"}):
        answer = http.get(url, headers=headers)
        assert answer.status_code == 401
        assert answer.json() == {"code": 124, "message": "Invalid access token."}


def test_expired_token_is_401(sandbox: Callable[..., SandboxServer], http: httpx.Client) -> None:
    sb = sandbox(token_ttl_s=0)
    answer = http.post(sb.oauth_token_url, auth=("demo-client", "demo-secret"), data=GOOD_FORM)
    assert answer.json()["expires_in"] == 0
    plans = http.get(
        f"{sb.api_base_url}/accounts/sub_8Jk2Lm/plans",
        headers={"Authorization": f"Bearer {answer.json()['access_token']}"},
    )
    assert plans.status_code == 401
    assert plans.json()["code"] == 124


def test_revoked_tokens_stop_working_and_a_new_one_works(
    sandbox: Callable[..., SandboxServer],
    http: httpx.Client,
) -> None:
    sb = sandbox()
    token = http.post(
        sb.oauth_token_url, auth=("demo-client", "demo-secret"), data=GOOD_FORM
    ).json()["access_token"]
    url = f"{sb.api_base_url}/accounts/sub_8Jk2Lm/plans"
    assert http.get(url, headers={"Authorization": f"Bearer {token}"}).status_code == 200
    sb.faults.revoke_tokens()
    assert http.get(url, headers={"Authorization": f"Bearer {token}"}).status_code == 401
    fresh = http.post(
        sb.oauth_token_url, auth=("demo-client", "demo-secret"), data=GOOD_FORM
    ).json()["access_token"]
    assert http.get(url, headers={"Authorization": f"Bearer {fresh}"}).status_code == 200


def test_request_log_never_holds_the_secret_or_token(
    sandbox: Callable[..., SandboxServer], http: httpx.Client
) -> None:
    sb = sandbox()
    token = http.post(
        sb.oauth_token_url, auth=("demo-client", "demo-secret"), data=GOOD_FORM
    ).json()["access_token"]
    http.get(f"{sb.api_base_url}/accounts", headers={"Authorization": f"Bearer {token}"})
    dump = repr(sb.requests) + http.get(f"{sb.origin}/_sandbox/requests").text
    basic = base64.b64encode(b"demo-client:demo-secret").decode()
    for secret in ("demo-secret", token, basic):
        assert secret not in dump
    assert [r.path for r in sb.requests] == ["/oauth/token", "/v2/accounts"]

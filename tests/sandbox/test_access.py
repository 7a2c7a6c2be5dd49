"""Issue 12 item 6 in the sandbox: the token's scopes (seed `credentials.scopes`) and a master
account with bulk licences (seed `master.bulk_licenses`), answered Zoom's way over loopback."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from reconciler.sandbox import SandboxServer
from reconciler.sandbox.errors import SeedError
from reconciler.sandbox.routes import match
from reconciler.sandbox.scopes import ENDPOINT_SCOPES
from reconciler.sandbox.seed import load_seed
from reconciler.zoom.scopes import CALL_SCOPES

SEED = Path(__file__).resolve().parents[1] / "fixtures" / "seeds" / "small.yaml"
BULK_MESSAGE = (
    "Master accounts with bulk licenses cannot provision, update, or cancel plans for "
    "subaccounts using APIs. Please use the billing portal or contact Support."
)
READS_ONLY = ["billing:read:plan_information:master", "billing:read:plan_usage:master"]
WRITES = [
    ("POST", "/accounts/sub_new/plans", {"contact": {}, "plan_base": {"type": "monthly"}}),
    ("PUT", "/accounts/sub_pro/plans/base", {"type": "monthly", "hosts": 6}),
    ("POST", "/accounts/sub_pro/plans/addons", {"type": "zroom_monthly", "hosts": 1}),
    ("PUT", "/accounts/sub_8Jk2Lm/plans/addons", {"type": "zroom_monthly", "hosts": 3}),
    ("PATCH", "/accounts/sub_8Jk2Lm/plans/addons/status", {"action": "cancel",
                                                           "type": "zroom_monthly"}),
    ("PATCH", "/accounts/sub_pro/plans/base/status", {"action": "cancel"}),
]  # fmt: skip


def seed_with(**top: Any) -> dict[str, Any]:
    """The small test seed with some top-level keys (or credentials keys) replaced."""
    data: dict[str, Any] = yaml.safe_load(SEED.read_text())
    scopes = top.pop("scopes", None)
    if scopes is not None:
        data["credentials"] = {**data["credentials"], "scopes": scopes}
    data.update(top)
    return data


def token_answer(sb: SandboxServer, http: httpx.Client) -> dict[str, Any]:
    env = sb.env()
    answer = http.post(
        sb.oauth_token_url,
        auth=(env["ZOOM_CLIENT_ID"], env["ZOOM_CLIENT_SECRET"]),
        data={"grant_type": "account_credentials", "account_id": env["ZOOM_ACCOUNT_ID"]},
    )
    assert answer.status_code == 200
    return dict(answer.json())


def call(http: httpx.Client, sb: SandboxServer, token: str, method: str, path: str,
         body: Any = None) -> httpx.Response:  # fmt: skip
    return http.request(
        method, sb.api_base_url + path, json=body, headers={"Authorization": f"Bearer {token}"}
    )


def test_the_token_carries_the_seed_s_scopes(
    sandbox: Callable[..., SandboxServer], http: httpx.Client
) -> None:
    sb = sandbox(seed_with(scopes=READS_ONLY))
    assert token_answer(sb, http)["scope"] == " ".join(READS_ONLY)


@pytest.mark.parametrize(
    ("method", "path", "scope"),
    [
        ("POST", "/accounts/sub_new/plans", "billing:write:subscribe_plan:master"),
        ("PUT", "/accounts/sub_pro/plans/base", "billing:update:plan:master"),
        ("POST", "/accounts/sub_pro/plans/addons",
         "billing:write:subscribe_additional_plans:master"),
        ("PUT", "/accounts/sub_8Jk2Lm/plans/addons", "billing:update:additional_plans:master"),
        ("PATCH", "/accounts/sub_8Jk2Lm/plans/addons/status",
         "billing:update:cancel_additional_plans:master"),
        ("PATCH", "/accounts/sub_pro/plans/base/status", "billing:update:cancel_plan:master"),
        ("GET", "/accounts", "account:read:list_sub_accounts:master"),
    ],
)  # fmt: skip
def test_a_call_outside_the_token_s_scopes_is_refused_with_code_4700(
    method: str, path: str, scope: str, sandbox: Callable[..., SandboxServer], http: httpx.Client
) -> None:
    sb = sandbox(seed_with(scopes=READS_ONLY))
    token = token_answer(sb, http)["access_token"]
    before = sb.plans("sub_8Jk2Lm"), sb.plans("sub_pro")
    answer = call(http, sb, token, method, path, {"type": "x"} if method != "GET" else None)
    assert answer.status_code == 400
    assert answer.json() == {
        "code": 4700,
        "message": f"Invalid access token, does not contain scopes:[{scope}].",
    }
    assert (sb.plans("sub_8Jk2Lm"), sb.plans("sub_pro")) == before
    assert sb.requests[-1].zoom_code == 4700 and not sb.requests[-1].applied
    # The reads the token holds still work.
    assert call(http, sb, token, "GET", "/accounts/sub_pro/plans").status_code == 200
    assert call(http, sb, token, "GET", "/accounts/sub_pro/plans/usage").status_code == 200


@pytest.mark.parametrize(
    "granted",
    [
        ["billing:master"],
        ["billing:update:plan:master"],
        [*READS_ONLY, "billing:update:plan:master"],
    ],
)
def test_the_classic_scope_or_the_call_s_granular_scope_is_enough(
    granted: list[str], sandbox: Callable[..., SandboxServer], http: httpx.Client
) -> None:
    sb = sandbox(seed_with(scopes=granted))
    token = token_answer(sb, http)["access_token"]
    answer = call(http, sb, token, "PUT", "/accounts/sub_pro/plans/base",
                  {"type": "monthly", "hosts": 6})  # fmt: skip
    assert answer.status_code == 204, answer.text
    assert sb.plans("sub_pro")["plan_base"]["hosts"] == 6


def test_the_master_itself_needs_the_admin_scope(
    sandbox: Callable[..., SandboxServer], http: httpx.Client
) -> None:
    sb = sandbox(seed_with(scopes=["billing:read:plan_information:master"]))
    token = token_answer(sb, http)["access_token"]
    answer = call(http, sb, token, "GET", "/accounts/me/plans")
    assert answer.status_code == 400
    assert answer.json()["message"] == (
        "Invalid access token, does not contain scopes:[billing:read:plan_information:admin]."
    )


def test_usage_also_takes_the_classic_account_master_scope(
    sandbox: Callable[..., SandboxServer], http: httpx.Client
) -> None:
    sb = sandbox(seed_with(scopes=["account:master"]))
    token = token_answer(sb, http)["access_token"]
    assert call(http, sb, token, "GET", "/accounts/sub_pro/plans/usage").status_code == 200
    assert call(http, sb, token, "GET", "/accounts").status_code == 200
    assert call(http, sb, token, "GET", "/accounts/sub_pro/plans").status_code == 400


def test_an_empty_scope_list_allows_nothing(
    sandbox: Callable[..., SandboxServer], http: httpx.Client
) -> None:
    sb = sandbox(seed_with(scopes=[]))
    answer = token_answer(sb, http)
    assert answer["scope"] == ""
    assert (
        call(http, sb, answer["access_token"], "GET", "/accounts/sub_pro/plans").json()["code"]
        == 4700
    )


@pytest.mark.parametrize(("method", "path", "body"), WRITES)
def test_a_master_with_bulk_licences_gets_2100_on_every_plan_write(
    method: str, path: str, body: Any, sandbox: Callable[..., SandboxServer], http: httpx.Client
) -> None:
    sb = sandbox(seed_with(master={"bulk_licenses": True}))
    token = token_answer(sb, http)["access_token"]
    before = {a: sb.plans(a) for a in ("sub_new", "sub_pro", "sub_8Jk2Lm")}
    answer = call(http, sb, token, method, path, body)
    assert answer.status_code == 400
    assert answer.json() == {"code": 2100, "message": BULK_MESSAGE}
    assert {a: sb.plans(a) for a in before} == before
    assert not sb.writes()[-1].applied
    # Reads are not refused: Zoom documents the refusal for writes only.
    assert call(http, sb, token, "GET", "/accounts/sub_pro/plans").status_code == 200
    assert call(http, sb, token, "GET", "/accounts").status_code == 200


def test_seed_keys_for_scopes_and_the_master() -> None:
    loaded = load_seed(seed_with(scopes=READS_ONLY, master={"bulk_licenses": True}))
    assert loaded.credentials.scopes == tuple(READS_ONLY)
    assert loaded.master.bulk_licenses is True
    plain = load_seed(SEED)
    assert plain.credentials.scopes is None and plain.master.bulk_licenses is False


CREDS = "credentials: {account_id: M, client_id: c, client_secret: s"


def place_of(text: str, marker: str) -> str:
    """`:line:column` of the first ``marker`` in ``text`` (where the seed error must point)."""
    offset = text.index(marker)
    line = text.count("\n", 0, offset) + 1
    column = offset - text.rfind("\n", 0, offset)
    return f":{line}:{column}"


@pytest.mark.parametrize(
    ("text", "marker", "problem"),
    [
        (f"{CREDS}, scopes: billing:master}}\n", "billing:master",
         "'scopes' must be a list of scope names (e.g. billing:master)"),
        (f"{CREDS}, scopes: [ok, 1]}}\n", "1]", "a scope must be a non-empty string"),
        (f"{CREDS}, scope: [x]}}\n", "scope:", "unknown credentials key 'scope'"),
        (f"{CREDS}}}\nmaster: {{bulk: true}}\n", "bulk", "unknown master key 'bulk'"),
        (f"{CREDS}}}\nmaster: {{bulk_licenses: yes please}}\n", "yes",
         "'bulk_licenses' must be true or false"),
        (f"{CREDS}}}\nmaster: [x]\n", "[x]", "'master' must be a mapping"),
    ],
)  # fmt: skip
def test_bad_scope_and_master_keys_name_file_line_and_column(
    text: str, marker: str, problem: str, tmp_path: Path
) -> None:
    path = tmp_path / "seed.yaml"
    path.write_text(text)
    with pytest.raises(SeedError) as caught:
        load_seed(path)
    assert str(caught.value) == f"{path}{place_of(text, marker)}: {problem}"


def test_the_sandbox_and_the_client_read_the_same_scopes_from_zoom_s_documents() -> None:
    """Two independent readings (zoom/scopes.py, sandbox/scopes.py) must agree on every call."""
    seen = set()
    for row in CALL_SCOPES:
        path = row.path.replace("{id}", "sub_1")
        endpoint = match(row.method, path).endpoint
        assert endpoint is not None, row
        seen.add(endpoint)
        sandbox_row = ENDPOINT_SCOPES[endpoint]
        assert set(row.classic) == sandbox_row.classic, row.op
        assert row.granular_for("sub_1") == sandbox_row.granular("sub_1"), row.op
        assert row.granular_for("me") == sandbox_row.granular("me"), row.op
    assert seen == set(ENDPOINT_SCOPES), "every endpoint the sandbox guards is in the client table"

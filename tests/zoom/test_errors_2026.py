"""Zoom's 2026 error codes and scope refusals (issue 12 item 6): each its own class, one line
naming the account and the call, and which of them stop the whole run.

Messages are Zoom's own wording from its 2026 Billing master document (response descriptions).
"""

from __future__ import annotations

import pytest

from reconciler.zoom import (
    AccountNotFound,
    AddonChangeRefused,
    AddonsStillActive,
    AuthError,
    BulkLicenseMaster,
    ContractTermInvalid,
    DailyLimitReached,
    InvalidPlanType,
    MissingScope,
    NoSubscription,
    SelfPayAccount,
    ZoomClient,
    ZoomError,
    ZuoraSubscriptionMissing,
    stops_the_run,
)
from reconciler.zoom.errors import classify
from reconciler.zoom.scopes import is_scope_refusal

BULK = (
    "Master accounts with bulk licenses cannot provision, update, or cancel plans for "
    "subaccounts using APIs. Please use the billing portal or contact Support."
)
BULK_LINE_TAIL = (
    ": the master account has bulk licences, and Zoom lets such a master manage no "
    "sub-account's plans through the API, so the run stops here; manage the plans in Zoom's "
    "web portal, or ask Zoom to move the master account off bulk licences (HTTP 400, Zoom code "
    "2100)"
)
WRITES = [
    ("POST", "/accounts/sub_1/plans", "subscribe"),
    ("PUT", "/accounts/sub_1/plans/base", "update_base"),
    ("POST", "/accounts/sub_1/plans/addons", "add_addon"),
    ("PUT", "/accounts/sub_1/plans/addons", "update_addon"),
    ("PATCH", "/accounts/sub_1/plans/addons/status", "cancel_addon"),
    ("PATCH", "/accounts/sub_1/plans/base/status", "cancel_base"),
]


@pytest.mark.parametrize(("method", "path", "op"), WRITES)
def test_a_bulk_licence_master_is_named_on_every_write_and_stops_the_run(
    method: str, path: str, op: str
) -> None:
    error = classify(400, 2100, BULK, method, path)
    assert type(error) is BulkLicenseMaster
    assert str(error) == f"sub_1: Zoom refused {op} ({method} {path})" + BULK_LINE_TAIL
    assert stops_the_run(error)


def test_a_bulk_licence_refusal_of_a_read_stops_the_run_too() -> None:
    # Zoom's spellings vary ("Bulk licenses", "bulk licenses"); any 2100 about them is this.
    error = classify(400, 2100, "Master accounts with Bulk licenses cannot ...", "GET",
                     "/accounts/sub_1/plans")  # fmt: skip
    assert type(error) is BulkLicenseMaster
    assert str(error).startswith("sub_1: Zoom refused get_plans (GET /accounts/sub_1/plans): ")
    assert stops_the_run(error)


def test_other_2100_answers_keep_their_classes() -> None:
    self_pay = classify(400, 2100, "This subaccount is on self pay mode.", "POST",
                        "/accounts/sub_1/plans/addons")  # fmt: skip
    assert type(self_pay) is SelfPayAccount and not stops_the_run(self_pay)
    invalid = classify(400, 2100, "Invalid Additional Plan Type: x.", "PUT",
                       "/accounts/sub_1/plans/addons")  # fmt: skip
    assert type(invalid) is InvalidPlanType and not stops_the_run(invalid)


ACCOUNT_CASES = [
    (400, 10200, "Your request cannot be processed due to an invalid contract term.",
     "POST", "/accounts/sub_1/plans", ContractTermInvalid,
     "sub_1: Zoom refused subscribe (POST /accounts/sub_1/plans): invalid contract term; "
     "subscription_options.contract_term must be one of 1, 12, 24, 36, 48, 60, 72, 84, 96, 108 "
     "or 120 (HTTP 400, Zoom code 10200)"),
    (400, 3261, "Failed to change sub plan of account:sub_1. Must subscribe to a major plan "
     "first.", "PUT", "/accounts/sub_1/plans/addons", AddonChangeRefused,
     "sub_1: Zoom refused update_addon (PUT /accounts/sub_1/plans/addons): the account needs an "
     "active base plan before its add-ons can change (Zoom: Failed to change sub plan of "
     "account:sub_1. Must subscribe to a major plan first) (HTTP 400, Zoom code 3261)"),
    (400, 3261, 'The "Webinar100" plan is not supported. You cannot increase hosts for the '
     '"webinar100_monthly" plan.', "PUT", "/accounts/sub_1/plans/addons", AddonChangeRefused,
     "sub_1: Zoom refused update_addon (PUT /accounts/sub_1/plans/addons): Zoom does not change "
     'the hosts of this add-on type; choose another type (Zoom: The "Webinar100" plan is not '
     'supported. You cannot increase hosts for the "webinar100_monthly" plan) (HTTP 400, Zoom '
     "code 3261)"),
    (404, 3200, "Cannot find Zuora subscription for account:sub_1.", "PUT",
     "/accounts/sub_1/plans/addons", ZuoraSubscriptionMissing,
     "sub_1: Zoom refused update_addon (PUT /accounts/sub_1/plans/addons): Zoom's billing "
     "system (Zuora) holds no subscription for this account, so its add-ons cannot be changed; "
     "check the account's billing in Zoom's web portal or with Zoom support (HTTP 404, Zoom "
     "code 3200)"),
    (400, 200, "You should first cancel all additional subscriptions.", "PATCH",
     "/accounts/sub_1/plans/base/status", AddonsStillActive,
     "sub_1: Zoom refused cancel_base (PATCH /accounts/sub_1/plans/base/status): a base plan is "
     "cancelled only once every add-on of the account is cancelled; cancel the add-ons first "
     "(HTTP 400, Zoom code 200)"),
    (400, 200, "You don't have a major subscription yet.", "PATCH",
     "/accounts/sub_1/plans/base/status", NoSubscription,
     "sub_1: You don't have a major subscription yet (HTTP 400, Zoom code 200)"),
    (404, 2001, "This account does not exist or does not belong to this master account.",
     "PATCH", "/accounts/sub_1/plans/base/status", AccountNotFound,
     "sub_1: account does not exist (HTTP 404, Zoom code 2001)"),
]  # fmt: skip


@pytest.mark.parametrize(("status", "code", "message", "method", "path", "kind", "line"),
                         ACCOUNT_CASES)  # fmt: skip
def test_account_refusals_are_named_and_stop_only_that_account(
    status: int, code: int, message: str, method: str, path: str, kind: type, line: str
) -> None:
    error = classify(status, code, message, method, path)
    assert type(error) is kind
    assert str(error) == line
    assert (error.status, error.code, error.message) == (status, code, message)
    assert not stops_the_run(error), "one account's refusal says nothing about the others"


def test_zuora_missing_is_still_a_kind_of_no_subscription() -> None:
    # Callers that treat "no subscription" as unsubscribed keep doing so for 3200.
    error = classify(404, 3200, "Cannot find Zuora subscription.", "GET", "/accounts/a/plans")
    assert isinstance(error, NoSubscription)


SCOPE_MESSAGE = "Invalid access token, does not contain scopes:[{}]."
SCOPE_CASES = [
    ("GET", "/accounts/sub_1/plans", "get_plans", "zoomplans plan, apply, import and prices need",
     "billing:read:plan_information:master", "billing:master"),
    ("GET", "/accounts/me/plans", "get_plans", "zoomplans plan, apply, import and prices need",
     "billing:read:plan_information:admin", "billing:master"),
    ("GET", "/accounts/sub_1/plans/usage", "get_usage", "zoomplans plan and apply need",
     "billing:read:plan_usage:master", "billing:master or account:master"),
    ("GET", "/accounts", "list_sub_accounts", "zoomplans import needs",
     "account:read:list_sub_accounts:master", "account:master"),
    ("POST", "/accounts/sub_1/plans", "subscribe", "zoomplans apply needs",
     "billing:write:subscribe_plan:master", "billing:master"),
    ("POST", "/accounts/sub_1/plans/addons", "add_addon", "zoomplans apply needs",
     "billing:write:subscribe_additional_plans:master", "billing:master"),
    ("PUT", "/accounts/sub_1/plans/addons", "update_addon", "zoomplans apply needs",
     "billing:update:additional_plans:master", "billing:master"),
    ("PATCH", "/accounts/sub_1/plans/addons/status", "cancel_addon", "zoomplans apply needs",
     "billing:update:cancel_additional_plans:master", "billing:master"),
    ("PUT", "/accounts/sub_1/plans/base", "update_base", "zoomplans apply needs",
     "billing:update:plan:master", "billing:master"),
    ("PATCH", "/accounts/sub_1/plans/base/status", "cancel_base", "zoomplans apply needs",
     "billing:update:cancel_plan:master", "billing:master"),
]  # fmt: skip


@pytest.mark.parametrize(("method", "path", "op", "who", "scope", "classic"), SCOPE_CASES)
@pytest.mark.parametrize(("status", "code"), [(400, 4700), (401, 4700), (400, 4711), (403, None)])
def test_a_missing_scope_names_the_exact_granular_scope_of_the_call(
    method: str, path: str, op: str, who: str, scope: str, classic: str, status: int,
    code: int | None,
) -> None:  # fmt: skip
    error = classify(status, code, SCOPE_MESSAGE.format(scope), method, path)
    assert type(error) is MissingScope
    subject = "GET /accounts" if path == "/accounts" else path.split("/")[2]
    facts = f"HTTP {status}" + ("" if code is None else f", Zoom code {code}")
    assert str(error) == (
        f"{subject}: Zoom refused {op} ({method} {path}): the app's access token lacks its "
        f"scope; {who} the granular scope {scope} (or the classic {classic}, for an app with "
        f"classic scopes): add it to the OAuth app and run again ({facts})"
    )
    assert isinstance(error, AuthError) and stops_the_run(error)


def test_a_scope_refusal_of_a_call_the_table_does_not_know_names_zoom_s_scopes() -> None:
    error = classify(400, 4711, SCOPE_MESSAGE.format("user:read:user:admin, user:read:user"),
                     "GET", "/users/me")  # fmt: skip
    assert str(error) == (
        "GET /users/me: Zoom refused GET /users/me: the app's access token lacks its scope; add "
        "user:read:user:admin, user:read:user to the OAuth app (classic-scope apps: "
        "billing:master) (HTTP 400, Zoom code 4711)"
    )


def test_only_scope_words_make_a_401_a_scope_refusal() -> None:
    # A 401 is a dead token (a fresh one cures it) unless Zoom says a scope is missing.
    assert not is_scope_refusal(401, 124, "Invalid access token.")
    assert not is_scope_refusal(401, 4700, "Token cannot be empty.")
    assert is_scope_refusal(401, 4700, SCOPE_MESSAGE.format("billing:master"))
    assert is_scope_refusal(400, 4700, "")
    assert is_scope_refusal(403, None, "")
    assert not is_scope_refusal(400, 300, "does not contain scopes")
    assert type(classify(401, 124, "Invalid access token.", "GET", "/accounts/a/plans")) is (
        AuthError
    )


def test_which_errors_stop_the_whole_run() -> None:
    facts = {"method": "GET", "path": "/accounts/a/plans"}
    assert stops_the_run(AuthError("x", status=401, **facts))
    assert stops_the_run(DailyLimitReached("x", status=429, **facts))
    assert stops_the_run(BulkLicenseMaster(BULK, status=400, code=2100, **facts))
    assert stops_the_run(MissingScope("x", status=403, **facts))
    assert not stops_the_run(ZoomError("x"))
    assert not stops_the_run(ValueError("not Zoom's"))


async def test_a_scope_refusal_on_401_is_final_not_renewed(scripted, oauth_config, fast_retry):
    """A fresh token carries the same scopes: asking for one would only cost a token call."""
    scope = "billing:update:additional_plans:master"
    scripted.answers = [scripted.reply(401, {"code": 4700, "message": SCOPE_MESSAGE.format(scope)})]
    async with ZoomClient(oauth_config, transport=scripted.transport(), retry=fast_retry) as zoom:
        with pytest.raises(MissingScope) as caught:
            await zoom.update_addon("sub_1", {"type": "zroom_monthly", "hosts": 2})
    assert f"needs the granular scope {scope} " in str(caught.value)
    assert len(scripted.requests) == 1
    assert len(scripted.token_requests) == 1


async def test_a_403_answer_is_a_missing_scope_through_the_client(
    scripted, oauth_config, fast_retry
) -> None:
    scripted.answers = [scripted.reply(403, {"code": 403, "message": "Forbidden"})]
    async with ZoomClient(oauth_config, transport=scripted.transport(), retry=fast_retry) as zoom:
        with pytest.raises(MissingScope) as caught:
            await zoom.get_plans("sub_1")
    assert "billing:read:plan_information:master" in str(caught.value)
    assert len(scripted.requests) == 1, "a refused scope is final: never retried"

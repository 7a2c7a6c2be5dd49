"""Which OAuth scopes let a token call each endpoint, and Zoom's answer when the token lacks them.

The sandbox's own reading of Zoom's 2026 Billing master document (``x-macro-scopes`` and
``x-granular-scopes`` of each plan operation) and of Zoom's granular-scopes page for "List sub
accounts"; it shares nothing with the client's table (``reconciler.zoom.scopes``), and a test
compares the two. A seed without ``credentials.scopes`` issues tokens that may call everything
(the sandbox as it always was); with it, a call is allowed when the token holds one of the
endpoint's classic scopes or its granular scope (``:master`` for a sub-account id, ``:admin``
for the master itself, ``me``).

Zoom's error page gives code 4700 for "Invalid access token, does not contain scopes"; the
HTTP status is 400 as apps report it (a 401 would tell clients to fetch a new token, which
carries the same scopes). See docs/sandbox.md.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from reconciler.sandbox import routes
from reconciler.sandbox.errors import ZoomApiError

SCOPE_CODE = 4700
#: What an issued token carries when the seed names no scopes (Zoom's classic master scope).
DEFAULT_SCOPE = "billing:master"


@dataclass(frozen=True)
class EndpointScopes:
    """The scopes Zoom accepts for one endpoint."""

    classic: frozenset[str]
    master: str
    admin: str | None = None  # the account is the master itself (``me``); None: Zoom has none

    def granular(self, account_id: str | None) -> str:
        return self.admin if account_id == "me" and self.admin is not None else self.master


_BILLING = frozenset({"billing:master"})

ENDPOINT_SCOPES: dict[str, EndpointScopes] = {
    routes.LIST_ACCOUNTS: EndpointScopes(
        frozenset({"account:master"}), "account:read:list_sub_accounts:master"
    ),
    routes.GET_PLANS: EndpointScopes(
        _BILLING, "billing:read:plan_information:master", "billing:read:plan_information:admin"
    ),
    routes.GET_USAGE: EndpointScopes(
        frozenset({"billing:master", "account:master"}),
        "billing:read:plan_usage:master",
        "billing:read:plan_usage:admin",
    ),
    routes.SUBSCRIBE: EndpointScopes(_BILLING, "billing:write:subscribe_plan:master"),
    routes.ADD_ADDON: EndpointScopes(_BILLING, "billing:write:subscribe_additional_plans:master"),
    routes.UPDATE_ADDON: EndpointScopes(_BILLING, "billing:update:additional_plans:master"),
    routes.CANCEL_ADDON: EndpointScopes(_BILLING, "billing:update:cancel_additional_plans:master"),
    routes.UPDATE_BASE: EndpointScopes(_BILLING, "billing:update:plan:master"),
    routes.CANCEL_BASE: EndpointScopes(_BILLING, "billing:update:cancel_plan:master"),
    routes.GET_BILLING: EndpointScopes(
        _BILLING,
        "billing:read:billing_information:master",
        "billing:read:billing_information:admin",
    ),
    routes.UPDATE_BILLING: EndpointScopes(_BILLING, "billing:update:billing_information:master"),
    routes.LIST_RENEWALS: EndpointScopes(
        frozenset({"billing:master", "account:master"}),
        "billing:read:list_upcoming_renewal_accounts:master",
    ),
}


def scope_refusal(
    endpoint: str | None, account_id: str | None, granted: Collection[str] | None
) -> ZoomApiError | None:
    """Zoom's refusal when a token holding ``granted`` calls ``endpoint``; None when allowed.

    ``granted`` None means the seed named no scopes: every endpoint is allowed.
    """
    if granted is None or endpoint is None:
        return None
    needs = ENDPOINT_SCOPES.get(endpoint)
    if needs is None:
        return None
    granular = needs.granular(account_id)
    if needs.classic & set(granted) or granular in granted:
        return None
    return ZoomApiError(
        400, SCOPE_CODE, f"Invalid access token, does not contain scopes:[{granular}]."
    )

"""Which Zoom endpoint a request names, the rate label Zoom counts it under, and the status
Zoom answers it with (labels and statuses from the committed extract of Zoom's 2026 document)."""

from __future__ import annotations

from dataclasses import dataclass

from reconciler.sandbox.limits import HEAVY, MEDIUM
from reconciler.zoom_2026 import operation

LIST_ACCOUNTS = "list_accounts"
GET_PLANS = "get_plans"
SUBSCRIBE = "subscribe"
UPDATE_BASE = "update_base"
ADD_ADDON = "add_addon"
UPDATE_ADDON = "update_addon"
CANCEL_ADDON = "cancel_addon"
CANCEL_BASE = "cancel_base"
GET_USAGE = "get_usage"
GET_BILLING = "get_billing"
UPDATE_BILLING = "update_billing"
LIST_RENEWALS = "list_renewals"
RENEWALS_PATH = "/accounts/billing/renewals"

# (suffix after /accounts/{id}, method) -> endpoint
_ACCOUNT_ROUTES: dict[tuple[str, str], str] = {
    ("/plans", "GET"): GET_PLANS,
    ("/plans", "POST"): SUBSCRIBE,
    ("/plans/base", "PUT"): UPDATE_BASE,
    ("/plans/addons", "POST"): ADD_ADDON,
    ("/plans/addons", "PUT"): UPDATE_ADDON,
    ("/plans/addons/status", "PATCH"): CANCEL_ADDON,
    ("/plans/base/status", "PATCH"): CANCEL_BASE,
    ("/plans/usage", "GET"): GET_USAGE,
    ("/billing", "GET"): GET_BILLING,
    ("/billing", "PATCH"): UPDATE_BILLING,
}
_ACCOUNT_SUFFIXES = frozenset(suffix for suffix, _ in _ACCOUNT_ROUTES)
_LABELS = {"MEDIUM": MEDIUM, "HEAVY": HEAVY}


@dataclass(frozen=True)
class Route:
    """A matched endpoint; `known_path` without `endpoint` means the method is not allowed."""

    endpoint: str | None
    label: str | None
    account_id: str | None = None
    known_path: bool = True
    success_status: int = 200


NOT_FOUND = Route(None, None, None, known_path=False)


def match(method: str, api_path: str) -> Route:
    """Match a path below /v2 (e.g. `/accounts/sub_1/plans/base`)."""
    path = api_path.rstrip("/") or "/"
    if path == "/accounts":
        if method == "GET":
            return Route(LIST_ACCOUNTS, MEDIUM)
        return Route(None, None)  # POST /accounts creates sub-accounts: not part of this fake
    if path == RENEWALS_PATH:  # not an account id: one list over every sub-account
        if method != "GET":
            return Route(None, None)
        return Route(LIST_RENEWALS, _LABELS[str(operation("GET", path).rate_limit_label)])
    if not path.startswith("/accounts/"):
        return NOT_FOUND
    rest = path[len("/accounts/") :]
    account_id, slash, tail = rest.partition("/")
    suffix = slash + tail
    if not account_id or suffix not in _ACCOUNT_SUFFIXES:
        return NOT_FOUND
    endpoint = _ACCOUNT_ROUTES.get((suffix, method))
    if endpoint is None:
        return Route(None, None, account_id)
    zoom = operation(method, "/accounts/{accountId}" + suffix)
    label = _LABELS[str(zoom.rate_limit_label)]
    return Route(endpoint, label, account_id, success_status=zoom.success_status)

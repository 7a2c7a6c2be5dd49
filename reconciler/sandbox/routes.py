"""Which Zoom endpoint a request names, and the rate label Zoom counts it under."""

from __future__ import annotations

from dataclasses import dataclass

from reconciler.sandbox.limits import HEAVY, MEDIUM

LIST_ACCOUNTS = "list_accounts"
GET_PLANS = "get_plans"
SUBSCRIBE = "subscribe"
UPDATE_BASE = "update_base"
ADD_ADDON = "add_addon"
UPDATE_ADDON = "update_addon"
CANCEL_ADDON = "cancel_addon"
CANCEL_BASE = "cancel_base"
GET_USAGE = "get_usage"

# (suffix after /accounts/{id}, method) -> (endpoint, rate label)
_ACCOUNT_ROUTES: dict[tuple[str, str], tuple[str, str]] = {
    ("/plans", "GET"): (GET_PLANS, MEDIUM),
    ("/plans", "POST"): (SUBSCRIBE, HEAVY),
    ("/plans/base", "PUT"): (UPDATE_BASE, HEAVY),
    ("/plans/addons", "POST"): (ADD_ADDON, HEAVY),
    ("/plans/addons", "PUT"): (UPDATE_ADDON, HEAVY),
    ("/plans/addons/status", "PATCH"): (CANCEL_ADDON, HEAVY),
    ("/plans/base/status", "PATCH"): (CANCEL_BASE, HEAVY),
    ("/plans/usage", "GET"): (GET_USAGE, HEAVY),
}
_ACCOUNT_SUFFIXES = frozenset(suffix for suffix, _ in _ACCOUNT_ROUTES)


@dataclass(frozen=True)
class Route:
    """A matched endpoint; `known_path` without `endpoint` means the method is not allowed."""

    endpoint: str | None
    label: str | None
    account_id: str | None = None
    known_path: bool = True


NOT_FOUND = Route(None, None, None, known_path=False)


def match(method: str, api_path: str) -> Route:
    """Match a path below /v2 (e.g. `/accounts/sub_1/plans/base`)."""
    path = api_path.rstrip("/") or "/"
    if path == "/accounts":
        if method == "GET":
            return Route(LIST_ACCOUNTS, MEDIUM)
        return Route(None, None)  # POST /accounts creates sub-accounts: not part of this fake
    if not path.startswith("/accounts/"):
        return NOT_FOUND
    rest = path[len("/accounts/") :]
    account_id, slash, tail = rest.partition("/")
    suffix = slash + tail
    if not account_id or suffix not in _ACCOUNT_SUFFIXES:
        return NOT_FOUND
    found = _ACCOUNT_ROUTES.get((suffix, method))
    if found is None:
        return Route(None, None, account_id)
    return Route(found[0], found[1], account_id)

"""The wire contract: each pinned op name and the method and path it is sent as.

The planner builds every Action's method and path from this one table, and apply checks a
plan's calls against it before sending; it is kept apart from the plan model so both sides
read the contract without reading the whole plan.
"""

from __future__ import annotations

OPS = ("subscribe", "update_base", "add_addon", "update_addon", "cancel_addon", "cancel_base")

#: op -> (method, path template): the wire contract (docs/ARCHITECTURE.md), pinned op names.
#: The planner builds each Action's method and path from it, and apply checks them against it.
CALLS: dict[str, tuple[str, str]] = {
    "subscribe": ("POST", "/accounts/{id}/plans"),
    "update_base": ("PUT", "/accounts/{id}/plans/base"),
    "add_addon": ("POST", "/accounts/{id}/plans/addons"),
    "update_addon": ("PUT", "/accounts/{id}/plans/addons"),
    "cancel_addon": ("PATCH", "/accounts/{id}/plans/addons/status"),
    "cancel_base": ("PATCH", "/accounts/{id}/plans/base/status"),
}


def call_of(op: str, account_id: str) -> tuple[str, str]:
    """The method and path of ``op`` for one account (KeyError for an op that is not pinned)."""
    method, template = CALLS[op]
    return method, template.format(id=account_id)

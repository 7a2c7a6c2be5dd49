"""A last check of each write body against the wire contract, before any money can move.

The planner builds the bodies; the client sends them unchanged. This check catches the mistakes
that would cost money or leave a call half-defined: a relative ``increasing_hosts`` (not
idempotent, so a retried PUT would add seats twice), hosts that are not a positive whole number
(inside a nested Phone, Contact Center or Node body too), a base plan without hosts (but a Video
SDK one, which Zoom sells without seats), a cancel without ``action: "cancel"``.
It raises before anything is sent.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from reconciler.groups import table
from reconciler.groups.operations import Body, is_op, spec_of
from reconciler.zoom.errors import ZoomError


class InvalidRequestBody(ZoomError):
    """A write body breaks the wire contract; nothing was sent."""


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


def _base_problems(entry: Any, where: str) -> list[str]:
    """A base plan needs hosts, but for the seatless Video SDK plans: Zoom's 2026 schemas
    require only `type` (POST /plans, PUT /plans/base) and its PUT /plans/base needs no hosts
    "for Video SDK plans"; every other base plan is sold by the seat."""
    plan_type = entry.get("type") if isinstance(entry, Mapping) else None
    seatless = isinstance(plan_type, str) and not table.base_needs_hosts(plan_type)
    return _plan_problems(entry, where, hosts_required=not seatless)


def _plan_problems(entry: Any, where: str, *, hosts_required: bool) -> list[str]:
    if not isinstance(entry, Mapping):
        return [f"{where} must be an object"]
    problems = []
    if not isinstance(entry.get("type"), str) or not entry.get("type"):
        problems.append(f"{where}.type must be a plan type code")
    if "increasing_hosts" in entry:
        problems.append(f"{where}.increasing_hosts is never sent (absolute hosts only)")
    if ("hosts" in entry or hosts_required) and not _is_count(entry.get("hosts")):
        problems.append(f"{where}.hosts must be a whole number of at least 1")
    return problems


def _nested_problems(body: Mapping[str, Any]) -> list[str]:
    """The entries inside a nested add-on body (Zoom's `plan_details`, `plan_zcc_details`,
    `plan_znode_details`) break the same rules as a simple one."""
    problems: list[str] = []
    for key, details in body.items():
        if not key.endswith("_details"):
            continue
        if not isinstance(details, Mapping) or not details:
            problems.append(f"body.{key} must be an object naming the plan to buy")
            continue
        for name, held in details.items():
            entries = held if isinstance(held, list) else [held]
            for number, entry in enumerate(entries):
                where = f"body.{key}.{name}" + (f"[{number}]" if isinstance(held, list) else "")
                problems += _plan_problems(entry, where, hosts_required=False)
    return problems


def body_problems(op: str, body: Any) -> list[str]:
    """Every way ``body`` breaks the wire contract of ``op`` (empty when it is fine)."""
    if not isinstance(body, Mapping):
        return ["the body must be a JSON object"]
    try:
        json.dumps(body, allow_nan=False)
    except (TypeError, ValueError) as exc:
        return [f"the body is not plain JSON ({exc})"]
    if not is_op(op):
        return [f"unknown write {op!r}"]
    return _BODY_CHECKS[spec_of(op).body](body)


def _cancel_base_problems(body: Mapping[str, Any]) -> list[str]:
    problems = [] if body.get("action") == "cancel" else ['body.action must be "cancel"']
    if "type" in body:
        problems.append("body.type is never sent to cancel a base plan")
    return problems


def _cancel_addon_problems(body: Mapping[str, Any]) -> list[str]:
    problems = []
    if body.get("action") != "cancel":
        problems.append('body.action must be "cancel"')
    if not isinstance(body.get("type"), str) or not body.get("type"):
        problems.append("body.type must name the add-on to cancel")
    return problems


def _subscribe_problems(body: Mapping[str, Any]) -> list[str]:
    problems = []
    if not isinstance(body.get("contact"), Mapping):
        problems.append("body.contact (the billing contact) is required to subscribe")
    if "plan_base" in body or not body.get("plan_bundle"):  # a bundle brings its own base
        base = body.get("plan_base")
        problems += _base_problems(base, "body.plan_base")
    return problems


#: The check of each body shape of the op table (a new op's shape adds its check here).
_BODY_CHECKS: dict[Body, Callable[[Mapping[str, Any]], list[str]]] = {
    Body.SUBSCRIPTION: _subscribe_problems,
    Body.BASE_ENTRY: lambda body: _base_problems(body, "body"),
    Body.NEW_ADDON: lambda body: (
        _plan_problems(body, "body", hosts_required=False) + _nested_problems(body)
    ),
    Body.ADDON_ENTRY: lambda body: _plan_problems(body, "body", hosts_required=True),
    Body.ADDON_CANCEL: _cancel_addon_problems,
    Body.BASE_CANCEL: _cancel_base_problems,
}


def check_body(op: str, method: str, path: str, body: Any) -> None:
    """Raise :class:`InvalidRequestBody` (nothing sent) if the body breaks the contract."""
    problems = body_problems(op, body)
    if problems:
        raise InvalidRequestBody(
            f"refused to send {op}: {'; '.join(problems)}", method=method, path=path
        )

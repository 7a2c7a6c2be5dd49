"""Zoom's business rules that do not depend on an account's history: host ranges, country IDs,
which base types may be written, and the shape of a freshly bought entry.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from reconciler.sandbox import bodies
from reconciler.sandbox import plan_object as po
from reconciler.sandbox.catalogue import (
    LARGE_MEETING,
    MAX_HOSTS,
    WEBINAR,
    ZOOM_EVENTS,
    BaseFamily,
    Catalogue,
    GroupShape,
    PlanGroup,
)
from reconciler.sandbox.errors import ZoomApiError, invalid_plan_type


def writable_family(plan_type: str, catalogue: Catalogue) -> BaseFamily:
    """The family of a base type Zoom accepts on writes; legacy types read from GET are 2100."""
    family = catalogue.base_family(plan_type)
    if family is None:
        raise invalid_plan_type("Base", plan_type)
    return family


def check_base_hosts(family: BaseFamily, hosts: int) -> None:
    """Zoom's per-family host ranges (Pro 1-9, Business 10-49, Education 20-149, trial 1-9999)."""
    if hosts > MAX_HOSTS:
        raise ZoomApiError(400, 300, f"Buy hosts must equal or smaller than {MAX_HOSTS}.")
    if hosts < family.min_hosts:
        raise ZoomApiError(400, 300, f"Insufficient number of hosts for {family.name} plan type.")
    if hosts > family.max_hosts:
        raise ZoomApiError(
            400, 300, f"Too many hosts for {family.name} plan type, at most {family.max_hosts}."
        )


def check_addon_hosts(group: PlanGroup, hosts: int) -> None:
    """Add-ons need at least one host and, like every plan, at most 9999."""
    if hosts > MAX_HOSTS:
        raise ZoomApiError(400, 300, f"Buy hosts must equal or smaller than {MAX_HOSTS}.")
    if hosts < 1:
        raise ZoomApiError(400, 300, f"Insufficient number of hosts for {group.title} plan type.")


#: Zoom's catalogue preconditions (plan catalogue page, 2026-02-07): webinar and Zoom Events
#: hosts may not exceed the base plan's hosts; large-meeting hosts must stay below them.
#: Group -> (may the add-on's hosts equal the base's?).
_CEILINGS: dict[PlanGroup, bool] = {WEBINAR: True, ZOOM_EVENTS: True, LARGE_MEETING: False}


def check_host_ceilings(plans: dict[str, Any], types: set[str] | None = None) -> None:
    """Refuse a write that leaves a bound add-on with too many hosts for the base plan.

    `types` limits the check to the add-ons a call wrote (None: every live one, for a
    subscribe or a base decrease), so a call that does not touch an entry Zoom already holds
    in breach is not refused because of it. Zoom documents the rule but no answer for it: the
    code and wording follow its documented host-count answers (code 300, "Buy hosts must
    equal or smaller than 9999.", "Insufficient number of hosts ..."), the closest ones.
    """
    base = plans.get("plan_base")
    if not isinstance(base, dict) or not po.is_live(base.get("status", "active")):
        return
    base_hosts = base.get("hosts", 0)
    for group, may_equal in _CEILINGS.items():
        for entry in plans.get(group.key) or []:
            if not isinstance(entry, dict) or not po.is_live(entry.get("status", "active")):
                continue
            if types is not None and entry.get("type") not in types:
                continue
            hosts = entry.get("hosts", 0)
            if hosts > base_hosts or (hosts == base_hosts and not may_equal):
                relation = "equal or smaller than" if may_equal else "smaller than"
                raise ZoomApiError(
                    400,
                    300,
                    f"{group.title} hosts must be {relation} the base plan hosts ({base_hosts}).",
                )


def refuse_if_active(plans: dict[str, Any], group: PlanGroup, plan_type: str) -> None:
    """A subscribe may not buy an add-on the account still holds (its base plan lapsed, its
    add-ons did not): Zoom's documented answer to that on POST /plans/addons is code 2100
    ("add-on already present"), the closest one for POST /plans."""
    if group.shape is GroupShape.RECORDING:
        live = po.occupant(plans, group)
    elif group.shape is GroupShape.LIST:
        entry = po.find(plans, group, plan_type)
        live = plan_type if entry and po.is_live(entry.get("status", "active")) else None
    else:
        live = po.occupant(plans, group)
    if live is not None:
        raise ZoomApiError(
            400, 2100, f"The account already has an active {group.title} plan: {live}."
        )


def check_countries(body: dict[str, Any]) -> None:
    """Countries are comma strings of two-letter country IDs ("US,CA")."""
    for key in bodies.AUDIO_COUNTRY_FIELDS:
        value = body.get(key)
        if not value:
            continue
        for code in str(value).split(","):
            if len(code) != 2 or not code.isalpha() or not code.isupper():
                raise ZoomApiError(400, 300, f"Invalid country ID in {key}: {code!r}.")


def addon_absent(group: PlanGroup, plan_type: str) -> ZoomApiError:
    """The answer to updating or cancelling an add-on that is not active (code chosen: 300)."""
    return ZoomApiError(
        400, 300, f"The account has no active {group.title} plan of type {plan_type}."
    )


def new_entry(group: PlanGroup, body: dict[str, Any], today: date) -> dict[str, Any]:
    """A fresh entry in GET shape; unset audio fields read back as "" and 0, as Zoom's do."""
    if group.shape is GroupShape.AUDIO:
        check_countries(body)
        entry: dict[str, Any] = {"type": body["type"]}
        for key in bodies.AUDIO_COUNTRY_FIELDS:
            entry[key] = body.get(key) or ""
        entry["ddi_numbers"] = body.get("ddi_numbers") or 0
    elif group.shape is GroupShape.PHONE_BASE:
        check_countries(body)
        entry = {"type": body["type"], "callout_countries": body.get("callout_countries") or ""}
    else:
        check_addon_hosts(group, body["hosts"])
        entry = {"type": body["type"], "hosts": body["hosts"]}
    entry.pop("status", None)
    for key in po.DATE_FIELDS:
        entry.pop(key, None)
    return po.dated(entry, today)

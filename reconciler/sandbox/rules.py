"""Zoom's business rules that do not depend on an account's history: host ranges, country IDs,
scheduled dates, which base types may be written, and the shape of a freshly bought entry.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from reconciler.sandbox import bodies
from reconciler.sandbox import plan_object as po
from reconciler.sandbox.catalogue import MAX_HOSTS, BaseFamily, Catalogue
from reconciler.sandbox.errors import (
    FieldProblem,
    ZoomApiError,
    invalid_plan_type,
    validation_failed,
)
from reconciler.sandbox.layout import GroupShape, PlanGroup, reading

PAID_START = "paid_period_start_date"
EFFECTIVE = "service_effective_date"


def writable_family(plan_type: str, catalogue: Catalogue) -> BaseFamily:
    """The family of a base type Zoom accepts on writes; legacy types read from GET are 2100."""
    family = catalogue.base_family(plan_type)
    if family is None:
        raise invalid_plan_type("Base", plan_type)
    return family


def check_base_hosts(family: BaseFamily, hosts: int) -> None:
    """Zoom's per-family host ranges (Pro 1-9, Business 10-49, Education 20-149, ...)."""
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
#: Group key -> (may the add-on's hosts equal the base's?).
_CEILINGS: dict[str, bool] = {"plan_webinar": True, "plan_zoom_events": True}
_CEILINGS["plan_large_meeting"] = False


def check_host_ceilings(plans: dict[str, Any], types: set[str] | None = None) -> None:
    """Refuse a write that leaves a bound add-on with too many hosts for the base plan.

    `types` limits the check to the add-ons a call wrote (None: every live one, for a
    subscribe or a base decrease), so a call that does not touch an entry Zoom already holds
    in breach is not refused because of it. Zoom documents the rule but no answer for it: the
    code and wording follow its documented host-count answers (code 300, "Buy hosts must
    equal or smaller than 9999.", "Insufficient number of hosts ..."), the closest ones.
    """
    base = plans.get("plan_base")
    if not po.entry_is_live(base):
        return
    assert isinstance(base, dict)
    if "hosts" not in base and po.bundle_is_live(plans):
        return  # a bundle's seats are Zoom's own: nothing to hold the add-ons against
    base_hosts = base.get("hosts", 0)
    for key, may_equal in _CEILINGS.items():
        group = reading().by_key(key)
        assert group is not None
        for entry in po.entries(plans, group):
            if not po.entry_is_live(entry):
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


def already_has(plan_type: str) -> ZoomApiError:
    """Zoom's documented answer to buying an add-on the account holds (POST /plans/addons)."""
    return ZoomApiError(400, 2100, f"This subaccount already has the additional plan: {plan_type}.")


def refuse_if_active(plans: dict[str, Any], group: PlanGroup, plan_type: str) -> None:
    """An add-on the account holds (same type, or another type in a one-entry group) cannot be
    bought again: Zoom's 2100 "already has the additional plan"."""
    if group.shape is GroupShape.LIST:
        entry = po.find(plans, group, plan_type)
        if po.entry_is_live(entry):
            raise already_has(plan_type)
        return
    holder = po.occupant(plans, group)
    if holder is not None:
        raise already_has(holder)


def check_countries(body: dict[str, Any], prefix: str = "") -> None:
    """Countries are comma strings of two-letter country IDs ("US,CA")."""
    for key in bodies.AUDIO_COUNTRY_FIELDS:
        value = body.get(key)
        if not value:
            continue
        for code in str(value).split(","):
            if len(code) != 2 or not code.isalpha() or not code.isupper():
                raise ZoomApiError(400, 300, f"Invalid country ID in {prefix}{key}: {code!r}.")


def refuse_foreign_fields(group: PlanGroup, body: dict[str, Any], prefix: str = "") -> None:
    """Country fields are accepted only for the groups whose GET entries carry them."""
    foreign = [
        FieldProblem(prefix + name, f"is not a field of {group.title} plans")
        for name in bodies.COUNTRY_FIELDS
        if name in body and name not in group.fields | group.request_fields
    ]
    if foreign:
        raise validation_failed(*foreign)


def scheduled_start(body: dict[str, Any], today: date, prefix: str = "") -> date | None:
    """The future date a write takes effect, or None for at once.

    Zoom: `paid_period_start_date` and `service_effective_date` must be the same date and in
    the future. Either alone, two different dates, a date today or earlier, or a value that is
    not YYYY-MM-DD is 400 / 300 with an `errors` entry.
    """
    paid, effective = body.get(PAID_START), body.get(EFFECTIVE)
    if paid is None and effective is None:
        return None
    problems: list[FieldProblem] = []
    parsed: dict[str, date] = {}
    for name, value in ((PAID_START, paid), (EFFECTIVE, effective)):
        if value is None:
            other = EFFECTIVE if name == PAID_START else PAID_START
            problems.append(FieldProblem(prefix + name, f"is required with {other}"))
            continue
        try:
            parsed[name] = date.fromisoformat(str(value))
            if len(str(value)) != 10:
                raise ValueError
        except ValueError:
            problems.append(FieldProblem(prefix + name, "must be a date (YYYY-MM-DD)"))
    if not problems and parsed[PAID_START] != parsed[EFFECTIVE]:
        problems.append(FieldProblem(prefix + EFFECTIVE, f"must be the same date as {PAID_START}"))
    if not problems and parsed[EFFECTIVE] <= today:
        problems.append(FieldProblem(prefix + EFFECTIVE, "must be in the future"))
    if problems:
        raise validation_failed(*problems)
    return parsed[EFFECTIVE]


def new_entry(
    group: PlanGroup, body: dict[str, Any], today: date, effective: date | None = None
) -> dict[str, Any]:
    """A fresh entry in GET shape with only the fields GET lists for the group; unset audio
    fields read back as "" and 0, as Zoom's do."""
    refuse_foreign_fields(group, body)
    entry: dict[str, Any] = {"type": body["type"]}
    if group.hosted and (group.bought_with_hosts or body.get("hosts") is not None):
        hosts = body.get("hosts")
        if not bodies.is_integer(hosts):
            raise validation_failed(FieldProblem("hosts", "is required"))
        check_addon_hosts(group, hosts)
        entry["hosts"] = hosts
    if any(name in group.fields for name in bodies.COUNTRY_FIELDS):
        check_countries(body)
        for key in bodies.AUDIO_COUNTRY_FIELDS:
            if key in group.fields:
                entry[key] = body.get(key) or ""
        if "ddi_numbers" in group.fields:
            entry["ddi_numbers"] = body.get("ddi_numbers") or 0
    return po.dated(entry, group, today, effective)

"""Zoom's plan writes as edits of one account's plan object (a copy the world then stores).

The world (`world.py`) checks the body's schema, finds the account and decides whether it has a
subscription; what is left is here: which entries a body buys or changes, Zoom's refusals for
them, and the answer body. Every function works on a private copy of the plans, so a refused
call changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from reconciler.sandbox import bodies, preconditions, rules
from reconciler.sandbox import plan_object as po
from reconciler.sandbox.catalogue import LIMITED_PRO, Catalogue
from reconciler.sandbox.errors import (
    FieldProblem,
    ZoomApiError,
    invalid_plan_type,
    validation_failed,
)
from reconciler.sandbox.layout import GroupShape, PlanGroup, reading
from reconciler.zoom_2026 import operation

Plans = dict[str, Any]
PHONE_BASE = "plan_phone.plan_base"
BUNDLE_FOR_PARTNERS = (
    "Invalid field: plan_bundle (The bundle plan is currently only available for "
    "carrier-enabled partners)"
)


@dataclass(frozen=True)
class Context:
    """What a write needs besides the body: the account, today, the codes Zoom sells."""

    account_id: str
    today: date
    catalogue: Catalogue
    carrier_partner: bool = False


@dataclass(frozen=True)
class Purchase:
    """One entry a body buys: its group, the entry as sent, and where it was in the body."""

    group: PlanGroup
    entry: Any
    where: str


def _request_name(group: PlanGroup) -> str:
    """A container part as requests name it (GET's plan_package_lists is plan_package_list)."""
    aliases = {get: request for request, get in reading().request_aliases.items()}
    return aliases.get(group.path[-1], group.path[-1])


def purchases(body: Mapping[str, Any], container: str | None, prefix: str = "") -> list[Purchase]:
    """The entries of a subscribe body (container None) or of one nested add-on body."""
    found: list[Purchase] = []
    for group in reading().groups:
        holder: Any
        if container is None and len(group.path) == 1:
            holder, name, place = body, group.key, group.key
        elif container is None:
            holder, name = body.get(group.path[0]), _request_name(group)
            place = f"{group.path[0]}.{name}"
        elif group.path[0] == container:
            holder, name = body, _request_name(group)
            place = name
        else:
            continue
        if not isinstance(holder, Mapping) or holder.get(name) is None:
            continue
        value = holder[name]
        if isinstance(value, list):
            found += [Purchase(group, e, f"{prefix}{place}[{i}]") for i, e in enumerate(value)]
        else:
            found.append(Purchase(group, value, prefix + place))
    return found


def _buy(plans: Plans, item: Purchase, ctx: Context, start: date | None) -> None:
    """Check one entry a body buys and store it (its code must belong to the group it names)."""
    group = item.group
    entry = {"type": item.entry} if isinstance(item.entry, str) else dict(item.entry)
    plan_type = entry.get("type")
    if not isinstance(plan_type, str) or ctx.catalogue.addon_group(plan_type) is not group:
        raise invalid_plan_type(group.title, plan_type)
    rules.refuse_if_active(plans, group, plan_type)
    if group.shape is GroupShape.RECORDING:
        po.put_recording(plans, plan_type, start or ctx.today)
        return
    if group.hosted and group.bought_with_hosts and not bodies.is_integer(entry.get("hosts")):
        raise validation_failed(FieldProblem(f"{item.where}.hosts", "is required"))
    rules.check_countries(entry, f"{item.where}.")
    po.put_entry(plans, group, rules.new_entry(group, entry, ctx.today, start))


def _bought(plans: Plans, items: list[Purchase], ctx: Context, start: date | None) -> None:
    seen: set[tuple[str, str]] = set()
    for item in items:
        plan_type = item.entry if isinstance(item.entry, str) else item.entry.get("type")
        if (item.group.key, str(plan_type)) in seen:
            raise validation_failed(FieldProblem(item.where, f"type {plan_type} is listed twice"))
        seen.add((item.group.key, str(plan_type)))
        _buy(plans, item, ctx, start)
    try:
        preconditions.check(plans, [(i.group, _type_of(i)) for i in items])
    except preconditions.PreconditionFailed as failed:
        raise ZoomApiError(400, 2100, str(failed)) from None
    rules.check_host_ceilings(plans, {_type_of(i) for i in items})


def _type_of(item: Purchase) -> str:
    return str(item.entry if isinstance(item.entry, str) else item.entry.get("type"))


def shaped(schema: Mapping[str, Any] | None, value: Any) -> Any:
    """`value` cut to an answer schema: only its fields, objects and lists as it says."""
    if schema is None:
        return None
    if schema.get("type") == "array":
        items = value if isinstance(value, list) else [value]
        return [shaped(schema.get("items") or {}, item) for item in items]
    if schema.get("type") == "object" or "properties" in schema:
        if isinstance(value, list):
            value = value[0] if value else {}
        if not isinstance(value, Mapping):
            return {}
        props = schema.get("properties") or {}
        return {k: shaped(props[k], v) for k, v in value.items() if k in props}
    return value


def _answer(method: str, path: str, status: int, value: Any) -> dict[str, Any]:
    return shaped(operation(method, path).response_schemas[status], value) or {}


# ----- POST /plans ----------------------------------------------------------------------------


def subscribe(before: Plans | None, body: dict[str, Any], ctx: Context) -> tuple[Plans, Any]:
    """The first paid subscription: base plan (or a partner's bundle) and add-ons in one call."""
    options = body.get("subscription_options") or {}
    start = rules.scheduled_start(options, ctx.today, "subscription_options.")
    # A lapsed base plan leaves its add-ons listed, and active until their period ends: they
    # stay, and buying one of them again is refused as on POST /plans/addons.
    plans: Plans = before or {}
    if "plan_bundle" in body:
        if "plan_base" in body:
            raise ZoomApiError(
                400, 2100, "Can't subscribe to base plan and bundle plan at the same time."
            )
        if not ctx.carrier_partner:
            raise ZoomApiError(400, 2100, BUNDLE_FOR_PARTNERS)
        plans[po.BUNDLE] = [
            po.dated({"type": e["type"], "hosts": e.get("hosts", 0)}, None, ctx.today, start)
            for e in body["plan_bundle"]
        ]
        plans["plan_base"] = po.bundle_base(body["plan_bundle"], ctx.today, start)
    else:
        plans["plan_base"] = _new_base(body["plan_base"], ctx, start)
    _bought(plans, purchases(body, None), ctx, start)
    rules.check_host_ceilings(plans)
    echo = {k: v for k, v in body.items() if k not in ("contact", "subscription_options")}
    return plans, _answer("POST", bodies.PLANS, 201, echo)


def _new_base(base: dict[str, Any], ctx: Context, start: date | None) -> dict[str, Any]:
    family = rules.writable_family(base["type"], ctx.catalogue)
    if base["type"] in LIMITED_PRO:
        size = base["type"].removeprefix("monthly").removeprefix("yearly")
        raise ZoomApiError(
            400, 200, f"Can't subscribe {size}-participants Pro plan for this subaccount."
        )
    entry: dict[str, Any] = {"type": base["type"]}
    if base.get("hosts") is not None:
        rules.check_base_hosts(family, base["hosts"])
        entry["hosts"] = base["hosts"]
    if base.get("active_hosts") is not None:
        entry["active_hosts"] = base["active_hosts"]
    return po.dated(entry, None, ctx.today, start)


def base_hosts_problem(base: object, ctx: Context, where: str) -> list[FieldProblem]:
    """A base plan without hosts: only Video SDK plans need none (Zoom's rule)."""
    if not isinstance(base, dict) or not isinstance(base.get("type"), str):
        return []
    family = ctx.catalogue.base_family(base["type"])
    if family is None or family.hosts_optional:
        return []
    if base.get("hosts") is None and base.get("increasing_hosts") is None:
        return [FieldProblem(where + "hosts", "is required")]
    return []


# ----- POST /plans/addons ---------------------------------------------------------------------


def add_addon(plans: Plans, body: dict[str, Any], shape: str | None, ctx: Context) -> Any:
    """Buy add-ons (or re-activate cancelled ones) in one of Zoom's four body shapes."""
    start = rules.scheduled_start(body, ctx.today)
    if shape is None:
        group = ctx.catalogue.addon_group(body["type"])
        if group is None:
            raise invalid_plan_type("Addon", body["type"])
        entry = {k: v for k, v in body.items() if k not in (rules.PAID_START, rules.EFFECTIVE)}
        items = [
            Purchase(group, body["type"] if group.shape is GroupShape.RECORDING else entry, "")
        ]
    else:
        container = reading().nested_bodies[shape][1]
        items = purchases(body.get(shape) or {}, container, f"{shape}.")
        if not items:
            raise validation_failed(FieldProblem(shape, "must name at least one plan"))
    _bought(plans, items, ctx, start)
    reply: dict[str, Any] = {}
    for item in items:
        bought = (
            po.value_of(plans, item.group) if item.group.shape is not GroupShape.RECORDING else None
        )
        value = plans["plan_recording"] if bought is None else bought
        if len(item.group.path) == 1:
            reply[item.group.key] = value
        else:
            reply.setdefault(item.group.path[0], {})[item.group.path[1]] = value
    return _answer("POST", bodies.ADDONS, 201, reply)


# ----- PUT /plans/addons, PUT /plans/base -----------------------------------------------------


def update_addon(plans: Plans, body: dict[str, Any], ctx: Context) -> None:
    """New absolute hosts of any hosted entry, nested ones included, found by its type."""
    plan_type = body["type"]
    group = ctx.catalogue.addon_group(plan_type)
    if group is None:
        raise ZoomApiError(400, 2100, f"Invalid Additional Plan Type: {plan_type}.")
    start = rules.scheduled_start(body, ctx.today)
    rules.refuse_foreign_fields(group, body)
    if group.shape is GroupShape.RECORDING:
        if not po.recording_is_live(plans, plan_type):
            raise _not_held(ctx, group, plan_type)
        return  # a recording plan has nothing to resize
    entry = po.find(plans, group, plan_type)
    if not po.entry_is_live(entry):
        raise _not_held(ctx, group, plan_type)
    assert entry is not None
    if group.hosted:
        hosts = body["hosts"]
        if plan_type.startswith("webinar100_") and hosts > entry.get("hosts", 0):
            raise ZoomApiError(
                400,
                3261,
                f'The "Webinar100" plan is not supported. You cannot increase hosts for the '
                f'"{plan_type}" plan.',
            )
        rules.check_addon_hosts(group, hosts)
        entry["hosts"] = hosts
        rules.check_host_ceilings(plans, {plan_type})
    rules.check_countries(body)
    for key in bodies.COUNTRY_FIELDS:
        if body.get(key) is not None:
            entry[key] = body[key]
    if start is not None:
        po.dated(entry, group, ctx.today, start)


def _not_held(ctx: Context, group: PlanGroup, plan_type: str) -> ZoomApiError:
    """Changing an add-on the account does not hold: Zoom's 3261 "failed to change"."""
    return ZoomApiError(
        400,
        3261,
        f"Failed to change sub plan of account:{ctx.account_id}. "
        f"It has no active {group.title} plan of type {plan_type}.",
    )


def update_base(plans: Plans, body: dict[str, Any], ctx: Context) -> None:
    """Same type only; absolute hosts (or Zoom's relative increasing_hosts); active hosts."""
    if po.bundle_is_live(plans):
        raise ZoomApiError(
            400, 2100, "Cannot makes updates when account is subscribed to a bundle plan."
        )
    current = plans["plan_base"]
    # Zoom answers GET with legacy types (business_yearly_c50) that it refuses on PUT.
    family = rules.writable_family(body["type"], ctx.catalogue)
    if body["type"] != current.get("type"):
        raise ZoomApiError(
            400,
            300,
            f"Plan types do not match, oldPlanType: {current.get('type')} "
            f"newPlanType: {body['type']}.",
        )
    start = rules.scheduled_start(body, ctx.today)
    hosts = body.get("hosts", current.get("hosts"))
    if body.get("increasing_hosts") is not None:  # relative; the client must never use it
        hosts = int(current.get("hosts", 0)) + body["increasing_hosts"]
    if hosts is not None:
        rules.check_base_hosts(family, hosts)
        decrease = hosts < int(current.get("hosts", 0))
        current["hosts"] = hosts
        if decrease:
            rules.check_host_ceilings(plans)
    if body.get("active_hosts") is not None:
        if body["active_hosts"] > current.get("hosts", body["active_hosts"]):
            raise validation_failed(FieldProblem("active_hosts", "must not exceed hosts"))
        current["active_hosts"] = body["active_hosts"]
    if start is not None:
        po.dated(current, None, ctx.today, start)


# ----- PATCH .../status ----------------------------------------------------------------------


def cancel_addon(plans: Plans, body: dict[str, Any], ctx: Context) -> None:
    """Cancel by type; the phone type (its base plan's, or `plan_phone`) cancels the phone base
    plan and every phone add-on with it, as Zoom documents."""
    plan_type = body["type"]
    group = ctx.catalogue.addon_group(plan_type)
    if plan_type == "plan_phone" or (group is not None and group.key == PHONE_BASE):
        _cancel_phone(plans, plan_type)
        return
    if group is None:
        raise invalid_plan_type("Addon", plan_type)
    if not po.cancel(plans, group, plan_type):
        raise ZoomApiError(400, 200, f'You do not have a "{plan_type}" plan subscription.')


def _cancel_phone(plans: Plans, plan_type: str) -> None:
    phone = [g for g in reading().groups if g.path[0] == "plan_phone"]
    base = next(g for g in phone if g.key == PHONE_BASE)
    held = po.live_types(plans, base)
    if not held or plan_type not in (*held, "plan_phone"):
        raise ZoomApiError(
            400,
            200,
            "You cannot perform this action because you do not have a Zoom Phone "
            "subscription for this account.",
        )
    for group in phone:
        for live in po.live_types(plans, group):
            po.cancel(plans, group, live)


def cancel_base(plans: Plans) -> None:
    """Only once every add-on is cancelled, listed or held (Zoom's code 200 otherwise)."""
    if po.bundle_is_live(plans):
        raise ZoomApiError(
            400,
            2100,
            "You cannot make cancellation requests for a bundle plan. "
            "Contact the Zoom Support team for details.",
        )
    remaining = po.live_addons(plans)
    if remaining:
        raise ZoomApiError(
            400,
            200,
            "You should first cancel all additional subscriptions. Still active: "
            + ", ".join(remaining)
            + ".",
        )
    plans["plan_base"]["status"] = "cancelled"

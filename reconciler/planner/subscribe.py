"""An account without an active base plan: the subscribe call, or why nothing can be sent.

Subscribing is its own case of planning: the body carries Zoom's whole billing contact and only
the add-ons Zoom does not still list (buying a listed one again would charge twice), and with no
base plan at all every add-on change is blocked with a sentence. `core.py` plans subscribed
accounts and hands an unsubscribed one to `plan_subscribe`.

The subscribe POST also carries what only a subscription takes: the file's
`subscription_options` (contract term, purchase order, deal registration, dates), a bundle
(`plan_bundle`, carrier-enabled partners; Zoom refuses it together with a base plan), and the
date a scheduled subscription starts (one date for the whole POST: Zoom's add-on groups in it
have no dates of their own).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from reconciler.desired.model import DesiredAccount
from reconciler.groups import table
from reconciler.groups.normalise import ONE_PER_ACCOUNT, AddonKey, NormalisedPlans
from reconciler.groups.operations import Body, Op, spec_of
from reconciler.planner.addons import (
    describe_fields,
    plan_addons,
    schedule_block,
    seat_count,
    unmanaged,
)
from reconciler.planner.base_range import base_range_block
from reconciler.planner.bodies import DATE_FIELDS, addon_order, dates, subscribe_plans
from reconciler.planner.draft import AccountDraft
from reconciler.planner.model import Action


def _still_active(key: AddonKey, have: NormalisedPlans) -> bool:
    """Zoom still lists this add-on (or, for a one-per-account group, another type of it)."""
    group = key[0]
    return key in have.addons or (
        group in ONE_PER_ACCOUNT and any(k[0] == group for k in have.addons)
    )


def _block_without_base(draft: AccountDraft, want: NormalisedPlans, have: NormalisedPlans) -> None:
    """No base plan on Zoom and none in the YAML: nothing about add-ons can be sent.

    Add-ons Zoom still lists as active (a lapsed base plan keeps them until their period
    ends) are fine as they are; a new one, a change to one, or a cancellation needs a
    subscription first, and each is blocked with its own sentence.
    """
    account_id = draft.account_id
    if any(not _still_active(key, have) for key in want.addons):
        draft.block(
            "no_base_plan",
            f"{account_id} has no active base plan and the YAML declares none; "
            "add-ons need a base plan: add plan_base to subscribe",
        )
    for key in sorted(want.addons, key=addon_order):
        current = have.addons.get(key)
        fields = want.addons[key]
        if current is None or all(current.get(k) == v for k, v in fields.items()):
            continue
        changed = {k: v for k, v in fields.items() if current.get(k) != v}
        draft.block(
            "no_base_plan",
            f"{key[0]} {key[1]}: {describe_fields(changed)} cannot be set while {account_id} "
            "has no active base plan (Zoom changes add-ons only on a subscribed account); "
            "add plan_base to the YAML to subscribe it first",
            group=key[0],
        )
    for key in sorted(want.cancelled & have.addons.keys(), key=addon_order):
        draft.block(
            "cancel_without_base",
            f"{key[0]} {key[1]}: the YAML marks it state: cancelled, but {account_id} has no "
            "active base plan and Zoom cancels add-ons only on a subscribed account; cancel it "
            "with Zoom (or let it end with its paid period), or add plan_base to subscribe first",
            group=key[0],
        )
    for key in sorted(have.addons, key=addon_order):
        if key not in want.addons and key not in want.cancelled:
            draft.unmanaged.append(unmanaged(key, have.addons[key]))


def _start_date(
    desired: DesiredAccount, want: NormalisedPlans, new: Mapping[AddonKey, Any]
) -> tuple[str | None, tuple[str, str] | None]:
    """The one date a scheduled subscription starts, or why its dates cannot be sent.

    Zoom's POST /plans takes the dates once, in `subscription_options`: the base plan's
    `paid_period_start_date`, the options' dates and those of the add-ons bought with it must
    all be the same day."""
    found: dict[str, str] = {}
    if want.base is not None and ("plan_base", want.base["type"]) in want.scheduled:
        found["plan_base"] = want.scheduled[("plan_base", want.base["type"])]
    for name in DATE_FIELDS:
        value = (desired.subscription_options or {}).get(name)
        if value:
            found[f"subscription_options.{name}"] = str(value)
    found.update({f"{g} {t}": want.scheduled[(g, t)] for g, t in new if (g, t) in want.scheduled})
    if len(set(found.values())) > 1:
        listed = ", ".join(f"{where} {when}" for where, when in found.items())
        return None, (
            "subscribe_dates_differ",
            f"{desired.account_id}: a subscription starts on one date (Zoom's "
            f"subscription_options), but the YAML gives several: {listed}; give one date",
        )
    return (next(iter(found.values())), None) if found else (None, None)


def plan_subscribe(
    draft: AccountDraft,
    desired: DesiredAccount,
    want: NormalisedPlans,
    have: NormalisedPlans,
    usage: Mapping[str, Any] | None,
) -> None:
    """Subscribe an account without an active base plan.

    Its base plan may have lapsed while add-ons stay active: buying those again in the
    subscribe body would charge twice (or be refused), so the body carries only add-ons Zoom
    does not list; the others are planned against the live ones like on any subscribed
    account, as follow-up calls after the subscribe (or blocks where no call exists). Groups
    Zoom's POST /plans does not take (`in_subscribe` in the table) are bought the same way,
    with one POST /plans/addons each right after the subscribe.
    """
    account_id = draft.account_id
    if want.base is None and not want.bundle:
        _block_without_base(draft, want, have)
        return
    new = {
        k: v
        for k, v in want.addons.items()
        if table.group(k[0]).in_subscribe
        and table.group(k[0]).listed
        and not _still_active(k, have)
    }
    when, block = _start_date(desired, want, new)
    options = {**(desired.subscription_options or {}), **dates(when)}
    after: dict[str, Any] = {
        "plan_base": dict(want.base) if want.base is not None else None,
        "addons": [{"group": k[0], **new[k]} for k in sorted(new, key=addon_order)],
    }
    if want.bundle:
        after["bundle"] = list(want.bundle)
    if options:
        after["subscription_options"] = options
    # A subscribe needs Zoom's whole billing contact: without one, or with a field missing,
    # it is blocked with a sentence (reported, never sent; its body carries no contact).
    if not desired.contact:
        block = (
            "subscribe_without_contact",
            f"{account_id} has no active subscription: subscribing it needs a billing `contact:` "
            "in its YAML",
        )
    elif desired.contact_missing:
        block = ("subscribe_incomplete_contact", _incomplete_contact(desired))
    elif want.base is not None and want.bundle:
        block = (
            "bundle_with_base",
            f"{account_id}: the YAML subscribes both a plan_base and a plan_bundle, and Zoom "
            "refuses the two together (a bundle brings its own base plan): keep one of them",
        )
    block = block or schedule_block(draft, "plan_base", f"{account_id} subscribe", when)
    if block is None and want.base is not None and "hosts" in want.base:
        block = base_range_block(want.base["type"], None, seat_count(want.base))
    plans = subscribe_plans(after)
    body = plans if block is not None else {"contact": dict(desired.contact or {}), **plans}
    action = Action.for_call(
        Op.SUBSCRIBE,
        account_id,
        body=body,
        before=None,
        after=after,
    )
    draft.call(action, block)
    # What stays listed after the subscribe is planned like any subscribed account's add-ons.
    rest = {k: v for k, v in want.addons.items() if k not in new}
    plan_addons(draft, replace(want, addons=rest), have, usage)


def _incomplete_contact(desired: DesiredAccount) -> str:
    """Why a subscribe is blocked when its contact lacks a field Zoom requires, and where."""
    origin = desired.contact_origin
    where = f" at {origin.at}" if origin is not None else ""
    text = (
        f"{desired.account_id} has no active subscription: subscribing it needs a complete "
        f"billing contact, and the contact{where} lacks {', '.join(desired.contact_missing)}"
    )
    if origin is not None and origin.replaced:
        text += (
            f" (a contact is one unit across extends: it takes nothing from the one at "
            f"{origin.replaced})"
        )
    return text + "; complete it in the YAML"


def contact_from(desired: DesiredAccount, actions: Iterable[Action]) -> tuple[tuple[str, str], ...]:
    """Where each field of the contact a subscribe sends was written, for the reviewer."""
    origin = desired.contact_origin
    if origin is None:
        return ()
    sends = any(spec_of(a.op).body is Body.SUBSCRIPTION and "contact" in a.body for a in actions)
    return origin.fields if sends else ()

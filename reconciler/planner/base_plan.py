"""The base plan of a subscribed account: its seat change, and what no call can change.

Zoom's PUT /plans/base keeps the base type and changes seats only; a bundle account's base plan
is Zoom's to change; a base type Zoom no longer sells is refused by name. Each of those is a
block with its sentence, never an approximated call.
"""

from __future__ import annotations

from reconciler.desired import catalogue
from reconciler.groups import table
from reconciler.groups.normalise import NormalisedPlans
from reconciler.groups.operations import Op
from reconciler.planner.addons import (
    below_usage,
    decrease_block,
    describe_fields,
    schedule_block,
    seat_count,
    usage_row,
)
from reconciler.planner.base_range import base_range_block
from reconciler.planner.bodies import seat_body
from reconciler.planner.calls import call_of
from reconciler.planner.draft import AccountDraft
from reconciler.planner.model import Action, BlockedItem
from reconciler.zoom.live import LivePlans


def bundle_is_live(want: NormalisedPlans, have: NormalisedPlans) -> bool:
    """The account is subscribed to a bundle the file declares (no `plan_base` in the file):
    Zoom lists a bundle subscription with the bundle code as its base plan's type."""
    return want.base is None and have.base is not None and have.base["type"] in want.bundle


def plan_base(
    draft: AccountDraft, want: NormalisedPlans, have: NormalisedPlans, live: LivePlans
) -> None:
    """The base plan's seat change (PUT /plans/base), or the block that says why there is none."""
    if want.base is None or have.base is None or want.base == have.base:
        return
    account_id = draft.account_id
    new_type, old_type = want.base["type"], have.base["type"]
    if table.is_bundle_code(old_type):
        draft.block(
            "bundle_base_change",
            f"plan_base: {account_id} is subscribed to the bundle {old_type}, and Zoom refuses "
            'every base-plan change of a bundle account (code 2100, "Cannot makes updates when '
            f'account is subscribed to a bundle plan"): declare plan_bundle: [{{type: {old_type}'
            "}] instead of plan_base, or change the subscription with Zoom",
            group="plan_base",
        )
        return
    body = {"type": new_type, "hosts": want.base.get("hosts", have.base.get("hosts"))}
    if new_type != old_type:
        draft.blocked.append(
            BlockedItem(
                reason_code="base_type_change",
                message=f"plan_base: type {old_type} -> {new_type} cannot be made through Zoom's "
                "API (PUT /plans/base must keep the current type); change it with Zoom, "
                "then update the YAML",
                op=Op.UPDATE_BASE.value,
                body=body,
                klass=None,
                path=call_of(Op.UPDATE_BASE, account_id)[1],
                group="plan_base",
            )
        )
        return
    others = {
        k: v for k, v in want.base.items() if k not in ("type", "hosts") and have.base.get(k) != v
    }
    if others:
        draft.block(
            "unsupported_change",
            f"plan_base {new_type}: {describe_fields(others)} cannot be changed: "
            "no Zoom API call sets these fields",
            group="plan_base",
        )
    if "hosts" not in want.base:
        return
    new, old = seat_count(want.base), seat_count(have.base)
    if new == old:
        return
    when = want.scheduled.get(("plan_base", old_type))
    action = Action.for_call(
        Op.UPDATE_BASE,
        account_id,
        increase=new > old,
        body=seat_body(old_type, new, when),
        before={"hosts": old},
        after={"hosts": new},
        group="plan_base",
    )
    what = f"plan_base {old_type}"
    block = (
        schedule_block(draft, "plan_base", what, when)
        or _unsold_base(draft, old_type)
        or base_range_block(old_type, old, new)
    )
    if new < old:
        block = block or decrease_block(draft.options, what, old, new)
        if block is None:
            block = below_usage(what, new, usage_row(live.usage, "plan_base", old_type))
    draft.call(action, block)


def _unsold_base(draft: AccountDraft, base_type: str) -> tuple[str, str] | None:
    """Zoom answers GET with base types it no longer sells (`business_yearly_c50`) and refuses
    a PUT naming one (400, code 2100, "Invalid Base Plan Type"): blocked, unless zoomplans.yaml
    allows the code by name (Zoom still takes it for some accounts)."""
    if catalogue.is_known(base_type) or base_type in draft.options.extra_plan_types:
        return None
    return (
        "base_type_not_sold",
        f"plan_base {base_type}: Zoom no longer sells this base plan type and refuses a seat "
        'change naming it (HTTP 400, code 2100, "Invalid Base Plan Type"); move the account to '
        "a current base type with Zoom (no API call changes the type), then update the YAML; "
        f"if Zoom still accepts {base_type} for this account, list it under extra_plan_types "
        "in zoomplans.yaml",
    )


def plan_bundle(draft: AccountDraft, want: NormalisedPlans, have: NormalisedPlans) -> None:
    """A subscribed account whose file declares a bundle (and no base plan): in sync when the
    live base plan is that bundle; otherwise no call can make it one (a bundle is bought only
    by subscribing, and Zoom changes no base type), so the account is blocked."""
    if not want.bundle or want.base is not None or have.base is None:
        return
    if bundle_is_live(want, have):
        return
    live = have.base["type"]
    what = "the bundle" if table.is_bundle_code(live) else "the base plan"
    draft.block(
        "bundle_not_live",
        f"plan_bundle: the YAML subscribes {', '.join(want.bundle)}, but {draft.account_id} is "
        f"already subscribed to {what} {live}; a bundle is bought only by subscribing an "
        "account without a subscription, and no Zoom API call changes a live base plan into "
        "it: change it with Zoom, then update the YAML",
        group=table.BUNDLE.key,
    )

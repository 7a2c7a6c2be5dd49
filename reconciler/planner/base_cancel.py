"""Cancelling the base plan: the one call that ends a subscription, so the most guarded one.

The YAML asks for it with `plan_base: {type, state: cancelled}` (and Zoom's optional `reason`
1-6 and `comment`). It is planned as `cancel_base` (PATCH /plans/base/status) only when

- `--allow-cancel-base` was given: its own opt-in, apart from `--allow-cancel`, since it ends
  the whole subscription;
- the live base plan is the type the YAML names (a file that names another type is a mistake
  to show, not a reason to cancel whatever is there);
- nothing would stay active after the account's other calls: Zoom refuses a base cancellation
  while any add-on is active (code 200), so every live add-on must be cancelled by this same
  plan, and the YAML may not keep or add any.

A bundle account's base plan (its type the bundle code) is never cancelled: Zoom refuses
cancellation requests for a bundle plan. It is sent last, after every add-on cancellation of
the account. Otherwise it is blocked with a sentence that says which of these is missing, and
nothing is sent to the account.
"""

from __future__ import annotations

from reconciler.groups import table
from reconciler.groups.normalise import AddonKey, NormalisedPlans
from reconciler.groups.operations import Op, Phase, Target, spec_of
from reconciler.planner.bodies import addon_order, cancel_body
from reconciler.planner.draft import AccountDraft
from reconciler.planner.model import Action

BASE = "plan_base"


def _cancelled_by_plan(draft: AccountDraft) -> set[AddonKey]:
    """The add-ons this plan cancels with a call that is sent (not blocked)."""
    return {
        (str(item.group), str(item.body.get("type")))
        for item in draft.phases.get(Phase.CANCELLATIONS, [])
        if isinstance(item, Action) and spec_of(item.op).target is Target.ADDON
    }


def _left_active(draft: AccountDraft, want: NormalisedPlans, have: NormalisedPlans) -> list[str]:
    """What would still be active when the base cancellation is sent, by name."""
    kept = (set(have.addons) | set(want.addons)) - _cancelled_by_plan(draft)
    names = [f"{group} {type_}" for group, type_ in sorted(kept, key=addon_order)]
    return names + [
        f"{group} (a plan group unknown to zoomplans)" for group in sorted(have.unknown)
    ]


def plan_base_cancel(draft: AccountDraft, want: NormalisedPlans, have: NormalisedPlans) -> None:
    """Plan (or block) the base plan's cancellation the YAML asks for; nothing when it is not
    asked for or the account has no active base plan (already cancelled: satisfied)."""
    asked, live = want.cancelled_base, have.base
    if asked is None or live is None:
        return
    action = Action.for_call(
        Op.CANCEL_BASE,
        draft.account_id,
        body=cancel_body(None, want.cancel_notes.get((BASE, asked))),
        before=dict(live),
        after=None,
        group=BASE,
    )
    block: tuple[str, str] | None = None
    left = _left_active(draft, want, have)
    if table.is_bundle_code(live["type"]):
        block = (
            "bundle_cancel",
            f"plan_base: {draft.account_id} is subscribed to the bundle {live['type']}, and Zoom "
            'refuses cancellation requests for a bundle plan (code 2100, "You cannot make '
            "cancellation requests for a bundle plan\"): cancel it with Zoom's support",
        )
    elif live["type"] != asked:
        block = (
            "base_type_mismatch",
            f"plan_base: the YAML cancels {asked}, but the live base plan is {live['type']}; "
            "nothing is cancelled: name the live type in the YAML to cancel it",
        )
    elif not draft.options.allow_cancel_base:
        block = (
            "cancel_base_not_allowed",
            f"plan_base {asked}: cancelling the base plan ends the subscription and needs "
            "--allow-cancel-base (the YAML marks it state: cancelled)",
        )
    elif left:
        block = (
            "addons_still_active",
            f"plan_base {asked}: Zoom cancels a base plan only once every add-on is cancelled, "
            f"and these would still be active: {', '.join(left)}; mark them state: cancelled "
            "(with --allow-cancel) or keep the base plan",
        )
    draft.call(action, block)

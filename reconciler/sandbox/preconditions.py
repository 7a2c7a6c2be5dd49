"""Zoom's catalogue preconditions: plans that can only be bought alongside another plan.

Zoom's plan catalogue (2026-02-07) states them in prose; Zoom documents no answer of its own,
so the sandbox answers as for its other purchase refusals (400 / 2100, "Account doesn't have
the permission to purchase this plan.") followed by the rule that was broken. Each check looks
at the plans as they would be after the call, so a call that buys both plans at once (a
subscribe with a Phone base and Business Plus; a Contact Center body with a package and its
add-ons) is accepted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from reconciler.sandbox import plan_object as po
from reconciler.sandbox.catalogue import section_of
from reconciler.sandbox.layout import PlanGroup, reading

PERMISSION = "Account doesn't have the permission to purchase this plan."
BASIC_PACKAGES = "Contact Center basic plans"
CONCURRENT_PACKAGES = "Contact Center Concurrent plans"
Plans = dict[str, Any]


class PreconditionFailed(Exception):
    """A purchase the catalogue says needs another plan; the message is the rule."""


def _live(plans: Plans, key: str) -> list[str]:
    group = reading().by_key(key)
    assert group is not None
    return po.live_types(plans, group)


def _packages(plans: Plans, section: str) -> list[str]:
    held = _live(plans, "plan_zcc.plan_package_lists") + _live(plans, "plan_zcc.plan_package")
    return [code for code in held if section_of(code) == section]


def _business_plus(plans: Plans, plan_type: str) -> str | None:
    if _live(plans, "plan_phone.plan_base"):
        return None
    return f"Zoom Workplace Business Plus ({plan_type}) must be bought with a Zoom Phone base plan."


def _node_part(plans: Plans, plan_type: str) -> str | None:
    if _live(plans, "plan_znode.plan_znode_base"):
        return None
    return f"Zoom Node add-on {plan_type} needs a Zoom Node base plan."


def _node_base(plans: Plans, plan_type: str) -> str | None:
    if _live(plans, "plan_phone.plan_base"):
        return None
    return f"Zoom Node ({plan_type}) needs a Zoom Phone base plan."


def _contact_center_part(plans: Plans, plan_type: str) -> str | None:
    if _packages(plans, BASIC_PACKAGES) or _packages(plans, CONCURRENT_PACKAGES):
        return None
    return f"Contact Center add-on {plan_type} needs a Contact Center package."


def _expert_assist(plans: Plans, plan_type: str) -> str | None:
    """AI Expert Assist needs a basic plan and excludes the concurrent plans; its concurrent
    codes go with a concurrent package instead (the sandbox's reading of the catalogue)."""
    concurrent = _packages(plans, CONCURRENT_PACKAGES)
    if "concurrent" in plan_type:
        if concurrent:
            return None
        return f"AI Expert Assist {plan_type} needs a Contact Center concurrent plan."
    if concurrent:
        return (
            f"AI Expert Assist {plan_type} cannot be combined with the concurrent plan "
            f"{concurrent[0]}."
        )
    if _packages(plans, BASIC_PACKAGES):
        return None
    return f"AI Expert Assist {plan_type} needs a Contact Center basic plan."


def _power_pack(plans: Plans, plan_type: str) -> str | None:
    if _live(plans, "plan_phone.plan_calling"):
        return None
    return f"Zoom Phone Power Pack ({plan_type}) needs a Zoom Phone calling plan."


def _video_sdk_recording(plans: Plans, plan_type: str) -> str | None:
    if not plan_type.startswith("zvsdkcr_"):
        return None
    base = plans.get("plan_base")
    if po.entry_is_live(base) and section_of(str(base.get("type"))) == "Video SDK plans":  # type: ignore[union-attr]
        return None
    return (
        f"Video SDK recording ({plan_type}) is only for accounts whose base plan is a "
        "Video SDK plan."
    )


Rule = Callable[[Plans, str], "str | None"]


def _rule_for(group: PlanGroup) -> Rule | None:
    key = group.key
    if key == "plan_zoom_one":
        return _business_plus
    if key == "plan_znode.plan_znode_base":
        return _node_base
    if group.path[0] == "plan_znode":
        return _node_part
    if key == "plan_zcc.plan_ai_expert_assist":
        return _expert_assist
    if group.path[0] == "plan_zcc" and key not in (
        "plan_zcc.plan_package_lists",
        "plan_zcc.plan_package",
    ):
        return _contact_center_part
    if key == "plan_phone.plan_calling_addons":
        return _power_pack
    if key == "plan_recording":
        return _video_sdk_recording
    return None


def check(plans_after: Plans, bought: Iterable[tuple[PlanGroup, str]]) -> None:
    """Raise PreconditionFailed for the first purchase whose required plan is missing."""
    for group, plan_type in bought:
        rule = _rule_for(group)
        problem = rule(plans_after, plan_type) if rule else None
        if problem:
            raise PreconditionFailed(f"{PERMISSION} {problem}")

"""Which accounts need GET /plans/usage (a Heavy call) before planning: only those with an
allowed seat decrease, because only a decrease is checked against the seats in use.

Apart from the planner's core so that planning, apply's re-plan and the offline proof of a
saved plan ask the one question the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from reconciler.desired.model import DesiredAccount
from reconciler.groups.normalise import (
    HOSTED_GROUPS,
    NormalisedPlans,
    PlanShapeError,
    normalise_plans,
)
from reconciler.planner.options import PlanOptions


def needs_usage(
    desired: DesiredAccount, raw_plans: Mapping[str, Any] | None, options: PlanOptions
) -> bool:
    """Read GET /plans/usage (a Heavy call) only where an allowed seat decrease is planned:
    on the base plan, or on an add-on with hosts."""
    if not options.allow_decrease:
        return False
    try:
        want, have = normalise_plans(desired.plans), normalise_plans(raw_plans)
    except PlanShapeError:
        return False
    return needs_usage_of(want, have)


def needs_usage_of(want: NormalisedPlans, have: NormalisedPlans) -> bool:
    """`needs_usage` on both sides already normalised (an allowed decrease assumed)."""
    # Imported when a decrease is allowed, not with this module: `plan` asks needs_usage of
    # each answer, and the add-on planner (with the plan model) is off its first request.
    from reconciler.planner.addons import seat_count

    if have.base is None:
        return False  # unsubscribed: a subscribe removes nothing
    if (
        want.base is not None
        and "hosts" in want.base
        and want.base["type"] == have.base["type"]
        and seat_count(want.base) < seat_count(have.base)
    ):
        return True
    return any(
        key in have.addons
        and key[0] in HOSTED_GROUPS
        and "hosts" in fields
        and seat_count(fields) < seat_count(have.addons[key])
        for key, fields in want.addons.items()
    )

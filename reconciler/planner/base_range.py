"""Zoom's host range per base-plan family, checked on the calls that set the base plan's hosts.

`validate` only warns about a base plan outside its family's range (Pro 1-9, Business 10-49,
Education 20-149), because Zoom may hold one already (a legacy subscription) and `import`
writes what Zoom shows: such an account must plan as in sync. Zoom refuses every call that
sets hosts outside the range, though, so the planner blocks that call here with a sentence,
never sending what Zoom would refuse. A change that lands inside the range is planned as usual.
"""

from __future__ import annotations

from reconciler.desired import catalogue

REASON = "base_hosts_out_of_range"


def base_range_block(plan_type: str, old: int | None, new: int) -> tuple[str, str] | None:
    """(reason_code, message) when Zoom refuses `new` base hosts for `plan_type`, else None.

    `old` is the live count (None for a subscribe), named so the reader sees what Zoom holds.
    """
    family = catalogue.base_family(plan_type)
    if family is None or family.min_hosts <= new <= family.max_hosts:
        return None
    span = f"{family.min_hosts} to {family.max_hosts}"
    if old is None:
        advice = f"choose {span} hosts"
    else:
        advice = f"keep {old} as Zoom shows it, or choose {span} hosts"
    return (
        REASON,
        f"plan_base {plan_type}: hosts {new} is outside the {span} hosts Zoom takes for "
        f"{family.name} base plans; Zoom refuses the call: {advice}",
    )

"""Where the money and the seats go, by plan family: figures and a Mermaid chart GitHub renders.

A reviewer of a 300-account change cannot add up a long list in their head; two small bar
charts in the pull-request comment show at a glance which plan families gain or lose seats and
money. The figures come from the calls apply would send (accounts with status `changes`): seats
from each call's field-level `hosts` changes, money from each call's priced cost. A subscribe
buys several families in one call with one price, so its cost is charted as `subscribe`.

Mermaid's `xychart-beta` bar chart (rendered natively by GitHub) draws bars up from the axis,
so a saving is charted as its own bar (`webinar less`) rather than as a negative value. Costs
that are unknown (no price) are left out of the chart and counted under it. This module only
reads the Plan.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from reconciler.groups.normalise import ADDON_GROUPS
from reconciler.groups.operations import OP_TABLE, Sides, spec_of
from reconciler.planner.changes import changes_of
from reconciler.planner.model import Action, Plan
from reconciler.pricing.money import format_money

#: Plan group -> the short family name a chart labels it with, in the order charts list them.
#: A subscribe buys several families in one call with one price: charted under its verb.
SUBSCRIPTION_FAMILY = next(s.verb for s in OP_TABLE if s.sides is Sides.SUBSCRIPTION)

FAMILIES: dict[str, str] = {
    "plan_base": "base",
    SUBSCRIPTION_FAMILY: SUBSCRIPTION_FAMILY,
    **{
        group: group.rsplit(".", 1)[-1].removeprefix("plan_").replace("_", " ")
        for group in ADDON_GROUPS
    },
    "plan_phone.plan_base": "phone",
    "plan_phone.plan_calling": "phone calling",
    "plan_phone.plan_number": "phone numbers",
}


@dataclass(frozen=True)
class FamilyFigures:
    """Seats added and removed, and monthly cost up and down (per currency), per plan family."""

    seats_added: dict[str, int] = field(default_factory=dict)
    seats_removed: dict[str, int] = field(default_factory=dict)
    #: currency -> family -> (monthly increase, monthly saving as a positive amount)
    cost: dict[str, dict[str, tuple[Decimal, Decimal]]] = field(default_factory=dict)
    unknown_costs: int = 0

    @property
    def empty(self) -> bool:
        return not (self.seats_added or self.seats_removed or self.cost)


def _seat_changes(action: Action) -> list[tuple[str, int]]:
    """(plan group, seats added (+) or removed (-)) for each `hosts` field the call changes."""
    found = []
    for change in changes_of(action):
        if change.field != "hosts":
            continue
        whole = spec_of(action.op).sides is Sides.SUBSCRIPTION
        group = change.entry.partition("[")[0] if whole else action.group
        before = change.before if isinstance(change.before, int) else 0
        after = change.after if isinstance(change.after, int) else 0
        if after != before:
            found.append((group or "plan_base", after - before))
    return found


def family_figures(plan: Plan) -> FamilyFigures:
    """The figures of the calls apply would send, families in `FAMILIES` order."""
    added: dict[str, int] = {}
    removed: dict[str, int] = {}
    cost: dict[str, dict[str, tuple[Decimal, Decimal]]] = {}
    unknown = 0
    for action in plan.sent_actions():
        for group, seats in _seat_changes(action):
            into = added if seats > 0 else removed
            into[group] = into.get(group, 0) + abs(seats)
        price = action.cost
        if price is None:
            continue
        if not price.known:
            unknown += 1
            continue
        whole = spec_of(action.op).sides is Sides.SUBSCRIPTION
        family = SUBSCRIPTION_FAMILY if whole else action.group or "plan_base"
        for currency, monthly in price.amounts:  # a subscribe may be priced in several
            if monthly == 0:
                continue
            up, down = cost.setdefault(currency, {}).get(family, (Decimal(0), Decimal(0)))
            if monthly > 0:
                up += monthly
            else:
                down -= monthly
            cost[currency][family] = (up, down)
    order = list(FAMILIES)

    def ordered(values: dict[str, int]) -> dict[str, int]:
        return dict(sorted(values.items(), key=lambda kv: _rank(order, kv[0])))

    return FamilyFigures(
        ordered(added),
        ordered(removed),
        {
            currency: dict(sorted(families.items(), key=lambda kv: _rank(order, kv[0])))
            for currency, families in sorted(cost.items())
        },
        unknown,
    )


def _rank(order: list[str], group: str) -> tuple[int, str]:
    return (order.index(group) if group in order else len(order)), group


def _label(group: str) -> str:
    return FAMILIES.get(group, group)


def _xychart(title: str, axis: str, bars: list[tuple[str, str]]) -> str:
    labels = ", ".join(f'"{label}"' for label, _ in bars)
    values = ", ".join(value for _, value in bars)
    return (
        "```mermaid\nxychart-beta\n"
        f'    title "{title}"\n'
        f"    x-axis [{labels}]\n"
        f'    y-axis "{axis}"\n'
        f"    bar [{values}]\n```\n"
    )


def mermaid_charts(plan: Plan) -> str:
    """Markdown with the cost chart (one per currency) and the seat chart; "" when none apply."""
    figures = family_figures(plan)
    blocks: list[str] = []
    for currency, families in figures.cost.items():
        bars = [(f"{_label(g)} more", f"{up:f}") for g, (up, _) in families.items() if up]
        bars += [(f"{_label(g)} less", f"{down:f}") for g, (_, down) in families.items() if down]
        net = sum((up - down for up, down in families.values()), Decimal(0))
        blocks.append(
            _xychart(
                f"Monthly cost change by plan family ({currency}), net "
                f"{format_money(net, currency)}",
                f"{currency} per month",
                bars,
            )
        )
    seats = [(f"{_label(g)} added", str(n)) for g, n in figures.seats_added.items()]
    seats += [(f"{_label(g)} removed", str(n)) for g, n in figures.seats_removed.items()]
    if seats:
        blocks.append(_xychart("Seats added and removed by plan family", "seats", seats))
    if not blocks:
        return ""
    note = (
        f"\n{figures.unknown_costs} call(s) of unknown cost are not in the cost chart.\n"
        if figures.unknown_costs and figures.cost
        else ""
    )
    return "\n".join(blocks) + note + "\n"

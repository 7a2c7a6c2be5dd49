"""Plan families, named once for every renderer: which family a call counts under, its label,
and the seat and money figures per family that the Markdown and HTML charts draw.

A family is a Zoom plan group (`plan_webinar`), labelled with the title Zoom sells it under
(`Webinars`, from reconciler/groups/table.py), so text, Markdown and HTML name it alike. A
subscribe buys several groups in one POST with one price: its seats count under each group it
buys (the seats are known per entry), its cost under `New subscriptions` (no amount is split
by guesswork). Savings are negative amounts and removed seats negative counts, everywhere.
The figures are those of the calls apply would send (`Plan.sent_actions`). This module only
reads the Plan.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from reconciler.groups.operations import Sides, spec_of
from reconciler.groups.table import GROUPS, group, order_of
from reconciler.planner.changes import changes_of
from reconciler.planner.model import Action, Plan
from reconciler.pricing.money import Cost

#: The family of a subscribe call's cost (one price for every group the POST buys).
SUBSCRIPTION = "new_subscriptions"
SUBSCRIPTION_TITLE = "New subscriptions"
BASE = GROUPS[0].key


def family_of(action: Action) -> str:
    """The family a call's cost counts under: its plan group, or SUBSCRIPTION for a subscribe."""
    if _subscribes(action):
        return SUBSCRIPTION
    return action.group or BASE


def _subscribes(action: Action) -> bool:
    """A subscribe's sides hold the whole subscription (several families)."""
    return spec_of(action.op).sides is Sides.SUBSCRIPTION


def title(family: str) -> str:
    """The family's label: Zoom's title of the group (`Webinars`), or the key Zoom does not have."""
    if family == SUBSCRIPTION:
        return SUBSCRIPTION_TITLE
    try:
        return group(family).title
    except KeyError:
        return family


def family_order(family: str) -> tuple[int, str]:
    """New subscriptions first, then the table's order of groups, unknown keys last."""
    return (-1 if family == SUBSCRIPTION else order_of(family)), family


def seat_changes(action: Action) -> list[tuple[str, int]]:
    """(family, seats added (+) or removed (-)) for each `hosts` field the call changes."""
    found = []
    for change in changes_of(action):
        if change.field != "hosts":
            continue
        where = change.entry.partition("[")[0] if _subscribes(action) else family_of(action)
        before = change.before if isinstance(change.before, int) else 0
        after = change.after if isinstance(change.after, int) else 0
        if after != before:
            found.append((where or BASE, after - before))
    return found


def priced(cost: Cost | None) -> tuple[tuple[str, Decimal], ...] | None:
    """(currency, monthly amount) of a known cost, () without a price list, None if unknown."""
    if cost is None:
        return ()
    if not cost.known:
        return None
    return cost.amounts


@dataclass(frozen=True)
class Movement:
    """What a family gains (>= 0) and loses (<= 0): seats, or money per month."""

    up: Decimal = Decimal(0)
    down: Decimal = Decimal(0)

    @property
    def net(self) -> Decimal:
        return self.up + self.down

    def plus(self, amount: Decimal) -> Movement:
        if amount >= 0:
            return Movement(self.up + amount, self.down)
        return Movement(self.up, self.down + amount)


@dataclass(frozen=True)
class FamilyFigures:
    """Seats and monthly cost per family, families in `family_order`; savings negative."""

    seats: dict[str, Movement] = field(default_factory=dict)
    #: currency -> family -> increases and savings per month
    cost: dict[str, dict[str, Movement]] = field(default_factory=dict)
    unknown_costs: int = 0

    @property
    def empty(self) -> bool:
        return not (self.seats or self.cost)

    def cost_total(self, currency: str) -> Movement:
        """Gross increase (`up`), savings (`down`) and `net` of every family in `currency`."""
        total = Movement()
        for movement in self.cost.get(currency, {}).values():
            total = Movement(total.up + movement.up, total.down + movement.down)
        return total


def _ordered(values: dict[str, Movement]) -> dict[str, Movement]:
    return dict(sorted(values.items(), key=lambda kv: family_order(kv[0])))


def family_figures(plan: Plan) -> FamilyFigures:
    """The figures of the calls apply would send."""
    seats: dict[str, Movement] = {}
    cost: dict[str, dict[str, Movement]] = {}
    unknown = 0
    for action in plan.sent_actions():
        for where, delta in seat_changes(action):
            seats[where] = seats.get(where, Movement()).plus(Decimal(delta))
        amounts = priced(action.cost)
        if amounts is None:
            unknown += 1
            continue
        for currency, amount in amounts:
            if amount:
                families = cost.setdefault(currency, {})
                family = family_of(action)
                families[family] = families.get(family, Movement()).plus(amount)
    return FamilyFigures(
        _ordered(seats),
        {currency: _ordered(families) for currency, families in sorted(cost.items())},
        unknown,
    )

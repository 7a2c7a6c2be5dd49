"""Where the money and the seats go, by plan family, as charts in the pull-request comment.

A reviewer of a 300-account change cannot add up a long list in their head; two small charts
in the comment show at a glance which plan families gain or lose seats and money. The figures
are reconciler.render.families' (the same the HTML report draws), labelled with Zoom's titles.

Savings are negative amounts and removed seats negative counts, drawn left of the axis. Mermaid's
`xychart-beta` cannot draw that (it draws every bar up from the bottom of the plot, so the
largest saving was the tallest bar), so each chart is a Markdown table with a bar of block
characters in a code span: GitHub renders it everywhere (also in e-mail notifications), and the
numbers beside the bars are exact. Each cost table ends with the gross increase, the savings and
the net change, labelled. Costs that are unknown (no price) are left out and counted under the
chart. This module only reads the Plan.
"""

from __future__ import annotations

from decimal import Decimal

from reconciler.escaping.markdown import in_cell
from reconciler.planner.model import Plan
from reconciler.pricing.money import format_money
from reconciler.render.families import FamilyFigures, Movement, family_figures, title

#: Characters of each half of a bar (savings left of the axis, increases right).
HALF = 12
COST_TITLE = "Monthly cost change by plan family"
SEATS_TITLE = "Seats added and removed by plan family"


def bar(movement: Movement, largest: Decimal) -> str:
    """`[      ████│██          ]`: the loss left of the axis, the gain right, to scale."""

    def cells(amount: Decimal) -> int:
        if not amount or not largest:
            return 0
        return max(1, round(abs(amount) / largest * HALF))

    left, right = cells(movement.down), cells(movement.up)
    return f"`[{' ' * (HALF - left)}{'█' * left}│{'█' * right}{' ' * (HALF - right)}]`"


def _largest(movements: list[Movement]) -> Decimal:
    return max((max(m.up, -m.down) for m in movements), default=Decimal(0))


def _money(amount: Decimal, currency: str) -> str:
    return format_money(amount, currency) if amount else "-"


def cost_table(figures: FamilyFigures, currency: str) -> str:
    """One currency's cost chart: a row per family, then gross, savings and net, labelled."""
    families = figures.cost[currency]
    largest = _largest(list(families.values()))
    rows = [
        f"**{COST_TITLE} ({currency} per month)**",
        "",
        "| plan family | increases | savings | net | |",
        "|---|---:|---:|---:|---|",
    ]
    for family, movement in families.items():
        rows.append(
            f"| {in_cell(title(family))} | {_money(movement.up, currency)} "
            f"| {_money(movement.down, currency)} | {format_money(movement.net, currency)} "
            f"| {bar(movement, largest)} |"
        )
    total = figures.cost_total(currency)
    rows.append(
        f"| **all families** | **gross {_money(total.up, currency)}** "
        f"| **savings {_money(total.down, currency)}** "
        f"| **net {format_money(total.net, currency)}** | |"
    )
    return "\n".join(rows) + "\n"


def _seats(amount: Decimal) -> str:
    return f"{int(amount):+,}" if amount else "-"


def seat_table(figures: FamilyFigures) -> str:
    """The seat chart: seats added (+) and removed (-) per family."""
    largest = _largest(list(figures.seats.values()))
    rows = [
        f"**{SEATS_TITLE}**",
        "",
        "| plan family | added | removed | net | |",
        "|---|---:|---:|---:|---|",
    ]
    for family, movement in figures.seats.items():
        rows.append(
            f"| {in_cell(title(family))} | {_seats(movement.up)} | {_seats(movement.down)} "
            f"| {_seats(movement.net) if movement.net else 0} | {bar(movement, largest)} |"
        )
    return "\n".join(rows) + "\n"


def markdown_charts(plan: Plan) -> str:
    """The cost charts (one per currency) and the seat chart; "" when there is nothing to chart."""
    figures = family_figures(plan)
    blocks = [cost_table(figures, currency) for currency in figures.cost]
    if figures.seats:
        blocks.append(seat_table(figures))
    if not blocks:
        return ""
    note = (
        f"\n{figures.unknown_costs} call(s) of unknown cost are not in the cost chart.\n"
        if figures.unknown_costs and figures.cost
        else ""
    )
    return "\n".join(blocks) + note + "\n"

"""The HTML report's charts: figures per plan family, drawn as inline SVG by our own Python.

The report must open with no network at all (a reviewer may read it from a CI artifact on a
locked-down laptop), so there is no chart library and no CDN: each chart is a small diverging
bar chart written here, every label escaped. The figures and the family labels are
reconciler.render.families' (Zoom's titles), the same the Markdown comment charts: one row per
family, its savings (or removed seats) as a negative bar left of the axis, its increases right,
its net beside; the cost chart's caption gives the gross increase, the savings and the net.
"""

from __future__ import annotations

from decimal import Decimal

from reconciler.escaping.html import text
from reconciler.pricing.money import format_money
from reconciler.render.families import FamilyFigures, Movement, title

_ROW_HEIGHT = 26
_LABEL_WIDTH = 210
_BAR_WIDTH = 460
_VALUE_WIDTH = 150
_GAIN, _LOSS = "#2e7d32", "#c0392b"


def _bar_chart(
    caption: str, rows: list[tuple[str, Movement, str]], chart_id: str, note: str = ""
) -> str:
    """Rows of (label, movement, value shown): losses left of the axis, gains right."""
    largest = max((max(m.up, -m.down) for _, m, _ in rows), default=Decimal(0)) or Decimal(1)
    half = _BAR_WIDTH / 2
    axis = _LABEL_WIDTH + half
    width = _LABEL_WIDTH + _BAR_WIDTH + _VALUE_WIDTH
    height = _ROW_HEIGHT * len(rows) + 16
    parts = [
        f'<figure class="chart" id="{chart_id}"><figcaption>{text(caption)}</figcaption>',
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" aria-label="{text(caption)}">',
    ]
    for index, (label, movement, shown) in enumerate(rows):
        y = 8 + index * _ROW_HEIGHT
        parts.append(
            f'<g class="bar"><text x="{_LABEL_WIDTH - 8}" y="{y + 15}" text-anchor="end">'
            f"{text(label)}</text>"
        )
        for amount, colour in ((movement.down, _LOSS), (movement.up, _GAIN)):
            if not amount:
                continue
            length = max(float(abs(amount) / largest) * half, 1.0)
            x = axis - length if amount < 0 else axis
            parts.append(
                f'<rect x="{x:.1f}" y="{y}" width="{length:.1f}" height="{_ROW_HEIGHT - 8}" '
                f'fill="{colour}" data-value="{text(amount)}"><title>{text(label)}: '
                f"{text(shown)}</title></rect>"
            )
        parts.append(
            f'<text x="{_LABEL_WIDTH + _BAR_WIDTH + 6}" y="{y + 15}">{text(shown)}</text></g>'
        )
    bottom = 8 + len(rows) * _ROW_HEIGHT
    parts.append(
        f'<line x1="{axis:.1f}" y1="4" x2="{axis:.1f}" y2="{bottom}" stroke="#555"/></svg>'
    )
    if note:
        parts.append(f'<p class="note">{text(note)}</p>')
    parts.append("</figure>")
    return "".join(parts)


def _signed(amount: Decimal, currency: str) -> str:
    return format_money(amount, currency) if amount else "-"


def cost_chart(figures: FamilyFigures, *, priced_plan: bool) -> str:
    """Monthly cost change by family, one chart per currency; a sentence when none is known."""
    unknown = figures.unknown_costs
    note = f"{unknown} call(s) have no known cost and are not charted." if unknown else ""
    if not figures.cost:
        if not priced_plan:
            return '<p class="note" id="cost-chart">No price list was given: no costs.</p>'
        return f'<p class="note" id="cost-chart">No known cost to chart. {text(note)}</p>'
    charts: list[str] = []
    for currency, families in figures.cost.items():
        total = figures.cost_total(currency)
        rows = [
            (title(family), movement, f"{format_money(movement.net, currency)}/month")
            for family, movement in families.items()
        ]
        caption = (
            f"Monthly cost change by plan family ({currency}): gross increase "
            f"{_signed(total.up, currency)}, savings {_signed(total.down, currency)}, "
            f"net {format_money(total.net, currency)} per month"
        )
        chart_id = "cost-chart" if not charts else f"cost-chart-{currency.lower()}"
        charts.append(_bar_chart(caption, rows, chart_id, note))
    return "".join(charts)


def seat_chart(figures: FamilyFigures) -> str:
    """Seats added (right) and removed (left) by family; a sentence when no seat moves."""
    if not figures.seats:
        return '<p class="note" id="seat-chart">No seat is added or removed.</p>'
    rows = []
    for family, movement in figures.seats.items():
        parts = [f"{int(n):+,}" for n in (movement.up, movement.down) if n]
        rows.append((title(family), movement, f"{' / '.join(parts)} seat(s)"))
    return _bar_chart("Seats added and removed by plan family", rows, "seat-chart")

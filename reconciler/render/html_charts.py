"""The HTML report's charts: figures per plan family, drawn as inline SVG by our own Python.

The report must open with no network at all (a reviewer may read it from a CI artifact on a
locked-down laptop), so there is no chart library and no CDN: each chart is a small diverging
bar chart written here, every label escaped. The figures come from the plan's JSON form
(`Plan.to_json()`), the same data every other reader of a plan file sees; a family is a Zoom
plan group (`plan_base`, `plan_webinar`, ...), and a subscription's cost, one price for the
whole POST, is its own family so that no amount is split by guesswork.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from html import escape
from typing import Any

from reconciler.groups.operations import Effect, Sides, Target, is_op, spec_of
from reconciler.pricing.money import format_money

#: The family of a subscribe call's cost: one POST buys every group at once, priced as one.
SUBSCRIPTION_FAMILY = "new subscriptions"
_ROW_HEIGHT = 26
_LABEL_WIDTH = 190
_BAR_WIDTH = 460
_VALUE_WIDTH = 130


def family_of(action: Mapping[str, Any]) -> str:
    """The plan family a call is charted under (its Zoom plan group)."""
    op = action.get("op")
    spec = spec_of(op) if is_op(op) else None
    if spec is not None and spec.sides is Sides.SUBSCRIPTION:
        return SUBSCRIPTION_FAMILY
    if spec is not None and spec.target is Target.BASE and spec.effect is Effect.SET:
        return "plan_base"
    return str(action.get("group") or "plan_base")


def sent_actions(plan_json: Mapping[str, Any]) -> Iterable[Mapping[str, Any]]:
    """The calls apply would send: those of accounts whose status is `changes`."""
    for account in plan_json.get("accounts", []):
        if account.get("status") == "changes":
            yield from account.get("actions", [])


def cost_by_family(plan_json: Mapping[str, Any]) -> tuple[dict[tuple[str, str], Decimal], int]:
    """{(family, currency): net monthly change} over the sent calls, and how many are unpriced."""
    sums: dict[tuple[str, str], Decimal] = {}
    unknown = 0
    for action in sent_actions(plan_json):
        cost = action.get("cost")
        if cost is None:
            continue
        if not cost.get("known"):
            unknown += 1
            continue
        # One currency: `currency` and `monthly`; a call priced in several: `by_currency`.
        amounts = cost.get("by_currency") or {cost["currency"]: cost["monthly"]}
        for currency, monthly in amounts.items():
            key = (family_of(action), str(currency))
            sums[key] = sums.get(key, Decimal(0)) + Decimal(str(monthly))
    return dict(sorted(sums.items())), unknown


def _hosts(entry: Any) -> int:
    if isinstance(entry, Mapping) and isinstance(entry.get("hosts"), int):
        return int(entry["hosts"])
    return 0


def seats_by_family(plan_json: Mapping[str, Any]) -> dict[str, tuple[int, int]]:
    """{family: (seats added, seats removed)} over the sent calls (hosts of each entry)."""
    added: dict[str, int] = {}
    removed: dict[str, int] = {}

    def count(family: str, delta: int) -> None:
        if delta > 0:
            added[family] = added.get(family, 0) + delta
        elif delta < 0:
            removed[family] = removed.get(family, 0) - delta

    for action in sent_actions(plan_json):
        before, after = action.get("before"), action.get("after")
        op = action.get("op")
        if is_op(op) and spec_of(op).sides is Sides.SUBSCRIPTION:
            after = after or {}
            count("plan_base", _hosts(after.get("plan_base")))
            for addon in after.get("addons") or []:
                count(str(addon.get("group") or "add-on"), _hosts(addon))
            continue
        count(family_of(action), _hosts(after) - _hosts(before))
    families = sorted(set(added) | set(removed))
    return {f: (added.get(f, 0), removed.get(f, 0)) for f in families}


def _bar_chart(
    title: str, rows: Sequence[tuple[str, float, str]], chart_id: str, caption: str = ""
) -> str:
    """A horizontal diverging bar chart: negative values left of the axis, positive right."""
    largest = max((abs(value) for _, value, _ in rows), default=0.0) or 1.0
    has_negative = any(value < 0 for _, value, _ in rows)
    axis = _LABEL_WIDTH + (_BAR_WIDTH / 2 if has_negative else 0)
    scale = (_BAR_WIDTH / 2 if has_negative else _BAR_WIDTH) / largest
    width = _LABEL_WIDTH + _BAR_WIDTH + _VALUE_WIDTH
    height = _ROW_HEIGHT * len(rows) + 36
    parts = [
        f'<figure class="chart" id="{chart_id}"><figcaption>{escape(title)}</figcaption>',
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" aria-label="{escape(title)}">',
    ]
    for index, (label, value, shown) in enumerate(rows):
        y = 8 + index * _ROW_HEIGHT
        length = abs(value) * scale
        x = axis - length if value < 0 else axis
        colour = "#c0392b" if value < 0 else "#2e7d32"
        parts.append(
            f'<g class="bar"><text x="{_LABEL_WIDTH - 8}" y="{y + 15}" text-anchor="end">'
            f"{escape(label)}</text>"
            f'<rect x="{x:.1f}" y="{y}" width="{max(length, 1.0):.1f}" height="{_ROW_HEIGHT - 8}"'
            f' fill="{colour}"><title>{escape(label)}: {escape(shown)}</title></rect>'
            f'<text x="{_LABEL_WIDTH + _BAR_WIDTH + 6}" y="{y + 15}">{escape(shown)}</text></g>'
        )
    bottom = 8 + len(rows) * _ROW_HEIGHT
    parts.append(
        f'<line x1="{axis:.1f}" y1="4" x2="{axis:.1f}" y2="{bottom}" stroke="#555"/></svg>'
    )
    if caption:
        parts.append(f'<p class="note">{escape(caption)}</p>')
    parts.append("</figure>")
    return "".join(parts)


def cost_chart(plan_json: Mapping[str, Any]) -> str:
    """Monthly cost change by family; a sentence instead when no cost is known."""
    sums, unknown = cost_by_family(plan_json)
    note = f"{unknown} call(s) have no known cost and are not charted." if unknown else ""
    if not sums:
        if (plan_json.get("options") or {}).get("prices") is None:
            return '<p class="note" id="cost-chart">No price list was given: no costs.</p>'
        return f'<p class="note" id="cost-chart">No known cost to chart. {escape(note)}</p>'
    rows = [
        (f"{family} ({currency})", float(amount), f"{format_money(amount, currency)}/month")
        for (family, currency), amount in sums.items()
    ]
    return _bar_chart("Monthly cost change by plan family", rows, "cost-chart", note)


def seat_chart(plan_json: Mapping[str, Any]) -> str:
    """Seats added (right) and removed (left) by family; a sentence when no seat moves."""
    seats = seats_by_family(plan_json)
    if not seats:
        return '<p class="note" id="seat-chart">No seat is added or removed.</p>'
    rows: list[tuple[str, float, str]] = []
    for family, (added, removed) in seats.items():
        if added:
            rows.append((f"{family} added", float(added), f"+{added:,} seat(s)"))
        if removed:
            rows.append((f"{family} removed", -float(removed), f"-{removed:,} seat(s)"))
    return _bar_chart("Seats added and removed by plan family", rows, "seat-chart")

"""The HTML report's renewals: a warning when renewal dates are unknown, else a table of the
renewals list's accounts (flagged removals first). Wording from reconciler.render.renewal;
every value escaped by reconciler.escaping.html."""

from __future__ import annotations

from reconciler.escaping.html import text
from reconciler.planner.model import Plan
from reconciler.render.renewal import heading, rows, unknown_sentence

_HEADS = ("Account", "Name", "Next renewal", "Automatic", "Amount", "Cycles", "Flagged calls")


def unknown_renewals(plan: Plan) -> str:
    """Near the top, once: renewal dates are unknown, and why."""
    unknown = unknown_sentence(plan)
    return f'<p class="dirty" id="renewals-unknown">{text(unknown)}</p>' if unknown else ""


def renewals_section(plan: Plan) -> str:
    """`<h2>Renewals...` and its table (nothing when no account is listed)."""
    listed = rows(plan)
    if not listed:
        return ""
    head = "".join(f"<th>{text(h)}</th>" for h in _HEADS)
    cells = [row.cells() for row in listed]
    body = "".join(
        "<tr>" + "".join(f"<td>{text(cell)}</td>" for cell in row) + "</tr>" for row in cells
    )
    return (
        f'<h2 id="renewals-heading">{text(heading(plan))}</h2>'
        f'<table id="renewals"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
    )

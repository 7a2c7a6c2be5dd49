"""The plan as one self-contained HTML report, for a reviewer who wants to see where money goes.

A CI job uploads the file as an artifact; a reviewer opens it from disk. So it needs no network
at all: CSS and script are inline, the charts are SVG drawn by `html_charts`, and a Content
Security Policy forbids every fetch and every script but ours (pinned by hash), so a later edit
that adds a CDN link fails loudly in the browser test instead of leaking a reviewer's visit.
The report reads the `Plan` model like every other renderer: families are named by
reconciler.render.families, calls worded by reconciler.render.wording. Every value is escaped
by reconciler.escaping.html (control characters shown as `\\x1b`): account names come from
users. The script only reads the DOM (sort, filter); no plan data is embedded in it.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import tempfile
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

from reconciler.escaping.html import text
from reconciler.planner.model import AccountPlan, Action, Plan
from reconciler.pricing.money import Cost, format_money
from reconciler.render.families import family_figures, family_of, priced, title
from reconciler.render.html_charts import cost_chart, seat_chart
from reconciler.render.html_renewals import renewals_section, unknown_renewals
from reconciler.render.wording import call_lines, value_text

_STYLE = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px;color:#1d1d1f}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}
.figures{display:flex;flex-wrap:wrap;gap:10px;margin:12px 0}
.figure{border:1px solid #d0d7de;border-radius:6px;padding:8px 14px;min-width:96px}
.figure b{display:block;font-size:20px}.figure span{color:#57606a;font-size:12px}
.provenance{color:#57606a;font-size:12px}.provenance code{color:#1d1d1f}
.dirty{color:#b3261e;font-weight:600}
.charts{display:flex;flex-wrap:wrap;gap:24px}.chart{margin:0}
.chart figcaption{font-weight:600;margin-bottom:4px}.chart svg{font-size:12px}
.note{color:#57606a;font-size:12px}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{border-bottom:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top}
#calls th{cursor:pointer;user-select:none;background:#f6f8fa;position:sticky;top:0}
#calls th[aria-sort=ascending]::after{content:" \\25B2"}
#calls th[aria-sort=descending]::after{content:" \\25BC"}
td{overflow-wrap:break-word}#calls td:nth-child(7){min-width:280px}
#calls td:nth-child(2),#calls td:nth-child(6){overflow-wrap:anywhere}
#calls td:nth-child(1),#calls td:nth-child(3),#calls td:nth-child(4){white-space:nowrap}
td.num{text-align:right;white-space:nowrap}ul.changes{margin:0;padding-left:16px}
.status-blocked,.status-error{color:#c0392b;font-weight:600}.status-changes{color:#9a6700}
.flight{background:#fff8c5;border:1px solid #d4a72c;border-radius:4px;padding:0 4px}
#filter{font-size:14px;padding:4px 8px;width:320px;margin-bottom:8px}
"""

_SCRIPT = """
(function () {
  var table = document.getElementById("calls");
  var body = table.tBodies[0];
  var filter = document.getElementById("filter");
  var shown = document.getElementById("shown");
  function update() {
    var needle = filter.value.trim().toLowerCase();
    var count = 0;
    Array.prototype.forEach.call(body.rows, function (row) {
      var match = !needle || row.getAttribute("data-search").indexOf(needle) !== -1;
      row.hidden = !match;
      if (match) { count += 1; }
    });
    shown.textContent = count + " of " + body.rows.length + " rows";
  }
  filter.addEventListener("input", update);
  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, column) {
    th.addEventListener("click", function () {
      var ascending = th.getAttribute("aria-sort") !== "ascending";
      Array.prototype.forEach.call(table.tHead.rows[0].cells, function (other) {
        other.removeAttribute("aria-sort");
      });
      th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      var numeric = th.hasAttribute("data-numeric");
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var x = a.cells[column].getAttribute("data-sort") || a.cells[column].textContent;
        var y = b.cells[column].getAttribute("data-sort") || b.cells[column].textContent;
        var order = numeric ? (parseFloat(x) || 0) - (parseFloat(y) || 0) : x.localeCompare(y);
        return ascending ? order : -order;
      });
      rows.forEach(function (row) { body.appendChild(row); });
    });
  });
  update();
})();
"""


def _sha256_source(text: str) -> str:
    """A CSP source that allows exactly this inline block and nothing else."""
    digest = base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")
    return f"'sha256-{digest}'"


#: Nothing may be fetched, and only our own style and script run: even if a value escaped its
#: escaping, a browser would refuse to run it (the hashes pin the two inline blocks).
_CSP = (
    f"default-src 'none'; style-src {_sha256_source(_STYLE)}; "
    f"script-src {_sha256_source(_SCRIPT)}; img-src data:; connect-src 'none'; "
    "form-action 'none'; base-uri 'none'"
)

_COLUMNS = (
    ("Account", False),
    ("Name", False),
    ("Status", False),
    ("Call", False),
    ("Family", False),
    ("Request", False),
    ("Changes", False),
    ("Monthly cost", True),
    ("Note", False),
)


def _cost_cell(cost: Cost | None) -> str:
    if cost is None:
        return '<td class="num" data-sort="0">-</td>'
    amounts = priced(cost)
    if amounts is None:
        return (
            f'<td class="num" data-sort="0" title="{text(cost.reason or "no price")}">unknown</td>'
        )
    shown = " and ".join(format_money(amount, currency) for currency, amount in amounts)
    sort = sum((amount for _, amount in amounts), Decimal(0))
    return f'<td class="num" data-sort="{text(sort)}">{text(shown)}</td>'


def _blocked_reasons(account: AccountPlan) -> str:
    """`base_type_change: plan_base: type business_monthly -> business_yearly; ...`"""
    return "; ".join(f"{item.reason_code}: {item.message}" for item in account.blocked)


def _note(account: AccountPlan, action: Action | None) -> str:
    notes: list[str] = []
    if action is not None and action.in_flight is not None:
        flight = action.in_flight
        detail = text(json.dumps(flight, sort_keys=True, default=str))
        since = f" (sent {flight.get('sent_at')}, {flight.get('outcome')})" if flight else ""
        notes.append(f'<span class="flight" title="{detail}">awaiting Zoom{text(since)}</span>')
    if action is not None and action.renewal_notice:
        shown = text(f"renewal notice: {action.renewal_notice}")
        notes.append(f'<span class="renewal-notice">{shown}</span>')
    if account.status == "blocked":
        reasons = _blocked_reasons(account) or "blocked"
        what = "not sent: the account is blocked" if action else "blocked"
        notes.append(f'<span class="blocked-reason">{text(f"{what} ({reasons})")}</span>')
    elif account.status == "error":
        notes.append(text(f"could not be planned: {account.error or ''}"))
    elif account.status == "in_sync" and action is None:
        notes.append("in sync")
    return "; ".join(notes)


def _row(account: AccountPlan, action: Action | None) -> str:
    name = account.name or ""
    op = action.op if action else "-"
    family = title(family_of(action)) if action else "-"
    request = f"{action.method} {action.path}" if action else ""
    items = [line.strip() for _, line in call_lines(action)] if action else []
    changes = "".join(f"<li>{text(item)}</li>" for item in items)
    search = " ".join((account.account_id, name, op, account.status)).lower()
    cells = [
        f"<td>{text(account.account_id)}</td>",
        f"<td>{text(name)}</td>",
        f'<td class="status-{text(account.status)}">{text(account.status)}</td>',
        f"<td>{text(op)}</td>",
        f"<td>{text(family)}</td>",
        f"<td><code>{text(request)}</code></td>",
        f'<td><ul class="changes">{changes}</ul></td>' if changes else "<td></td>",
        _cost_cell(action.cost) if action else '<td class="num" data-sort="0"></td>',
        f"<td>{_note(account, action)}</td>",
    ]
    return f'<tr data-search="{text(search)}">{"".join(cells)}</tr>'


def _calls_table(accounts: Iterable[AccountPlan]) -> str:
    heads = "".join(
        f"<th{' data-numeric' if numeric else ''}>{text(title_)}</th>"
        for title_, numeric in _COLUMNS
    )
    rows: list[str] = []
    for account in accounts:
        rows.extend(_row(account, action) for action in account.actions)
        if not account.actions:
            rows.append(_row(account, None))
    return (
        '<input id="filter" type="search" placeholder="Filter by account id, name or call"'
        ' aria-label="Filter rows"> <span id="shown" class="note"></span>'
        f'<table id="calls"><thead><tr>{heads}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _figures(plan: Plan) -> str:
    summary = plan.summary()
    figures: list[tuple[str, str]] = [
        ("accounts", str(summary["accounts"])),
        ("with changes", str(summary["changes"])),
        ("in sync", str(summary["in_sync"])),
        ("blocked", str(summary["blocked"])),
        ("could not be read", str(summary["errors"])),
        ("calls to send", str(sum(summary["actions"].values()))),
        ("heavy calls", str(summary["heavy_calls"])),
    ]
    totals = plan.cost_totals()
    if totals is not None:
        for currency, amount in totals.monthly:
            figures.append(("net per month", format_money(amount, currency)))
        for currency, amount in totals.increases:
            figures.append(("gross increase per month", format_money(amount, currency)))
        if totals.unknown:
            figures.append(("calls with unknown cost", str(totals.unknown)))
    return (
        '<div class="figures" id="figures">'
        + "".join(
            f'<div class="figure"><b>{text(value)}</b><span>{text(label)}</span></div>'
            for label, value in figures
        )
        + "</div>"
    )


def _header_facts(plan: Plan) -> list[tuple[str, Any]]:
    """What the plan is and where it came from, in the order the header shows them. Each
    fact is one (label, value); a label's `code` element gets the label as its id."""
    options = plan.options
    return [
        ("plan_sha256", plan.plan_sha256),
        ("desired_sha256", plan.desired_sha256),
        ("git commit", plan.git_commit or "(not in git)"),
        ("created", _iso(plan.created_at)),
        ("expires", _iso(plan.expires_at)),
        ("format_version", plan.format_version),
        ("allow_decrease", options.allow_decrease),
        ("allow_cancel", options.allow_cancel),
        ("allow_cancel_base", options.allow_cancel_base),
        ("prices", options.prices or "(none)"),
    ]


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _header(plan: Plan) -> str:
    shown = " &middot; ".join(
        f'{text(label)} <code id="{text(label.replace(" ", "-"))}">{text(value_text(value))}</code>'
        for label, value in _header_facts(plan)
    )
    return f'<p class="provenance">{shown}</p>'


def _small_table(table_id: str, heads: Iterable[str], rows: Sequence[Iterable[Any]]) -> str:
    head = "".join(f"<th>{text(h)}</th>" for h in heads)
    body = "".join(
        "<tr>" + "".join(f"<td>{text(value_text(cell))}</td>" for cell in row) + "</tr>"
        for row in rows
    )
    return f'<table id="{table_id}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _problem_sections(accounts: tuple[AccountPlan, ...]) -> str:
    blocked = [
        (a.account_id, a.name or "", b.reason_code, b.op or "", b.message)
        for a in accounts
        for b in a.blocked
    ]
    errors = [
        (a.account_id, a.name or "", a.error_code or "", a.error)
        for a in accounts
        if a.status == "error"
    ]
    unmanaged = [
        (a.account_id, f"{u.title} ({u.group})" if u.title else u.group, u.type or "", u.detail)
        for a in accounts
        for u in a.unmanaged
    ]
    parts = ['<h2 id="blocked-heading">Blocked: reported, never sent</h2>']
    if blocked:
        heads: tuple[str, ...] = ("Account", "Name", "Reason", "Call", "Why")
        parts.append(_small_table("blocked", heads, blocked))
    else:
        parts.append('<p class="note" id="blocked">Nothing is blocked.</p>')
    if errors:
        parts.append('<h2 id="errors-heading">Could not be planned</h2>')
        parts.append(_small_table("errors", ("Account", "Name", "Code", "Error"), errors))
    parts.append('<h2 id="unmanaged-heading">Unmanaged: live, not in the YAML, left alone</h2>')
    if unmanaged:
        heads = ("Account", "Group", "Type", "Detail")
        parts.append(_small_table("unmanaged", heads, unmanaged))
    else:
        parts.append('<p class="note" id="unmanaged">Nothing unmanaged.</p>')
    return "".join(parts)


def _settings(plan: Plan) -> str:
    """Uncommitted changes, prominently, then the non-default settings (planner/header.py)."""
    lines = plan.header_lines()
    parts = []
    if plan.git_dirty and lines:
        parts.append(
            '<p class="dirty" id="git-dirty"><strong>Made from uncommitted changes:</strong> '
            f"{text(lines.pop(0).partition(': ')[2])}</p>"
        )
    if lines:
        items = "".join(f"<li><code>{text(line)}</code></li>" for line in lines)
        parts.append(f'<ul class="provenance" id="settings">{items}</ul>')
    return "".join(parts)


def render_html(plan: Plan) -> str:
    """The whole plan as one HTML file that needs nothing but a browser."""
    figures = family_figures(plan)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{text(_CSP)}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>zoomplans plan</title>"
        f"<style>{_STYLE}</style></head><body>"
        "<h1>zoomplans plan</h1>"
        + _header(plan)
        + _settings(plan)
        + unknown_renewals(plan)
        + _figures(plan)
        + '<h2>Where the money and seats go</h2><div class="charts">'
        + cost_chart(figures, priced_plan=plan.options.prices is not None)
        + seat_chart(figures)
        + "</div><h2>Accounts and calls</h2>"
        '<p class="note">Calls in the order <code>zoomplans apply</code> sends them. '
        "Click a header to sort; type to filter.</p>"
        + _calls_table(plan.accounts)
        + _problem_sections(plan.accounts)
        + renewals_section(plan)
        + f"<script>{_SCRIPT}</script></body></html>\n"
    )


class HtmlRenderer:
    """The Renderer of `--format html` and of `--html FILE`."""

    def render(self, plan: Plan, out: TextIO) -> None:
        out.write(render_html(plan))


def write_html_report(plan: Plan, out: Path) -> None:
    """Write the report atomically, like the plan file: a CI upload never sees half of it."""
    out = out.expanduser()
    directory = out.parent if str(out.parent) else Path(".")
    directory.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(render_html(plan))
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise

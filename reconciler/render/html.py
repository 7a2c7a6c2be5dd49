"""The plan as one self-contained HTML report, for a reviewer who wants to see where money goes.

A CI job uploads the file as an artifact; a reviewer opens it from disk. So it needs no network
at all: CSS and script are inline, the charts are SVG drawn by `html_charts`, and a Content
Security Policy forbids every fetch and every script but ours (pinned by hash), so a later edit
that adds a CDN link fails loudly in the browser test instead of leaking a reviewer's visit.
The report renders from the plan's JSON form (`Plan.to_json()`), so fields other parts of
zoomplans add to an action (`changes`, `in_flight`) show up without this module knowing the
dataclasses. Every value is escaped: account names come
from users. The script only reads the DOM (sort, filter); no plan data is embedded in it.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import tempfile
from collections.abc import Iterable, Mapping
from decimal import Decimal
from html import escape
from pathlib import Path
from typing import Any

from reconciler.groups.operations import Effect, Sides, is_op, spec_of
from reconciler.planner.bodies import scheduled_date
from reconciler.planner.header import header_lines_of_json
from reconciler.planner.model import Plan
from reconciler.pricing.money import format_money
from reconciler.render.html_charts import cost_chart, family_of, seat_chart

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


def _value(value: Any) -> str:
    """A field value as a reviewer reads it: lists joined, a missing value shown as (unset)."""
    if value is None:
        return "(unset)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ",".join(str(v) for v in value) or "(none)"
    if isinstance(value, dict):
        return json.dumps(value, sort_keys=True)
    return str(value)


def _change_items(action: Mapping[str, Any]) -> list[str]:
    """`path: before -> after` per changed field, and `from DATE` for a scheduled change."""
    items = _field_items(action)
    when = scheduled_date(action.get("body") or {})
    return [*items, f"from {when}"] if when else items


def _field_items(action: Mapping[str, Any]) -> list[str]:
    """`path: before -> after` per changed field: `changes` when present, else before/after."""
    changes = action.get("changes")
    if isinstance(changes, list) and changes:
        return [
            f"{change.get('path')}: {_value(change.get('before'))} -> {_value(change.get('after'))}"
            for change in changes
            if isinstance(change, Mapping)
        ]
    before, after = action.get("before") or {}, action.get("after") or {}
    op = action.get("op")
    spec = spec_of(op) if is_op(op) else None
    if spec is not None and spec.sides is Sides.SUBSCRIPTION:
        entries = [("plan_base", after.get("plan_base") or {})]
        entries += [(str(a.get("group")), a) for a in after.get("addons") or []]
        return [f"{group}: {_fields(entry)}" for group, entry in entries]
    if spec is not None and spec.effect is Effect.START:
        return [f"{spec.verb} {_fields(after)}"]
    if spec is not None and spec.effect is Effect.END:
        return [f"{spec.verb} {_fields(before)}"]
    names = sorted(set(before) | set(after))
    return [
        f"{name}: {_value(before.get(name))} -> {_value(after.get(name))}"
        for name in names
        if before.get(name) != after.get(name) and name != "group"
    ]


def _fields(entry: Mapping[str, Any]) -> str:
    return ", ".join(f"{k} {_value(v)}" for k, v in sorted(entry.items()) if k != "group")


def _cost_cell(cost: Mapping[str, Any] | None) -> str:
    if cost is None:
        return '<td class="num" data-sort="0">-</td>'
    if not cost.get("known"):
        reason = escape(str(cost.get("reason") or "no price"))
        return f'<td class="num" data-sort="0" title="{reason}">unknown</td>'
    # One currency: `currency` and `monthly`; a call priced in several: `by_currency`, each shown
    # (the sort key adds them up: only an order, never a figure shown).
    amounts = cost.get("by_currency") or {cost["currency"]: cost["monthly"]}
    parts = [(str(cur), Decimal(str(value))) for cur, value in sorted(amounts.items())]
    shown = escape(" and ".join(format_money(value, cur) for cur, value in parts))
    total = sum((value for _cur, value in parts), Decimal(0))
    return f'<td class="num" data-sort="{escape(str(total))}">{shown}</td>'


def _note(account: Mapping[str, Any], action: Mapping[str, Any] | None) -> str:
    notes: list[str] = []
    if action is not None and action.get("in_flight") is not None:
        flight = action["in_flight"]
        detail = escape(json.dumps(flight, sort_keys=True, default=str))
        since = f" (sent {flight.get('sent_at')}, {flight.get('outcome')})" if flight else ""
        notes.append(f'<span class="flight" title="{detail}">awaiting Zoom{escape(since)}</span>')
    status = account.get("status")
    if status == "blocked":
        notes.append("not sent: the account is blocked" if action else "blocked")
    elif status == "error":
        notes.append(escape(f"could not be planned: {account.get('error') or ''}"))
    elif status == "in_sync" and action is None:
        notes.append("in sync")
    return "; ".join(notes)


def _row(account: Mapping[str, Any], action: Mapping[str, Any] | None) -> str:
    account_id = str(account.get("account_id"))
    name = str(account.get("name") or "")
    status = str(account.get("status"))
    op = str(action.get("op")) if action else "-"
    family = family_of(action) if action else "-"
    request = f"{action.get('method')} {action.get('path')}" if action else ""
    items = _change_items(action) if action else []
    changes = "".join(f"<li>{escape(item)}</li>" for item in items)
    search = " ".join((account_id, name, op, status)).lower()
    cells = [
        f"<td>{escape(account_id)}</td>",
        f"<td>{escape(name)}</td>",
        f'<td class="status-{escape(status)}">{escape(status)}</td>',
        f"<td>{escape(op)}</td>",
        f"<td>{escape(family)}</td>",
        f"<td><code>{escape(request)}</code></td>",
        f'<td><ul class="changes">{changes}</ul></td>' if changes else "<td></td>",
        _cost_cell(action.get("cost")) if action else '<td class="num" data-sort="0"></td>',
        f"<td>{_note(account, action)}</td>",
    ]
    return f'<tr data-search="{escape(search)}">{"".join(cells)}</tr>'


def _calls_table(accounts: Iterable[Mapping[str, Any]]) -> str:
    heads = "".join(
        f"<th{' data-numeric' if numeric else ''}>{escape(title)}</th>"
        for title, numeric in _COLUMNS
    )
    rows: list[str] = []
    for account in accounts:
        actions = account.get("actions") or []
        rows.extend(_row(account, action) for action in actions)
        if not actions:
            rows.append(_row(account, None))
    return (
        '<input id="filter" type="search" placeholder="Filter by account id, name or call"'
        ' aria-label="Filter rows"> <span id="shown" class="note"></span>'
        f'<table id="calls"><thead><tr>{heads}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _figures(plan_json: Mapping[str, Any]) -> str:
    summary = plan_json.get("summary") or {}
    ops = summary.get("actions") or {}
    figures: list[tuple[str, str]] = [
        ("accounts", str(summary.get("accounts", 0))),
        ("with changes", str(summary.get("changes", 0))),
        ("in sync", str(summary.get("in_sync", 0))),
        ("blocked", str(summary.get("blocked", 0))),
        ("could not be read", str(summary.get("errors", 0))),
        ("calls to send", str(sum(ops.values()))),
        ("heavy calls", str(summary.get("heavy_calls", 0))),
    ]
    cost = summary.get("cost")
    if cost is not None:
        for currency, amount in sorted((cost.get("monthly") or {}).items()):
            figures.append(("net per month", format_money(Decimal(amount), currency)))
        for currency, amount in sorted((cost.get("gross_increase") or {}).items()):
            figures.append(("increases per month", format_money(Decimal(amount), currency)))
        if cost.get("unknown_actions"):
            figures.append(("calls with unknown cost", str(cost["unknown_actions"])))
    return (
        '<div class="figures" id="figures">'
        + "".join(
            f'<div class="figure"><b>{escape(value)}</b><span>{escape(label)}</span></div>'
            for label, value in figures
        )
        + "</div>"
    )


def _provenance(plan_json: Mapping[str, Any]) -> str:
    options = plan_json.get("options") or {}
    facts = [
        ("plan_sha256", plan_json.get("plan_sha256")),
        ("desired_sha256", plan_json.get("desired_sha256")),
        ("git commit", plan_json.get("git_commit") or "(not in git)"),
        ("created", plan_json.get("created_at")),
        ("expires", plan_json.get("expires_at")),
        ("format_version", plan_json.get("format_version")),
        ("allow_decrease", options.get("allow_decrease")),
        ("allow_cancel", options.get("allow_cancel")),
        ("allow_cancel_base", options.get("allow_cancel_base", False)),
        ("prices", options.get("prices") or "(none)"),
    ]
    shown = " &middot; ".join(
        f'{escape(label)} <code id="{label.replace(" ", "-")}">{escape(_value(value))}</code>'
        for label, value in facts
    )
    return f'<p class="provenance">{shown}</p>'


def _small_table(table_id: str, heads: Iterable[str], rows: list[Iterable[Any]]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in heads)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(_value(cell))}</td>" for cell in row) + "</tr>"
        for row in rows
    )
    return f'<table id="{table_id}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _group_name(item: Mapping[str, Any]) -> str:
    """`Revenue Accelerator (plan_zoom_iq)`: the group as Zoom sells it, and its key."""
    title = item.get("title")
    return f"{title} ({item.get('group')})" if title else str(item.get("group"))


def _problem_sections(accounts: list[Mapping[str, Any]]) -> str:
    blocked = [
        (a.get("account_id"), a.get("name") or "", b.get("reason"), b.get("op") or "", b["message"])
        for a in accounts
        for b in a.get("blocked") or []
    ]
    errors = [
        (a.get("account_id"), a.get("name") or "", a.get("error_code") or "", a.get("error"))
        for a in accounts
        if a.get("status") == "error"
    ]
    unmanaged = [
        (a.get("account_id"), _group_name(u), u.get("type") or "", u.get("detail"))
        for a in accounts
        for u in a.get("unmanaged") or []
    ]
    parts = ['<h2 id="blocked-heading">Blocked: reported, never sent</h2>']
    if blocked:
        heads = ("Account", "Name", "Reason", "Call", "Why")
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


def _header_lines(plan_json: Mapping[str, Any]) -> str:
    """Uncommitted changes, prominently, then the non-default settings (planner/header.py)."""
    lines = header_lines_of_json(plan_json)
    dirty = plan_json.get("git_dirty") is True
    parts = []
    if dirty and lines:
        parts.append(
            '<p class="dirty" id="git-dirty"><strong>Made from uncommitted changes:</strong> '
            f"{escape(lines.pop(0).partition(': ')[2])}</p>"
        )
    if lines:
        items = "".join(f"<li><code>{escape(line)}</code></li>" for line in lines)
        parts.append(f'<ul class="provenance" id="settings">{items}</ul>')
    return "".join(parts)


def render_html_json(plan_json: Mapping[str, Any]) -> str:
    """The report of a plan's JSON form (a plan file as `apply --plan` reads it)."""
    accounts = list(plan_json.get("accounts") or [])
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{escape(_CSP)}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>zoomplans plan</title>"
        f"<style>{_STYLE}</style></head><body>"
        "<h1>zoomplans plan</h1>"
        + _header_lines(plan_json)
        + _provenance(plan_json)
        + _figures(plan_json)
        + '<h2>Where the money and seats go</h2><div class="charts">'
        + cost_chart(plan_json)
        + seat_chart(plan_json)
        + "</div><h2>Accounts and calls</h2>"
        '<p class="note">Calls in the order <code>zoomplans apply</code> sends them. '
        "Click a header to sort; type to filter.</p>"
        + _calls_table(accounts)
        + _problem_sections(accounts)
        + f"<script>{_SCRIPT}</script></body></html>\n"
    )


def render_html(plan: Plan) -> str:
    """The whole plan as one HTML file that needs nothing but a browser."""
    return render_html_json(plan.to_json())


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

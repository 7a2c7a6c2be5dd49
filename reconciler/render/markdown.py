"""The plan as a pull-request comment: a summary table, then one collapsible section per account.

GitHub refuses a comment over 65,536 characters, and a comment that silently stops mid-way would
hide changes from the reviewer. So sections are added most-dangerous first (errors, blocked,
changes) while they fit a budget, and a closing line says exactly how many accounts, of which
kind, were left out and where to read them all. Charts of cost and seats by plan family
(reconciler.render.chart) come after the summary tables when there is something to chart; they
are dropped when that alone lets every account fit, and kept (a few hundred characters) when
accounts are left out anyway, since the chart is then the only view of the whole plan.

Every value from a file or from Zoom is escaped by reconciler.escaping.markdown for where it
sits: in a `<summary>` (one line, HTML-escaped: a blank line or `</summary>` in a name cannot
end the `<details>` block), in a table cell, or in a fenced diff block (a longer fence; every
line inert). This module only reads the Plan.
"""

from __future__ import annotations

from typing import TextIO

from reconciler.escaping.markdown import fence_for, in_cell, in_html
from reconciler.escaping.terminal import inert
from reconciler.planner.model import AccountPlan, Plan
from reconciler.pricing.money import CostTotals, format_totals
from reconciler.render.chart import markdown_charts
from reconciler.render.renewal import heading, rows, unknown_sentence
from reconciler.render.text import account_lines, join_lines, shown_accounts, summary_line

GITHUB_COMMENT_LIMIT = 65_536
#: Room kept for the closing "left out" paragraph, whatever the counts.
_RESERVE = 1_000
#: At most this much of the comment lists renewals (flagged ones first); the rest are counted.
RENEWALS_BUDGET = 16_000


def _account_cost(account: AccountPlan) -> str:
    """`, +$109.95/month` for an account whose calls are priced; nothing without prices."""
    if all(action.cost is None for action in account.actions):
        return ""
    if account.awaiting_zoom:  # nothing is sent to it this time; its purchase was made
        return ", awaiting Zoom"
    return ", " + in_html(format_totals(CostTotals.of(a.cost for a in account.actions)))


def _section(account: AccountPlan) -> str:
    calls = len(account.actions)
    what = {
        "error": "could not be planned",
        "blocked": f"blocked ({len(account.blocked)} reason(s)); nothing is sent",
        "changes": f"{calls} call(s)" + _account_cost(account),
        "in_sync": "in sync; unmanaged items only",
    }[account.status]
    name = f" {in_html(account.name)}" if account.name else ""
    source = f" <code>{in_html(account.source)}</code>" if account.source else ""
    body = join_lines(account_lines(account))
    fence = fence_for(body)
    return (
        f"<details><summary><b>{in_html(account.account_id)}</b>{name}{source}: {what}"
        f"</summary>\n\n{fence}diff\n{body}\n{fence}\n\n</details>\n"
    )


def _op_cost(plan: Plan, op: str) -> str:
    """The summed monthly cost of one op's calls, `unknown` when any lacks a price."""
    totals = CostTotals.of(a.cost for a in plan.sent_actions() if a.op == op)
    if not totals.monthly and not totals.unknown:
        return "-"
    return format_totals(totals)


def _tables(plan: Plan) -> str:
    s = plan.summary()
    ops = s["actions"]
    rows = [
        "| accounts | count |",
        "|---|---:|",
        f"| in sync | {s['in_sync']} |",
        f"| changes | {s['changes']} |",
        f"| blocked | {s['blocked']} |",
        f"| errors | {s['errors']} |",
        "",
    ]
    if plan.cost_totals() is None:
        rows += ["| call | count |", "|---|---:|"]
        rows += [f"| `{in_cell(op)}` | {count} |" for op, count in ops.items()]
    else:
        rows += ["| call | count | monthly cost |", "|---|---:|---:|"]
        rows += [
            f"| `{in_cell(op)}` | {count} | {in_cell(_op_cost(plan, op))} |"
            for op, count in ops.items()
        ]
    return "\n".join(rows) + "\n"


def _provenance(plan: Plan) -> str:
    """Where the plan came from, under the tables (facts about the plan as a whole, such as
    its hash or the settings it was made with, belong here; each value through in_cell)."""
    made = f"\nMade from git commit `{in_cell(plan.git_commit)}`.\n" if plan.git_commit else ""
    return made + f"\nplan_sha256 `{in_cell(plan.plan_sha256)}`\n" + _settings(plan)


def _settings(plan: Plan) -> str:
    """Uncommitted changes as a warning callout, then the non-default settings, each as an
    inline code span (made inert, no backtick) so nothing a value holds is read as Markdown."""
    lines = [inert(line) for line in plan.header_lines()]
    if not lines:
        return ""
    spans = ["`" + line.replace("`", "'") + "`" for line in lines]
    head = ""
    if plan.git_dirty:
        spans.pop(0)
        files = "`" + lines[0].partition(": ")[2].replace("`", "'") + "`"
        head = f"\n> [!WARNING]\n> **Made from uncommitted changes:** {files}\n"
    listed = "".join(f"- {span}\n" for span in spans)
    return head + (f"\nSettings that differ from the defaults:\n\n{listed}" if listed else "")


def _renewals(plan: Plan) -> str:
    """Unknown renewal dates as a warning callout; else a collapsed table of the renewals
    list's accounts, within RENEWALS_BUDGET (those with a flagged removal first)."""
    unknown = unknown_sentence(plan)
    if unknown:
        return f"\n> [!WARNING]\n> {in_cell(unknown)}\n"
    listed = rows(plan)
    if not listed:
        return ""
    table = [
        "| account | name | next renewal | automatic | amount | cycles | flagged calls |",
        "|---|---|---|---|---:|---|---:|",
    ]
    used, shown = 0, 0
    for row in listed:
        account, *rest = row.cells()
        line = f"| `{in_cell(account)}` | " + " | ".join(in_cell(c) for c in rest) + " |"

        if used + len(line) > RENEWALS_BUDGET:
            break
        table.append(line)
        used, shown = used + len(line) + 1, shown + 1
    more = len(listed) - shown
    if more:
        table += ["", f"_{more} more renewal(s) in the JSON plan file and the text output._"]
    body = "\n".join(table)
    return f"\n<details><summary>{in_html(heading(plan))}</summary>\n\n{body}\n\n</details>\n"


def render_markdown(plan: Plan, *, limit: int = GITHUB_COMMENT_LIMIT) -> str:
    """The comment; never longer than `limit` characters, saying what it left out."""
    head = (
        "### zoomplans plan\n\n"
        f"**{in_html(summary_line(plan))}**\n\n"
        + _tables(plan)
        + _provenance(plan)
        + _renewals(plan)
        + "\n"
    )
    accounts = shown_accounts(plan)
    sections = [_section(account) for account in accounts]
    budget = limit - _RESERVE
    charts = markdown_charts(plan)
    needed = len(head) + sum(map(len, sections))
    if charts and needed <= budget < needed + len(charts):
        # The chart would push accounts out that fit without it: the accounts come first. When
        # accounts are cut anyway, the small chart stays: it is then the only whole-plan view.
        note = "_Charts left out to make room for every account._\n\n"
        charts = note if needed + len(note) <= budget else ""
    head += charts
    parts = [head]
    used = len(head)
    left_out: dict[str, int] = {}
    for account, section in zip(accounts, sections, strict=True):
        if not left_out and used + len(section) <= budget:
            parts.append(section)
            used += len(section)
        else:
            left_out[account.status] = left_out.get(account.status, 0) + 1
    if left_out:
        total = sum(left_out.values())
        kinds = ", ".join(
            f"{count} {status.replace('_', ' ')}" for status, count in left_out.items()
        )
        parts.append(
            f"\n**{total} more account(s) left out** ({kinds}) to stay under GitHub's "
            f"{GITHUB_COMMENT_LIMIT:,}-character comment limit. The full plan is in the JSON plan "
            "file (`zoomplans plan --out FILE`) and in `zoomplans plan --format text`.\n"
        )
    text = "".join(parts)
    if len(text) > limit:  # only a gigantic summary could do this; never exceed the limit
        text = text[: limit - 40] + "\n\n(truncated to GitHub's limit)\n"
    return text


class MarkdownRenderer:
    """The Renderer of `--format markdown`: the pull-request comment, within `limit`."""

    def __init__(self, *, limit: int = GITHUB_COMMENT_LIMIT) -> None:
        self.limit = limit

    def render(self, plan: Plan, out: TextIO) -> None:
        out.write(render_markdown(plan, limit=self.limit))

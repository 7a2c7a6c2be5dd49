"""The plan as a pull-request comment: a summary table, then one collapsible section per account.

GitHub refuses a comment over 65,536 characters, and a comment that silently stops mid-way would
hide changes from the reviewer. So sections are added most-dangerous first (errors, blocked,
changes) while they fit a budget, and a closing line says exactly how many accounts, of which
kind, were left out and where to read them all. Mermaid charts of cost and seats by plan family
(reconciler.render.chart) come after the summary tables when there is something to chart; they
are dropped when that alone lets every account fit, and kept (a few hundred characters) when
accounts are left out anyway, since the chart is then the only view of the whole plan. This
module only reads the Plan.
"""

from __future__ import annotations

import html

from reconciler.planner.model import AccountPlan, Plan
from reconciler.pricing.money import CostTotals, format_totals
from reconciler.render.chart import mermaid_charts
from reconciler.render.text import account_lines, join_lines, shown_accounts, summary_line

GITHUB_COMMENT_LIMIT = 65_536
#: Room kept for the closing "left out" paragraph, whatever the counts.
_RESERVE = 1_000


def _fence(text: str) -> str:
    """A fence longer than any backtick run in `text`, so a message cannot break out of it."""
    longest, run = 0, 0
    for char in text:
        run = run + 1 if char == "`" else 0
        longest = max(longest, run)
    return "`" * max(3, longest + 1)


def _account_cost(account: AccountPlan) -> str:
    """`, +$109.95/month` for an account whose calls are priced; nothing without prices."""
    if all(action.cost is None for action in account.actions):
        return ""
    if account.awaiting_zoom:  # nothing is sent to it this time; its purchase was made
        return ", awaiting Zoom"
    return ", " + html.escape(format_totals(CostTotals.of(a.cost for a in account.actions)))


def _section(account: AccountPlan) -> str:
    calls = len(account.actions)
    what = {
        "error": "could not be planned",
        "blocked": f"blocked ({len(account.blocked)} reason(s)); nothing is sent",
        "changes": f"{calls} call(s)" + _account_cost(account),
        "in_sync": "in sync; unmanaged items only",
    }[account.status]
    name = f" {html.escape(account.name)}" if account.name else ""
    source = f" <code>{html.escape(account.source)}</code>" if account.source else ""
    body = join_lines(account_lines(account))
    fence = _fence(body)
    return (
        f"<details><summary><b>{html.escape(account.account_id)}</b>{name}{source}: {what}"
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
        rows += [f"| `{op}` | {count} |" for op, count in ops.items()]
    else:
        rows += ["| call | count | monthly cost |", "|---|---:|---:|"]
        rows += [f"| `{op}` | {count} | {_op_cost(plan, op)} |" for op, count in ops.items()]
    return "\n".join(rows) + "\n"


def _provenance(plan: Plan) -> str:
    """Uncommitted changes as a warning callout, then the non-default settings, each as an
    inline code span so nothing a value holds is read as Markdown (planner/header.py)."""
    lines = plan.header_lines()
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


def render_markdown(plan: Plan, *, limit: int = GITHUB_COMMENT_LIMIT) -> str:
    """The comment; never longer than `limit` characters, saying what it left out."""
    head = (
        "### zoomplans plan\n\n"
        f"**{summary_line(plan)}**\n\n"
        + _tables(plan)
        + (f"\nMade from git commit `{plan.git_commit}`.\n" if plan.git_commit else "")
        + f"\nplan_sha256 `{plan.plan_sha256}`\n"
        + _provenance(plan)
        + "\n"
    )
    accounts = shown_accounts(plan)
    sections = [_section(account) for account in accounts]
    budget = limit - _RESERVE
    charts = mermaid_charts(plan)
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

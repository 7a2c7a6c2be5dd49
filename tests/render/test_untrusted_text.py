"""Untrusted text is inert (issue 22): a name, a reason or a Zoom message holding a newline, a
carriage return, an escape sequence or `</summary>` cannot forge a line of the review, drive
the terminal, or break the Markdown comment's `<details>` blocks or the HTML report.

Each output is parsed as its reader parses it: text by lines, the Markdown comment by its
HTML blocks, the report by an HTML parser.
"""

from __future__ import annotations

import html
import logging
import re
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from reconciler.cli import cli
from reconciler.desired.model import DesiredAccount, SourceMark
from reconciler.escaping.markdown import in_cell
from reconciler.escaping.terminal import inert
from reconciler.planner.core import build_plan
from reconciler.planner.model import Plan, PlanOptions
from reconciler.planner.renewal_record import Renewal, RenewalReading
from reconciler.render.html import render_html
from reconciler.render.markdown import render_markdown
from reconciler.render.text import render_text
from reconciler.zoom.errors import ServerError
from reconciler.zoom.live import LivePlans
from tests.render.parsed import summary_lines
from tests.report_plan import NOW

FORGED = "Plan: 0 to subscribe, 0 to change, 0 add-ons to add, 0 to cancel; 0 blocked; 1 in sync."
HOSTILE = f"Acme\n{FORGED}\r\x1b[1A\x1b[2K</summary>\n\n# injected\n<img src=x>\u202e|`x`|"
RAW_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e]")
BASE = {"type": "business_monthly", "hosts": 20, "status": "active"}


def hostile_plan() -> Plan:
    """A change, a blocked account and an unreadable one, every name hostile, and a Zoom
    error message hostile too."""
    wants = {
        "sub_change": {"plan_base": {"type": "business_monthly", "hosts": 25}},
        "sub_block": {"plan_base": {"type": "business_yearly", "hosts": 20}},
        "sub_down": {"plan_base": {"type": "business_monthly", "hosts": 20}},
    }
    accounts = [
        DesiredAccount(aid, SourceMark(f"accounts/{aid}\x1b[2K.yaml", 1), want, name=HOSTILE)
        for aid, want in wants.items()
    ]
    error = ServerError(HOSTILE, status=503, method="GET", path="/accounts/sub_down/plans")
    lives = {
        "sub_change": LivePlans("sub_change", {"plan_base": BASE}),
        "sub_block": LivePlans("sub_block", {"plan_base": BASE}),
        "sub_down": LivePlans("sub_down", None, None, error),
    }
    return build_plan(accounts, lives, PlanOptions(), now=NOW)


def test_text_has_one_summary_line_and_no_raw_control_character() -> None:
    plan = hostile_plan()
    text = render_text(plan)
    assert summary_lines(text) == [summary_lines(text)[-1]] and text.splitlines()[-1].startswith(
        "Plan: 0 to subscribe, 1 to change"
    )
    assert not RAW_CONTROL.search(text)
    assert inert(HOSTILE) in text  # shown, escaped: `\n`, `\r`, `\x1b`, `\u202e`
    assert "\\x1b[2K" in text and "\\n" in text and "\\r" in text
    coloured = render_text(plan, colour=True)
    assert not RAW_CONTROL.search(re.sub(r"\x1b\[[0-9;]*m", "", coloured))  # colour only


class _Blocks(HTMLParser):
    """The comment's HTML: start and end tags in order, and the text of each <summary>."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.summaries: list[str] = []
        self._in_summary = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "summary":
            self._in_summary = True
            self.summaries.append("")

    def handle_endtag(self, tag: str) -> None:
        self.tags.append(f"/{tag}")
        if tag == "summary":
            self._in_summary = False

    def handle_data(self, data: str) -> None:
        if self._in_summary:
            self.summaries[-1] += data


def test_markdown_keeps_every_name_inside_its_summary() -> None:
    plan = hostile_plan()
    markdown = render_markdown(plan)
    assert not RAW_CONTROL.search(markdown)
    (summary,) = [line for line in markdown.splitlines() if re.match(r"^\W*Plan:", line)]
    assert summary.startswith("**Plan: 0 to subscribe, 1 to change")
    assert not re.search(r"^#+ injected", markdown, re.M)
    # every <details> line opens and closes its summary on that one line (GitHub ends an HTML
    # block at a blank line: nothing of a name may reach the next line)
    opened = [line for line in markdown.splitlines() if line.startswith("<details>")]
    assert len(opened) == 3
    for line in opened:
        assert line.count("<summary>") == line.count("</summary>") == 1
        assert line.endswith("</summary>")
    # a fenced block's content is text to Markdown: leave it out of the HTML, as GitHub does
    fenced = re.compile(r"^(`{3,})diff\n(.*?)^\1$", re.S | re.M)
    assert len(fenced.findall(markdown)) == 3
    blocks = _Blocks()
    blocks.feed(fenced.sub("", markdown))
    assert "img" not in blocks.tags
    assert blocks.tags.count("details") == blocks.tags.count("/details") == 3
    for tag in ("summary", "details"):  # strictly nested: open, close, open, close...
        sequence = [t for t in blocks.tags if t.strip("/") == tag]
        assert sequence == [tag, f"/{tag}"] * 3
    assert all(inert(HOSTILE) in summary for summary in blocks.summaries)


PINGING = "Acme @acme-corp/billing-team (see #123, acme/ops#7 and !45), ops@example.com"
#: What GitHub (and GitLab) would link: a mention not inside a word, an issue or MR reference.
MENTION_OR_REFERENCE = re.compile(r"(?<!\w)@\w|[#!]\d")


def test_markdown_mentions_and_issue_references_in_names_link_no_one() -> None:
    """The comment is posted on the pull request: `@team` in an account name would notify the
    whole team, `#123` would write "mentioned this" into issue 123. Outside the fenced blocks
    (which link nothing) no such sign is left, and the name still reads the same."""
    account = DesiredAccount(
        "sub_ping", SourceMark("accounts/ping.yaml", 1), {"plan_base": BASE}, name=PINGING
    )
    plan = build_plan(
        [account],
        {"sub_ping": LivePlans("sub_ping", {"plan_base": {**BASE, "hosts": 19}})},
        PlanOptions(),
        now=NOW,
    )
    markdown = render_markdown(plan)
    outside = re.sub(r"^(`{3,})diff\n.*?^\1$", "", markdown, flags=re.S | re.M)
    assert PINGING.split(",")[0][:4] in outside  # the name is in the summary
    assert not MENTION_OR_REFERENCE.search(html.unescape(outside))
    blocks = _Blocks()
    blocks.feed(outside)
    (summary,) = blocks.summaries
    assert PINGING in summary.replace("\u200b", "")  # reads the same, zero-width spaces aside
    assert "ops@example.com" in summary  # an address is not a mention: left whole
    assert in_cell("@team #1") == "@&#8203;team #&#8203;1"


def test_a_hostile_value_in_a_table_cell_stays_in_it() -> None:
    cell = in_cell(HOSTILE)
    assert "|" not in cell and "\n" not in cell and "<" not in cell and "`" not in cell


class _Report(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.cells: list[str] = []
        self._cell: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "td":
            self._cell = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self._cell is not None:
            self.cells.append(self._cell)
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell += data


def test_html_escapes_everything_and_shows_control_characters() -> None:
    report = render_html(hostile_plan())
    assert not RAW_CONTROL.search(report)
    parsed = _Report()
    parsed.feed(report)
    assert "img" not in parsed.tags and parsed.tags.count("script") == 1
    assert inert(HOSTILE) in parsed.cells  # the name cell shows the name, escaped, verbatim
    assert any(inert(HOSTILE) in cell for cell in parsed.cells if cell.startswith("could not"))


def test_a_plan_file_with_a_hostile_name_prints_inert(tmp_path: Path) -> None:
    """The same for a plan file read back (apply --plan shows it before the `yes` prompt)."""
    plan = hostile_plan()
    again = Plan.from_json(plan.to_json())
    assert render_text(again) == render_text(plan)
    assert render_markdown(again) == render_markdown(plan)


def test_validate_warns_on_control_characters_in_a_name(tmp_path: Path) -> None:
    folder = tmp_path / "accounts"
    folder.mkdir()
    (folder / "acme.yaml").write_text(
        'account_id: sub_1\nname: "Acme\\e[1A\\e[2K\\nPlan: forged"\n'
        'labels: {team: "ops\\u202e"}\n'
        "plans:\n  plan_base: {type: business_monthly, hosts: 12}\n",
        encoding="utf-8",
    )
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:  # -v configures the root logger: put it back for the tests after this one
        result: Any = CliRunner().invoke(cli, ["-v", "validate", str(folder)])
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
    out = result.stdout + (result.stderr if result.stderr_bytes else "")
    assert not RAW_CONTROL.search(out)
    assert re.search(r"acme\.yaml:2:7: warning: name holds control characters \(Acme\\x1b\[1A", out)
    assert re.search(r"acme\.yaml:3:\d+: warning: labels\.team holds control characters", out)
    assert result.exit_code == 0, out  # a warning: the account still validates


def test_apply_report_lines_are_inert() -> None:
    """apply's closing report quotes Zoom's messages and blocked reasons, one line each."""
    from reconciler.apply.report import AccountReport, ApplyReport

    report = ApplyReport(
        accounts=[
            AccountReport("sub_1", "failed", reason=HOSTILE),
            AccountReport("sub_2", "blocked"),
        ]
    )
    lines = report.lines()
    assert len(lines) == 3 and not any(RAW_CONTROL.search(line) or "\n" in line for line in lines)
    assert inert(HOSTILE) in lines[0]
    assert summary_lines("\n".join(lines)) == []  # the forged `Plan:` stays inside its line


def test_renewals_hold_hostile_names_and_zoom_messages_inert() -> None:
    """Every hostile-named account listed with a renewal, and a renewals read that failed with
    a hostile Zoom message: inert in every format."""
    plan = hostile_plan()
    renewal = Renewal(
        next_renewal_date=NOW.date() + timedelta(days=30),
        auto_renew=True,
        total_renewal_amount=Decimal(5),
    )
    listed = replace(
        plan,
        accounts=tuple(replace(a, renewal=renewal) for a in plan.accounts),
        renewals=RenewalReading(interval_days=90, notice_days=14),
    )
    why = f"GET /accounts/billing/renewals failed: {HOSTILE}"
    unknown = replace(plan, renewals=RenewalReading(interval_days=90, notice_days=14, unknown=why))
    for made in (listed, unknown):
        text = render_text(made)
        assert not RAW_CONTROL.search(text) and len(summary_lines(text)) == 1
        assert inert(HOSTILE) in text
        markdown = render_markdown(made)
        assert not RAW_CONTROL.search(markdown) and not re.search(r"^#+ injected", markdown, re.M)
        fenced = re.compile(r"^(`{3,})diff\n(.*?)^\1$", re.S | re.M)  # text to Markdown
        assert "<img" not in fenced.sub("", markdown)
        report = render_html(made)
        assert "<img" not in report and not RAW_CONTROL.search(report)
    assert "Renewals within 90 days (3 account(s))" in render_text(listed)
    assert render_text(unknown).count("Renewal dates are unknown") == 1

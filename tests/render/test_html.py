"""The HTML report: self-contained, escaped, complete, and its charts add up to the plan."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from html.parser import HTMLParser

from reconciler.planner.core import build_plan
from reconciler.planner.model import Action, Plan, PlanOptions
from reconciler.pricing.money import Cost
from reconciler.render.families import SUBSCRIPTION, Movement, family_figures
from reconciler.render.html import render_html
from tests.report_plan import HOSTILE_NAME, NOW, report_plan

PLAN = report_plan()


class Tags(HTMLParser):
    """Every start tag with its attributes, and the text of each <td>, as a browser parses."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.cells: list[str] = []
        self._in_cell = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "td":
            self._in_cell = True
            self.cells.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "td":
            self._in_cell = False

    def handle_data(self, data: str) -> None:
        if self._in_cell:
            self.cells[-1] += data


def parsed(text: str) -> Tags:
    tags = Tags()
    tags.feed(text)
    return tags


def expected_rows(plan: Plan) -> int:
    return sum(max(1, len(account.actions)) for account in plan.accounts)


def test_the_report_needs_no_network() -> None:
    text = render_html(PLAN)
    tags = parsed(text)
    names = [tag for tag, _ in tags.tags]
    assert names.count("script") == 1 and names.count("style") == 1
    for tag, attrs in tags.tags:
        assert not {"src", "href", "srcset", "action", "data"} & set(attrs), (tag, attrs)
        assert tag not in ("link", "img", "iframe", "object", "embed"), tag
    # the only URL is the SVG namespace, which is a name, not a request
    assert set(re.findall(r"https?://[^\s\"'<>]+", text)) == {"http://www.w3.org/2000/svg"}
    csp = next(
        a["content"] for t, a in tags.tags if a.get("http-equiv") == "Content-Security-Policy"
    )
    assert csp is not None and "default-src 'none'" in csp and "connect-src 'none'" in csp
    assert "unsafe-inline" not in csp and "script-src 'sha256-" in csp


def test_a_hostile_account_name_is_text_not_markup() -> None:
    text = render_html(PLAN)
    assert HOSTILE_NAME not in text
    assert "&lt;script&gt;document.title=&quot;owned&quot;&lt;/script&gt;" in text
    assert HOSTILE_NAME in parsed(text).cells  # a browser shows it as the name, verbatim


def test_every_account_and_call_has_a_row_with_hash_commit_and_expiry() -> None:
    text = render_html(PLAN)
    rows = [a for t, a in parsed(text).tags if t == "tr" and "data-search" in a]
    assert len(rows) == expected_rows(PLAN) == 310
    for account in PLAN.accounts:
        assert f"<td>{account.account_id}</td>" in text
    assert f'<code id="desired_sha256">{PLAN.desired_sha256}</code>' in text
    assert f'<code id="git-commit">{PLAN.git_commit}</code>' in text
    assert '<code id="expires">2026-12-07T03:00:00Z</code>' in text
    assert 'id="blocked"' in text and "base_type_change" in text
    assert 'id="errors"' in text and "boom (HTTP 503)" in text


def edited(plan: Plan, edit: Callable[[Action], Action], index: int = 1) -> Plan:
    """`plan` with the first action of account `index` replaced by `edit(action)`."""
    accounts = list(plan.accounts)
    account = accounts[index]
    accounts[index] = replace(account, actions=(edit(account.actions[0]), *account.actions[1:]))
    return replace(plan, accounts=tuple(accounts))


def test_the_cost_chart_adds_up_to_the_plan_totals() -> None:
    figures = family_figures(PLAN)
    totals = PLAN.cost_totals()
    assert totals is not None and figures.unknown_costs == totals.unknown == 0
    usd = figures.cost_total("USD")
    assert usd.net == dict(totals.monthly)["USD"] == Decimal("-39984.34")
    assert usd.up == dict(totals.increases)["USD"]
    assert figures.cost["USD"][SUBSCRIPTION].net == Decimal("899.90")
    assert figures.cost["USD"]["plan_webinar"].down == Decimal("-48510.00")  # 49 cancelled
    text = render_html(PLAN)
    assert "-$48,510.00/month" in text and "+$899.90/month" in text
    assert "<td>Webinars</td>" in text and ">New subscriptions</text>" in text
    assert "net -$39,984.34 per month" in text and "gross increase +$" in text


def test_the_seat_chart_counts_added_and_removed_seats_per_family() -> None:
    seats = family_figures(PLAN).seats
    sent = PLAN.sent_actions()
    cancelled = sum(1 for a in sent if a.op == "cancel_addon")
    large = sum(1 for a in sent if a.op == "add_addon" and a.group == "plan_large_meeting")
    base_added = sum(
        (a.after or {})["hosts"] - (a.before or {})["hosts"] for a in sent if a.op == "update_base"
    )
    assert seats["plan_webinar"] == Movement(Decimal(2), Decimal(-cancelled))  # subscribe's 2
    assert seats["plan_large_meeting"] == Movement(Decimal(large))
    assert seats["plan_base"] == Movement(Decimal(base_added + 10))  # + the subscription's 10
    assert "+234 seat(s)" in render_html(PLAN) and base_added + 10 == 234


def test_changes_and_in_flight_from_other_fields_are_shown_escaped() -> None:
    flight = {"intent_id": "i<1>", "run_id": "r1", "sent_at": "2026-12-06T03:01:00Z"}
    plan = edited(
        PLAN,
        lambda action: replace(
            action,
            changes=(replace(action.changes[0], after="<b>13</b>"),) if action.changes else (),
            in_flight={**flight, "outcome": "ok"},
        ),
    )
    text = render_html(plan)
    assert "<li>plan_base business_monthly: hosts 11 -&gt; &lt;b&gt;13&lt;/b&gt;</li>" in text
    assert "awaiting Zoom (sent 2026-12-06T03:01:00Z, ok)" in text
    assert "i&lt;1&gt;" in text and "i<1>" not in text


def test_each_call_reads_as_in_the_text_output() -> None:
    text = render_html(PLAN)
    assert "<li>plan_base business_monthly: hosts 11 -&gt; 13</li>" in text  # sub_000001
    assert "<li>plan_base business_monthly: hosts 10</li>" in text  # the subscription
    assert "<li>plan_webinar webinar1000_monthly: hosts 1 (cancel)</li>" in text


def test_without_changes_the_fields_that_differ_are_shown() -> None:
    """A plan file written before plans recorded `changes` still shows what differs."""
    old = replace(
        PLAN,
        accounts=tuple(
            replace(a, actions=tuple(replace(x, changes=None) for x in a.actions))
            for a in PLAN.accounts
        ),
    )
    assert render_html(old) == render_html(PLAN)


def test_an_empty_unpriced_plan_says_there_is_nothing_to_chart() -> None:
    text = render_html(build_plan([], {}, PlanOptions(), now=NOW))
    assert "No price list was given: no costs." in text
    assert "No seat is added or removed." in text
    assert "Nothing is blocked." in text and "Nothing unmanaged." in text
    assert "<svg" not in text


def test_unknown_costs_are_counted_not_charted() -> None:
    plan = edited(PLAN, lambda action: replace(action, cost=Cost.unknown("no price for x", ["x"])))
    text = render_html(plan)
    assert "1 call(s) have no known cost and are not charted." in text
    assert 'title="no price for x">unknown</td>' in text


def test_a_blocked_account_says_why() -> None:
    """Issue 20: the row of a blocked account gives its reason, not only "blocked"."""
    text = render_html(PLAN)
    blocked = next(a for a in PLAN.accounts if a.status == "blocked")
    item = blocked.blocked[0]
    cells = parsed(text).cells
    notes = [c for c in cells if c.startswith(("blocked (", "not sent: the account is blocked ("))]
    assert notes and all(f"{item.reason_code}: {item.message}" in note for note in notes)

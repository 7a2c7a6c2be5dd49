"""The HTML report of a 300-account plan, opened from disk in a real headless Chromium.

What a reviewer relies on: the page asks the network for nothing (only the file itself is
requested), logs no error (a Content Security Policy violation would be one), draws both charts,
shows a row per call, filters to one account and sorts by cost. Run by `make test-browser`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from reconciler.render.html import render_html
from tests.browser.chromium import Page, file_url, open_page
from tests.report_plan import HOSTILE_NAME, report_plan

pytestmark = pytest.mark.browser

PLAN = report_plan(300)
ROWS = "Array.from(document.querySelectorAll('#calls tbody tr'))"
SHOWN = f"{ROWS}.filter(r => !r.hidden)"


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Page]:
    report = tmp_path_factory.mktemp("report") / "plan.html"
    report.write_text(render_html(PLAN), encoding="utf-8")
    with open_page() as opened:
        opened.load(file_url(report))
        yield opened


def test_only_the_file_itself_is_requested(page: Page) -> None:
    requested = [
        e["params"]["request"]["url"]
        for e in page.events
        if e["method"] == "Network.requestWillBeSent"
    ]
    assert requested == [page.url]
    assert page.evaluate("performance.getEntriesByType('resource').length") == 0


def test_no_console_error_and_no_exception(page: Page) -> None:
    page.evaluate("document.readyState")  # collects the events that arrived meanwhile
    errors = [
        e
        for e in page.events
        if e["method"] == "Runtime.exceptionThrown"
        or (e["method"] == "Runtime.consoleAPICalled" and e["params"]["type"] == "error")
        or (e["method"] == "Log.entryAdded" and e["params"]["entry"]["level"] == "error")
    ]
    assert errors == []


def test_charts_and_table_render(page: Page) -> None:
    assert page.evaluate("document.querySelectorAll('#cost-chart svg rect').length") == 4
    assert page.evaluate("document.querySelectorAll('#seat-chart svg rect').length") == 4
    width = "document.querySelector('#seat-chart svg').getBoundingClientRect().width"
    assert page.evaluate(width) > 500  # drawn, not collapsed
    expected = sum(max(1, len(account.actions)) for account in PLAN.accounts)
    assert page.evaluate(f"{SHOWN}.length") == expected == 310
    assert page.evaluate("document.getElementById('shown').textContent") == "310 of 310 rows"
    assert page.evaluate("document.title") == "zoomplans plan"  # the hostile name did not run
    names = page.evaluate(f"{ROWS}.map(r => r.cells[1].textContent)")
    assert HOSTILE_NAME in names


def test_typing_an_account_id_leaves_that_accounts_rows(page: Page) -> None:
    page.evaluate("document.getElementById('filter').focus()")
    page.send("Input.insertText", text="sub_000012")
    shown = page.evaluate(
        f"{SHOWN}.map(r => r.cells[0].textContent + ' ' + r.cells[3].textContent)"
    )
    assert shown == ["sub_000012 add_addon", "sub_000012 cancel_addon"]
    assert page.evaluate("document.getElementById('shown').textContent") == "2 of 310 rows"
    page.evaluate("const f = document.getElementById('filter'); f.select()")
    page.send("Input.insertText", text="cancel_addon")
    cancels = sum(1 for a in PLAN.sent_actions() if a.op == "cancel_addon")
    assert page.evaluate(f"{SHOWN}.length") == cancels == 49
    page.evaluate("document.getElementById('filter').select()")
    page.send(
        "Input.dispatchKeyEvent",
        type="keyDown",
        key="Backspace",
        code="Backspace",
        windowsVirtualKeyCode=8,
    )
    assert page.evaluate(f"{SHOWN}.length") == 310


def test_clicking_the_cost_header_sorts_by_amount(page: Page) -> None:
    headers = "Array.from(document.querySelectorAll('#calls th'))"
    header = f"{headers}.find(t => t.textContent === 'Monthly cost')"
    costs = f"{ROWS}.map(r => parseFloat(r.cells[7].getAttribute('data-sort')))"
    page.evaluate(f"{header}.click()")
    ascending = page.evaluate(costs)
    assert ascending == sorted(ascending) and ascending[0] == -990.0
    page.evaluate(f"{header}.click()")
    descending = page.evaluate(costs)
    assert descending == sorted(ascending, reverse=True) and descending[0] == 899.9


def test_a_screenshot_is_a_png(page: Page, tmp_path: Path) -> None:
    png = page.screenshot()
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 10_000


def test_a_script_that_escaped_escaping_would_still_not_run(tmp_path: Path) -> None:
    """Defence in depth: the policy pins our one script by hash, so injected markup stays inert."""
    injected = render_html(report_plan(3)).replace(
        "<h1>", "<script>document.title = 'owned'</script><img src='https://cdn.example/x.png'><h1>"
    )
    report = tmp_path / "injected.html"
    report.write_text(injected, encoding="utf-8")
    with open_page() as page:
        page.load(file_url(report))
        assert page.evaluate("document.title") == "zoomplans plan"
        assert page.evaluate("document.getElementById('shown').textContent") == "3 of 3 rows"
        refused = [
            e["params"]["entry"]["text"]
            for e in page.events
            if e["method"] == "Log.entryAdded" and e["params"]["entry"]["source"] == "security"
        ]
        assert any("script" in text for text in refused), refused
        assert any("cdn.example" in text for text in refused), refused

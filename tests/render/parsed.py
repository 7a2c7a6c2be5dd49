"""What a reviewer reads in each format, parsed back: the totals, and per family the seats and
the money, so that tests can hold text, Markdown and HTML to the same figures."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from decimal import Decimal
from html.parser import HTMLParser

from reconciler.render.families import title

Moves = dict[str, tuple[Decimal, Decimal]]  # family label -> (up >= 0, down <= 0)
_SUMMARY = re.compile(r"^Plan: .*$", re.M)


def summary_lines(output: str) -> list[str]:
    """Every line that starts like the summary line (exactly one in an honest output)."""
    return _SUMMARY.findall(output)


def _add(into: Moves, label: str, delta: Decimal) -> None:
    up, down = into.get(label, (Decimal(0), Decimal(0)))
    into[label] = (up + max(delta, Decimal(0)), down + min(delta, Decimal(0)))


def text_seats(text: str) -> Moves:
    """Seats per family from the text output's call lines (calls that will be sent only)."""
    seats: Moves = {}
    for line in text.splitlines():
        found = re.match(r"^    ([+~-]) (?:  )?(\S+) \S+: (.*)$", line)
        if not found or "(not sent" in line or "(in flight" in line:
            continue
        sign, group, rest = found.groups()
        family = title(group)
        change = re.match(r"hosts (\d+) -> (\d+)", rest)
        if change:
            _add(seats, family, Decimal(int(change.group(2)) - int(change.group(1))))
            continue
        count = re.search(r"(?:^|, )hosts (\d+)", rest)
        if count and sign in "+-":
            _add(seats, family, Decimal(int(count.group(1))) * (1 if sign == "+" else -1))
    return {k: v for k, v in seats.items() if v != (0, 0)}


class _Charts(HTMLParser):
    """The HTML report's charts: figure id -> {bar label: (up, down)}; figures box values."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.charts: dict[str, Moves] = {}
        self.figures: list[tuple[str, str]] = []
        self.families: list[str] = []
        self._figure: str | None = None
        self._label: str | None = None
        self._in_label = False
        self._cells: list[str] = []
        self._cell: str | None = None
        self._box: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "figure":
            self._figure = found.get("id")
            self.charts[str(self._figure)] = {}
        elif tag == "g" and found.get("class") == "bar":
            self._label = ""
            self._in_label = True
        elif tag == "rect" and self._figure and self._label is not None:
            delta = Decimal(str(found["data-value"]))
            up, down = self.charts[self._figure].get(self._label, (Decimal(0), Decimal(0)))
            self.charts[self._figure][self._label] = (
                (up + delta, down) if delta > 0 else (up, down + delta)
            )
        elif tag == "td":
            self._cell = ""
        elif tag == "div" and found.get("class") == "figure":
            self._box = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "text" and self._in_label:
            self._in_label = False
            assert self._figure is not None and self._label is not None
            self.charts[self._figure].setdefault(self._label, (Decimal(0), Decimal(0)))
        elif tag == "g":
            self._label = None
        elif tag == "figure":
            self._figure = None
        elif tag == "td" and self._cell is not None:
            self._cells.append(self._cell)
            self._cell = None
        elif tag == "tr" and self._cells:
            if len(self._cells) == 9:  # the calls table: its Family column
                self.families.append(self._cells[4])
            self._cells = []
        elif tag == "div" and self._box is not None and len(self._box) == 2:
            self.figures.append((self._box[1], self._box[0]))
            self._box = None

    def handle_data(self, data: str) -> None:
        if self._in_label and self._label is not None:
            self._label += data
        if self._cell is not None:
            self._cell += data
        if self._box is not None and data.strip():
            self._box.append(data)


def html_report(report: str) -> _Charts:
    parser = _Charts()
    parser.feed(report)
    return parser


def markdown_summary(markdown: str) -> str:
    """The bold summary line of the comment, as GitHub shows it."""
    found = re.search(r"^\*\*(Plan: .*)\*\*$", markdown, re.M)
    assert found, markdown[:400]
    return html.unescape(found.group(1))


@dataclass
class Renewals:
    """The renewals a format lists (account -> (date, automatic, amount)) and how many calls
    it flags as near a renewal."""

    rows: dict[str, tuple[str, bool, str]] = field(default_factory=dict)
    notices: int = 0


def text_renewals(text: str) -> Renewals:
    found = Renewals(notices=len(re.findall(r"^    ! renewal notice: ", text, re.M)))
    line = re.compile(r"^    (\S+)(?: \".*\")?: (\d{4}-\d\d-\d\d), (renews|does NOT renew) "
                      r"automatically, amount (\S+)", re.M)  # fmt: skip
    for account, day, how, amount in line.findall(text):
        found.rows[account] = (day, how == "renews", amount)
    return found


def markdown_renewals(markdown: str) -> Renewals:
    found = Renewals(notices=len(re.findall(r"^! renewal notice: ", markdown, re.M)))
    row = re.compile(r"^\| `(\S+)` \| [^|]* \| (\d{4}-\d\d-\d\d) \| (yes|no) \| ([^|]+) \|", re.M)
    for account, day, auto, amount in row.findall(markdown):
        found.rows[html.unescape(account)] = (day, auto == "yes", amount.strip())
    return found


class _RenewalsTable(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.inside = False
        self.rows: list[list[str]] = []
        self.notices = 0
        self._cell: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "table":
            self.inside = found.get("id") == "renewals"
        elif tag == "span" and found.get("class") == "renewal-notice":
            self.notices += 1
        elif self.inside and tag == "tr":
            self.rows.append([])
        elif self.inside and tag == "td":
            self._cell = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self.inside = False
        elif tag == "td" and self._cell is not None:
            self.rows[-1].append(self._cell)
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell += data


def html_renewals(report: str) -> Renewals:
    parser = _RenewalsTable()
    parser.feed(report)
    found = Renewals(notices=parser.notices)
    for cells in parser.rows:
        if cells:
            found.rows[cells[0]] = (cells[2], cells[3] == "yes", cells[4])
    return found

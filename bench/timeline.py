"""`bench/run.py --trace`: one line per request, where the time goes, and a hand-written SVG.

The timeline comes from the sandbox's request log (`at`: arrival, `done`: answer ready), on the
machine's monotonic clock, which the benchmark process shares with the sandbox process, so every
time is measured from the moment the benchmark started the command (t = 0). No plotting library:
the SVG is a few hundred lines of text, one per request.
"""

from __future__ import annotations

import csv
import itertools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

ACCOUNT = re.compile(r"/accounts/([^/]+)")
#: The rate labels drawn, top to bottom; requests without one (the token) are "other".
LANES = ("Medium", "Heavy", "Light", "other")
COLOURS = {"Medium": "#1f77b4", "Heavy": "#d62728", "Light": "#2ca02c", "other": "#7f7f7f"}
#: A pause longer than this between two starts of one label counts as a gap.
GAP_S = 0.25


@dataclass(frozen=True)
class Event:
    """One request as the sandbox saw it, in seconds from the command's start."""

    start: float
    end: float
    label: str
    status: int
    method: str
    account: str


def events_from_log(requests: Iterable[Mapping[str, Any]], origin: float) -> list[Event]:
    """The request log's entries as events; ``origin`` is the monotonic time of t = 0."""
    events = []
    for request in requests:
        found = ACCOUNT.search(str(request["path"]))
        start = float(request["at"]) - origin
        done = float(request.get("done") or 0.0)
        events.append(
            Event(
                start=round(start, 4),
                end=round(done - origin if done else start, 4),
                label=str(request.get("label") or "other"),
                status=int(request["status"]),
                method=str(request["method"]),
                account=found.group(1) if found else "",
            )
        )
    return sorted(events, key=lambda e: e.start)


def write_csv(events: Sequence[Event], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["start_s", "end_s", "label", "status", "method", "account"])
        for e in events:
            writer.writerow(
                [f"{e.start:.4f}", f"{e.end:.4f}", e.label, e.status, e.method, e.account]
            )


def busiest_second(starts: Sequence[float]) -> int:
    """The most starts in any one-second window (what a sliding-window limit counts)."""
    best, first = 0, 0
    for last, moment in enumerate(starts):
        while moment - starts[first] >= 1.0:
            first += 1
        best = max(best, last - first + 1)
    return best


def summary(events: Sequence[Event], exit_s: float) -> dict[str, Any]:
    """Where the wall time went: before the first request, per label, after the last answer."""
    if not events:
        return {"requests": 0, "exit_s": round(exit_s, 2)}
    first, last_end = events[0].start, max(e.end for e in events)
    labels: dict[str, Any] = {}
    for lane in LANES:
        starts = [e.start for e in events if e.label == lane]
        if not starts:
            continue
        span = starts[-1] - starts[0]
        gaps = [b - a for a, b in itertools.pairwise(starts) if b - a > GAP_S]
        labels[lane] = {
            "requests": len(starts),
            "first_s": round(starts[0], 2),
            "last_s": round(starts[-1], 2),
            "per_second": round((len(starts) - 1) / span, 1) if span > 0 else None,
            "busiest_second": busiest_second(starts),
            "gaps_over_0.25_s": len(gaps),
            "gap_seconds": round(sum(gaps), 2),
        }
    return {
        "requests": len(events),
        "before_first_request_s": round(first, 2),
        "last_answer_s": round(last_end, 2),
        "after_last_answer_s": round(exit_s - last_end, 2),
        "exit_s": round(exit_s, 2),
        "statuses": dict(sorted(_count(str(e.status) for e in events).items())),
        "labels": labels,
    }


def _count(values: Iterable[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return counts


def svg(events: Sequence[Event], title: str, limits: Mapping[str, int], exit_s: float) -> str:
    """Requests per second per label (top) and every request as a bar (bottom)."""
    width, left, right = 960, 50, 20
    rate_top, rate_height = 40, 160
    span = max(exit_s, max((e.end for e in events), default=0.0), 1.0)
    scale = (width - left - right) / span

    def x(t: float) -> float:
        return round(left + t * scale, 1)

    ceiling = max([*limits.values(), 1]) * 1.1
    lanes = [lane for lane in LANES if any(e.label == lane for e in events)]
    slots = _slots(events)
    rows = {
        lane: max([slots[i] for i, e in enumerate(events) if e.label == lane], default=0) + 1
        for lane in lanes
    }
    bars_top = rate_top + rate_height + 40
    lane_top, y = {}, bars_top
    for lane in lanes:
        lane_top[lane] = y
        y += rows[lane] * 3 + 14
    height = y + 30
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="11">',
        f'<rect width="{width}" height="{height}" fill="white"/>',
        f'<text x="{left}" y="18" font-size="14">{escape(title)}</text>',
        f'<text x="{left}" y="{rate_top - 6}">requests arriving in the last second, per rate '
        "label (dashed: Zoom's limit)</text>",
    ]
    base = rate_top + rate_height
    for step in range(0, int(span) + 1, max(1, int(span // 12) or 1)):
        out.append(
            f'<line x1="{x(step)}" y1="{rate_top}" x2="{x(step)}" y2="{height - 24}" '
            'stroke="#eee"/>'
        )
        out.append(f'<text x="{x(step)}" y="{height - 10}" text-anchor="middle">{step} s</text>')
    for lane in lanes:
        colour = COLOURS[lane]
        if lane in limits:
            level = base - limits[lane] / ceiling * rate_height
            out.append(
                f'<line x1="{left}" y1="{level:.1f}" x2="{width - right}" y2="{level:.1f}" '
                f'stroke="{colour}" stroke-dasharray="4 3"/>'
            )
            out.append(
                f'<text x="{left - 4}" y="{level + 4:.1f}" text-anchor="end" '
                f'fill="{colour}">{limits[lane]}</text>'
            )
        starts = [e.start for e in events if e.label == lane]
        points = " ".join(
            f"{x(t)},{base - n / ceiling * rate_height:.1f}" for t, n in _rate_curve(starts, span)
        )
        out.append(f'<polyline points="{points}" fill="none" stroke="{colour}"/>')
    out.append(f'<line x1="{left}" y1="{base}" x2="{width - right}" y2="{base}" stroke="#999"/>')
    for lane in lanes:
        top, colour = lane_top[lane], COLOURS[lane]
        shown = sum(1 for e in events if e.label == lane)
        out.append(
            f'<text x="{left}" y="{top - 3}" fill="{colour}">{lane}: {shown} requests '
            "(one bar each, arrival to answer)</text>"
        )
        # One path per lane and colour ("M x y H x2" per request) keeps the file small.
        segments: dict[str, list[str]] = {}
        for i, e in enumerate(events):
            if e.label != lane:
                continue
            stroke = colour if e.status < 400 else "black"
            row = top + 3 + slots[i] * 3
            segments.setdefault(stroke, []).append(
                f"M{x(e.start)} {row}H{max(x(e.end), x(e.start) + 1)}"
            )
        for stroke, parts in segments.items():
            out.append(
                f'<path d="{"".join(parts)}" stroke="{stroke}" stroke-width="2" fill="none"/>'
            )
    out.append(
        f'<line x1="{x(exit_s)}" y1="{rate_top}" x2="{x(exit_s)}" y2="{height - 24}" '
        'stroke="black" stroke-dasharray="2 2"/>'
    )
    out.append(
        f'<text x="{x(exit_s) - 2}" y="{rate_top + 10}" text-anchor="end">exit '
        f"{exit_s:.1f} s</text>"
    )
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _rate_curve(starts: Sequence[float], span: float) -> list[tuple[float, int]]:
    """Starts in the trailing second, every 0.1 s."""
    points, first, last = [], 0, 0
    for tenth in range(int(span * 10) + 2):
        t = tenth / 10
        while last < len(starts) and starts[last] <= t:
            last += 1
        while first < last and starts[first] <= t - 1.0:
            first += 1
        points.append((t, last - first))
    return points


def _slots(events: Sequence[Event]) -> list[int]:
    """A row per request within its label, the lowest one free at its start (concurrency)."""
    free_at: dict[str, list[float]] = {}
    slots = []
    for e in events:
        rows = free_at.setdefault(e.label, [])
        for row, until in enumerate(rows):
            if until <= e.start:
                rows[row] = e.end
                slots.append(row)
                break
        else:
            rows.append(e.end)
            slots.append(len(rows) - 1)
    return slots


def write_trace(
    name: str,
    requests: Iterable[Mapping[str, Any]],
    origin: float,
    exit_at: float,
    folders: tuple[Path, Path],
    limits: Mapping[str, int],
) -> dict[str, Any]:
    """The timeline of one case as ``<csv folder>/<name>.csv`` and
    ``<svg folder>/bench-timeline-<name>.svg``; returns its summary."""
    events = events_from_log(requests, origin)
    exit_s = exit_at - origin
    csv_folder, svg_folder = folders
    write_csv(events, csv_folder / f"{name}.csv")
    svg_folder.mkdir(parents=True, exist_ok=True)
    found = summary(events, exit_s)
    title = f"{name}: {len(events)} requests, exit at {exit_s:.1f} s"
    (svg_folder / f"bench-timeline-{name}.svg").write_text(svg(events, title, limits, exit_s))
    return found

"""The journal's upkeep: one file per month next to the configured path, and a small index.

Why: every apply reads the journal at its start (purchases in flight, calls a crash left
unsettled, the Heavy calls of the last 24 hours). Read whole, a year of daily applies of a
thousand accounts is about a million lines and many seconds. So:

- ``--journal FILE`` (default ``.zoomplans/journal.jsonl``) is where this month's lines go.
  The first run in a new month moves the earlier lines to their own file next to it, named by
  their month (``journal-2026-11.jsonl``), and starts FILE afresh.
- ``FILE``'s stem plus ``.index.json`` (``journal.index.json``) holds the lines of every
  intent still unsettled (no final outcome: in doubt, or a run died) and how many bytes of FILE
  it has looked at. Each run brings it up to date when it closes the journal.
- A start reads the index, the lines of FILE and of the month files from the start of the
  window on (found by bisecting on ``ts``: lines are appended in time order), and whatever FILE
  holds past the index (a run killed before it could update the index). Without a readable
  index, everything is read, as before.

Every line stays in exactly one file, so an auditor reads the month files and FILE in order.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from reconciler.apply.intents import open_intent_lines

_TS = re.compile(rb'"ts":"([^"]*)"')
_MONTH = re.compile(r"^\d{4}-\d{2}$")
INDEX_VERSION = 1


def index_path(path: Path) -> Path:
    return path.with_name(f"{path.stem}.index.json")


def month_path(path: Path, month: str) -> Path:
    return path.with_name(f"{path.stem}-{month}{path.suffix}")


def month_files(path: Path) -> list[tuple[str, Path]]:
    """The month files next to ``path``, oldest first: (``YYYY-MM``, file)."""
    found = []
    prefix = f"{path.stem}-"
    try:
        names = os.listdir(path.parent)
    except OSError:
        return []
    for name in names:
        if not (name.startswith(prefix) and name.endswith(path.suffix)):
            continue
        month = name[len(prefix) : len(prefix) + 7]
        if _MONTH.match(month) and name != path.name:
            found.append((month, path.parent / name))
    return sorted(found)


def file_lines(path: Path) -> Iterator[tuple[str, str]]:
    """Every line of the month files, then of FILE, in order, with its ``file:line``: the
    whole audit trail (``zoomplans journal export``/``import``). Raises OSError."""
    for _month, file in [*month_files(path), ("", path)]:
        if not file.exists():
            continue
        for number, raw in enumerate(file.read_bytes().split(b"\n"), 1):
            if raw.strip():
                yield f"{file}:{number}", raw.decode("utf-8", errors="replace")


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _ts(raw: bytes, start: int) -> tuple[bytes | None, int]:
    """The ``ts`` of the line starting at ``start``, and where the next line starts."""
    end = raw.find(b"\n", start)
    end = len(raw) if end < 0 else end
    match = _TS.search(raw, start, end)
    return (match.group(1) if match else None), end + 1


def _first_at_or_after(raw: bytes, since: bytes) -> int:
    """Offset of the first line whose ``ts`` is at least ``since`` (lines in time order).

    A line without a readable ``ts`` (a cut line) counts as recent: bisecting never skips it
    wrongly, it only reads a little more.
    """
    low, high = 0, len(raw)  # the answer is in [low, high]; low is always a line start
    while low < high:
        mid = (low + high) // 2
        newline = raw.rfind(b"\n", low, mid)
        start = newline + 1 if newline >= 0 else low  # the line holding mid
        ts, after = _ts(raw, start)
        if ts is not None and ts < since:
            low = min(after, len(raw))
        else:
            high = start
    return low


def parse_lines(raw: bytes, start: int = 0) -> tuple[list[dict[str, Any]], int]:
    entries: list[dict[str, Any]] = []
    unreadable = 0
    for line in raw[start:].splitlines():
        if not line.strip():
            continue
        try:
            item = json.loads(line.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            unreadable += 1
            continue
        if isinstance(item, dict):
            entries.append(item)
        else:
            unreadable += 1
    return entries, unreadable


def read_index(path: Path) -> dict[str, Any] | None:
    """The index, or None when there is none or it cannot be trusted (then read everything)."""
    try:
        data = json.loads(index_path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("version") != INDEX_VERSION:
        return None
    if not isinstance(data.get("covered"), int) or not isinstance(data.get("unsettled"), list):
        return None
    return data


def _key(entry: Mapping[str, Any]) -> tuple[Any, ...]:
    return (entry.get("kind"), entry.get("intent_id"), entry.get("ts"), entry.get("run_id"))


def read_entries(path: Path, since: datetime | None) -> tuple[list[dict[str, Any]], int]:
    """The journal's lines a start needs (all of them when ``since`` is None), oldest first,
    and how many lines could not be read. Raises OSError when a file cannot be read."""
    index = read_index(path) if since is not None else None
    raw = path.read_bytes() if path.exists() else b""
    if index is None or index["covered"] > len(raw):
        entries: list[dict[str, Any]] = []
        unreadable = 0
        for _month, file in month_files(path):
            more, bad = parse_lines(file.read_bytes())
            entries += more
            unreadable += bad
        more, bad = parse_lines(raw)
        return entries + more, unreadable + bad
    assert since is not None
    cutoff = _iso(since).encode()
    carried = [e for e in index["unsettled"] if isinstance(e, dict)]
    seen = {_key(e) for e in carried}
    entries, unreadable = list(carried), 0
    for month, file in month_files(path):
        if month < _iso(since)[:7]:
            continue
        data = file.read_bytes()
        more, bad = parse_lines(data, _first_at_or_after(data, cutoff))
        entries += [e for e in more if _key(e) not in seen]
        unreadable += bad
    start = min(_first_at_or_after(raw, cutoff), index["covered"])
    more, bad = parse_lines(raw, start)
    entries += [e for e in more if _key(e) not in seen]
    return entries, unreadable + bad


def _write_atomic(target: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o600)  # the lines hold billing contacts of subscribe bodies
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def refresh_index(path: Path) -> None:
    """Bring the index up to date with FILE (called with the journal locked): only the lines
    past what the index has covered are read, so the cost is this run's lines."""
    index = read_index(path)
    raw = path.read_bytes() if path.exists() else b""
    if index is None or index["covered"] > len(raw):
        everything, _ = read_entries(path, None)
        lines = open_intent_lines(everything)
    else:
        tail, _ = parse_lines(raw, index["covered"])
        lines = open_intent_lines([*index["unsettled"], *tail])
    body = {"version": INDEX_VERSION, "covered": len(raw), "unsettled": lines}
    _write_atomic(index_path(path), json.dumps(body, separators=(",", ":")).encode())


def rotate_if_new_month(path: Path, fd: int, now: datetime) -> bool:
    """Move FILE's lines to their month file when they are of an earlier month (called with
    the journal locked, ``fd`` open on FILE). True when it did.

    The order keeps every line somewhere at each step: the index is brought up to date, the
    month file written (atomically), and only then is FILE emptied. A crash in between leaves
    the lines in both; the next run sees the month file already holds them and only empties
    FILE.
    """
    raw = path.read_bytes()
    first_ts, _ = _ts(raw, 0)
    if not raw or first_ts is None:
        return False
    month = first_ts.decode(errors="replace")[:7]
    if not _MONTH.match(month) or month >= _iso(now)[:7]:
        return False
    refresh_index(path)
    target = month_path(path, month)
    if not (target.exists() and target.read_bytes() == raw):
        number = 2
        while target.exists():  # never overwrite a month file
            target = path.with_name(f"{path.stem}-{month}.{number}{path.suffix}")
            number += 1
        _write_atomic(target, raw)
    os.ftruncate(fd, 0)
    os.fsync(fd)
    index = read_index(path)
    unsettled = index["unsettled"] if index is not None else []
    body = {"version": INDEX_VERSION, "covered": 0, "unsettled": unsettled}
    _write_atomic(index_path(path), json.dumps(body, separators=(",", ":")).encode())
    return True

"""The journal's upkeep: one file per month next to the configured path, and a small index.

Why: every apply reads the journal at its start (purchases in flight, calls a crash left
unsettled, the Heavy calls of the last 24 hours). Read whole, a year of daily applies of a
thousand accounts is about a million lines and many seconds. So:

- ``--journal FILE`` (default ``.zoomplans/journal.jsonl``) is where this month's lines go.
  The first run in a new month moves the earlier lines to their own file next to it, named by
  their month (``journal-2026-11.jsonl``), and starts FILE afresh.
- ``FILE``'s stem plus ``.index.json`` (``journal.index.json``) holds the lines of every
  intent still open (no final outcome: in doubt, or a run died; or a purchase Zoom accepted
  that no read has shown yet), each with its ``file:line``, and how many bytes of FILE it has
  looked at. Each run brings it up to date when it closes the journal.
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
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

#: Which of these lines belong to intents still open (kept in the index); the journal's rule.
OpenLines = Callable[[list[tuple[str, str]]], list[tuple[str, str]]]
_TS = re.compile(rb'"ts":"([^"]*)"')
_MONTH = re.compile(r"^\d{4}-\d{2}$")
INDEX_VERSION = 2  # 2: lines kept as text with their file:line


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


def _lines(raw: bytes, where: Path, start: int = 0) -> list[tuple[str, str]]:
    """The lines of ``raw`` from ``start`` as ``(file:line, text)``; a complete line keeps its
    newline, a cut last one has none (the parser names it); empty lines are skipped."""
    number = raw.count(b"\n", 0, start)
    found = []
    at = start
    while at < len(raw):
        end = raw.find(b"\n", at)
        stop = len(raw) if end < 0 else end + 1
        number += 1
        chunk = raw[at:stop]
        if chunk.strip():
            found.append((f"{where}:{number}", chunk.decode("utf-8", "surrogateescape")))
        at = stop
    return found


def read_index(path: Path) -> dict[str, Any] | None:
    """The index, or None when there is none or it cannot be trusted (then read everything)."""
    try:
        data = json.loads(index_path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("version") != INDEX_VERSION:
        return None
    if not isinstance(data.get("covered"), int) or not isinstance(data.get("open"), list):
        return None
    if not all(
        isinstance(x, list) and len(x) == 2 and all(isinstance(y, str) for y in x)
        for x in data["open"]
    ):
        return None
    return data


def read_lines(path: Path, since: datetime | None) -> list[tuple[str, str]]:
    """The journal's lines a start needs (all of them when ``since`` is None), oldest first,
    as ``(file:line, text)``. Raises OSError when a file cannot be read."""
    index = read_index(path) if since is not None else None
    raw = path.read_bytes() if path.exists() else b""
    if index is None or index["covered"] > len(raw):
        found: list[tuple[str, str]] = []
        for _month, file in month_files(path):
            found += _lines(file.read_bytes(), file)
        return found + _lines(raw, path)
    assert since is not None
    cutoff = _iso(since).encode()
    carried = [(str(x[0]), str(x[1])) for x in index["open"]]
    seen = {location for location, _text in carried}
    found = list(carried)
    for month, file in month_files(path):
        if month < _iso(since)[:7]:
            continue
        data = file.read_bytes()
        more = _lines(data, file, _first_at_or_after(data, cutoff))
        found += [x for x in more if x[0] not in seen]
    start = min(_first_at_or_after(raw, cutoff), index["covered"])
    found += [x for x in _lines(raw, path, start) if x[0] not in seen]
    return found


def _write_atomic(target: Path, data: bytes) -> None:
    import tempfile  # only to write (shutil, bz2, lzma): `plan` reads the journal first

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


def _write_index(path: Path, covered: int, lines: list[tuple[str, str]]) -> None:
    body = {"version": INDEX_VERSION, "covered": covered, "open": [list(x) for x in lines]}
    _write_atomic(index_path(path), json.dumps(body, separators=(",", ":")).encode())


def refresh_index(path: Path, still_open: OpenLines) -> None:
    """Bring the index up to date with FILE (called with the journal locked): only the lines
    past what the index has covered are read, so the cost is this run's lines."""
    index = read_index(path)
    raw = path.read_bytes() if path.exists() else b""
    if index is None or index["covered"] > len(raw):
        lines = still_open(read_lines(path, None))
    else:
        carried = [(str(x[0]), str(x[1])) for x in index["open"]]
        lines = still_open(carried + _lines(raw, path, index["covered"]))
    _write_index(path, len(raw), lines)


def rotate_if_new_month(path: Path, fd: int, now: datetime, still_open: OpenLines) -> bool:
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
    refresh_index(path, still_open)
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
    moved = f"{path}:"  # the carried lines of FILE now live in the month file, same numbers
    carried = [
        (f"{target}:{where[len(moved) :]}" if where.startswith(moved) else where, text)
        for where, text in ((str(x[0]), str(x[1])) for x in (index or {"open": []})["open"])
    ]
    _write_index(path, 0, carried)
    return True

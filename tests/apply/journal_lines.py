"""Journal lines for tests: complete lines (every field a reader relies on), and records.

Readers parse every line strictly now (``reconciler.apply.journal_records``), so a test that
writes a journal by hand writes whole lines; ``line`` fills what a test does not care about.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from reconciler.apply.journal_records import Record, parse_line


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def line(kind: str, **fields: Any) -> dict[str, Any]:
    """A journal line of ``kind`` with defaults for the fields a test leaves out."""
    base: dict[str, Any] = {"kind": kind, "ts": iso(datetime.now(UTC)), "run_id": "earlier"}
    if kind in ("intent", "outcome", "resolution"):
        account = str(fields.get("account_id", "sub_a"))
        base.update(account_id=account, op="add_addon", method="POST",
                    path=f"/accounts/{account}/plans/addons", body={"type": "webinar500_monthly",
                    "hosts": 3})  # fmt: skip
    if kind in ("outcome", "resolution"):
        base["result"] = "ok"
    base.update(fields)
    return base


def text(lines: Iterable[Mapping[str, Any]]) -> str:
    return "".join(json.dumps(x) + "\n" for x in lines)


def records(lines: Iterable[Mapping[str, Any]]) -> list[Record]:
    """The lines as the journal's reader parses them (``test:N`` for their location)."""
    return [parse_line(f"test:{n}", json.dumps(x) + "\n") for n, x in enumerate(lines, 1)]

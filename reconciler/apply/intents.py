"""Which calls the journal leaves in doubt: intents with no final outcome and no settling read.

The rule itself is ``reconciler.apply.journal_walk`` (the one reading of an intent's fate);
this module names the question and the shape the executor settles (``UnsettledIntent``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from reconciler.apply.journal_records import Record
from reconciler.apply.journal_walk import UNSETTLED, walk


@dataclass(frozen=True)
class UnsettledIntent:
    """An intent whose call may or may not have reached Zoom: no final outcome was recorded."""

    intent_id: str
    run_id: str
    ts: str
    account_id: str
    op: str
    method: str
    path: str
    body: Mapping[str, Any]
    last_result: str | None  # None: no outcome at all (the run died); else "ambiguous"...


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def unsettled(records: Iterable[Record]) -> list[UnsettledIntent]:
    """Intents with no final outcome and no later resolution, in the order they were written."""
    return [
        UnsettledIntent(
            intent_id=item.intent_id,
            run_id=item.intent.run_id,
            ts=_iso(item.intent.ts),
            account_id=item.intent.account_id,
            op=item.intent.op,
            method=item.intent.method,
            path=item.intent.path,
            body=item.intent.body,
            last_result=None if item.last is None else str(item.last.result),
        )
        for item in walk(records, UNSETTLED)
    ]

"""Which calls the journal leaves in doubt: intents with no final outcome and no settling read.

Split from the journal so that its upkeep (`journal_months`, which keeps these intents' lines in
the index) and the journal itself both read the same rule without importing each other.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

#: Outcome results after which nothing more needs to be known about the call.
FINAL_RESULTS = frozenset({"ok", "failed", "resolved_present", "resolved_absent"})


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


def intent_call(entry: Mapping[str, Any]) -> dict[str, Any]:
    """The call an intent line records (run, account, op, method, path, body), as text fields
    and a body dict whatever the line holds; both readers of unsettled intents build on it."""
    body = entry.get("body")
    return {
        "run_id": str(entry.get("run_id", "")),
        "account_id": str(entry.get("account_id", "")),
        "op": str(entry.get("op", "")),
        "method": str(entry.get("method", "")),
        "path": str(entry.get("path", "")),
        "body": body if isinstance(body, dict) else {},
    }


def unsettled(entries: Iterable[Mapping[str, Any]]) -> list[UnsettledIntent]:
    """Intents with no final outcome and no later resolution, in the order they were written."""
    intents: dict[str, Mapping[str, Any]] = {}
    last_result: dict[str, str | None] = {}
    for entry in entries:
        intent_id = entry.get("intent_id")
        if not isinstance(intent_id, str):
            continue
        kind = entry.get("kind")
        if kind == "intent":
            intents[intent_id] = entry
            last_result.setdefault(intent_id, None)
        elif kind in ("outcome", "resolution"):
            result = entry.get("result")
            if result == "not_visible":
                continue  # evidence (a read that did not show it), not a new outcome
            last_result[intent_id] = result if isinstance(result, str) else "unknown"
    pending: list[UnsettledIntent] = []
    for intent_id, entry in intents.items():
        result = last_result.get(intent_id)
        if result in FINAL_RESULTS:
            continue
        pending.append(
            UnsettledIntent(
                intent_id=intent_id,
                ts=str(entry.get("ts", "")),
                last_result=result,
                **intent_call(entry),
            )
        )
    return pending


def open_intent_lines(entries: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Every line of the intents still unsettled (no final outcome and no settling read)."""
    listed = list(entries)
    still = {item.intent_id for item in unsettled(listed)}
    return [dict(e) for e in listed if e.get("intent_id") in still]

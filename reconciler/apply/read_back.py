"""A write whose answer was ambiguous, read back with patience instead of being sent again.

A POST/PATCH that timed out, lost its connection or met a 5xx may have happened: sending it
again could buy twice. Reading it back, journaling what the reads showed (when sent, when read)
and deciding "applied" or "awaiting Zoom" is its own job, kept apart from sending (executor.py).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from reconciler.apply.awaiting import iso, now_utc
from reconciler.apply.effects import change_visible, write_shown
from reconciler.apply.in_flight import UNREPEATABLE_OPS
from reconciler.apply.intents import UnsettledIntent
from reconciler.apply.journal import Journal
from reconciler.apply.journal_records import Result
from reconciler.apply.reading import LivePlansDict
from reconciler.apply.seams import ApplySettings, Progress
from reconciler.zoom.errors import AmbiguousWriteError

#: Read one account until the predicate holds or settling's deadline passes: (seen, last read).
ReadUntil = Callable[
    [str, Callable[[LivePlansDict], bool]], Awaitable[tuple[bool | None, LivePlansDict]]
]


@dataclass(frozen=True)
class CallResult:
    """One call's fate as the executor acts on it (and as a read back settles it)."""

    ok: bool
    reason: str = ""
    awaiting: bool = False  # the call may have happened: the account awaits Zoom, not failed
    settled: bool = False  # a read already showed it (and the journal says so)


@dataclass(frozen=True)
class AmbiguousWrite:
    """One sent write whose answer does not say whether Zoom applied it."""

    intent_id: str
    facts: dict[str, str]  # account_id, op, method, path
    body: dict[str, Any]
    error: AmbiguousWriteError
    sent_at: str


async def read_back(
    journal: Journal,
    settings: ApplySettings,
    progress: Progress,
    read_until_shown: ReadUntil,
    write: AmbiguousWrite,
) -> CallResult:
    """After an ambiguous answer, read with patience (up to ``settle_timeout_s``). Shown:
    done. Not shown: journaled ``unknown`` with the evidence (when sent, when read); the
    account stops, awaiting Zoom; only a later run, after the minimum age, may resend."""
    intent_id, facts, body, sent = write.intent_id, write.facts, write.body, write.sent_at
    answer = _answer_text(write.error)
    account_id, op = facts["account_id"], facts["op"]
    read_at: list[str] = []

    def shown(now: LivePlansDict) -> bool:
        read_at.append(iso(now_utc()))
        if op in UNREPEATABLE_OPS:
            return write_shown(op, body, now)
        return change_visible(op, body, now)

    seen, _ = await read_until_shown(account_id, shown)
    item = UnsettledIntent(
        intent_id, journal.context.run_id, sent, **facts, body=body,
        last_result=Result.AMBIGUOUS,
    )  # fmt: skip
    evidence = {"sent_at": sent, "read_at": read_at}
    if seen:
        text = "the change is visible: applied"
        await asyncio.to_thread(
            journal.resolution, item, result=Result.RESOLVED_PRESENT,
            message=f"{answer}; {text}", **evidence,
        )  # fmt: skip
        progress(f"{account_id}: {op} {answer}; {text}")
        return CallResult(True, settled=True)
    waited = settings.settle_timeout_s
    text = f"reading back for {waited:g} s did not show it ({len(read_at)} read(s))"
    await asyncio.to_thread(
        journal.resolution, item, result=Result.UNKNOWN, message=f"{answer}; {text}",
        **evidence,
    )  # fmt: skip
    progress(f"{account_id}: {op} {answer}; {text}; awaiting Zoom")
    zoom = journal.zoom_now()
    after = iso((zoom or now_utc()) + settings.rules.resend_after)
    clock = " (Zoom's clock)" if zoom is not None else ""
    return CallResult(
        False,
        f"{op}: {answer}; {text}, so it is not sent again in this run; a run after "
        f"{after}{clock} sends it again only if Zoom still does not show it",
        awaiting=True,
    )


def _answer_text(error: AmbiguousWriteError) -> str:
    """What came back, in plain words: Zoom's 5xx is an answer, a cut connection is not."""
    if error.status:
        return f"Zoom answered HTTP {error.status}, which does not say whether it was applied"
    return f"the answer was lost ({error.message})"

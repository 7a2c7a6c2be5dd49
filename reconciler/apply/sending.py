"""One call sent under the journal: its outcome line after it, whatever happened.

The intent line was written (and fsynced) before; this is the other half. An ambiguous failure
(timeout, cut connection, 5xx on a POST/PATCH) is journaled as such and handed back, never
resent: the executor reads the account back to learn its fate.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from reconciler.apply.journal import Journal
from reconciler.apply.journal_records import Result
from reconciler.apply.read_back import CallFacts, CallResult
from reconciler.apply.seams import PlanWriter
from reconciler.groups.operations import Op
from reconciler.zoom.errors import AmbiguousWriteError, ZoomError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class JournaledCall:
    """A call whose intent is journaled: its id, what it is, and its body."""

    intent_id: str
    facts: CallFacts
    body: dict[str, Any]


async def send_journaled(
    client: PlanWriter,
    journal: Journal,
    progress: Callable[[str], None],
    note_run_wide: Callable[[ZoomError], None],
    call: JournaledCall,
) -> CallResult | AmbiguousWriteError:
    """One send and its outcome line; an ambiguous failure is returned for reading back.

    ``note_run_wide`` hears every Zoom refusal, so one that stops the run (credentials, the
    daily limit) stops the accounts not started yet."""
    intent_id, facts, body = call.intent_id, call.facts, call.body
    account_id, op = facts["account_id"], facts["op"]
    record = journal.outcome
    try:
        answer = await client.write(Op(op), account_id, body)
    except AmbiguousWriteError as exc:
        await asyncio.to_thread(
            record, intent_id, **facts, body=body, result=Result.AMBIGUOUS,
            http_status=exc.status, zoom_code=exc.code, message=str(exc),
        )  # fmt: skip
        return exc
    except ZoomError as exc:
        note_run_wide(exc)
        await asyncio.to_thread(
            record, intent_id, **facts, body=body, result=Result.FAILED,
            http_status=exc.status, zoom_code=exc.code, message=str(exc),
        )  # fmt: skip
        progress(f"{account_id}: {op} failed: {exc}")
        return CallResult(False, f"{op} failed: {exc}")
    except Exception as exc:  # a bug, not Zoom: the call's fate is unknown
        await asyncio.to_thread(
            record, intent_id, **facts, body=body, result=Result.UNKNOWN,
            message=f"internal error: {type(exc).__name__}",
        )  # fmt: skip
        log.debug("internal error during %s on %s", op, account_id, exc_info=True)
        return CallResult(False, f"{op}: internal error {type(exc).__name__}: {exc}")
    await asyncio.to_thread(
        record, intent_id, **facts, body=body, result=Result.OK,
        http_status=answer.status, duration_ms=answer.duration_ms,
    )  # fmt: skip
    progress(f"{account_id}: {op} ok (HTTP {answer.status}, {answer.duration_ms:.0f} ms)")
    return CallResult(True)

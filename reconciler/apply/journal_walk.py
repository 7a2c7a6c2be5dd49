"""The one rule that reads an intent's fate from the journal, and the three questions on it.

The journal is asked three things: which calls are *unsettled* (no final outcome: a crashed
run, a lost answer), which unrepeatable writes are *in flight* (accepted or in doubt and not
shown by a read yet), and which calls of a saved plan were *made* (to resume it). They used to
be three loops with three sets of result names; a change to one (a new result, a person's
``journal resolve``) could miss the others. Here one walk folds each intent's lines into a
:class:`Fate`, and each question is a choice of fates plus filters (:func:`walk`).

The rule, in the order lines were written:
- ``not_visible`` is evidence (a read that did not show it), never a new fate;
- ``ok`` makes the call ACCEPTED, and an accepted call stays accepted until a read (or a
  person) says it is there (SHOWN) or not (ABSENT), or Zoom refused it (REFUSED);
- otherwise the last result wins: ``ambiguous``/``unknown`` (or no outcome at all) is IN_DOUBT.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from reconciler.apply.journal_records import Intent, Outcome, Record, Result, Settlement


class Fate(StrEnum):
    IN_DOUBT = "in_doubt"  # no final answer: it may or may not have happened
    ACCEPTED = "accepted"  # Zoom answered 2xx; no read has shown it yet
    SHOWN = "shown"  # a read (or a person) says it happened: settled
    REFUSED = "refused"  # Zoom refused it: settled, nothing happened
    ABSENT = "absent"  # decided not to have happened: a later run may send it again


_BY_RESULT = {
    Result.OK: Fate.ACCEPTED,
    Result.FAILED: Fate.REFUSED,
    Result.AMBIGUOUS: Fate.IN_DOUBT,
    Result.UNKNOWN: Fate.IN_DOUBT,
    Result.RESOLVED_PRESENT: Fate.SHOWN,
    Result.RESOLVED_ABSENT: Fate.ABSENT,
}
#: The fates that end an accepted call's wait.
_ENDS_ACCEPTED = frozenset({Fate.SHOWN, Fate.REFUSED, Fate.ABSENT})

#: The three questions, as fates.
UNSETTLED = frozenset({Fate.IN_DOUBT})
IN_FLIGHT = frozenset({Fate.IN_DOUBT, Fate.ACCEPTED})
MADE = frozenset({Fate.ACCEPTED, Fate.SHOWN})


@dataclass(frozen=True)
class IntentFate:
    """One intent and what its later lines say about it."""

    intent: Intent
    fate: Fate
    #: The last outcome or settlement (None: no outcome line at all; the run died).
    last: Outcome | Settlement | None = None
    #: The answer to the call, when there was one (its ``zoom_ts`` dates the write).
    answer: Outcome | None = None
    #: Times of reads that did not show it.
    read_at: tuple[datetime, ...] = field(default=())

    @property
    def intent_id(self) -> str:
        return self.intent.intent_id


def fates(records: Iterable[Record]) -> dict[str, IntentFate]:
    """Every intent's fate, in the order the intents were written (see the module doc)."""
    found: dict[str, IntentFate] = {}
    early: dict[str, list[Outcome | Settlement]] = {}  # lines read before their intent
    for record in records:
        if isinstance(record, Intent):
            found[record.intent_id] = IntentFate(record, Fate.IN_DOUBT)
            for line in early.pop(record.intent_id, []):
                found[record.intent_id] = _step(found[record.intent_id], line)
        elif isinstance(record, Outcome | Settlement):
            current = found.get(record.intent_id)
            if current is None:
                early.setdefault(record.intent_id, []).append(record)
            else:
                found[record.intent_id] = _step(current, record)
    return found


def _step(current: IntentFate, line: Outcome | Settlement) -> IntentFate:
    if line.result is Result.NOT_VISIBLE:
        return IntentFate(
            current.intent, current.fate, current.last, current.answer,
            (*current.read_at, line.zoom_ts or line.ts),
        )  # fmt: skip
    answer = line if isinstance(line, Outcome) else current.answer
    fate = _BY_RESULT[line.result]
    if current.fate is Fate.ACCEPTED and fate not in _ENDS_ACCEPTED:
        return IntentFate(current.intent, current.fate, current.last, answer, current.read_at)
    return IntentFate(current.intent, fate, line, answer, current.read_at)


def walk(
    records: Iterable[Record],
    wanted: Collection[Fate],
    *,
    account_id: str | None = None,
    plan_sha256: str | None = None,
    ops: Collection[str] | None = None,
    keep: Callable[[Intent], bool] | None = None,
) -> list[IntentFate]:
    """The intents whose fate is one of ``wanted``, filtered; in the order they were written.

    ``unsettled``: ``walk(records, UNSETTLED)``; purchases in flight:
    ``walk(records, IN_FLIGHT, ops=UNREPEATABLE_OPS, keep=...)``; calls a saved plan made:
    ``walk(records, MADE, account_id=..., plan_sha256=...)``.
    """
    chosen = []
    for item in fates(records).values():
        intent = item.intent
        if item.fate not in wanted:
            continue
        if account_id is not None and intent.account_id != account_id:
            continue
        if plan_sha256 is not None and intent.plan_sha256 != plan_sha256:
            continue
        if ops is not None and intent.op not in ops:
            continue
        if keep is not None and not keep(intent):
            continue
        chosen.append(item)
    return chosen

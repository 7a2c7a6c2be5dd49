"""Resuming a saved plan that a crashed (or stopped) run applied in part.

Re-running ``apply --plan FILE`` after a crash must send only the calls still missing. The
compare-and-swap cannot simply compare with the plan's ``live_sha256`` any more: the calls the
first run made changed the account. So for an account where the journal proves that a *prefix*
of this very plan's calls was made (same plan hash, same op, path and body; the journal walker's
MADE fate: accepted, or shown by a read), the check becomes:

1. every call of that prefix shows in the live plans exactly as the plan says (``after``);
2. undoing exactly those calls on the normalised live plans (using the plan's ``before``)
   gives back the state the plan was made against: its sha256 equals ``live_sha256``.

Together they prove the account is the planned state plus the calls already made, and nothing
else; anything else leaves the account *stale*. Any doubt (an unknown shape, a missing
``group``) also answers "not resumable", which is the safe side.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any

from reconciler.apply.journal_records import Record
from reconciler.apply.journal_walk import MADE, Fate, walk
from reconciler.groups.normalise import (
    NormalisedPlans,
    PlanShapeError,
    canonical_sha256,
    normalise_plans,
)
from reconciler.groups.operations import Effect, Sides, Target, is_op, spec_of
from reconciler.planner.bodies import entry_type
from reconciler.planner.model import Action


def _call_key(op: str, path: str, body: Any) -> tuple[str, str, str]:
    return op, path, json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)


def calls_made(
    records: Iterable[Record],
    account_id: str,
    plan_sha256: str,
    shown_now: Collection[str] = (),
) -> list[tuple[str, str, str]]:
    """Calls of this plan to this account that a run made, in the order they were sent: the
    journal's MADE fate (accepted, or shown by a read of any later run), or an intent this
    run's first read has just shown (``shown_now``, not journaled by the time we ask)."""
    wanted = {*MADE, Fate.IN_DOUBT} if shown_now else MADE
    return [
        _call_key(item.intent.op, item.intent.path, dict(item.intent.body))
        for item in walk(records, wanted, account_id=account_id, plan_sha256=plan_sha256)
        if item.fate in MADE or item.intent_id in shown_now
    ]


def made_prefix(actions: Sequence[Action], made: Sequence[tuple[str, str, str]]) -> int:
    """How many leading actions were made; -1 when what was made is not a prefix of the plan."""
    remaining = list(made)
    count = 0
    for action in actions:
        key = _call_key(action.op, action.path, dict(action.body))
        if key not in remaining:
            break
        remaining.remove(key)
        count += 1
    return count if not remaining else -1


def _undo(state: NormalisedPlans, action: Any) -> NormalisedPlans | None:
    """The state before ``action``, given the state right after it; None when unsure."""
    base = copy.deepcopy(state.base)
    addons = copy.deepcopy(state.addons)
    before, after = getattr(action, "before", None), getattr(action, "after", None)
    group, kind = getattr(action, "group", None), entry_type(action.body)
    if not is_op(action.op):
        return None
    spec = spec_of(action.op)
    if spec.target is Target.BASE and spec.effect is Effect.END:
        if base is not None or not isinstance(before, Mapping):
            return None
        base = dict(before)
    elif spec.target is Target.BASE and spec.effect is Effect.SET:
        if base is None or not isinstance(before, Mapping) or not isinstance(after, Mapping):
            return None
        if base.get("hosts") != after.get("hosts"):
            return None
        base["hosts"] = before.get("hosts")
    elif spec.target is Target.ADDON:
        if not isinstance(group, str) or not isinstance(kind, str):
            return None
        key = (group, kind)
        current = addons.get(key)
        if spec.effect is Effect.SET:
            if current is None or not isinstance(before, Mapping):
                return None
            if not isinstance(after, Mapping) or current.get("hosts") != after.get("hosts"):
                return None
            current["hosts"] = before.get("hosts")
        elif spec.effect is Effect.START:
            wanted = after if isinstance(after, Mapping) else {}
            if current is None or any(current.get(k) != v for k, v in wanted.items()):
                return None
            del addons[key]
        else:
            if current is not None or not isinstance(before, Mapping):
                return None
            addons[key] = dict(before)
    elif spec.sides is Sides.SUBSCRIPTION:
        if base is None or not isinstance(after, Mapping):
            return None
        wanted_base = after.get("plan_base")
        if not isinstance(wanted_base, Mapping) or any(
            base.get(k) != v for k, v in wanted_base.items()
        ):
            return None
        base = None
        for item in after.get("addons") or []:
            if not isinstance(item, Mapping):
                return None
            addons.pop((str(item.get("group")), str(item.get("type"))), None)
    else:
        return None
    return NormalisedPlans(
        base=base, addons=addons, cancelled=state.cancelled, unknown=state.unknown
    )


def resumable(
    actions_made: Sequence[Action], live: Mapping[str, Any] | None, live_sha256: str | None
) -> bool:
    """The live plans are exactly the planned state plus ``actions_made`` (see module doc)."""
    if not actions_made or not live_sha256:
        return False
    try:
        state: NormalisedPlans | None = normalise_plans(live)
    except PlanShapeError:
        return False
    for action in reversed(actions_made):
        if state is None:
            return False
        state = _undo(state, action)
    if state is None:
        return False
    return canonical_sha256(state.to_canonical()) == live_sha256

"""Is a call's change visible in a raw GET /plans answer?

Apply asks this in three places: to settle a POST/PATCH whose outcome is unknown (was the
account charged?), to settle an intent a crashed run left without an outcome, and to verify an
account after its calls (Zoom's reads are eventually consistent). Both the live answer and the
call's body are read through ``reconciler.groups.normalise``, the one reading of Zoom's plan
shapes the planner uses too: cancelled and expired entries count as absent, countries compare
as sets, ``plan_recording`` is a bare string with a sibling status, numeric strings are numbers.
A call is looked for by the entry its body carries (``reconciler.planner.bodies.entry_of``):
the calling plan inside a ``plan_phone`` body, not ``plan_phone``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, assert_never

from reconciler.groups.normalise import (
    NormalisedPlans,
    PlanShapeError,
    entry_fields,
    normalise_plans,
)
from reconciler.groups.operations import Target, Visibility, is_op, spec_of
from reconciler.planner.bodies import as_get_answer, entry_of, entry_type

if TYPE_CHECKING:
    from reconciler.planner.model import AccountPlan, Action


def _read(plans: Mapping[str, Any] | None) -> NormalisedPlans | None:
    """The normalised answer, or None when no reading explains it (then nothing is visible)."""
    try:
        return normalise_plans(plans)
    except PlanShapeError:
        return None


def _by_type(state: NormalisedPlans) -> dict[str, dict[str, Any]]:
    """Active add-ons by plan type: a type code names one product, whatever its group."""
    return {type_: fields for (_group, type_), fields in state.addons.items()}


def _fields_match(wanted: Mapping[str, Any], live: Mapping[str, Any]) -> bool:
    """Every managed field the call sent is what Zoom now shows. A field Zoom does not echo
    (a recording plan has no hosts in GET) cannot disprove the call, so it is skipped."""
    try:
        sent = entry_fields(wanted)
    except PlanShapeError:
        return False
    return all(live[key] == value for key, value in sent.items() if key in live)


def _shown_by_fields(kind: Visibility, body: Mapping[str, Any], state: NormalisedPlans) -> bool:
    """The check of one kind (the op table's `settled_by`), comparing the fields sent."""
    if kind is Visibility.SUBSCRIPTION:
        return state.base is not None
    if kind is Visibility.BASE_GONE:
        return state.base is None
    entry = entry_of(body)
    if kind is Visibility.BASE_FIELDS:
        base = state.base
        return base is not None and base["type"] == entry.get("type") and _fields_match(entry, base)
    if kind is Visibility.ADDON_FIELDS:
        present = _by_type(state).get(str(entry.get("type")))
        return present is not None and _fields_match(entry, present)
    if kind is Visibility.ADDON_GONE:
        return str(entry.get("type")) not in _by_type(state)
    if kind is Visibility.CONTACT_FIELDS:
        return False  # GET /plans never shows the contact: apply/contact_check.py reads it
    assert_never(kind)  # every kind is answered above; mypy checks a new one is too


def _shown_at_all(kind: Visibility, body: Mapping[str, Any], state: NormalisedPlans) -> bool:
    """The lenient check of one kind: presence, not seat counts."""
    if kind is Visibility.SUBSCRIPTION:
        return state.base is not None
    if kind is Visibility.BASE_GONE:
        return state.base is None
    if kind is Visibility.BASE_FIELDS:
        return state.base is not None and state.base["type"] == entry_type(body)
    if kind is Visibility.ADDON_FIELDS:
        return entry_type(body) in _by_type(state)
    if kind is Visibility.ADDON_GONE:
        return entry_type(body) not in _by_type(state)
    if kind is Visibility.CONTACT_FIELDS:
        return False  # GET /plans never shows the contact: apply/contact_check.py reads it
    assert_never(kind)  # every kind is answered above; mypy checks a new one is too


def change_visible(op: str, body: Mapping[str, Any], live: Mapping[str, Any] | None) -> bool:
    """The call ``op`` with ``body`` has visibly happened in ``live`` (a raw GET /plans answer).

    For ``subscribe`` this is deliberately lenient: once the account has an active base plan, a
    second subscribe could only fail or charge twice, so a subscribe whose outcome is unknown is
    settled as soon as any base exists. ``verified`` below is the strict check after the calls.
    """
    state = _read(live)
    if state is None or not is_op(op):
        return False
    return _shown_by_fields(spec_of(op).settled_by, body, state)


def verified(op: str, body: Mapping[str, Any], live: Mapping[str, Any] | None) -> bool:
    """Strict form of :func:`change_visible`: a subscribe must show its base and every add-on."""
    if not is_op(op) or spec_of(op).settled_by is not Visibility.SUBSCRIPTION:
        return change_visible(op, body, live)
    state = _read(live)
    wanted = _read(as_get_answer(body))
    if state is None or wanted is None or state.base is None:
        return False
    # A bundle (no plan_base in the body) brings a base plan Zoom chooses: any one will do.
    if wanted.base is not None and (
        state.base["type"] != wanted.base["type"] or not _fields_match(wanted.base, state.base)
    ):
        return False
    present = _by_type(state)
    return all(
        type_ in present and _fields_match(fields, present[type_])
        for (_group, type_), fields in wanted.addons.items()
    )


def all_calls_visible(account: AccountPlan, live: Mapping[str, Any] | None) -> bool:
    """Default convergence test: every call's change shows in the live plans.

    Only the last call touching a given plan counts (a later call may change the same entry).
    """
    last: dict[str, Action] = {}
    for action in account.actions:
        if is_op(action.op) and spec_of(action.op).settled_by is Visibility.CONTACT_FIELDS:
            continue  # not in GET /plans: apply reads GET /billing for it (`contact_check`)
        base_call = is_op(action.op) and spec_of(action.op).target is not Target.ADDON
        target = "plan_base" if base_call else entry_type(action.body)
        last[str(target)] = action
    return all(verified(a.op, a.body, live) for a in last.values())


def write_shown(op: str, body: Mapping[str, Any], live: Mapping[str, Any] | None) -> bool:
    """Does a read show that this write happened? Deliberately lenient (presence, not seat
    counts): a charge that shows at all must not be bought again. A subscribe shows as any
    active base; an add-on as its type being active; a cancellation as its type being gone.
    Only a write that cannot be repeated (the op table's `repeatable`) is a charge to look for."""
    state = _read(live)
    if state is None or not is_op(op) or spec_of(op).repeatable:
        return False
    return _shown_at_all(spec_of(op).settled_by, body, state)

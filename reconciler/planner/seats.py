"""Keep every step of an account's calls inside Zoom's add-on seat ceilings.

Zoom refuses webinar or Zoom Events hosts above the base plan's hosts, and large-meeting
hosts that are not below them (reconciler.groups.host_ceilings). The calls of one account are
sent in SPEC section 6's order (base increase, new add-ons, add-on increases, add-on decreases,
cancellations, base decrease), so the state after each call is known in advance: this module
walks the planned calls in that order from the live seats and turns a call that would break
the rule at its step into a blocked item with a sentence. Blocking it blocks the account, so
nothing is bought before a call Zoom would refuse (an add-on bought, then the base decrease
refused, is money spent on a plan that was never valid).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from reconciler.groups import table
from reconciler.groups.host_ceilings import CEILING_GROUPS, ceiling_broken, ceiling_rule
from reconciler.groups.normalise import NormalisedPlans
from reconciler.groups.operations import Effect, Sides, Target, spec_of
from reconciler.planner.addons import seat_count
from reconciler.planner.bodies import entry_type
from reconciler.planner.draft import AccountDraft
from reconciler.planner.model import Action, BlockedItem

REASON = "addon_hosts_above_base"


def _has_seats(base: Mapping[str, Any] | None) -> bool:
    """A bundle listed without hosts has seats of Zoom's choosing: nothing to check against."""
    if base is None:
        return False
    return "hosts" in base or not table.is_bundle_code(str(base.get("type")))


class _Seats:
    """Base hosts and the bound add-ons' hosts as they stand after the calls walked so far."""

    def __init__(self, have: NormalisedPlans) -> None:
        self.base: int | None = seat_count(have.base) if _has_seats(have.base) else None
        self.addons: dict[tuple[str, str], int] = {
            key: seat_count(fields)
            for key, fields in have.addons.items()
            if key[0] in CEILING_GROUPS
        }

    def over(self, base: int | None) -> list[tuple[tuple[str, str], int]]:
        """Bound add-ons whose hosts break the rule against `base` hosts, in a stable order."""
        if base is None:
            return []
        return sorted(
            (key, hosts)
            for key, hosts in self.addons.items()
            if ceiling_broken(key[0], hosts, base)
        )


def _subscribed_addons(body: Mapping[str, Any]) -> dict[tuple[str, str], int]:
    """The bound add-ons a subscribe body buys, with their hosts."""
    found: dict[tuple[str, str], int] = {}
    for group in CEILING_GROUPS:
        entries = body.get(group)
        for entry in entries if isinstance(entries, list) else []:
            if isinstance(entry, Mapping) and isinstance(entry.get("type"), str):
                found[(group, entry["type"])] = seat_count(entry)
    return found


def _listing(over: list[tuple[tuple[str, str], int]]) -> str:
    return ", ".join(f"{group} {type_} has {hosts}" for (group, type_), hosts in over)


def _check(action: Action, seats: _Seats) -> str | None:
    """Why `action` would break the rule at its step (a sentence), or None; updates `seats`."""
    body = action.body
    spec = spec_of(action.op)
    if spec.sides is Sides.SUBSCRIPTION:
        base = body.get("plan_base")
        if not isinstance(base, Mapping):
            return None  # a bundle: Zoom chooses its base plan and checks its own seats
        hosts = seat_count(base)
        before = dict(seats.addons)
        seats.addons.update(_subscribed_addons(body))
        over = seats.over(hosts)
        if over:
            seats.addons = before
            return (
                f"subscribe with plan_base hosts {hosts}: {_listing(over)} hosts; Zoom requires "
                "webinar and Zoom Events hosts not to exceed the base plan's hosts and "
                "large-meeting hosts to stay below them: raise plan_base hosts or lower the add-on"
            )
        seats.base = hosts
        return None
    group = action.group or ""
    if spec.target is Target.BASE and spec.effect is Effect.SET:
        new = seat_count(body)
        over = seats.over(new) if seats.base is not None and new < seats.base else []
        if over:
            return (
                f"plan_base: hosts {seats.base} -> {new} would leave fewer base hosts than the "
                f"add-ons need ({_listing(over)} hosts); Zoom requires webinar and Zoom Events "
                "hosts not to exceed the base plan's hosts and large-meeting hosts to stay below "
                "them: lower those add-ons in the YAML too, or keep more base hosts"
            )
        seats.base = new
        return None
    if group not in CEILING_GROUPS:
        return None
    key = (group, entry_type(body))
    if spec.effect is Effect.END:
        seats.addons.pop(key, None)
        return None
    hosts = seat_count(body)
    if seats.base is not None and ceiling_broken(group, hosts, seats.base):
        return (
            f"{group} {key[1]}: hosts {hosts} {ceiling_rule(group)} the base plan's hosts, "
            f"which are {seats.base} at this step (base increases go first, decreases "
            "last); Zoom would refuse the call: raise plan_base hosts in the YAML or lower "
            "the add-on"
        )
    seats.addons[key] = hosts
    return None


def block_above_base(draft: AccountDraft, have: NormalisedPlans) -> None:
    """Replace every planned call that would break the seat rule at its step by a block."""
    seats = _Seats(have)
    for phase in sorted(draft.phases):
        items = draft.phases[phase]
        for index, item in enumerate(items):
            if not isinstance(item, Action):
                continue  # a blocked call is never sent: it changes no seats
            why = _check(item, seats)
            if why is not None:
                items[index] = BlockedItem(
                    reason_code=REASON,
                    message=why,
                    op=item.op,
                    body=item.body,
                    klass=item.klass,
                    path=item.path,
                    group=item.group,
                )

"""What normalisation produces: both sides of the diff in one comparable shape, and the errors
for a plan no reading of Zoom explains (`normalise.py` does the reading; callers import both
from there)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

AddonKey = tuple[str, str]


class PlanShapeError(ValueError):
    """A plan value has a shape no reading of Zoom's API explains (e.g. a number for a group)."""


class AmbiguousEntries(PlanShapeError):
    """Two active entries of one type in one group: no call can say which one it changes.

    Keeping one of them would show the reviewer the wrong seats and hide the other from the
    fingerprint apply compares before writing, so the account is an error instead.
    """

    code = "ambiguous_entries"

    def __init__(self, group: str, type_: str, entries: list[dict[str, Any]]) -> None:
        self.group = group
        self.type_ = type_
        shown = "; ".join(
            ", ".join(f"{k} {v}" for k, v in sorted(e.items()) if k != "type") or "no seats"
            for e in entries
        )
        super().__init__(
            f"{group} lists {len(entries)} active entries of type {type_} ({shown}); "
            "zoomplans cannot tell which one a call would change: have Zoom merge or cancel "
            "the extra entry, then plan again"
        )


@dataclass(frozen=True)
class NormalisedPlans:
    """Both sides of the diff in one comparable shape.

    `base` and every add-on value hold `type` plus the managed fields only. `cancelled` is what
    the desired side asks to cancel (`state: cancelled`); the live side never fills it, because a
    cancelled live entry simply counts as absent.
    """

    base: dict[str, Any] | None
    addons: dict[AddonKey, dict[str, Any]] = field(default_factory=dict)
    cancelled: frozenset[AddonKey] = frozenset()
    unknown: dict[str, Any] = field(default_factory=dict)
    #: Desired only: `plan_bundle` codes, sent in a subscribe and never compared afterwards.
    bundle: tuple[str, ...] = ()
    #: Desired only: entries that say when they take effect (`paid_period_start_date`), keyed
    #: like `addons`; the base plan as `("plan_base", type)`. Never compared: sent with the call.
    scheduled: dict[AddonKey, str] = field(default_factory=dict)
    #: Desired only: the base type marked `state: cancelled`; each cancellation's `reason` and
    #: `comment`, keyed like `cancelled` (base as `("plan_base", type)`). Never compared.
    cancelled_base: str | None = None
    cancel_notes: dict[AddonKey, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def read(
        cls,
        base: dict[str, Any] | None,
        addons: dict[AddonKey, dict[str, Any]],
        cancelled: frozenset[AddonKey],
        unknown: dict[str, Any],
        bundle: tuple[str, ...],
        scheduled: dict[AddonKey, str],
        cancelled_base: str | None,
        cancel_notes: dict[AddonKey, dict[str, Any]],
    ) -> NormalisedPlans:
        """The instance normalisation makes, every field given: the same object `__init__`
        makes, made in one step (a frozen dataclass's `__init__` sets each field through
        `object.__setattr__`, a third of normalising an empty answer; a plan of 10,000
        accounts makes 20,000 of these). `tests/planner/test_fast_forms.py` compares them."""
        plans = object.__new__(cls)
        object.__setattr__(plans, "__dict__", {
            "base": base, "addons": addons, "cancelled": cancelled, "unknown": unknown,
            "bundle": bundle, "scheduled": scheduled, "cancelled_base": cancelled_base,
            "cancel_notes": cancel_notes,
        })  # fmt: skip
        return plans

    @property
    def subscribed(self) -> bool:
        """An account without an active base plan has no subscription to change."""
        return self.base is not None

    def to_canonical(self) -> dict[str, Any]:
        """A JSON-able, order-independent form for fingerprints and hashing.

        The desired-only fields appear only when set, so an account that uses none keeps the
        hash it had before they existed (saved plans stay valid across the upgrade).
        """
        canonical: dict[str, Any] = {
            "base": self.base,
            # Sorted by (group, type): keys are unique, so two entries' fields never compare.
            "addons": [{"group": g, **fields} for (g, _), fields in sorted(self.addons.items())],
            "cancelled": [{"group": g, "type": t} for g, t in sorted(self.cancelled)]
            if self.cancelled
            else [],
            "unknown": self.unknown,
        }
        if self.bundle:
            canonical["bundle"] = list(self.bundle)
        if self.scheduled:
            canonical["scheduled"] = [
                {"group": g, "type": t, "from": self.scheduled[(g, t)]}
                for g, t in sorted(self.scheduled)
            ]
        if self.cancelled_base is not None:
            canonical["cancelled_base"] = self.cancelled_base
        if self.cancel_notes:
            canonical["cancel_notes"] = [
                {"group": g, "type": t, **self.cancel_notes[(g, t)]}
                for g, t in sorted(self.cancel_notes)
            ]
        return canonical


#: The keys of a live reading's canonical form (the desired-only ones never appear there).
_LIVE_KEYS = frozenset({"base", "addons", "cancelled", "unknown"})


def live_from_canonical(canonical: Any) -> NormalisedPlans | None:
    """The live plans back from their :meth:`NormalisedPlans.to_canonical` form (a saved plan's
    ``live``), or None when ``canonical`` is not exactly such a form of a live reading.

    Exactly: the result's own canonical form must equal ``canonical`` key for key, so a plan
    made from it is the plan made from any answer with the same ``live_sha256``. Anything
    else (desired-only keys, an add-on listed twice, a value of the wrong kind) is None, and
    the caller proves that account from a fresh read instead.
    """
    if not isinstance(canonical, dict) or set(canonical) != _LIVE_KEYS:
        return None
    base, addons, unknown = canonical["base"], canonical["addons"], canonical["unknown"]
    cancelled = canonical["cancelled"]
    if not (base is None or isinstance(base, dict)) or not isinstance(unknown, dict):
        return None
    if cancelled != [] or not isinstance(addons, list):
        return None
    read: dict[AddonKey, dict[str, Any]] = {}
    for item in addons:
        if not isinstance(item, dict) or not isinstance(item.get("group"), str):
            return None
        fields = {k: v for k, v in item.items() if k != "group"}
        if not isinstance(fields.get("type"), str) or (item["group"], fields["type"]) in read:
            return None
        read[(item["group"], fields["type"])] = fields
    plans = NormalisedPlans(base=None if base is None else dict(base), addons=read, unknown=unknown)
    return plans if plans.to_canonical() == canonical else None

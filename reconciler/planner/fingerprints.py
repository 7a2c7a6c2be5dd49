"""Fingerprints: what compare-and-swap and a saved plan's proof compare, one spelling each.

A plan records the sha256 of each account's normalised live plans (`live_sha256`) and of the
desired accounts it was made from (`desired_sha256`); apply recomputes both before writing. They
hash normalised data, so an invoice date moving at Zoom does not make a reviewed plan stale.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from reconciler.groups.normalise import (
    NormalisedPlans,
    PlanShapeError,
    canonical_sha256,
    normalise_plans,
)


def live_fingerprint(raw_plans: Mapping[str, Any] | None) -> str:
    """sha256 of the normalised live plans: an invoice date moving does not change it.

    Apply compares it with the plan's `live_sha256` before writing (compare-and-swap).
    """
    try:
        return normalised_fingerprint(normalise_plans(raw_plans))
    except PlanShapeError:
        # An answer no reading explains is planned as an error; still fingerprint it exactly.
        return canonical_sha256({"unreadable": raw_plans})


def normalised_fingerprint(plans: NormalisedPlans) -> str:
    """`live_fingerprint` for plans already normalised (the planner reads each answer once)."""
    return canonical_sha256(plans.to_canonical())


def desired_fingerprint(desired_accounts: Sequence[Any]) -> str:
    """sha256 of the canonical JSON of the selected desired accounts, in account_id order."""
    docs = sorted((a.to_json() for a in desired_accounts), key=lambda d: str(d["account_id"]))
    return canonical_sha256(docs)

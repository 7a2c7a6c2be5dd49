"""The wire contract: each pinned op name and the method and path it is sent as.

The planner builds every Action's method and path from this, and apply checks a plan's calls
against it before sending; both columns are read from the one op table
(`reconciler.groups.operations`), and kept here apart from the plan model so both sides read
the contract without reading the whole plan.
"""

from __future__ import annotations

from reconciler.groups.operations import OP_TABLE, spec_of

OPS: tuple[str, ...] = tuple(spec.op.value for spec in OP_TABLE)

#: op -> (method, path template): the wire contract (docs/ARCHITECTURE.md), pinned op names.
CALLS: dict[str, tuple[str, str]] = {spec.op.value: (spec.method, spec.path) for spec in OP_TABLE}


def call_of(op: str, account_id: str) -> tuple[str, str]:
    """The method and path of ``op`` for one account (KeyError for an op that is not pinned)."""
    return spec_of(op).call(account_id)

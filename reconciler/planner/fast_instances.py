"""The plan's frozen instances the planner makes most, made in one step.

A frozen dataclass's `__init__` sets each field through `object.__setattr__`: a dozen calls
for an `AccountPlan` or an `Action`, and planning 10,000 accounts makes some 20,000 of them
(issue 19's planning CPU). These make the very same instances (same class, same instance
dict, equal, frozen afterwards) in one step; `tests/planner/test_fast_forms.py` compares
each with what `__init__` and `dataclasses.replace` make.
"""

from __future__ import annotations

from typing import Any, TypeVar

from reconciler.planner.field_change import FieldChange
from reconciler.planner.model import AccountPlan, Action
from reconciler.planner.renewal_record import Renewal

_Frozen = TypeVar("_Frozen")


def _made(cls: type[_Frozen], fields: dict[str, Any]) -> _Frozen:
    """An instance of `cls` whose instance dict is `fields` (every field of the class)."""
    made = object.__new__(cls)
    object.__setattr__(made, "__dict__", fields)
    return made


#: Every field of an in-sync account at its default, the ones `in_sync` sets aside.
_IN_SYNC = vars(AccountPlan(account_id="", source=None, status="in_sync", live_sha256=None))


def in_sync(
    account_id: str, source: str, live_sha256: str, name: str | None, renewal: Renewal | None
) -> AccountPlan:
    """`AccountPlan(account_id=..., status="in_sync", ...)`: most accounts of a plan."""
    return _made(
        AccountPlan,
        {
            **_IN_SYNC,
            "account_id": account_id,
            "source": source,
            "live_sha256": live_sha256,
            "name": name,
            "renewal": renewal,
        },
    )


def action_with_changes(action: Action, changes: tuple[FieldChange, ...]) -> Action:
    """`dataclasses.replace(action, changes=changes)`: an Action's instance dict holds
    exactly its fields."""
    return _made(Action, {**vars(action), "changes": changes})

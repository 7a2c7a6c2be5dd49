"""One field one call changes (an action's `changes`), apart from the plan model that holds it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class FieldChange:
    """One field one call changes: its path, and its value before and after (None: absent)."""

    path: str
    before: Any
    after: Any

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "before": self.before, "after": self.after}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> FieldChange:
        return cls(path=str(data["path"]), before=data.get("before"), after=data.get("after"))

    @property
    def entry(self) -> str:
        """`plan_webinar[webinar500_monthly]` or `plan_base` in a subscribe; "" otherwise."""
        return self.path.rpartition(".")[0]

    @property
    def field(self) -> str:
        """The field's own name: `hosts`, `type`, `tollfree_countries`."""
        return self.path.rpartition(".")[2]

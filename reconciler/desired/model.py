"""The desired state: what the YAML files say each sub-account should pay for.

`plans` keeps Zoom's own field names (SPEC section 3) as plain JSON-like data, after `extends`
layering. It is deliberately not normalised here: the planner normalises desired and live plans
with the same code, so both sides go through one reading of Zoom's shapes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from reconciler.desired.problems import Problem


@dataclass(frozen=True)
class SourceMark:
    """Where a document starts: `accounts/acme.yaml:1` in plans and messages."""

    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class DesiredAccount:
    """One sub-account as declared. Treat `plans`, `labels` and `contact` as read-only."""

    account_id: str
    source: SourceMark
    plans: Mapping[str, Any]
    name: str | None = None
    labels: Mapping[str, str] = field(default_factory=dict)
    contact: Mapping[str, str] | None = None

    def to_json(self) -> dict[str, Any]:
        """The canonical form hashed into the plan's `desired_sha256`."""
        return {
            "account_id": self.account_id,
            "name": self.name,
            "labels": dict(self.labels),
            "contact": dict(self.contact) if self.contact is not None else None,
            "plans": self.plans,
        }


@dataclass(frozen=True)
class DesiredState:
    """Everything loaded from the given paths, plus every problem found on the way."""

    accounts: Sequence[DesiredAccount]
    problems: Sequence[Problem]
    #: The account files read (templates named by `extends` are not counted), in load order.
    files: Sequence[str] = ()

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors

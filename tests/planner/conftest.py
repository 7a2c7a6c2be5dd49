"""Shared builders for the planner tests: desired accounts and live answers, built directly."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from reconciler.desired.model import DesiredAccount, SourceMark
from tests.sample_contact import CONTACT


def desired(
    plans: Mapping[str, Any],
    account_id: str = "sub_1",
    *,
    contact: Mapping[str, str] | None = None,
    labels: Mapping[str, str] | None = None,
    name: str | None = None,
) -> DesiredAccount:
    return DesiredAccount(
        account_id=account_id,
        source=SourceMark(f"accounts/{account_id}.yaml", 1),
        plans=plans,
        name=name,
        labels=dict(labels or {}),
        contact=contact,
    )


class FakeZoom:
    """A tiny in-memory reader: plans and usage per account, errors per account."""

    def __init__(
        self,
        plans: Mapping[str, Any],
        usage: Mapping[str, Any] | None = None,
        errors: Mapping[str, Exception] | None = None,
    ) -> None:
        self.plans = dict(plans)
        self.usage = dict(usage or {})
        self.errors = dict(errors or {})
        self.calls: list[tuple[str, str]] = []

    async def get_plans(self, account_id: str) -> dict[str, Any]:
        self.calls.append(("get_plans", account_id))
        if account_id in self.errors:
            raise self.errors[account_id]
        return self.plans[account_id]

    async def get_usage(self, account_id: str) -> dict[str, Any]:
        self.calls.append(("get_usage", account_id))
        return self.usage[account_id]


@pytest.fixture
def contact() -> dict[str, str]:
    return dict(CONTACT)


@pytest.fixture
def make_desired() -> Any:
    """The `desired(...)` builder, as a fixture (tests are imported in importlib mode)."""
    return desired


@pytest.fixture
def fake_zoom() -> type[FakeZoom]:
    return FakeZoom


def _idle_usage(live: Any) -> dict[str, Any]:
    """A GET /plans/usage answer for `live` with nobody using any seat (decreases allowed)."""
    from reconciler.groups.normalise import normalise_plans
    from reconciler.groups.table import BY_KEY, UsageShape

    usage: dict[str, Any] = {"plan_base": {"usage": 0, "pending": 0}}
    for group, type_ in normalise_plans(live).addons:
        *outer, last = group.split(".")
        if BY_KEY[group].usage is UsageShape.FLAT:  # Zoom reports Node's groups at the top
            outer = []
        where = usage
        for part in outer:
            where = where.setdefault(part, {})
        where.setdefault(last, []).append({"type": type_, "usage": 0})
    return usage


@pytest.fixture(scope="session")
def idle_usage() -> Any:
    """`idle_usage(live)`: a usage answer with no seat in use, so any decrease may be planned."""
    return _idle_usage

"""Shared builders for the planner tests: desired accounts and live answers, built directly;
the in-memory Zoom is the shared one (tests/fakes.py)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from reconciler.desired.model import DesiredAccount, SourceMark
from tests.fakes import FakeZoom
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


@pytest.fixture
def contact() -> dict[str, str]:
    return dict(CONTACT)


@pytest.fixture
def make_desired() -> Any:
    """The `desired(...)` builder, as a fixture (tests are imported in importlib mode)."""
    return desired


@pytest.fixture
def fake_zoom() -> type[FakeZoom]:
    """The shared fake's class (`fake_zoom(plans, usage=..., errors=...)`)."""
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

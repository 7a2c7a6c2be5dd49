"""Accounts planned while the other reads are still paced: `make_plan` plans each account as
soon as its answer is in (and the renewals are known), and the plan is the one planning them
all after the last answer gives, byte for byte."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from reconciler.planner import as_read, workflow
from reconciler.planner.model import PlanOptions
from reconciler.zoom.billing import AccountRenewal
from reconciler.zoom.errors import AccountNotFound
from tests.fakes import FakeZoom
from tests.planner.conftest import desired
from tests.sample_contact import CONTACT

NOW = datetime(2026, 12, 7, 18, 0, tzinfo=UTC)
BASE = {"type": "business_monthly", "hosts": 20, "status": "active"}


def accounts() -> list[Any]:
    """In sync, seat increases, a decrease, an unknown account, one whose contact is read."""
    made = [desired({"plan_base": {"type": "business_monthly", "hosts": 20}}, f"sub_{i:02}")
            for i in range(12)]  # fmt: skip
    made += [desired({"plan_base": {"type": "business_monthly", "hosts": 20 + i}}, f"sub_{i:02}")
             for i in range(12, 20)]  # fmt: skip
    made.append(desired({"plan_base": {"type": "business_monthly", "hosts": 12}}, "sub_dec"))
    made.append(desired({"plan_base": {"type": "business_monthly", "hosts": 20}}, "sub_gone"))
    made.append(
        desired(
            {"plan_base": {"type": "business_monthly", "hosts": 20}},
            "sub_contact",
            contact={**CONTACT, "first_name": "Other"},
        )
    )
    return made


def zoom() -> FakeZoom:
    ids = [f"sub_{i:02}" for i in range(20)] + ["sub_dec", "sub_contact"]
    renewal = AccountRenewal.from_json(
        {"account_id": "sub_03", "next_renewal_date": "2026-12-20", "auto_renew": True,
         "total_renewal_amount": 300, "renewable_subscriptions": []},
        "results[0]",
    )  # fmt: skip
    return FakeZoom(
        {i: {"plan_base": dict(BASE)} for i in ids},
        usage={"sub_dec": {"plan_base": {"usage": 3, "pending": 0}}},
        errors={"sub_gone": AccountNotFound("no such account", path="/accounts/sub_gone/plans")},
        contacts={"sub_contact": CONTACT},
        renewals=[renewal],
        read_pause_s=0.0,
    )


async def test_the_plan_is_the_one_planned_after_the_last_answer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    early: list[str] = []
    plan_read_account = as_read.plan_read_account

    def spy(*args: Any) -> Any:
        early.append(args[0].account_id)
        return plan_read_account(*args)

    monkeypatch.setattr(as_read, "plan_read_account", spy)
    options = PlanOptions(allow_decrease=True)
    planned = await workflow.make_plan(accounts(), zoom(), options, now=NOW, progress=False)
    assert "sub_contact" not in early, "its contact is read after the plans: planned at the end"
    assert len(early) >= 15, early

    read_live = workflow.read_live

    async def without_early(*args: Any, on_read: Any = None, **kwargs: Any) -> Any:
        return await read_live(*args, **kwargs)

    monkeypatch.setattr(workflow, "read_live", without_early)
    at_the_end = await workflow.make_plan(accounts(), zoom(), options, now=NOW, progress=False)
    assert planned.to_json() == at_the_end.to_json()
    statuses = {a.account_id: a.status for a in planned.accounts}
    assert statuses["sub_00"] == "in_sync" and statuses["sub_15"] == "changes"
    assert statuses["sub_dec"] == "changes" and "sub_dec" in early
    assert statuses["sub_gone"] == "blocked" and statuses["sub_contact"] == "changes"
    assert planned.accounts[3].renewal is not None
    assert planned.accounts[3].renewal.total_renewal_amount == Decimal(300)


async def test_the_plan_is_dated_when_the_reading_began(make_desired: Any) -> None:
    """Its age counts from the oldest answer in it."""
    before = datetime.now(UTC)
    fake = FakeZoom({"sub_a": {"plan_base": dict(BASE)}}, read_pause_s=0.05)
    plan = await workflow.make_plan(
        [make_desired({"plan_base": {"type": "business_monthly", "hosts": 20}}, "sub_a")],
        fake,
        PlanOptions(),
        progress=False,
    )
    after = datetime.now(UTC)
    assert before <= plan.created_at <= after - timedelta(seconds=0.05)

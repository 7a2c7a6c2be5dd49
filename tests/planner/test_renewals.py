"""The renewals list in planning, without HTTP: a failing read never stops a plan, and the
flag and `--at-renewal` follow the op table (the end-to-end tests are test_renewals_e2e.py)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from reconciler.groups.operations import Op
from reconciler.planner.model import Action, PlanOptions
from reconciler.planner.renewal_record import Renewal
from reconciler.planner.renewals import at_renewal, is_removal, renewal_notice
from reconciler.planner.workflow import make_plan
from reconciler.zoom.billing import AccountRenewal
from reconciler.zoom.errors import NetworkError

BASE20 = {"type": "business_monthly", "hosts": 20, "status": "active"}
TODAY = date(2026, 12, 7)


def renewal(days: int, *, auto: bool = True, cycles: tuple[str, ...] = ("Monthly",)) -> Renewal:
    return Renewal(
        next_renewal_date=date.fromordinal(TODAY.toordinal() + days),
        auto_renew=auto,
        total_renewal_amount=Decimal(100),
        billing_cycles=cycles,
    )


def decrease(body: dict[str, Any] | None = None) -> Action:
    return Action.for_call(
        Op.UPDATE_BASE, "sub_a", increase=False,
        body=body or {"type": "business_monthly", "hosts": 15}, group="plan_base",
    )  # fmt: skip


async def test_a_failing_renewals_read_leaves_dates_unknown_and_the_plan_goes_on(
    make_desired: Any, fake_zoom: Any
) -> None:
    accounts = [make_desired({"plan_base": {"type": "business_monthly", "hosts": 25}}, "sub_a")]
    zoom = fake_zoom({"sub_a": {"plan_base": BASE20}})
    zoom.renewals = NetworkError("connection reset", path="/accounts/billing/renewals")
    plan = await make_plan(accounts, zoom, PlanOptions(), progress=False)
    assert plan.accounts[0].status == "changes" and plan.accounts[0].renewal is None
    assert plan.renewals is not None and plan.renewals.unknown is not None
    assert plan.renewals.unknown.startswith("GET /accounts/billing/renewals failed: ")
    assert [c for c in zoom.calls if c[0] == "list_renewals"] == [("list_renewals", "90")]


async def test_each_listed_account_gets_its_renewal(make_desired: Any, fake_zoom: Any) -> None:
    accounts = [make_desired({"plan_base": {"type": "business_monthly", "hosts": 20}}, "sub_a")]
    row = AccountRenewal.from_json(
        {"account_id": "sub_a", "next_renewal_date": "2027-01-15", "auto_renew": False,
         "total_renewal_amount": 1200, "renewable_subscriptions": []},
        "results[0]",
    )  # fmt: skip
    zoom = fake_zoom({"sub_a": {"plan_base": BASE20}}, renewals=[row])
    plan = await make_plan(accounts, zoom, PlanOptions(), progress=False)
    assert plan.accounts[0].status == "in_sync"
    assert plan.accounts[0].renewal == Renewal(
        next_renewal_date=date(2027, 1, 15), auto_renew=False, total_renewal_amount=Decimal(1200)
    )
    assert plan.to_json()["accounts"][0]["renewal"]["total_renewal_amount"] == 1200


@pytest.mark.parametrize(
    ("op", "increase", "removal"),
    [
        (Op.UPDATE_BASE, True, False), (Op.UPDATE_BASE, False, True),
        (Op.UPDATE_ADDON, False, True), (Op.ADD_ADDON, True, False),
        (Op.CANCEL_ADDON, True, True), (Op.CANCEL_BASE, True, True),
        (Op.SUBSCRIBE, True, False), (Op.UPDATE_CONTACT, True, False),
    ],
)  # fmt: skip
def test_removals_are_decreases_and_cancellations(op: Op, increase: bool, removal: bool) -> None:
    action = Action.for_call(op, "sub_a", increase=increase, body={"type": "x"})
    assert is_removal(action.op, action.klass) is removal


@pytest.mark.parametrize(
    ("renews", "flagged"),
    [
        (renewal(5, cycles=("Annual",)), True),
        (renewal(5, auto=False), True),
        (renewal(5), False),  # monthly and automatic: nothing to look at
        (renewal(20, cycles=("Three years",)), False),  # outside the 14 days
        (renewal(0, auto=False), False),  # takes effect on the renewal day itself
    ],
)
def test_a_removal_is_flagged_only_near_a_yearly_or_manual_renewal(
    renews: Renewal, flagged: bool
) -> None:
    assert (renewal_notice(decrease(), renews, TODAY, 14) is not None) is flagged


def test_at_renewal_dates_a_decrease_and_keeps_a_date_the_file_gave() -> None:
    dated, block = at_renewal(decrease(), renewal(30), TODAY)
    assert block is None
    assert dated.body["paid_period_start_date"] == dated.body["service_effective_date"]
    assert dated.body["service_effective_date"] == "2027-01-06"
    own = {"type": "business_monthly", "hosts": 15, "paid_period_start_date": "2027-03-01",
           "service_effective_date": "2027-03-01"}  # fmt: skip
    assert at_renewal(decrease(own), renewal(30), TODAY) == (decrease(own), None)
    _, today = at_renewal(decrease(), renewal(0), TODAY)
    assert today is not None and today[0] == "renewal_not_in_future"

"""A seat count in Zoom's answer that is not a whole number blocks the account.

`seat_count` reads such a value as no seats, so without the block a decrease from 30 to 5 would
be planned as an increase from 0 (past --allow-decrease). Strings str.isdigit accepts but int()
does not ("²", 5,000 digits) were a ValueError out of the normaliser.
"""

from __future__ import annotations

from typing import Any

import pytest

from reconciler.planner.core import build_plan
from reconciler.planner.model import PlanOptions
from reconciler.zoom.live import LivePlans


@pytest.mark.parametrize("hosts", ["abc", "²", "30.5", "9" * 5000, True, 12.5])
def test_unreadable_base_seats_block_the_account(hosts: Any, make_desired: Any) -> None:
    live = {"plan_base": {"type": "business_monthly", "hosts": hosts}}
    desired = make_desired({"plan_base": {"type": "business_monthly", "hosts": 5}})
    planned = build_plan([desired], {"sub_1": LivePlans("sub_1", live)}, PlanOptions())
    result = planned.accounts[0]
    assert result.status == "blocked"
    assert result.actions == ()
    assert [b.reason_code for b in result.blocked] == ["unreadable_seats"]
    assert "plan_base: hosts" in result.blocked[0].message
    assert len(result.blocked[0].message) < 300, "a long value is shortened"


def test_unreadable_add_on_seats_block_the_account(make_desired: Any) -> None:
    live = {
        "plan_base": {"type": "business_monthly", "hosts": 30},
        "plan_webinar": [{"type": "webinar500_monthly", "hosts": "many"}],
    }
    desired = make_desired(
        {
            "plan_base": {"type": "business_monthly", "hosts": 30},
            "plan_webinar": [{"type": "webinar500_monthly", "hosts": 2}],
        }
    )
    planned = build_plan([desired], {"sub_1": LivePlans("sub_1", live)}, PlanOptions())
    result = planned.accounts[0]
    assert result.status == "blocked" and result.actions == ()
    assert "plan_webinar webinar500_monthly: hosts 'many'" in result.blocked[0].message


def test_a_numeric_string_is_still_read_as_seats(make_desired: Any) -> None:
    live = {"plan_base": {"type": "business_monthly", "hosts": " 30 "}}
    desired = make_desired({"plan_base": {"type": "business_monthly", "hosts": 31}})
    planned = build_plan([desired], {"sub_1": LivePlans("sub_1", live)}, PlanOptions())
    [action] = planned.accounts[0].actions
    assert (action.before, action.after) == ({"hosts": 30}, {"hosts": 31})

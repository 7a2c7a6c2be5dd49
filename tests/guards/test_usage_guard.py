"""The usage guard in the planner: add-on and base decreases against GET /plans/usage rows."""

from __future__ import annotations

from typing import Any

from reconciler.desired.model import DesiredAccount, SourceMark
from reconciler.planner.core import plan_account
from reconciler.planner.model import PlanOptions
from reconciler.planner.usage_reads import needs_usage
from reconciler.zoom.live import LivePlans

ALLOW = PlanOptions(allow_decrease=True)
LIVE = {
    "plan_base": {"type": "business_monthly", "hosts": 30, "status": "active"},
    "plan_zoom_rooms": {"type": "zroom_monthly", "hosts": 6, "status": "active"},
    "plan_phone": {
        "plan_base": {"type": "phone_payongo", "status": "active"},
        "plan_calling": [{"type": "phone_calling_usca_monthly_unlimited", "hosts": 10}],
    },
}


def desired(plans: dict[str, Any]) -> DesiredAccount:
    return DesiredAccount("sub_u", SourceMark("accounts/u.yaml", 1), plans, None, {}, None)


def reasons(plans: dict[str, Any], usage: dict[str, Any] | None) -> list[str]:
    result = plan_account(desired(plans), LivePlans("sub_u", LIVE, usage), ALLOW)
    return [b.reason_code for b in result.blocked]


def test_an_addon_decrease_is_checked_against_its_usage_row() -> None:
    want = {"plan_zoom_rooms": {"type": "zroom_monthly", "hosts": 3}}
    row = {"plan_zoom_rooms": {"type": "zroom_monthly", "hosts": 6, "usage": 3}}
    assert reasons(want, row) == []
    busy = {"plan_zoom_rooms": {"type": "zroom_monthly", "hosts": 6, "usage": 4}}
    result = plan_account(desired(want), LivePlans("sub_u", LIVE, busy), ALLOW)
    (item,) = result.blocked
    assert item.reason_code == "below_usage" and result.status == "blocked"
    assert item.message == (
        "plan_zoom_rooms zroom_monthly: hosts 3 is below the 4 seats in use and pending "
        "(4 used, 0 pending); blocked even with --allow-decrease"
    )


def test_a_decrease_with_no_usage_row_is_never_planned_blind() -> None:
    want = {"plan_zoom_rooms": {"type": "zroom_monthly", "hosts": 3}}
    assert reasons(want, {"plan_base": {"usage": 1}}) == ["usage_unknown"]
    assert reasons(want, None) == ["usage_unknown"]


def test_phone_rows_are_read_where_zoom_nests_them() -> None:
    want = {"plan_phone": {"plan_calling": [
        {"type": "phone_calling_usca_monthly_unlimited", "hosts": 4}]}}  # fmt: skip
    nested = {"plan_phone": {"plan_calling": [
        {"type": "phone_calling_usca_monthly_unlimited", "usage": 5}]}}  # fmt: skip
    assert reasons(want, nested) == ["below_usage"]


def test_usage_is_read_only_where_an_allowed_decrease_is_planned() -> None:
    addon_down = desired({"plan_zoom_rooms": {"type": "zroom_monthly", "hosts": 3}})
    addon_up = desired({"plan_zoom_rooms": {"type": "zroom_monthly", "hosts": 9}})
    assert needs_usage(addon_down, LIVE, ALLOW) is True
    assert needs_usage(addon_down, LIVE, PlanOptions()) is False  # blocked anyway, no read
    assert needs_usage(addon_up, LIVE, ALLOW) is False
    assert needs_usage(desired({"plan_base": {"type": "business_monthly", "hosts": 20}}),
                       LIVE, ALLOW) is True  # fmt: skip

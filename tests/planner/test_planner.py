"""Table-driven planner tests: every op, class, blocked reason, unmanaged item and live oddity."""

from __future__ import annotations

from typing import Any

import pytest

from reconciler.planner.core import build_plan, plan_account
from reconciler.planner.model import PlanOptions
from reconciler.planner.usage_reads import needs_usage
from reconciler.zoom.errors import AccountNotFound, SelfPayAccount, ServerError
from reconciler.zoom.live import LivePlans

BASE20 = {"type": "business_monthly", "hosts": 20, "status": "active"}
A = "/accounts/sub_1/plans"

# (id, desired plans, live plans, options, expected actions, blocked reasons, unmanaged, status)
CASES: list[
    tuple[str, dict[str, Any], Any, dict[str, bool], list[Any], list[str], list[Any], str]
] = [
    (
        "base seat increase",
        {"plan_base": {"type": "business_monthly", "hosts": 25}},
        {"plan_base": BASE20},
        {},
        [
            (
                "update_base",
                "seat_increase",
                "PUT",
                f"{A}/base",
                {"type": "business_monthly", "hosts": 25},
            )
        ],
        [],
        [],
        "changes",
    ),
    (
        "base seat decrease without --allow-decrease is blocked",
        {"plan_base": {"type": "business_monthly", "hosts": 12}},
        {"plan_base": BASE20},
        {},
        [],
        ["seat_decrease_not_allowed"],
        [],
        "blocked",
    ),
    (
        "base type change is blocked",
        {"plan_base": {"type": "business_yearly", "hosts": 20}},
        {"plan_base": BASE20},
        {},
        [],
        ["base_type_change"],
        [],
        "blocked",
    ),
    (
        "legacy live base type is a blocked type change, not a crash",
        {"plan_base": {"type": "business_yearly", "hosts": 50}},
        {"plan_base": {"type": "business_yearly_c50", "hosts": 50, "status": "active"}},
        {},
        [],
        ["base_type_change"],
        [],
        "blocked",
    ),
    (
        "legacy live base type kept in the YAML is in sync",
        {"plan_base": {"type": "business_yearly_c50", "hosts": 50}},
        {"plan_base": {"type": "business_yearly_c50", "hosts": 50, "status": "active"}},
        {},
        [],
        [],
        [],
        "in_sync",
    ),
    (
        "new list add-on",
        {
            "plan_base": {"type": "business_monthly", "hosts": 20},
            "plan_webinar": [{"type": "webinar500_monthly", "hosts": 3}],
        },
        {"plan_base": BASE20},
        {},
        [
            (
                "add_addon",
                "addon_added",
                "POST",
                f"{A}/addons",
                {"type": "webinar500_monthly", "hosts": 3},
            )
        ],
        [],
        [],
        "changes",
    ),
    (
        "new recording add-on sends hosts 1",
        {"plan_recording": "cmr_monthly_commitment_40"},
        {"plan_base": BASE20},
        {},
        [
            (
                "add_addon",
                "addon_added",
                "POST",
                f"{A}/addons",
                {"type": "cmr_monthly_commitment_40", "hosts": 1},
            )
        ],
        [],
        [],
        "changes",
    ),
    (
        "new audio add-on sends hosts 1 and countries as sorted comma strings",
        {
            "plan_audio": {
                "type": "tollfree_payongo",
                "tollfree_countries": ["US", "CA"],
                "callout_countries": "US",
            }
        },
        {"plan_base": BASE20},
        {},
        [
            (
                "add_addon",
                "addon_added",
                "POST",
                f"{A}/addons",
                {
                    "type": "tollfree_payongo",
                    "hosts": 1,  # Zoom's 2026 add-on schema requires hosts
                    "tollfree_countries": "CA,US",
                    "callout_countries": "US",
                },
            )
        ],
        [],
        [],
        "changes",
    ),
    (
        "new phone base goes in Zoom's Phone body, callout countries as a comma string",
        {"plan_phone": {"plan_base": {"type": "phone_payongo", "callout_countries": ["US"]}}},
        {"plan_base": BASE20},
        {},
        [
            (
                "add_addon",
                "addon_added",
                "POST",
                f"{A}/addons",
                {
                    "type": "plan_phone",
                    "plan_details": {
                        "plan_base": {"type": "phone_payongo", "callout_countries": "US"}
                    },
                },
            )
        ],
        [],
        [],
        "changes",
    ),
    (
        "add-on increase and decrease with --allow-decrease, in order",
        {
            "plan_webinar": [{"type": "webinar500_monthly", "hosts": 2}],
            "plan_large_meeting": [{"type": "large500_monthly", "hosts": 4}],
        },
        {
            "plan_base": BASE20,
            "plan_webinar": [{"type": "webinar500_monthly", "hosts": 3, "status": "active"}],
            "plan_large_meeting": [{"type": "large500_monthly", "hosts": 1, "status": "active"}],
        },
        {"allow_decrease": True},
        [
            (
                "update_addon",
                "seat_increase",
                "PUT",
                f"{A}/addons",
                {"type": "large500_monthly", "hosts": 4},
            ),
            (
                "update_addon",
                "seat_decrease",
                "PUT",
                f"{A}/addons",
                {"type": "webinar500_monthly", "hosts": 2},
            ),
        ],
        [],
        [],
        "changes",
    ),
    (
        "add-on decrease without --allow-decrease is blocked",
        {"plan_zoom_rooms": {"type": "zroom_monthly", "hosts": 1}},
        {
            "plan_base": BASE20,
            "plan_zoom_rooms": {"type": "zroom_monthly", "hosts": 2, "status": "active"},
        },
        {},
        [],
        ["seat_decrease_not_allowed"],
        [],
        "blocked",
    ),
    (
        "cancellation with --allow-cancel",
        {"plan_webinar": [{"type": "webinar1000_monthly", "state": "cancelled"}]},
        {
            "plan_base": BASE20,
            "plan_webinar": [{"type": "webinar1000_monthly", "hosts": 1, "status": "active"}],
        },
        {"allow_cancel": True},
        [
            (
                "cancel_addon",
                "addon_cancelled",
                "PATCH",
                f"{A}/addons/status",
                {"action": "cancel", "type": "webinar1000_monthly"},
            )
        ],
        [],
        [],
        "changes",
    ),
    (
        "recording cancellation (string live shape) with --allow-cancel",
        {"plan_recording": {"type": "cmr_monthly_commitment_40", "state": "cancelled"}},
        {
            "plan_base": BASE20,
            "plan_recording": "cmr_monthly_commitment_40",
            "plan_recording_status": "active",
        },
        {"allow_cancel": True},
        [
            (
                "cancel_addon",
                "addon_cancelled",
                "PATCH",
                f"{A}/addons/status",
                {"action": "cancel", "type": "cmr_monthly_commitment_40"},
            )
        ],
        [],
        [],
        "changes",
    ),
    (
        "cancellation without --allow-cancel is blocked",
        {"plan_webinar": [{"type": "webinar1000_monthly", "state": "cancelled"}]},
        {
            "plan_base": BASE20,
            "plan_webinar": [{"type": "webinar1000_monthly", "hosts": 1, "status": "active"}],
        },
        {},
        [],
        ["cancel_not_allowed"],
        [],
        "blocked",
    ),
    (
        "desired cancellation satisfied by a live cancelled entry",
        {"plan_webinar": [{"type": "webinar1000_monthly", "state": "cancelled"}]},
        {
            "plan_base": BASE20,
            "plan_webinar": [{"type": "webinar1000_monthly", "hosts": 1, "status": "cancelled"}],
        },
        {},
        [],
        [],
        [],
        "in_sync",
    ),
    (
        "desired cancellation satisfied by absence",
        {"plan_recording": {"type": "cmr_monthly_commitment_40", "state": "cancelled"}},
        {"plan_base": BASE20},
        {},
        [],
        [],
        [],
        "in_sync",
    ),
    (
        "expired live add-on counts as absent: re-added",
        {"plan_webinar": [{"type": "webinar500_monthly", "hosts": 3}]},
        {
            "plan_base": BASE20,
            "plan_webinar": [{"type": "webinar500_monthly", "hosts": 3, "status": "expired"}],
        },
        {},
        [
            (
                "add_addon",
                "addon_added",
                "POST",
                f"{A}/addons",
                {"type": "webinar500_monthly", "hosts": 3},
            )
        ],
        [],
        [],
        "changes",
    ),
    (
        "absence never cancels: live add-on missing from YAML is unmanaged",
        {"plan_base": {"type": "business_monthly", "hosts": 20}},
        {
            "plan_base": BASE20,
            "plan_zoom_rooms": {"type": "zroom_monthly", "hosts": 2, "status": "active"},
        },
        {},
        [],
        [],
        [("plan_zoom_rooms", "zroom_monthly")],
        "in_sync",
    ),
    (
        "unknown live plan group is reported as unmanaged",
        {"plan_base": {"type": "business_monthly", "hosts": 20}},
        {
            "plan_base": BASE20,
            "plan_future_group": {"type": "zoomone_pro", "hosts": 3, "next_invoice_date": "x"},
        },
        {},
        [],
        [],
        [("plan_future_group", None)],
        "in_sync",
    ),
    (
        "audio countries change has no API call",
        {"plan_audio": {"type": "tollfree_payongo", "tollfree_countries": ["US", "CA", "GB"]}},
        {
            "plan_base": BASE20,
            "plan_audio": {
                "type": "tollfree_payongo",
                "tollfree_countries": "US,CA",
                "status": "active",
            },
        },
        {},
        [],
        ["unsupported_change"],
        [],
        "blocked",
    ),
    (
        "recording type change has no API call",
        {"plan_recording": "cmr_monthly_commitment_100"},
        {
            "plan_base": BASE20,
            "plan_recording": "cmr_monthly_commitment_40",
            "plan_recording_status": "active",
        },
        {},
        [],
        ["unsupported_change"],
        [],
        "blocked",
    ),
    (
        "countries as list and as comma string are the same",
        {"plan_audio": {"type": "tollfree_payongo", "tollfree_countries": ["CA", "US", "US"]}},
        {
            "plan_base": BASE20,
            "plan_audio": {
                "type": "tollfree_payongo",
                "tollfree_countries": " US,CA ",
                "status": "active",
            },
        },
        {},
        [],
        [],
        [],
        "in_sync",
    ),
    (
        "fields the YAML leaves out are not managed",
        {"plan_base": {"type": "business_monthly"}, "plan_audio": {"type": "tollfree_payongo"}},
        {
            "plan_base": BASE20,
            "plan_audio": {
                "type": "tollfree_payongo",
                "tollfree_countries": "US",
                "ddi_numbers": 2,
            },
        },
        {},
        [],
        [],
        [],
        "in_sync",
    ),
    (
        "Zoom's empty string and zero count as unset",
        {
            "plan_base": {"type": "business_monthly", "hosts": 20},
            "plan_audio": {"type": "tollfree_payongo"},
        },
        {
            "plan_base": BASE20,
            "plan_audio": {"type": "tollfree_payongo", "premium_countries": "", "ddi_numbers": 0},
            "plan_zoom_rooms": "",
        },
        {},
        [],
        [],
        [],
        "in_sync",
    ),
    (
        "phone calling seats increase",
        {
            "plan_phone": {
                "plan_calling": [{"type": "phone_calling_usca_monthly_unlimited", "hosts": 10}]
            }
        },
        {
            "plan_base": BASE20,
            "plan_phone": {
                "plan_calling": [{"type": "phone_calling_usca_monthly_unlimited", "hosts": 5}]
            },
        },
        {},
        [
            (
                "update_addon",
                "seat_increase",
                "PUT",
                f"{A}/addons",
                {"type": "phone_calling_usca_monthly_unlimited", "hosts": 10},
            )
        ],
        [],
        [],
        "changes",
    ),
    (
        "phone callout countries change has no API call",
        {"plan_phone": {"plan_base": {"type": "phone_payongo", "callout_countries": ["US", "CA"]}}},
        {
            "plan_base": BASE20,
            "plan_phone": {"plan_base": {"type": "phone_payongo", "callout_countries": "US"}},
        },
        {},
        [],
        ["unsupported_change"],
        [],
        "blocked",
    ),
    (
        "zoom rooms type change has no API call",
        {"plan_zoom_rooms": {"type": "zroom_yearly", "hosts": 2}},
        {"plan_base": BASE20, "plan_zoom_rooms": {"type": "zroom_monthly", "hosts": 2}},
        {},
        [],
        ["unsupported_change"],
        [],
        "blocked",
    ),
    (
        "a second webinar type is a new add-on, the first stays unmanaged",
        {"plan_webinar": [{"type": "webinar1000_monthly", "hosts": 1}]},
        {"plan_base": BASE20, "plan_webinar": [{"type": "webinar500_monthly", "hosts": 3}]},
        {},
        [
            (
                "add_addon",
                "addon_added",
                "POST",
                f"{A}/addons",
                {"type": "webinar1000_monthly", "hosts": 1},
            )
        ],
        [],
        [("plan_webinar", "webinar500_monthly")],
        "changes",
    ),
    (
        "lapsed base with a live add-on: subscribe, and the add-on is unmanaged",
        {"plan_base": {"type": "business_monthly", "hosts": 10}},
        {
            "plan_base": {"type": "business_monthly", "hosts": 10, "status": "expired"},
            "plan_zoom_rooms": {"type": "zroom_monthly", "hosts": 1},
        },
        {},
        [],
        ["subscribe_without_contact"],
        [("plan_zoom_rooms", "zroom_monthly")],
        "blocked",
    ),
]


@pytest.mark.parametrize(
    ("desired_plans", "live_plans", "opts", "actions", "blocked", "unmanaged", "status"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_plan_account_table(
    make_desired: Any,
    idle_usage: Any,
    desired_plans: dict[str, Any],
    live_plans: Any,
    opts: dict[str, bool],
    actions: list[Any],
    blocked: list[str],
    unmanaged: list[Any],
    status: str,
) -> None:
    result = plan_account(
        make_desired(desired_plans),
        LivePlans("sub_1", live_plans, idle_usage(live_plans)),
        PlanOptions(**opts),
    )
    assert [(a.op, a.klass, a.method, a.path, a.body) for a in result.actions] == actions
    assert [b.reason_code for b in result.blocked] == blocked
    assert [(u.group, u.type) for u in result.unmanaged] == unmanaged
    assert result.status == status
    assert all(b.message for b in result.blocked)
    assert all("increasing_hosts" not in a.body for a in result.actions)


def test_order_inside_one_account(make_desired: Any, idle_usage: Any) -> None:
    """Base increase, new add-ons, add-on increases, decreases, cancellations."""
    want = {
        "plan_base": {"type": "business_monthly", "hosts": 30},
        "plan_webinar": [
            {"type": "webinar500_monthly", "hosts": 1},
            {"type": "webinar1000_monthly", "state": "cancelled"},
            {"type": "webinar100_monthly", "hosts": 9},
        ],
        "plan_zoom_rooms": {"type": "zroom_monthly", "hosts": 5},
        "plan_large_meeting": [{"type": "large100_monthly", "hosts": 2}],
    }
    have = {
        "plan_base": BASE20,
        "plan_webinar": [
            {"type": "webinar500_monthly", "hosts": 4},
            {"type": "webinar1000_monthly", "hosts": 1},
        ],
        "plan_zoom_rooms": {"type": "zroom_monthly", "hosts": 2},
    }
    result = plan_account(
        make_desired(want),
        LivePlans("sub_1", have, idle_usage(have)),
        PlanOptions(allow_decrease=True, allow_cancel=True),
    )
    assert [(a.op, a.klass, a.body.get("type")) for a in result.actions] == [
        ("update_base", "seat_increase", "business_monthly"),
        ("add_addon", "addon_added", "large100_monthly"),
        ("add_addon", "addon_added", "webinar100_monthly"),
        ("update_addon", "seat_increase", "zroom_monthly"),
        ("update_addon", "seat_decrease", "webinar500_monthly"),
        ("cancel_addon", "addon_cancelled", "webinar1000_monthly"),
    ]


def test_base_decrease_is_last_and_checked_against_usage(make_desired: Any) -> None:
    want = {
        "plan_base": {"type": "business_monthly", "hosts": 15},
        "plan_webinar": [{"type": "webinar500_monthly", "hosts": 1}],
    }
    options = PlanOptions(allow_decrease=True)
    live = {"plan_base": BASE20}
    assert needs_usage(make_desired(want), live, options)
    assert not needs_usage(make_desired(want), live, PlanOptions())
    ok = plan_account(
        make_desired(want),
        LivePlans("sub_1", live, {"plan_base": {"usage": 12, "pending": 2}}),
        options,
    )
    assert [(a.op, a.klass) for a in ok.actions] == [
        ("add_addon", "addon_added"),
        ("update_base", "seat_decrease"),
    ]
    assert ok.actions[-1].before == {"hosts": 20} and ok.actions[-1].after == {"hosts": 15}
    low = plan_account(
        make_desired(want),
        LivePlans("sub_1", live, {"plan_base": {"usage": 14, "pending": 2}}),
        options,
    )
    assert low.status == "blocked"
    assert [b.reason_code for b in low.blocked] == ["below_usage"]
    assert "16 seats in use and pending" in low.blocked[0].message
    assert [a.op for a in low.actions] == ["add_addon"]  # listed for review, never sent
    unknown = plan_account(make_desired(want), LivePlans("sub_1", live, None), options)
    assert [b.reason_code for b in unknown.blocked] == ["usage_unknown"]


def test_unsubscribed_account_is_subscribed_in_one_post(make_desired: Any, contact: Any) -> None:
    want = {
        "plan_base": {"type": "business_monthly", "hosts": 10},
        "plan_webinar": [
            {"type": "webinar500_monthly", "hosts": 3},
            {"type": "webinar100_monthly", "state": "cancelled"},
        ],
        "plan_recording": "cmr_monthly_commitment_40",
        "plan_audio": {"type": "tollfree_payongo", "tollfree_countries": ["US", "CA"]},
        "plan_phone": {
            "plan_base": {"type": "phone_payongo"},
            "plan_number": [{"type": "phone_number_usca_monthly", "hosts": 2}],
        },
    }
    for live in (
        None,
        {},
        {"plan_base": {"type": "business_monthly", "hosts": 20, "status": "cancelled"}},
    ):
        result = plan_account(
            make_desired(want, contact=contact), LivePlans("sub_1", live), PlanOptions()
        )
        assert result.status == "changes"
        assert len(result.actions) == 1
        action = result.actions[0]
        assert (action.op, action.klass, action.method, action.path) == (
            "subscribe",
            "subscribe",
            "POST",
            A,
        )
        assert action.body == {
            "contact": contact,
            "plan_base": {"type": "business_monthly", "hosts": 10},
            "plan_webinar": [{"type": "webinar500_monthly", "hosts": 3}],
            "plan_recording": "cmr_monthly_commitment_40",
            "plan_audio": {"type": "tollfree_payongo", "tollfree_countries": "CA,US"},
            "plan_phone": {
                "plan_base": {"type": "phone_payongo"},
                "plan_number": [{"type": "phone_number_usca_monthly", "hosts": 2}],
            },
        }


def test_subscribe_without_contact_is_blocked(make_desired: Any) -> None:
    result = plan_account(
        make_desired({"plan_base": {"type": "business_monthly", "hosts": 10}}),
        LivePlans("sub_1", None),
        PlanOptions(),
    )
    assert result.status == "blocked"
    assert [(b.reason_code, b.op) for b in result.blocked] == [
        ("subscribe_without_contact", "subscribe")
    ]
    assert "contact" in result.blocked[0].message
    assert result.actions == ()


def test_add_ons_without_any_base_plan_are_blocked(make_desired: Any) -> None:
    result = plan_account(
        make_desired({"plan_webinar": [{"type": "webinar500_monthly", "hosts": 3}]}),
        LivePlans("sub_1", None),
        PlanOptions(),
    )
    assert [b.reason_code for b in result.blocked] == ["no_base_plan"]


@pytest.mark.parametrize(
    ("error", "status", "reason"),
    [
        (
            SelfPayAccount(
                "self-pay", status=400, code=2100, method="GET", path="/accounts/sub_1/plans"
            ),
            "blocked",
            "self_pay",
        ),
        (
            AccountNotFound(
                "nope", status=404, code=2001, method="GET", path="/accounts/sub_1/plans"
            ),
            "blocked",
            "account_not_found",
        ),
        (
            ServerError("boom", status=503, method="GET", path="/accounts/sub_1/plans"),
            "error",
            None,
        ),
    ],
)
def test_account_errors(
    make_desired: Any, error: Exception, status: str, reason: str | None
) -> None:
    result = plan_account(
        make_desired({"plan_base": {"type": "business_monthly", "hosts": 10}}),
        LivePlans("sub_1", None, None, error),  # type: ignore[arg-type]
        PlanOptions(),
    )
    assert result.status == status
    assert result.live_sha256 is None
    if reason:
        assert [b.reason_code for b in result.blocked] == [reason]
        assert "sub_1" in result.blocked[0].message
    else:
        assert result.error is not None and "sub_1" in result.error and "HTTP 503" in result.error


def test_unreadable_live_shape_is_an_error_on_that_account_only(make_desired: Any) -> None:
    accounts = [
        make_desired({"plan_base": {"type": "business_monthly", "hosts": 10}}, i)
        for i in ("sub_a", "sub_b")
    ]
    lives = {
        "sub_a": LivePlans("sub_a", {"plan_base": 42}),
        "sub_b": LivePlans("sub_b", {"plan_base": {"type": "business_monthly", "hosts": 10}}),
    }
    plan = build_plan(accounts, lives, PlanOptions())
    assert [(a.account_id, a.status) for a in plan.accounts] == [
        ("sub_a", "error"),
        ("sub_b", "in_sync"),
    ]
    assert "plan_base" in (plan.accounts[0].error or "")


def test_build_plan_orders_accounts_and_counts(make_desired: Any) -> None:
    accounts = [
        make_desired({"plan_base": {"type": "business_monthly", "hosts": 25}}, "sub_c"),
        make_desired({"plan_base": {"type": "business_monthly", "hosts": 20}}, "sub_a"),
        make_desired({"plan_base": {"type": "business_monthly", "hosts": 5}}, "sub_b"),
    ]
    lives = {i: LivePlans(i, {"plan_base": BASE20}) for i in ("sub_a", "sub_b", "sub_c")}
    plan = build_plan(accounts, lives, PlanOptions())
    assert [a.account_id for a in plan.accounts] == ["sub_a", "sub_b", "sub_c"]
    assert [a.status for a in plan.accounts] == ["in_sync", "blocked", "changes"]
    summary = plan.summary()
    assert summary["actions"]["update_base"] == 1
    assert (summary["in_sync"], summary["changes"], summary["blocked"]) == (1, 1, 1)
    assert plan.failed and plan.pending


def test_dates_and_invoice_fields_never_make_a_change(make_desired: Any) -> None:
    live = {
        "plan_base": {
            **BASE20,
            "service_effective_date": "2026-01-01T00:00:00Z",
            "next_invoice_date": "2026-02-01",
        },
        "plan_recording": "cmr_monthly_commitment_40",
        "plan_recording_status": "active",
        "plan_recording_next_invoice_date": "2026-02-01",
    }
    want = {
        "plan_base": {"type": "business_monthly", "hosts": 20},
        "plan_recording": "cmr_monthly_commitment_40",
    }
    assert (
        plan_account(make_desired(want), LivePlans("sub_1", live), PlanOptions()).status
        == "in_sync"
    )


def test_a_seat_change_naming_a_base_type_zoom_no_longer_sells_is_blocked(
    make_desired: Any,
) -> None:
    """Zoom answers GET with `business_yearly_c50` and refuses a PUT naming it (2100, "Invalid
    Base Plan Type"): blocked with the way out, unless zoomplans.yaml allows the code."""
    have = {"plan_base": {"type": "business_yearly_c50", "hosts": 30, "status": "active"}}
    want = make_desired({"plan_base": {"type": "business_yearly_c50", "hosts": 35}})
    blocked = plan_account(want, LivePlans("sub_1", have), PlanOptions())
    assert blocked.status == "blocked"
    assert blocked.actions == ()
    (item,) = blocked.blocked
    assert (item.reason_code, item.op, item.body) == (
        "base_type_not_sold",
        "update_base",
        {"type": "business_yearly_c50", "hosts": 35},
    )
    assert "move the account to a current base type" in item.message
    assert "extra_plan_types" in item.message
    allowed = PlanOptions(extra_plan_types=("business_yearly_c50",))
    planned = plan_account(want, LivePlans("sub_1", have), allowed)
    assert [(a.op, a.body) for a in planned.actions] == [
        ("update_base", {"type": "business_yearly_c50", "hosts": 35})
    ]
    in_sync = plan_account(
        make_desired({"plan_base": {"type": "business_yearly_c50", "hosts": 30}}),
        LivePlans("sub_1", have),
        PlanOptions(),
    )
    assert in_sync.status == "in_sync"  # only a change is refused by Zoom: no note otherwise

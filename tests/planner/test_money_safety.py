"""Planner holes that would move money wrongly (issue 11, item 5): each is planned safely.

- a lapsed base plan with active add-ons: the subscribe body never buys them again;
- `state: cancelled` on an account without a subscription: a blocked item, not "not in the YAML";
- two active entries of one type: an `ambiguous_entries` account error;
- add-on seats above the base plan's seats: blocked at the step Zoom would refuse.
"""

from __future__ import annotations

from typing import Any

from reconciler.groups.normalise import AmbiguousEntries, normalise_plans
from reconciler.planner.core import build_plan, plan_account
from reconciler.planner.fingerprints import live_fingerprint
from reconciler.planner.model import Plan, PlanOptions
from reconciler.planner.plan_schema import schema_problems
from reconciler.zoom.live import LivePlans

A = "/accounts/sub_1/plans"
LAPSED = {
    "plan_base": {"type": "business_monthly", "hosts": 12, "status": "cancelled"},
    "plan_webinar": [
        {"type": "webinar500_monthly", "hosts": 5, "status": "active"},
        {"type": "webinar1000_monthly", "hosts": 2, "status": "active"},
    ],
    "plan_recording": "cmr_monthly_commitment_40",
    "plan_recording_status": "active",
}
ALLOW_ALL = PlanOptions(allow_decrease=True, allow_cancel=True)


def _calls(result: Any) -> list[tuple[str, str, dict[str, Any]]]:
    return [(a.op, a.klass, a.body) for a in result.actions]


def test_lapsed_base_subscribe_leaves_active_matching_add_ons_out(
    make_desired: Any, contact: Any
) -> None:
    want = {
        "plan_base": {"type": "business_monthly", "hosts": 12},
        "plan_webinar": [
            {"type": "webinar500_monthly", "hosts": 5},  # active as is: not bought again
            {"type": "webinar1000_monthly", "hosts": 4},  # active, more seats: a follow-up PUT
            {"type": "webinar3000_monthly", "hosts": 1},  # not listed: in the subscribe
        ],
        "plan_recording": "cmr_monthly_commitment_40",  # active: not bought again
    }
    result = plan_account(
        make_desired(want, contact=contact), LivePlans("sub_1", LAPSED), PlanOptions()
    )
    assert result.status == "changes", result.blocked
    assert _calls(result) == [
        (
            "subscribe",
            "subscribe",
            {
                "contact": contact,
                "plan_base": {"type": "business_monthly", "hosts": 12},
                "plan_webinar": [{"type": "webinar3000_monthly", "hosts": 1}],
            },
        ),
        ("update_addon", "seat_increase", {"type": "webinar1000_monthly", "hosts": 4}),
    ]
    subscribe = result.actions[0]
    assert subscribe.after == {
        "plan_base": {"type": "business_monthly", "hosts": 12},
        "addons": [{"group": "plan_webinar", "type": "webinar3000_monthly", "hosts": 1}],
    }
    assert result.unmanaged == ()


def test_lapsed_base_add_on_changes_without_a_call_are_blocked(
    make_desired: Any, contact: Any
) -> None:
    live = {
        **LAPSED,
        "plan_zoom_rooms": {"type": "zroom_monthly", "hosts": 2, "status": "active"},
    }
    want = {
        "plan_base": {"type": "business_monthly", "hosts": 12},
        "plan_zoom_rooms": {"type": "zroom_yearly", "hosts": 2},  # another type: no call
        "plan_webinar": [{"type": "webinar500_monthly", "hosts": 3}],  # decrease: opt-in
    }
    result = plan_account(make_desired(want, contact=contact), LivePlans("sub_1", live), ALLOW_ALL)
    assert result.status == "blocked"
    reasons = sorted(b.reason_code for b in result.blocked)
    assert reasons == ["unsupported_change", "usage_unknown"]
    # The subscribe buys the base alone: neither the rooms nor the webinar are in its body.
    assert _calls(result)[0][2] == {
        "contact": contact,
        "plan_base": {"type": "business_monthly", "hosts": 12},
    }
    assert {(u.group, u.type) for u in result.unmanaged} == {
        ("plan_webinar", "webinar1000_monthly"),
        ("plan_recording", "cmr_monthly_commitment_40"),
    }


def test_cancelled_add_on_on_an_account_without_subscription_is_blocked(
    make_desired: Any,
) -> None:
    want = {"plan_webinar": [{"type": "webinar500_monthly", "state": "cancelled"}]}
    result = plan_account(make_desired(want), LivePlans("sub_1", LAPSED), ALLOW_ALL)
    assert result.status == "blocked"
    assert [(b.reason_code, b.group) for b in result.blocked] == [
        ("cancel_without_base", "plan_webinar")
    ]
    message = result.blocked[0].message
    assert "webinar500_monthly" in message and "state: cancelled" in message
    assert "no active base plan" in message
    assert result.actions == ()
    # The cancelled add-on is not described as missing from the YAML; the others are.
    assert [u.detail for u in result.unmanaged if u.type == "webinar500_monthly"] == []
    assert {u.type for u in result.unmanaged} == {
        "webinar1000_monthly",
        "cmr_monthly_commitment_40",
    }


def test_cancel_after_subscribe_when_the_yaml_subscribes(make_desired: Any, contact: Any) -> None:
    want = {
        "plan_base": {"type": "business_monthly", "hosts": 12},
        "plan_webinar": [{"type": "webinar500_monthly", "state": "cancelled"}],
    }
    result = plan_account(
        make_desired(want, contact=contact), LivePlans("sub_1", LAPSED), ALLOW_ALL
    )
    assert [(op, klass) for op, klass, _ in _calls(result)] == [
        ("subscribe", "subscribe"),
        ("cancel_addon", "addon_cancelled"),
    ]


def test_changed_add_on_without_any_base_is_blocked(make_desired: Any) -> None:
    want = {"plan_webinar": [{"type": "webinar500_monthly", "hosts": 9}]}
    result = plan_account(make_desired(want), LivePlans("sub_1", LAPSED), ALLOW_ALL)
    assert [b.reason_code for b in result.blocked] == ["no_base_plan"]
    assert "hosts 9" in result.blocked[0].message
    matching = {"plan_webinar": [{"type": "webinar500_monthly", "hosts": 5}]}
    same = plan_account(make_desired(matching), LivePlans("sub_1", LAPSED), ALLOW_ALL)
    assert same.status == "in_sync" and same.blocked == ()


TWINS = {
    "plan_base": {"type": "business_monthly", "hosts": 20, "status": "active"},
    "plan_webinar": [
        {"type": "webinar500_monthly", "hosts": 3, "status": "active"},
        {"type": "webinar500_monthly", "hosts": 7, "status": "active"},
        {"type": "webinar500_monthly", "hosts": 9, "status": "cancelled"},
    ],
}


def test_two_active_entries_of_one_type_are_an_account_error(make_desired: Any) -> None:
    want = {
        "plan_base": {"type": "business_monthly", "hosts": 20},
        "plan_webinar": [{"type": "webinar500_monthly", "hosts": 3}],
    }
    good = {"plan_base": {"type": "business_monthly", "hosts": 20, "status": "active"}}
    plan = build_plan(
        [make_desired(want, "sub_1"), make_desired({"plan_base": good["plan_base"]}, "sub_2")],
        {"sub_1": LivePlans("sub_1", TWINS), "sub_2": LivePlans("sub_2", good)},
        ALLOW_ALL,
    )
    twins, other = plan.accounts
    assert (twins.status, twins.error_code, twins.actions, twins.blocked) == (
        "error",
        "ambiguous_entries",
        (),
        (),
    )
    assert twins.error is not None
    for part in ("sub_1", "ambiguous_entries", "plan_webinar", "webinar500_monthly", "2 active"):
        assert part in twins.error
    assert other.status == "in_sync" and other.error_code is None
    # The fingerprint covers both entries: apply's compare-and-swap sees the hidden one.
    one_gone = {**TWINS, "plan_webinar": TWINS["plan_webinar"][:1]}
    assert twins.live_sha256 == live_fingerprint(TWINS) != live_fingerprint(one_gone)
    data = plan.to_json()
    assert schema_problems(data) == []
    assert Plan.from_json(data).accounts[0].error_code == "ambiguous_entries"
    assert data["summary"]["errors"] == 1


def test_a_cancelled_twin_is_no_ambiguity() -> None:
    try:
        normalise_plans(TWINS)
    except AmbiguousEntries as exc:
        assert (exc.group, exc.type_) == ("plan_webinar", "webinar500_monthly")
    else:
        raise AssertionError("two active entries of one type must not collapse into one")
    one_active = {**TWINS, "plan_webinar": TWINS["plan_webinar"][1:]}
    assert normalise_plans(one_active).addons[("plan_webinar", "webinar500_monthly")] == {
        "type": "webinar500_monthly",
        "hosts": 7,
    }


BASE3 = {"plan_base": {"type": "monthly", "hosts": 3, "status": "active"}}


def test_add_on_above_live_base_seats_is_blocked_when_yaml_leaves_base_hosts_out(
    make_desired: Any,
) -> None:
    want = {
        "plan_webinar": [{"type": "webinar500_monthly", "hosts": 8}],
        "plan_large_meeting": [{"type": "large500_monthly", "hosts": 3}],
        "plan_zoom_events": [{"type": "zoomevents500_monthly", "hosts": 3}],
    }
    result = plan_account(make_desired(want), LivePlans("sub_1", BASE3), ALLOW_ALL)
    assert result.status == "blocked"
    blocked = {b.body["type"]: b for b in result.blocked if b.body}
    assert sorted(blocked) == ["large500_monthly", "webinar500_monthly"]
    assert {b.reason_code for b in blocked.values()} == {"addon_hosts_above_base"}
    assert "may not exceed the base plan's hosts, which are 3" in (
        blocked["webinar500_monthly"].message
    )
    assert "must stay below" in blocked["large500_monthly"].message
    assert [a.body["type"] for a in result.actions] == ["zoomevents500_monthly"]


def test_base_increase_with_add_on_increase_is_valid_at_every_step(make_desired: Any) -> None:
    live = {
        **BASE3,
        "plan_webinar": [{"type": "webinar500_monthly", "hosts": 2, "status": "active"}],
    }
    want = {
        "plan_base": {"type": "monthly", "hosts": 8},
        "plan_webinar": [{"type": "webinar500_monthly", "hosts": 8}],
        "plan_large_meeting": [{"type": "large500_monthly", "hosts": 7}],
    }
    result = plan_account(make_desired(want), LivePlans("sub_1", live), PlanOptions())
    assert result.status == "changes", result.blocked
    assert [(op, klass, body.get("hosts")) for op, klass, body in _calls(result)] == [
        ("update_base", "seat_increase", 8),
        ("add_addon", "addon_added", 7),
        ("update_addon", "seat_increase", 8),
    ]


def test_base_decrease_below_live_add_on_seats_is_blocked(
    make_desired: Any, idle_usage: Any
) -> None:
    live = {
        "plan_base": {"type": "business_monthly", "hosts": 20, "status": "active"},
        "plan_webinar": [{"type": "webinar500_monthly", "hosts": 15, "status": "active"}],
    }
    want = {"plan_base": {"type": "business_monthly", "hosts": 12}}
    result = plan_account(make_desired(want), LivePlans("sub_1", live, idle_usage(live)), ALLOW_ALL)
    assert result.status == "blocked"
    assert [(b.reason_code, b.op) for b in result.blocked] == [
        ("addon_hosts_above_base", "update_base")
    ]
    assert "hosts 20 -> 12" in result.blocked[0].message
    assert "plan_webinar webinar500_monthly has 15" in result.blocked[0].message
    # Lowering the webinar in the same plan goes first, so then the base decrease is valid.
    both = {**want, "plan_webinar": [{"type": "webinar500_monthly", "hosts": 12}]}
    ok = plan_account(make_desired(both), LivePlans("sub_1", live, idle_usage(live)), ALLOW_ALL)
    assert ok.status == "changes", ok.blocked
    assert [(a.op, a.body["hosts"]) for a in ok.actions] == [
        ("update_addon", 12),
        ("update_base", 12),
    ]


def test_subscribe_whose_add_ons_exceed_its_base_is_blocked(
    make_desired: Any, contact: Any
) -> None:
    want = {
        "plan_base": {"type": "monthly", "hosts": 3},
        "plan_webinar": [{"type": "webinar500_monthly", "hosts": 8}],
    }
    result = plan_account(make_desired(want, contact=contact), LivePlans("sub_1", None), ALLOW_ALL)
    assert [(b.reason_code, b.op) for b in result.blocked] == [
        ("addon_hosts_above_base", "subscribe")
    ]
    assert result.actions == ()

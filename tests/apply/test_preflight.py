"""Refusals made before any call: expiry and tampered actions (guard rails: tests/guards)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from reconciler.apply import PlanExpired, PlanTampered, check_actions
from reconciler.apply.runner import check_saved_plan
from reconciler.planner.model import Action, Plan, PlanFormatError, PlanOptions

BASE = {"plan_base": {"type": "business_monthly", "hosts": 20, "status": "active"}}
NOW = datetime(2026, 11, 22, 1, 0, tzinfo=UTC)


def saved(kit, *accounts, expires_in=timedelta(hours=1), limit=None) -> Plan:
    return Plan(
        created_at=NOW - timedelta(minutes=5),
        expires_at=NOW + expires_in,
        git_commit=None,
        desired_sha256="d" * 64,
        options=PlanOptions(max_accounts_changed=limit),
        accounts=tuple(accounts),
    )


def test_an_expired_plan_names_its_expiry_time(kit) -> None:
    plan = saved(kit, expires_in=-timedelta(seconds=1))
    with pytest.raises(PlanExpired) as caught:
        check_saved_plan(plan, now=NOW)
    assert "expired at 2026-11-22T00:59:59+00:00" in str(caught.value)
    assert "zoomplans plan" in str(caught.value)


def test_a_plan_within_its_lifetime_passes(kit) -> None:
    update = kit.action("sub_a", "update_base", {"type": "business_monthly", "hosts": 25})
    check_saved_plan(saved(kit, kit.account("sub_a", BASE, update)), now=NOW)


def test_an_unreadable_expiry_is_refused(kit) -> None:
    data = saved(kit).to_json()
    data["expires_at"] = "tomorrow"
    with pytest.raises(PlanFormatError):
        Plan.from_json(data)


@pytest.mark.parametrize(
    ("op", "method", "path", "body", "problem"),
    [
        (
            "update_base",
            "PUT",
            "/accounts/sub_b/plans/base",
            {"type": "b", "hosts": 1},
            "expected PUT /accounts/sub_a/plans/base",
        ),
        (
            "add_addon",
            "PUT",
            "/accounts/sub_a/plans/addons",
            {"type": "w", "hosts": 1},
            "expected POST",
        ),
        ("refund", "POST", "/accounts/sub_a/plans", {}, "unknown op 'refund'"),
        (
            "update_base",
            "PUT",
            "/accounts/sub_a/plans/base",
            {"type": "b", "increasing_hosts": 5, "hosts": 1},
            "increasing_hosts is never sent",
        ),
        (
            "update_addon",
            "PUT",
            "/accounts/sub_a/plans/addons",
            {"type": "w", "hosts": "9"},
            "hosts must be a whole number",
        ),
        (
            "cancel_addon",
            "PATCH",
            "/accounts/sub_a/plans/addons/status",
            {"type": "w"},
            'action must be "cancel"',
        ),
        (
            "subscribe",
            "POST",
            "/accounts/sub_a/plans",
            {"plan_base": {"type": "b", "hosts": 10}},
            "contact is missing",
        ),
    ],
)
def test_a_tampered_action_is_refused(kit, op, method, path, body, problem) -> None:
    edited = Action(op=op, klass="x", method=method, path=path, body=body)
    with pytest.raises(PlanTampered) as caught:
        check_actions([kit.account("sub_a", BASE, edited)])
    assert problem in str(caught.value)
    assert "sub_a action 1" in str(caught.value)


def test_an_account_id_that_could_change_the_path_is_refused(kit) -> None:
    action = Action(
        op="update_base",
        klass="x",
        method="PUT",
        path="/accounts/../x/plans/base",
        body={"type": "b", "hosts": 1},
    )
    with pytest.raises(PlanTampered, match="is not a Zoom account id"):
        check_actions([kit.account("../x", BASE, action)])


def test_a_body_edited_after_review_is_refused(kit) -> None:
    edited = Action(
        op="update_base",
        klass="seat_increase",
        method="PUT",
        path="/accounts/sub_a/plans/base",
        body={"type": "business_monthly", "hosts": 250},
        before={"hosts": 20},
        after={"hosts": 25},
    )
    with pytest.raises(PlanTampered, match="body hosts 250 differs from the reviewed 25"):
        check_actions([kit.account("sub_a", BASE, edited)])
    cancel = Action(
        op="cancel_addon",
        klass="addon_cancelled",
        method="PATCH",
        path="/accounts/sub_a/plans/addons/status",
        body={"action": "cancel", "type": "webinar500_monthly"},
        before={"type": "zroom_monthly", "hosts": 2},
    )
    with pytest.raises(PlanTampered, match="body type 'webinar500_monthly' differs"):
        check_actions([kit.account("sub_a", BASE, cancel)])


def _subscribe(body: dict) -> Action:
    return Action(
        op="subscribe",
        klass="subscribe",
        method="POST",
        path="/accounts/sub_a/plans",
        body=body,
        before=None,
        after={
            "plan_base": {"type": "business_monthly", "hosts": 20},
            "addons": [{"group": "plan_zoom_rooms", "type": "zroom_monthly", "hosts": 2}],
        },
    )


def test_a_subscribe_body_is_checked_whole_against_what_was_reviewed(kit) -> None:
    reviewed = {
        "contact": {"first_name": "A", "last_name": "B", "email": "a@example.com"},
        "plan_base": {"type": "business_monthly", "hosts": 20},
        "plan_zoom_rooms": {"type": "zroom_monthly", "hosts": 2},
    }
    check_actions([kit.account("sub_a", None, _subscribe(reviewed))])
    added = {**reviewed, "plan_webinar": [{"type": "webinar500_monthly", "hosts": 1}]}
    with pytest.raises(PlanTampered, match=r"body plan_webinar .* differs from the reviewed None"):
        check_actions([kit.account("sub_a", None, _subscribe(added))])
    changed = {**reviewed, "plan_zoom_rooms": {"type": "zroom_monthly", "hosts": 200}}
    with pytest.raises(PlanTampered, match=r"body plan_zoom_rooms .*200.* differs"):
        check_actions([kit.account("sub_a", None, _subscribe(changed))])
    dropped = {k: v for k, v in reviewed.items() if k != "plan_zoom_rooms"}
    with pytest.raises(PlanTampered, match="body plan_zoom_rooms None differs"):
        check_actions([kit.account("sub_a", None, _subscribe(dropped))])

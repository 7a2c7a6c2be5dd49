"""Subscribe options, bundles and the base plan's cancellation, as files write them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from reconciler.desired import load_desired

Check = Callable[..., list[str]]
TODAY = date(2026, 12, 6)
CONTACT = (
    "contact: {first_name: A, last_name: B, email: a@b.example, phone_number: '1', address: x,"
    " city: x, state: x, zip: '1', country: GB, employee_count: 15}\n"
)
OPTIONS = (
    "subscription_options:\n"
    "  contract_term: 12\n"
    "  purchase_order_number: PO-7\n"
    "  deal_registration_id: D-35433212\n"
    "  paid_period_start_date: 2027-01-01\n"
    "  service_effective_date: 2027-01-01\n"
)
PLANS = "plans:\n  plan_base: {type: business_monthly, hosts: 20}\n"


def test_subscription_options_and_employee_count_are_loaded(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text("account_id: sub_new\n" + CONTACT + OPTIONS + PLANS)
    state = load_desired([path], today=TODAY)
    assert state.problems == []
    (account,) = state.accounts
    assert account.subscription_options == {
        "contract_term": 12,
        "purchase_order_number": "PO-7",
        "deal_registration_id": "D-35433212",
        "paid_period_start_date": "2027-01-01",
        "service_effective_date": "2027-01-01",
    }
    assert account.contact is not None and account.contact["employee_count"] == 15
    assert account.to_json()["subscription_options"] == account.subscription_options


def test_subscription_options_are_one_unit_across_extends(in_tmp_tree: Path) -> None:
    tmp_path = in_tmp_tree
    (tmp_path / "t.yaml").write_text(OPTIONS)
    (tmp_path / "a.yaml").write_text(
        "account_id: sub_new\nextends: t.yaml\nsubscription_options: {contract_term: 36}\n" + PLANS
    )
    (tmp_path / "b.yaml").write_text("account_id: sub_b\nextends: t.yaml\n" + PLANS)
    state = load_desired([tmp_path / "a.yaml", tmp_path / "b.yaml"], today=TODAY)
    assert state.problems == []
    first, second = state.accounts
    assert first.subscription_options == {"contract_term": 36}
    assert second.subscription_options is not None
    assert second.subscription_options["purchase_order_number"] == "PO-7"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "subscription_options: {contract_term: 18}\n",
            "2:39: error: subscription_options.contract_term must be one of Zoom's contract terms "
            "in months (1, 12, 24, 36, 48, 60, 72, 84, 96, 108, 120), got 18",
        ),
        (
            "subscription_options: {term: 12}\n",
            "2:24: error: unknown key 'term' in subscription_options (allowed: contract_term, "
            "purchase_order_number, deal_registration_id, paid_period_start_date, "
            "service_effective_date)",
        ),
        (
            "subscription_options: {paid_period_start_date: 2026-01-01}\n",
            "2:48: error: subscription_options.paid_period_start_date 2026-01-01 is not in the "
            "future (today is 2026-12-06, UTC): Zoom takes a scheduled change only for a later day",
        ),
        (
            "subscription_options: {service_effective_date: 2027-01-01}\n",
            "2:48: error: subscription_options.service_effective_date needs "
            "paid_period_start_date beside it, the same day (Zoom takes both or neither)",
        ),
        (
            "subscription_options: {purchase_order_number: ''}\n",
            "2:47: error: subscription_options.purchase_order_number must not be empty",
        ),
        (
            CONTACT.replace("employee_count: 15", "employee_count: 0"),
            "2:149: error: contact.employee_count must be at least 1, got 0",
        ),
        (
            CONTACT.replace("employee_count: 15", "employee_count: many"),
            "2:149: error: contact.employee_count must be a whole number of employees, at least "
            "1, got 'many'",
        ),
    ],
)
def test_bad_subscribe_values_are_located(problems_in: Check, text: str, expected: str) -> None:
    assert problems_in("account_id: sub_new\n" + text + PLANS) == [expected]


def test_a_bundle_is_a_list_of_zooms_codes_and_never_beside_a_base_plan(
    problems_in: Check,
) -> None:
    bundle = "plans:\n  plan_bundle:\n    - {type: ACT-ENT-LMT_500-WBN_500-T_1-monthly}\n"
    assert problems_in("account_id: sub_new\n" + bundle) == []
    both = "account_id: sub_new\n" + bundle + "  plan_base: {type: business_monthly, hosts: 20}\n"
    (found,) = problems_in(both)
    assert found.startswith("4:5: error: plans.plan_bundle cannot go with plans.plan_base (at "), (
        found
    )
    assert found.endswith(
        "a.yaml:5): Zoom refuses a subscribe with both a base plan and a bundle (code 2100); "
        "the bundle brings its own plans"
    )
    assert problems_in("account_id: sub_new\nplans: {plan_bundle: [{type: 'ACT ENT'}]}\n") == [
        "2:30: error: plans.plan_bundle[0].type: 'ACT ENT' is not a bundle code (letters, "
        "digits, _ and - only)"
    ]


def test_a_bundle_code_as_the_base_plan_points_to_plan_bundle(problems_in: Check) -> None:
    """A bundle account's GET lists the bundle code as its base type; a file that copies it
    into plan_base (to cancel or resize it) is told where a bundle goes, once."""
    text = (
        "account_id: sub_b\nplans:\n"
        "  plan_base: {type: ACT-ENT-LMT_500-WBN_500-T_1-monthly, state: cancelled}\n"
    )
    assert problems_in(text) == [
        "3:21: error: plans.plan_base.type: 'ACT-ENT-LMT_500-WBN_500-T_1-monthly' is a bundle "
        "code (Zoom's bundle codes contain '-', no base plan's does): declare it as "
        "plans.plan_bundle: [{type: ACT-ENT-LMT_500-WBN_500-T_1-monthly}] and leave plan_base "
        "out; Zoom changes and cancels no bundle through its API"
    ]


def test_the_base_plan_may_be_cancelled_with_zooms_reason_and_comment(problems_in: Check) -> None:
    text = (
        "account_id: sub_bye\nplans:\n"
        "  plan_base: {type: business_monthly, state: cancelled, reason: 4, comment: too dear}\n"
        "  plan_webinar: [{type: webinar500_monthly, state: cancelled, reason: 6}]\n"
        "  plan_recording: {type: cmr_monthly_commitment_40, state: cancelled, comment: later}\n"
    )
    assert problems_in(text) == []


@pytest.mark.parametrize(
    ("plans", "expected"),
    [
        (
            "  plan_base: {type: business_monthly, state: cancelled, reason: 9}\n",
            "3:65: error: plans.plan_base.reason must be between 1 and 6 (Zoom's cancel reasons: "
            "1 no longer working remotely; 2 could not get the support needed; 3 the free Basic "
            "plan is enough; 4 too expensive; 5 bought the wrong product; 6 not needed now, will "
            "buy again later), got 9",
        ),
        (
            "  plan_base: {type: business_monthly, hosts: 20, reason: 4}\n",
            "3:14: error: plans.plan_base gives a cancel reason but no `state: cancelled`: Zoom "
            "takes them only with a cancellation",
        ),
        (
            "  plan_whiteboard: {type: zwb_monthly, hosts: 2, comment: bye}\n",
            "3:20: error: plans.plan_whiteboard gives a cancel comment but no `state: "
            "cancelled`: Zoom takes them only with a cancellation",
        ),
        (
            "  plan_base: {type: business_monthly}\n",
            "3:14: error: plans.plan_base is missing the required key 'hosts' (only `state: "
            "cancelled` may omit it)",
        ),
    ],
)
def test_bad_cancellations_are_located(problems_in: Check, plans: str, expected: str) -> None:
    assert problems_in("account_id: sub_bye\nplans:\n" + plans) == [expected]


def test_cancelling_the_base_plan_while_the_file_keeps_add_ons_is_refused(
    problems_in: Check,
) -> None:
    text = (
        "account_id: sub_bye\nplans:\n"
        "  plan_base: {type: business_monthly, state: cancelled}\n"
        "  plan_webinar: [{type: webinar500_monthly, hosts: 3}]\n"
        "  plan_whiteboard: {type: zwb_monthly, hosts: 2}\n"
        "  plan_zoom_rooms: {type: zroom_monthly, state: cancelled}\n"
    )
    (found,) = problems_in(text)
    assert found.startswith(
        "3:46: error: plans.plan_base asks to cancel the base plan while this file keeps add-ons "
        "active (plan_webinar 'webinar500_monthly' at "
    ), found
    assert found.endswith(
        "a.yaml:4, and 1 more): Zoom refuses a base plan cancellation until every add-on is "
        "cancelled; mark them `state: cancelled` too"
    )

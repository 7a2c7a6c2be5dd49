"""Scheduled changes: `paid_period_start_date` (and its twin) must be a later day than today."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from reconciler.desired import load_desired

Check = Callable[..., list[str]]
HEAD = "account_id: sub_later\nplans:\n  plan_base: {type: business_monthly, hosts: 20}\n"


@pytest.mark.parametrize(
    "entry",
    [
        "{type: zwb_monthly, hosts: 8, paid_period_start_date: 2027-01-01}",
        "{type: zwb_monthly, hosts: 8, paid_period_start_date: '2027-01-01'}",
        "{type: zwb_monthly, hosts: 8, paid_period_start_date: 2026-12-07,"
        " service_effective_date: 2026-12-07}",
        # A pasted GET answer: its service_effective_date alone is history, whatever the day.
        "{type: zwb_monthly, hosts: 8, service_effective_date: 2020-01-01}",
    ],
)
def test_future_days_quoted_or_not_and_pasted_history_are_accepted(
    problems_in: Check, entry: str
) -> None:
    assert problems_in(HEAD + f"  plan_whiteboard: {entry}\n") == []


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        (
            "{type: zwb_monthly, hosts: 8, paid_period_start_date: 2026-12-06}",
            "4:74: error: plans.plan_whiteboard.paid_period_start_date 2026-12-06 is not in the "
            "future (today is 2026-12-06, UTC): Zoom takes a scheduled change only for a later day",
        ),
        (
            "{type: zwb_monthly, hosts: 8, paid_period_start_date: 2025-01-31}",
            "4:74: error: plans.plan_whiteboard.paid_period_start_date 2025-01-31 is not in the "
            "future (today is 2026-12-06, UTC): Zoom takes a scheduled change only for a later day",
        ),
        (
            "{type: zwb_monthly, hosts: 8, paid_period_start_date: 2027-01-01,"
            " service_effective_date: 2027-02-01}",
            "4:110: error: plans.plan_whiteboard.service_effective_date 2027-02-01 differs from "
            "paid_period_start_date 2027-01-01: Zoom needs both to be the same day",
        ),
        (
            "{type: zwb_monthly, hosts: 8, paid_period_start_date: '2027-02-30'}",
            "4:74: error: plans.plan_whiteboard.paid_period_start_date '2027-02-30' is not a day "
            "of the calendar",
        ),
        (
            "{type: zwb_monthly, hosts: 8, paid_period_start_date: 'next month'}",
            "4:74: error: plans.plan_whiteboard.paid_period_start_date must be a date written "
            "YYYY-MM-DD, got 'next month'",
        ),
        (
            "{type: zwb_monthly, hosts: 8, paid_period_start_date: 2027-01-01,"
            " service_effective_date: soon}",
            "4:110: error: plans.plan_whiteboard.service_effective_date must be a date written "
            "YYYY-MM-DD, got 'soon'",
        ),
        (
            "{type: zwb_monthly, state: cancelled, paid_period_start_date: 2027-01-01}",
            "4:82: error: plans.plan_whiteboard.paid_period_start_date cannot go with `state: "
            "cancelled`: Zoom's cancel call takes no date (a cancellation ends the plan at its "
            "paid period's end)",
        ),
    ],
)
def test_a_past_unequal_or_unreal_day_is_a_located_error(
    problems_in: Check, entry: str, expected: str
) -> None:
    assert problems_in(HEAD + f"  plan_whiteboard: {entry}\n") == [expected]


def test_the_base_plan_and_nested_entries_may_be_scheduled(problems_in: Check) -> None:
    text = (
        "account_id: sub_later\nplans:\n"
        "  plan_base: {type: business_monthly, hosts: 20, paid_period_start_date: 2027-03-01}\n"
        "  plan_phone:\n"
        "    plan_calling:\n"
        "      - {type: phone_calling_usca_monthly_unlimited, hosts: 3,"
        " paid_period_start_date: 2026-01-01}\n"
    )
    assert problems_in(text) == [
        "6:88: error: plans.plan_phone.plan_calling[0].paid_period_start_date 2026-01-01 is not "
        "in the future (today is 2026-12-06, UTC): Zoom takes a scheduled change only for a "
        "later day"
    ]


def test_the_day_checked_against_is_the_loaders_today(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text(
        HEAD
        + "  plan_whiteboard: {type: zwb_monthly, hosts: 8, paid_period_start_date: 2026-12-07}\n"
    )
    later = load_desired([path], today=date(2026, 12, 8))
    assert [p.message.split(" is not")[0] for p in later.errors] == [
        "plans.plan_whiteboard.paid_period_start_date 2026-12-07"
    ]
    assert load_desired([path], today=date(2026, 12, 6)).ok


def test_the_scheduled_date_stays_in_the_desired_plans_and_pasted_dates_do_not(
    tmp_path: Path,
) -> None:
    path = tmp_path / "a.yaml"
    path.write_text(
        HEAD + "  plan_whiteboard: {type: zwb_monthly, hosts: 8, paid_period_start_date:"
        " 2027-01-01, service_effective_date: 2027-01-01, next_invoice_date: 2027-02-01}\n"
    )
    (account,) = load_desired([path], today=date(2026, 12, 6)).accounts
    assert account.plans["plan_whiteboard"] == {
        "type": "zwb_monthly",
        "hosts": 8,
        "paid_period_start_date": "2027-01-01",
    }

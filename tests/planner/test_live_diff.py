"""A stale account's message lists the fields that changed (issue 20): planner/live_diff.py."""

from __future__ import annotations

from reconciler.groups.normalise import normalise_plans
from reconciler.planner.live_diff import SHOWN, changed_fields, describe_changes

BEFORE = {
    "plan_base": {"type": "business_monthly", "hosts": 20, "status": "active"},
    "plan_webinar": [{"type": "webinar500_monthly", "hosts": 3, "status": "active"}],
}


def test_every_moved_field_is_named_in_the_plan_files_spelling() -> None:
    recorded = normalise_plans(BEFORE).to_canonical()
    now = {
        "plan_base": {"type": "business_monthly", "hosts": 22, "status": "active"},
        "plan_webinar": [{"type": "webinar500_monthly", "hosts": 4, "status": "active"}],
        "plan_zoom_rooms": {"type": "zroom_monthly", "hosts": 1, "status": "active"},
        "next_invoice_date": "2027-01-01",  # dropped by normalising: not a change
    }
    assert changed_fields(recorded, now) == [
        "plan_base.hosts 20 -> 22",
        "plan_webinar[webinar500_monthly].hosts 3 -> 4",
        "plan_zoom_rooms[zroom_monthly].hosts absent -> 1",
        'plan_zoom_rooms[zroom_monthly].type absent -> "zroom_monthly"',
    ]


def test_a_cancelled_add_on_and_a_long_list_read_short() -> None:
    recorded = normalise_plans(BEFORE).to_canonical()
    cancelled = {**BEFORE, "plan_webinar": [{**BEFORE["plan_webinar"][0], "status": "cancelled"}]}
    assert describe_changes(recorded, cancelled) == (
        "; changed: plan_webinar[webinar500_monthly].hosts 3 -> absent, "
        'plan_webinar[webinar500_monthly].type "webinar500_monthly" -> absent'
    )
    many = {
        "plan_base": {"type": "business_monthly", "hosts": 21},
        "plan_webinar": [
            {"type": f"webinar{n}_monthly", "hosts": 1} for n in (500, 1000, 3000, 5000)
        ],
    }
    text = describe_changes(recorded, many)
    assert text.count(" -> ") == SHOWN
    assert text.endswith(", and 2 more")  # 8: two hosts, 3 new x 2 fields


def test_nothing_is_said_without_a_recorded_reading() -> None:
    assert describe_changes(None, BEFORE) == ""
    assert describe_changes(normalise_plans(BEFORE).to_canonical(), BEFORE) == ""

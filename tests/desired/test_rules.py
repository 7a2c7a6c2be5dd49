"""rules.py: catalogue, wrong group, base host ranges and duplicate add-ons on a layered account."""

from __future__ import annotations

import pytest

from reconciler.desired.layering import Layered
from reconciler.desired.reader import read_bytes
from reconciler.desired.rules import account_problems, plan_entries


def check(text: str, *, allowed: frozenset[str] = frozenset()) -> list[tuple[int, str, str]]:
    (document,) = read_bytes(text.encode(), "a.yaml").documents
    account = Layered(document.data, dict(document.values), ("a.yaml",))
    found = account_problems(account, extra_plan_types=allowed)
    return [(p.line, p.severity, p.message) for p in found]


def base(plan_type: str, hosts: int) -> str:
    return f"account_id: x\nplans:\n  plan_base: {{type: {plan_type}, hosts: {hosts}}}\n"


@pytest.mark.parametrize(
    ("plan_type", "hosts", "ok"),
    [
        ("monthly", 1, True),
        ("monthly", 9, True),
        ("yearly", 10, False),
        ("plan_pro_three_years", 10, False),
        ("business_monthly", 9, False),
        ("business_monthly", 10, True),
        ("business_yearly", 49, True),
        ("business_yearly", 50, False),
        ("edu20", 19, False),
        ("edu20", 20, True),
        ("edu20", 149, True),
        ("edu20", 150, False),
        ("trial", 9999, True),
    ],
)
def test_base_host_ranges_by_family(plan_type: str, hosts: int, ok: bool) -> None:
    found = check(base(plan_type, hosts))
    assert (found == []) is ok, found
    if not ok:
        assert found[0][0] == 3
        assert f"not {hosts}" in found[0][2]


def test_out_of_schema_host_counts_are_left_to_the_schema() -> None:
    assert check(base("business_monthly", 0)) == []


def test_a_type_in_the_wrong_group() -> None:
    text = "plans:\n  plan_zoom_rooms: {type: roomconnector_monthly, hosts: 1}\n"
    assert check(text) == [
        (
            2,
            "error",
            "'roomconnector_monthly' is a plan_room_connector type; "
            "it cannot go under plan_zoom_rooms",
        )
    ]


def test_a_base_type_used_as_an_add_on_is_in_the_wrong_group() -> None:
    text = "plans:\n  plan_webinar:\n    - {type: business_monthly, hosts: 1}\n"
    assert "is a plan_base type" in check(text)[0][2]


ALLOW_HINT = (
    " (Zoom's catalogue does not list it; a code newer than the catalogue, or a legacy code "
    "still billed, can be allowed by name with extra_plan_types in zoomplans.yaml)"
)


def test_unknown_types_are_errors_unless_allowed_by_name() -> None:
    text = "plans:\n  plan_recording: zoom_whiteboard_plus\n"
    assert check(text) == [(2, "error", "unknown plan type 'zoom_whiteboard_plus'" + ALLOW_HINT)]
    assert check(text, allowed=frozenset({"zoom_whiteboard_plus"})) == []
    assert len(check(text, allowed=frozenset({"zoom_whiteboard"}))) == 1  # by name, exactly


@pytest.mark.parametrize(
    ("plans", "message"),
    [
        (
            "  plan_webinar: [{type: webinar500_montly, hosts: 1}]\n",
            "unknown plan type 'webinar500_montly': did you mean 'webinar500_monthly'?",
        ),
        (
            "  plan_phone: {plan_base: {type: phone_payongoo}}\n",
            "unknown plan type 'phone_payongoo': did you mean 'phone_payongo'?",
        ),
        (
            # A real legacy code: no "correction" to its modern neighbour.
            "  plan_base: {type: business_yearly_c50, hosts: 20}\n",
            "unknown plan type 'business_yearly_c50'",
        ),
    ],
)
def test_a_likely_typo_of_a_listed_code_gets_a_suggestion(plans: str, message: str) -> None:
    assert check(f"plans:\n{plans}") == [(2, "error", message + ALLOW_HINT)]


def test_an_allowed_legacy_code_is_still_placed_and_range_checked_by_its_prefix() -> None:
    allowed = frozenset({"business_yearly_c50"})
    assert check(base("business_yearly_c50", 20), allowed=allowed) == []
    (found,) = check(base("business_yearly_c50", 60), allowed=allowed)
    assert "take 10 to 49 hosts, not 60" in found[2]


def test_the_same_add_on_twice_names_both_lines() -> None:
    text = (
        "plans:\n"
        "  plan_large_meeting:\n"
        "    - {type: large500_monthly, hosts: 1}\n"
        "  plan_webinar:\n"
        "    - {type: webinar500_monthly, hosts: 1}\n"
        "    - {type: webinar500_monthly, hosts: 2}\n"
    )
    assert check(text) == [
        (
            6,
            "error",
            "add-on 'webinar500_monthly' appears twice in this account (also at a.yaml:5); "
            "keep one entry",
        )
    ]


def test_plan_entries_walks_every_group_including_phone_and_recording() -> None:
    plans = {
        "plan_base": {"type": "monthly", "hosts": 2},
        "plan_recording": "cmr_monthly_commitment_40",
        "plan_phone": {
            "plan_base": {"type": "phone_payongo"},
            "plan_calling": [{"type": "phone_calling_usca_monthly_unlimited", "hosts": 1}],
            "plan_number": ["not a mapping", {"type": "phone_number_usca_monthly", "hosts": 1}],
        },
        "plan_webinar": "not a list",
    }
    assert [(e.group, e.plan_type, e.path) for e in plan_entries(plans)] == [
        ("plan_base", "monthly", ("plans", "plan_base")),
        ("plan_recording", "cmr_monthly_commitment_40", ("plans", "plan_recording")),
        ("plan_phone.plan_base", "phone_payongo", ("plans", "plan_phone", "plan_base")),
        (
            "plan_phone.plan_calling",
            "phone_calling_usca_monthly_unlimited",
            ("plans", "plan_phone", "plan_calling", 0),
        ),
        (
            "plan_phone.plan_number",
            "phone_number_usca_monthly",
            ("plans", "plan_phone", "plan_number", 1),
        ),
    ]
    assert list(plan_entries("not plans")) == []


@pytest.mark.parametrize(
    ("group", "addon_type", "hosts", "ok"),
    [
        ("plan_webinar", "webinar500_monthly", 5, True),
        ("plan_webinar", "webinar500_monthly", 6, False),
        ("plan_zoom_events", "zoomevents500_monthly", 5, True),
        ("plan_zoom_events", "zoomevents500_monthly", 6, False),
        ("plan_large_meeting", "large500_monthly", 4, True),
        ("plan_large_meeting", "large500_monthly", 5, False),
        ("plan_zoom_rooms", "zroom_monthly", 9, True),  # not bound to the base's hosts
    ],
)
def test_addon_hosts_against_base_hosts(group: str, addon_type: str, hosts: int, ok: bool) -> None:
    entry = f"{{type: {addon_type}, hosts: {hosts}}}"
    value = entry if group == "plan_zoom_rooms" else f"[{entry}]"
    problems = check(base("monthly", 5) + f"  {group}: {value}\n")
    if ok:
        assert problems == []
    else:
        assert [(line, severity) for line, severity, _ in problems] == [(4, "warning")]
        assert f"{group} {addon_type}: hosts {hosts}" in problems[0][2]
        assert "base plan's hosts (5, at a.yaml:3)" in problems[0][2]


def test_cancelled_addon_and_unmanaged_base_hosts_are_not_checked() -> None:
    cancelled = (
        base("monthly", 2) + "  plan_webinar: [{type: webinar500_monthly, state: cancelled}]\n"
    )
    assert check(cancelled) == []
    no_base_hosts = (
        "account_id: x\nplans:\n  plan_base: {type: monthly}\n"
        "  plan_webinar: [{type: webinar500_monthly, hosts: 8}]\n"
    )
    assert [m for _, _, m in check(no_base_hosts) if "base plan's hosts" in m] == []

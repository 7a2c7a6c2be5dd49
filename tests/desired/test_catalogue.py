"""catalogue.py: group and base family of Zoom's plan type codes, listed or by prefix."""

from __future__ import annotations

import pytest

from reconciler.desired import catalogue


@pytest.mark.parametrize(
    ("plan_type", "group"),
    [
        ("business_monthly", "plan_base"),
        ("plan_pro_three_years", "plan_base"),
        ("edu20", "plan_base"),
        ("trial", "plan_base"),
        ("zroom_yearly", "plan_zoom_rooms"),
        ("roomconnector_monthly", "plan_room_connector"),
        ("large500_yearly", "plan_large_meeting"),
        ("plan_large500_two_years", "plan_large_meeting"),
        ("webinar10000_monthly", "plan_webinar"),
        ("zoomevents1000_monthly", "plan_zoom_events"),
        ("cmr_monthly_commitment_500", "plan_recording"),
        ("tollfree_monthly_commitment_500", "plan_audio"),
        ("phone_payongo", "plan_phone.plan_base"),
        ("phone_calling_usca_monthly_unlimited", "plan_phone.plan_calling"),
        ("phone_number_usca_monthly", "plan_phone.plan_number"),
    ],
)
def test_listed_types_are_known_and_grouped(plan_type: str, group: str) -> None:
    assert catalogue.is_known(plan_type)
    assert catalogue.group_of(plan_type) == group


@pytest.mark.parametrize(
    ("plan_type", "group"),
    [
        ("business_yearly_c50", "plan_base"),
        ("webinar2000_monthly", "plan_webinar"),
        ("phone_calling_global_monthly", "plan_phone.plan_calling"),
        ("phone_premium", "plan_phone.plan_base"),
        ("zroom_biennial", "plan_zoom_rooms"),
        ("cmr_monthly_commitment_1000", "plan_recording"),
    ],
)
def test_unlisted_codes_are_placed_by_their_family_prefix(plan_type: str, group: str) -> None:
    assert not catalogue.is_known(plan_type)
    assert catalogue.group_of(plan_type) == group


def test_unrecognisable_codes_have_no_group() -> None:
    assert catalogue.group_of("zoom_one_pro") is None
    assert not catalogue.is_known("zoom_one_pro")


@pytest.mark.parametrize(
    ("plan_type", "family", "low", "high"),
    [
        ("monthly", "Pro", 1, 9),
        ("yearly", "Pro", 1, 9),
        ("plan_pro_three_years", "Pro", 1, 9),
        ("business_monthly", "Business", 10, 49),
        ("business_yearly_c50", "Business", 10, 49),
        ("edu20", "Education", 20, 149),
        ("trial", "Free trial", 1, 9999),
    ],
)
def test_base_families_and_host_ranges(plan_type: str, family: str, low: int, high: int) -> None:
    found = catalogue.base_family(plan_type)
    assert found is not None
    assert (found.name, found.min_hosts, found.max_hosts) == (family, low, high)


def test_add_on_types_have_no_base_family() -> None:
    assert catalogue.base_family("webinar500_monthly") is None


def test_every_listed_type_lives_in_a_declared_group() -> None:
    everything = catalogue.known_types()
    assert len(everything) == len(set(everything)) >= 40
    for group in catalogue.GROUPS:
        assert catalogue.known_types(group), group
    assert {catalogue.group_of(t) for t in everything} == set(catalogue.GROUPS)
    assert set(catalogue.GROUPS) > catalogue.LIST_GROUPS

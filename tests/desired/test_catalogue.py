"""catalogue.py: the group(s) and base family of Zoom's plan type codes, listed or by prefix."""

from __future__ import annotations

import pytest

from reconciler.desired import catalogue
from reconciler.groups import table
from reconciler.zoom_2026 import catalogue_rows

UNMANAGEABLE_SECTIONS = {
    "Contact Center Cloud Storage plans",
    "Concurrent Meeting plans",
    "SIP Trunk plans",
}


@pytest.mark.parametrize(
    ("plan_type", "groups"),
    [
        ("business_monthly", ("plan_base",)),
        ("plan_pro_three_years", ("plan_base",)),
        ("edu20", ("plan_base",)),
        ("trial", ("plan_base",)),
        ("zroom_yearly", ("plan_zoom_rooms",)),
        ("roomconnector_monthly", ("plan_room_connector",)),
        ("large500_yearly", ("plan_large_meeting",)),
        ("large100_monthly", ("plan_large_meeting",)),
        ("plan_large500_two_years", ("plan_large_meeting",)),
        ("webinar10000_monthly", ("plan_webinar",)),
        ("webinar100_monthly", ("plan_webinar",)),
        ("zoomevents1000_monthly", ("plan_zoom_events",)),
        ("cmr_monthly_commitment_500", ("plan_recording",)),
        ("zvsdkcr_1TB_monthly", ("plan_recording",)),
        ("tollfree_monthly_commitment_500", ("plan_audio",)),
        ("zoomaudio_unlimit_usca_monthly", ("plan_audio_us_ca",)),
        ("phone_payongo", ("plan_phone.plan_base",)),
        ("phone_calling_usca_monthly_unlimited", ("plan_phone.plan_calling",)),
        ("phone_number_usca_monthly", ("plan_phone.plan_number",)),
        ("zp_power_pack_monthly", ("plan_phone.plan_calling_addons",)),
        ("zwb_monthly", ("plan_whiteboard",)),
        ("zwb_plus_monthly", ("plan_whiteboard_plus",)),
        ("ztransl_monthly", ("plan_ztransl",)),
        ("ziq_sales_monthly", ("plan_zoom_iq",)),
        ("zobp_usca_monthly_unlimited", ("plan_base", "plan_zoom_one")),
        ("zoe_prem_jp_yearly", ("plan_base", "plan_zoom_one_premier")),
        ("zwr_yearly", ("plan_base", "plan_zwr")),
        ("zva_monthly", ("plan_zva_voice", "plan_zva_chat")),
        ("zccp_monthly", ("plan_zcc.plan_package_lists",)),
        ("zcc_con_pkg_monthly", ("plan_zcc.plan_package_lists",)),
        ("ai_expert_assist_two_year", ("plan_zcc.plan_ai_expert_assist",)),
        ("zcc_pay_as_you_go", ("plan_zcc.plan_usage",)),
        ("vspn_usca_monthly", ("plan_zcc.plan_phone_number",)),
        ("znode_monthly", ("plan_znode.plan_znode_base",)),
        ("zm_node_hybrid_rec_quarterly", ("plan_znode.plan_cmrhybrid",)),
        ("vsdk_cmr_monthly_100", ("plan_sdk_cmr",)),
        ("vsdk_payongo", ("plan_base",)),
    ],
)
def test_listed_types_are_known_and_grouped(plan_type: str, groups: tuple[str, ...]) -> None:
    assert catalogue.is_known(plan_type)
    assert catalogue.groups_of(plan_type) == groups


@pytest.mark.parametrize(
    ("plan_type", "groups"),
    [
        ("business_yearly_c50", ("plan_base",)),
        ("webinar2000_monthly", ("plan_webinar",)),
        ("phone_calling_global_monthly", ("plan_phone.plan_calling",)),
        ("phone_premium", ("plan_phone.plan_base",)),
        ("zroom_biennial", ("plan_zoom_rooms",)),
        ("cmr_monthly_commitment_1000", ("plan_recording",)),
        ("zwb_plus_biennial", ("plan_whiteboard_plus",)),
        ("zwb_biennial", ("plan_whiteboard",)),
        # A family sold as a base plan and in its own group goes to both, like its listed codes.
        ("zo_edu_sch_cmp_plus_eu_yearly", ("plan_zoom_one_edu_school_campus_plus", "plan_base")),
        ("zobp_eu_monthly_unlimited", ("plan_base", "plan_zoom_one")),
    ],
)
def test_unlisted_codes_are_placed_by_their_family_prefix(
    plan_type: str, groups: tuple[str, ...]
) -> None:
    assert not catalogue.is_known(plan_type)
    assert catalogue.groups_of(plan_type) == groups


def test_unrecognisable_codes_have_no_group() -> None:
    assert catalogue.groups_of("zoom_one_pro") == ()
    assert not catalogue.is_known("zoom_one_pro")


def test_every_one_of_zooms_635_codes_is_known_and_placed_or_unmanageable() -> None:
    rows = catalogue_rows()
    assert len({row.code for row in rows}) == 635
    for row in rows:
        assert catalogue.is_known(row.code), row.code
        assert catalogue.section_of(row.code) == row.section
        if row.section in UNMANAGEABLE_SECTIONS:
            assert catalogue.unmanageable_section(row.code) == row.section
            assert catalogue.groups_of(row.code) == ()
        else:
            assert catalogue.unmanageable_section(row.code) is None
            groups = catalogue.groups_of(row.code)
            assert groups, row.code
            assert all(table.group(key).claims(row.section, row.code) for key in groups)


def test_the_legacy_codes_are_where_their_family_prefix_puts_them() -> None:
    """The few 2018 codes the 2026 catalogue no longer lists agree with the table's prefixes."""
    for code, group in catalogue.LEGACY_CODES.items():
        assert catalogue.section_of(code) is None
        if code != "trial":
            assert any(code.startswith(p) for p in table.group(group).prefixes), code


@pytest.mark.parametrize(
    ("plan_type", "family", "low", "high"),
    [
        ("monthly", "Pro", 1, 9),
        ("yearly", "Pro", 1, 9),
        ("monthly25", "Pro", 1, 9),
        ("plan_pro_three_years", "Pro", 1, 9),
        ("business_monthly", "Business", 10, 49),
        ("plan_business_two_years", "Business", 10, 49),
        ("business_yearly_c50", "Business", 10, 49),
        ("edu20", "Education", 20, 149),
        ("plan_edu_three_years", "Education", 20, 149),
        ("trial", "Free trial", 1, 9999),
    ],
)
def test_base_families_and_host_ranges(plan_type: str, family: str, low: int, high: int) -> None:
    found = catalogue.base_family(plan_type)
    assert found is not None
    assert (found.name, found.min_hosts, found.max_hosts) == (family, low, high)


@pytest.mark.parametrize(
    "plan_type", ["webinar500_monthly", "zoe_monthly", "zobp_jp_yearly_unlimited", "vsdk_payongo"]
)
def test_plans_without_a_stated_host_range_have_no_family(plan_type: str) -> None:
    assert catalogue.base_family(plan_type) is None


def test_every_group_with_catalogue_sections_has_listed_codes() -> None:
    everything = catalogue.known_types()
    assert len(everything) == len(set(everything)) >= 600
    for group in table.GROUPS:
        if group.sections:
            assert catalogue.known_types(group.key), group.key


def test_the_longest_family_prefix_is_found_by_length() -> None:
    """The lookup by length finds what testing every prefix finds, for every listed code and
    for codes made of a prefix and more, or of part of one."""
    listed = catalogue._catalogue()
    prefixes = list(listed.families)
    codes = [*listed.sections, *catalogue.LEGACY_CODES, "", "x"]
    codes += [f"{prefix}{tail}" for prefix in prefixes for tail in ("", "_x", "9")]
    codes += [prefix[:cut] for prefix in prefixes for cut in range(len(prefix))]
    for code in codes:
        matches = [prefix for prefix in prefixes if code.startswith(prefix)]
        assert listed.prefixes.longest(code) == (max(matches, key=len) if matches else None)

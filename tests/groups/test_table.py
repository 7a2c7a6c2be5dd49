"""The table of Zoom's plan groups is consistent with itself and with what normalisation reads."""

from __future__ import annotations

from reconciler.groups import normalise, table
from reconciler.groups.table import Call, Shape


def test_keys_are_unique_and_nested_at_most_once() -> None:
    keys = [g.key for g in table.GROUPS]
    assert len(keys) == len(set(keys))
    assert all(len(g.path) <= 2 for g in table.GROUPS)
    assert table.CONTAINERS == ("plan_phone", "plan_zcc", "plan_znode")


def test_every_manageable_group_has_a_way_to_reach_it() -> None:
    for group in table.GROUPS:
        if group.container is not None and group.manageable:
            assert group.call in table.NESTED_BODIES, group.key
            assert table.NESTED_BODIES[group.call][0] == group.container, group.key
        if group.container is None and group.manageable:
            assert group.call in (Call.BASE, Call.ADDON, Call.BUNDLE), group.key


def test_a_code_prefix_points_into_two_groups_only_where_zoom_sells_it_in_both() -> None:
    """Prefixes place codes the catalogue does not list. Zoom sells Business Plus and Workspace
    Reservation codes as a base plan or in their own group, and both Virtual Agent groups take
    the same codes; anything else shared would be a guess."""
    by_prefix: dict[str, set[str]] = {}
    for group in table.GROUPS:
        for prefix in group.prefixes:
            by_prefix.setdefault(prefix, set()).add(group.key)
    shared = {p: keys for p, keys in by_prefix.items() if len(keys) > 1}
    assert shared == {
        "zva_": {"plan_zva_voice", "plan_zva_chat"},
        "zobp_": {"plan_base", "plan_zoom_one"},
        "zwr_": {"plan_base", "plan_zwr"},
    }


def test_the_recording_siblings_and_containers_are_top_level_keys() -> None:
    assert {
        "plan_recording_status",
        "plan_recording_next_invoice_date",
        "plan_recording_service_effective_date",
        "plan_phone",
        "plan_zcc",
        "plan_znode",
    } <= table.TOP_LEVEL_KEYS
    assert not table.TOP_LEVEL_KEYS & table.USAGE_ONLY_KEYS


def test_normalise_reads_every_group_of_the_table() -> None:
    """One entry in every group read from GET: each comes back under its own key."""
    plans: dict[str, object] = {"plan_base": {"type": "business_monthly", "hosts": 10}}
    expected: set[tuple[str, str]] = set()
    for group in table.GROUPS:
        if group is table.BASE or not group.in_get:
            continue
        code = f"{group.name}_code"
        entry: dict[str, object] = {"type": code, "status": "active"}
        if group.seats:
            entry["hosts"] = 2
        value: object = code if group.shape is Shape.STRING else entry
        if group.shape is Shape.LIST:
            value = [entry]
        holder = plans if group.container is None else plans.setdefault(group.container, {})
        assert isinstance(holder, dict)
        holder[group.name] = value
        expected.add((group.key, code))
    read = normalise.normalise_plans(plans)
    assert set(read.addons) == expected
    assert read.unknown == {}


def test_usage_only_keys_and_the_bundle_are_not_unknown() -> None:
    read = normalise.normalise_plans(
        {
            "plan_base": {"type": "business_monthly", "hosts": 10},
            "plan_united": {"type": "pro_zpp_monthly", "name": "United"},
            "plan_zva": [{"type": "zva_monthly", "hosts": 100}],
            "plan_bundle": [{"type": "ACT-ENT-LMT_500-WBN_500-T_1-monthly"}],
            "plan_zoom_future": {"type": "x", "hosts": 1},
        }
    )
    assert read.unknown == {"plan_zoom_future": {"hosts": 1, "type": "x"}}
    assert read.bundle == ("ACT-ENT-LMT_500-WBN_500-T_1-monthly",)


def test_a_scheduled_entry_is_read_apart_from_its_compared_fields() -> None:
    read = normalise.normalise_plans(
        {
            "plan_base": {"type": "business_monthly", "hosts": 10},
            "plan_whiteboard": {
                "type": "zwb_monthly",
                "hosts": 8,
                "paid_period_start_date": "2027-01-01",
                "service_effective_date": "2027-01-01",
            },
        }
    )
    assert read.addons[("plan_whiteboard", "zwb_monthly")] == {"type": "zwb_monthly", "hosts": 8}
    assert read.scheduled == {("plan_whiteboard", "zwb_monthly"): "2027-01-01"}


def test_a_pasted_answer_keeps_its_old_hash_without_bundle_or_schedule() -> None:
    """Accounts that use neither keep the canonical form (and hashes) they had before."""
    read = normalise.normalise_plans({"plan_base": {"type": "business_monthly", "hosts": 10}})
    assert set(read.to_canonical()) == {"base", "addons", "cancelled", "unknown"}


def test_a_bundle_code_is_told_apart_from_every_catalogue_code() -> None:
    """Zoom's bundle codes contain "-"; none of the 635 codes of its catalogue does, so a live
    base plan of such a type is a bundle (import, the planner and validate rely on it)."""
    from reconciler.zoom_2026 import catalogue_rows

    codes = [row.code for row in catalogue_rows()]
    assert len(codes) == 635
    assert [code for code in codes if table.is_bundle_code(code)] == []
    assert table.is_bundle_code("ACT-ENT-LMT_500-WBN_500-T_1-monthly")


def test_only_video_sdk_base_plans_are_sold_without_seats() -> None:
    from reconciler.zoom_2026 import catalogue_rows

    bases = [r for r in catalogue_rows() if r.group == "Base plans"]
    seatless = {r.code for r in bases if not table.base_needs_hosts(r.code)}
    sdk = {r.code for r in bases if r.section == "Video SDK plans"}
    assert seatless == sdk and len(sdk) == 3

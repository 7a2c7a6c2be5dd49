"""GET /plans answer -> desired plans: only what the account keeps, in the shape files use."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reconciler.groups import normalise, table
from reconciler.groups.table import Shape
from reconciler.importing.shape import UnreadablePlans, answer_as_desired, imported_account

BASE = {
    "type": "business_monthly",
    "hosts": 20,
    "status": "active",
    "service_effective_date": "2026-01-01T00:00:00Z",
    "next_invoice_date": "2026-12-01T00:00:00Z",
}

CASES: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
    (
        "read-only dates and status are dropped",
        {"plan_base": BASE},
        {"plan_base": {"type": "business_monthly", "hosts": 20}},
    ),
    (
        "cancelled and expired add-ons are absent",
        {
            "plan_base": BASE,
            "plan_webinar": [
                {"type": "webinar500_monthly", "hosts": 3, "status": "active"},
                {"type": "webinar1000_monthly", "hosts": 1, "status": "cancelled"},
                {"type": "webinar3000_monthly", "hosts": 1, "status": "expired"},
            ],
            "plan_zoom_rooms": {"type": "zroom_monthly", "hosts": 2, "status": "cancelled"},
        },
        {
            "plan_base": {"type": "business_monthly", "hosts": 20},
            "plan_webinar": [{"type": "webinar500_monthly", "hosts": 3}],
        },
    ),
    (
        "recording is a plain type string; its sibling fields go",
        {
            "plan_base": BASE,
            "plan_recording": "cmr_monthly_commitment_40",
            "plan_recording_status": "active",
            "plan_recording_next_invoice_date": "2026-12-01",
        },
        {
            "plan_base": {"type": "business_monthly", "hosts": 20},
            "plan_recording": "cmr_monthly_commitment_40",
        },
    ),
    (
        "cancelled recording is absent",
        {
            "plan_base": BASE,
            "plan_recording": "cmr_monthly_commitment_40",
            "plan_recording_status": "cancelled",
        },
        {"plan_base": {"type": "business_monthly", "hosts": 20}},
    ),
    (
        'audio countries become lists; unset fields ("", 0) are left out',
        {
            "plan_base": BASE,
            "plan_audio": {
                "type": "tollfree_payongo",
                "tollfree_countries": "US,CA,NO",
                "premium_countries": "",
                "callout_countries": "NO",
                "ddi_numbers": 0,
                "status": "active",
            },
        },
        {
            "plan_base": {"type": "business_monthly", "hosts": 20},
            "plan_audio": {
                "type": "tollfree_payongo",
                "tollfree_countries": ["CA", "NO", "US"],
                "callout_countries": ["NO"],
            },
        },
    ),
    (
        "phone keeps its nested groups",
        {
            "plan_base": BASE,
            "plan_phone": {
                "plan_base": {
                    "type": "phone_payongo",
                    "callout_countries": "US",
                    "status": "active",
                },
                "plan_calling": [{"type": "phone_calling_usca_monthly_unlimited", "hosts": 5}],
                "plan_number": [{"type": "phone_number_usca_monthly", "hosts": 2}],
            },
        },
        {
            "plan_base": {"type": "business_monthly", "hosts": 20},
            "plan_phone": {
                "plan_base": {"type": "phone_payongo", "callout_countries": ["US"]},
                "plan_calling": [{"type": "phone_calling_usca_monthly_unlimited", "hosts": 5}],
                "plan_number": [{"type": "phone_number_usca_monthly", "hosts": 2}],
            },
        },
    ),
    (
        "legacy base types are kept as Zoom spells them",
        {"plan_base": {"type": "business_yearly_c50", "hosts": 30}},
        {"plan_base": {"type": "business_yearly_c50", "hosts": 30}},
    ),
]


@pytest.mark.parametrize(("title", "raw", "expected"), CASES, ids=[c[0] for c in CASES])
def test_desired_shape(title: str, raw: dict[str, Any], expected: dict[str, Any]) -> None:
    plans, subscribed, left_out = answer_as_desired("sub_1", raw)
    assert plans == expected
    assert subscribed
    assert left_out == []


def test_unknown_groups_are_left_out_and_named() -> None:
    raw = {"plan_base": BASE, "plan_future_group": {"type": "zoomone_biz", "hosts": 3}}
    plans, _, left_out = answer_as_desired("sub_1", raw)
    assert "plan_future_group" not in plans
    assert left_out == ["plan group plan_future_group"]


@pytest.mark.parametrize(
    "raw",
    [None, {}, {"plan_base": {**BASE, "status": "cancelled"}, "plan_webinar": []}],
    ids=["null", "empty", "cancelled base"],
)
def test_accounts_without_active_base_are_unsubscribed(raw: dict[str, Any] | None) -> None:
    plans, subscribed, _ = answer_as_desired("sub_1", raw)
    assert plans == {}
    assert not subscribed


def test_active_add_ons_under_a_cancelled_base_are_named_not_written() -> None:
    raw = {
        "plan_base": {**BASE, "status": "expired"},
        "plan_zoom_rooms": {"type": "zroom_monthly", "hosts": 2},
    }
    plans, subscribed, left_out = answer_as_desired("sub_1", raw)
    assert (plans, subscribed) == ({}, False)
    assert left_out == ["plan_zoom_rooms zroom_monthly: active add-on without an active base plan"]


def test_second_active_entry_in_a_one_entry_group_is_named() -> None:
    raw = {
        "plan_base": BASE,
        "plan_zoom_rooms": [
            {"type": "zroom_monthly", "hosts": 2},
            {"type": "zroom_yearly", "hosts": 1},
        ],
    }
    plans, _, left_out = answer_as_desired("sub_1", raw)
    assert plans["plan_zoom_rooms"] == {"type": "zroom_monthly", "hosts": 2}
    assert left_out == ["plan_zoom_rooms zroom_yearly: a second active entry (one allowed)"]


def test_an_inexplicable_answer_is_unreadable_not_a_crash() -> None:
    with pytest.raises(UnreadablePlans, match="sub_1: Zoom's plans answer cannot be read"):
        answer_as_desired("sub_1", {"plan_base": "business_monthly"})


def test_imported_account_carries_name_and_notes() -> None:
    account = imported_account(
        "sub_1", "One", {"plan_base": BASE, "plan_future_nested": {"type": "x"}}
    )
    assert account.name == "One"
    assert account.subscribed
    assert account.left_out == ("plan group plan_future_nested",)


# Property: the written plans normalise exactly like the live answer they came from, so the
# planner sees no difference (unknown groups aside: the planner reports those as unmanaged).
_countries = st.lists(st.sampled_from(["US", "CA", "NO", "GB", "DE"]), unique=True).map(",".join)
_status = st.sampled_from(["active", "cancelled", "expired", None])


def _entry(types: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {"type": st.sampled_from(types), "hosts": st.integers(1, 50)},
        optional={"status": _status, "next_invoice_date": st.just("2026-12-01")},
    )


def _unique_by_type(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return list({e["type"]: e for e in entries}.values())


live_answers = st.fixed_dictionaries(
    {"plan_base": _entry(["business_monthly", "monthly", "edu20"])},
    optional={
        "plan_zoom_rooms": _entry(["zroom_monthly"]),
        "plan_room_connector": _entry(["roomconnector_monthly"]),
        "plan_webinar": st.lists(_entry(["webinar500_monthly", "webinar1000_yearly"])).map(
            _unique_by_type
        ),
        "plan_large_meeting": st.lists(_entry(["large100_monthly", "large500_yearly"])).map(
            _unique_by_type
        ),
        "plan_recording": st.sampled_from(["cmr_monthly_commitment_40", ""]),
        "plan_recording_status": _status,
        "plan_audio": st.fixed_dictionaries(
            {"type": st.just("tollfree_payongo")},
            optional={
                "tollfree_countries": _countries,
                "callout_countries": _countries,
                "ddi_numbers": st.integers(0, 3),
                "status": _status,
            },
        ),
        "plan_future_group": st.just({"type": "zoomone_biz", "hosts": 1}),
    },
)


@settings(max_examples=200, deadline=None)
@given(live_answers)
def test_written_plans_normalise_like_the_live_answer(raw: dict[str, Any]) -> None:
    plans, subscribed, _ = answer_as_desired("sub_1", raw)
    live = normalise.normalise_plans(raw)
    written = normalise.normalise_plans(plans if subscribed else None)
    assert written.base == live.base
    if subscribed:
        assert written.addons == live.addons
    assert written.cancelled == frozenset()


def _one_entry_per_group() -> dict[str, Any]:
    """A GET answer holding one active entry in every group of the table GET shows."""
    raw: dict[str, Any] = {"plan_base": {**BASE, "status": "active"}}
    for row in table.GROUPS:
        if row is table.BASE or not row.in_get:
            continue
        code = f"{row.prefixes[0] if row.prefixes else row.name + '_'}monthly"
        entry: dict[str, Any] = {"type": code, "status": "active", "next_invoice_date": "x"}
        if row.seats:
            entry["hosts"] = 3
        value: Any = [entry] if row.shape is Shape.LIST else entry
        if row.shape is Shape.STRING:
            value = code
        holder = raw if row.container is None else raw.setdefault(row.container, {})
        holder[row.name] = value
    return raw


def test_every_group_zoom_manages_is_written_in_zooms_nesting() -> None:
    raw = _one_entry_per_group()
    plans, subscribed, left_out = answer_as_desired("sub_all", raw)
    assert subscribed
    written = {key for key, _type in normalise.normalise_plans(plans).addons} | {"plan_base"}
    manageable = {row.key for row in table.GROUPS if row.in_get and row.manageable}
    assert written == manageable
    assert set(plans["plan_znode"]) == {r.name for r in table.groups_in("plan_znode")}
    # The groups no call manages are named, never written.
    assert sorted(left_out) == [
        "plan_zcc.plan_package plan_package_monthly: no call of Zoom's API manages it",
        "plan_zva_chat zva_monthly: no call of Zoom's API manages it",
        "plan_zva_voice zva_monthly: no call of Zoom's API manages it",
    ]


def test_every_written_group_plans_back_to_the_live_answer() -> None:
    raw = _one_entry_per_group()
    plans, _, _ = answer_as_desired("sub_all", raw)
    live = normalise.normalise_plans(raw)
    want = normalise.normalise_plans(plans)
    assert want.base == live.base
    assert want.addons == {k: v for k, v in live.addons.items() if table.group(k[0]).manageable}

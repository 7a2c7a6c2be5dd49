"""Every group of the table is bought, changed and cancelled with the call Zoom documents for it.

Table-driven over `reconciler.groups.table.GROUPS`: each manageable group gets one POST per new
entry (simple `{type, hosts}` or Zoom's nested Phone, Contact Center and Node shapes), a PUT
when it has seats, and a PATCH to cancel; every body the planner makes is checked against
Zoom's own 2026 schemas (the committed extract, `reconciler.zoom_2026`).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from reconciler.groups import table
from reconciler.groups.table import Call, PlanGroup, Shape
from reconciler.planner.core import build_plan, plan_account
from reconciler.planner.model import PlanOptions
from reconciler.render.html import render_html
from reconciler.render.markdown import render_markdown
from reconciler.render.text import render_text
from reconciler.zoom.live import LivePlans
from reconciler.zoom_2026.validation import request_problems
from tests.planner.group_entries import (
    BASE,
    MANAGED,
    READ_ONLY,
    code_of,
    entry_of,
    merged,
    placed,
)
from tests.sample_contact import CONTACT

ADDONS = "/accounts/sub_1/plans/addons"
LIVE_BASE = {"plan_base": {**BASE, "status": "active"}}
ALL = PlanOptions(allow_decrease=True, allow_cancel=True)
#: Audio's countries: GET shows them and zoomplans sends them (the 2018 contract took them on
#: /plans/addons), but Zoom's 2026 simple add-on shape does not list them.
AUDIO_COUNTRIES = "Additional properties are not allowed ('callout_countries' was unexpected)"


def _plan(want: dict[str, Any], live: dict[str, Any] | None, usage: Any = None, **kw: Any) -> Any:
    return plan_account(make(want, **kw), LivePlans("sub_1", live, usage), ALL)


def make(plans: dict[str, Any], **kw: Any) -> Any:
    from reconciler.desired.model import DesiredAccount, SourceMark

    return DesiredAccount("sub_1", SourceMark("accounts/sub_1.yaml", 1), plans, **kw)


def _ids(row: PlanGroup) -> str:
    return row.key


@pytest.mark.parametrize("row", [g for g in MANAGED if g.listed], ids=_ids)
def test_a_new_entry_is_one_post_in_the_shape_zoom_documents(row: PlanGroup) -> None:
    entry = entry_of(row)
    result = _plan({"plan_base": BASE, **placed(row, entry)}, LIVE_BASE)
    assert result.status == "changes", result.blocked
    (action,) = result.actions
    assert (action.op, action.method, action.path) == ("add_addon", "POST", ADDONS)
    expected = [f"(body): {AUDIO_COUNTRIES}"] if row.key == "plan_audio" else []
    assert request_problems("POST", ADDONS, action.body) == expected
    wire = {**entry, **({"callout_countries": "US"} if "callout_countries" in entry else {})}
    if row.call in table.NESTED_BODIES:
        top, details = table.NESTED_BODIES[row.call]
        held = [wire] if row.shape is Shape.LIST else wire
        assert action.body == {"type": top, details: {row.wire_name: held}}
    else:
        assert action.body == {"hosts": 1, **wire}
    assert action.after == {k: v for k, v in entry.items()}


@pytest.mark.parametrize("row", [g for g in MANAGED if not g.listed], ids=_ids)
def test_a_group_get_never_lists_is_neither_bought_nor_cancelled_blind(row: PlanGroup) -> None:
    """Zoom's GET /plans has no place for a Power Pack: a purchase could never be seen, so
    every run would buy it again. Shown by GET, it is managed like any entry."""
    bought = _plan({"plan_base": BASE, **placed(row, entry_of(row))}, LIVE_BASE)
    assert bought.status == "blocked" and not bought.actions
    assert [b.reason_code for b in bought.blocked] == ["not_listed_by_zoom"]
    assert "does not list Zoom Phone calling add-ons" in bought.blocked[0].message
    gone = {"type": code_of(row), "state": "cancelled"}
    cancelled = _plan({"plan_base": BASE, **placed(row, gone)}, LIVE_BASE)
    assert [b.reason_code for b in cancelled.blocked] == ["not_listed_by_zoom"]
    shown = merged(LIVE_BASE, placed(row, entry_of(row), live=True))
    (action,) = _plan({"plan_base": BASE, **placed(row, gone)}, shown).actions
    assert action.body == {"action": "cancel", "type": code_of(row)}
    subscribe = _plan({"plan_base": BASE, **placed(row, entry_of(row))}, None, contact=CONTACT)
    assert [b.reason_code for b in subscribe.blocked] == ["not_listed_by_zoom"]
    assert row.container not in subscribe.actions[0].body


def test_audio_sends_its_countries_as_comma_strings_with_hosts_1() -> None:
    want = {
        "plan_base": BASE,
        "plan_audio": {"type": "tollfree_payongo", "callout_countries": ["US", "CA"]},
    }
    (action,) = _plan(want, LIVE_BASE).actions
    assert action.body == {"type": "tollfree_payongo", "hosts": 1, "callout_countries": "CA,US"}
    assert request_problems("POST", ADDONS, action.body) == [f"(body): {AUDIO_COUNTRIES}"]


@pytest.mark.parametrize("row", [g for g in MANAGED if g.seats], ids=_ids)
def test_a_seat_change_is_a_put_of_absolute_hosts(row: PlanGroup, idle_usage: Any) -> None:
    live = merged(LIVE_BASE, placed(row, entry_of(row, 3), live=True))
    for hosts, klass in ((8, "seat_increase"), (2, "seat_decrease")):
        result = _plan(
            merged({"plan_base": BASE}, placed(row, entry_of(row, hosts))), live, idle_usage(live)
        )
        (action,) = result.actions
        assert (action.op, action.klass, action.method, action.path) == (
            "update_addon", klass, "PUT", ADDONS,
        )  # fmt: skip
        assert action.body == {"type": code_of(row), "hosts": hosts}
        assert request_problems("PUT", ADDONS, action.body) == []


@pytest.mark.parametrize("row", MANAGED, ids=_ids)
def test_a_cancellation_is_a_patch_with_the_files_reason_and_comment(row: PlanGroup) -> None:
    live = merged(LIVE_BASE, placed(row, entry_of(row), live=True))
    cancelled = {"type": code_of(row), "state": "cancelled", "reason": 4, "comment": "too dear"}
    result = _plan(merged({"plan_base": BASE}, placed(row, cancelled)), live)
    (action,) = result.actions
    assert (action.op, action.method, action.path) == ("cancel_addon", "PATCH", f"{ADDONS}/status")
    assert action.body == {
        "action": "cancel",
        "type": code_of(row),
        "reason": 4,
        "comment": "too dear",
    }
    assert request_problems("PATCH", f"{ADDONS}/status", action.body) == []


@pytest.mark.parametrize("row", READ_ONLY, ids=_ids)
def test_a_group_no_call_manages_is_never_planned(row: PlanGroup) -> None:
    live = merged(LIVE_BASE, placed(row, entry_of(row), live=True))
    untouched = _plan({"plan_base": BASE}, live)
    assert untouched.status == "in_sync" and not untouched.actions
    (item,) = untouched.unmanaged
    assert (item.group, item.type, item.title) == (row.key, code_of(row), row.title)
    changed = _plan(
        merged({"plan_base": BASE}, placed(row, {"type": code_of(row), "hosts": 9})), live
    )
    assert changed.status == "blocked" and not changed.actions
    assert "no Zoom API call manages" in changed.blocked[0].message
    cancelled = {"type": code_of(row), "state": "cancelled"}
    refused = _plan(merged({"plan_base": BASE}, placed(row, cancelled)), live)
    assert [b.reason_code for b in refused.blocked] == ["unsupported_change"]


def test_the_whiteboard_seat_change_and_translation_purchase_are_exactly_zooms_calls(
    idle_usage: Any,
) -> None:
    """The issue's acceptance: these two calls, byte for byte."""
    live = {
        **LIVE_BASE,
        "plan_whiteboard": {
            "type": "zwb_monthly", "hosts": 5, "status": "active",
            "next_invoice_date": "2031-02-01", "service_effective_date": "2030-02-01",
        },
    }  # fmt: skip
    want = {
        "plan_base": BASE,
        "plan_whiteboard": {"type": "zwb_monthly", "hosts": 8},
        "plan_ztransl": {"type": "ztransl_monthly", "hosts": 3},
    }
    result = _plan(want, live, idle_usage(live))
    calls = [(a.method, a.path, json.dumps(a.body)) for a in result.actions]
    assert calls == [
        ("POST", ADDONS, '{"type": "ztransl_monthly", "hosts": 3}'),
        ("PUT", ADDONS, '{"type": "zwb_monthly", "hosts": 8}'),
    ]


def test_groups_the_files_do_not_mention_are_unmanaged_by_name() -> None:
    live = {
        **LIVE_BASE,
        "plan_zoom_iq": {"type": "ziq_sales_monthly", "hosts": 4},
        "plan_zcc": {
            "plan_package_lists": [{"type": "zccp_monthly", "hosts": 2, "status": "active"}]
        },
        "plan_future_group": {"type": "fg_monthly", "hosts": 1},
    }
    plan = build_plan([make({"plan_base": BASE})], {"sub_1": LivePlans("sub_1", live)}, ALL)
    (account,) = plan.accounts
    assert [u.named for u in account.unmanaged] == [
        "Revenue Accelerator (plan_zoom_iq) ziq_sales_monthly",
        "Contact Center packages (plan_zcc.plan_package_lists) zccp_monthly",
        "plan_future_group",
    ]
    text = render_text(plan)
    assert "? Revenue Accelerator (plan_zoom_iq) ziq_sales_monthly: unmanaged" in text
    assert "? Revenue Accelerator (plan_zoom_iq) ziq_sales_monthly: unmanaged" in render_markdown(
        plan
    )
    assert "<td>Revenue Accelerator (plan_zoom_iq)</td><td>ziq_sales_monthly</td>" in render_html(
        plan
    )
    assert account.to_json()["unmanaged"][0]["title"] == "Revenue Accelerator"


def test_a_subscribe_buys_every_manageable_group_in_zooms_post_plans_shape() -> None:
    entries = {row.key: entry_of(row) for row in MANAGED}
    plans = merged({"plan_base": BASE}, *(placed(table.group(k), e) for k, e in entries.items()))
    options = {"contract_term": 12, "purchase_order_number": "PO-7"}
    contact = {**CONTACT, "employee_count": "120"}
    result = _plan(plans, None, contact=contact, subscription_options=options)
    action, *after = result.actions
    body = action.body
    # Groups Zoom's POST /plans does not take are bought right after, one POST each; one GET
    # never lists is not bought blind (blocked, see above).
    later = [g.key for g in MANAGED if not g.in_subscribe]
    unseen = [g.key for g in MANAGED if not g.listed]
    assert [b.group for b in result.blocked] == unseen
    assert [(a.op, a.group) for a in after] == [("add_addon", key) for key in later]
    assert all(request_problems("POST", ADDONS, a.body) == [] for a in after)
    assert (action.op, action.method, action.path) == ("subscribe", "POST", "/accounts/sub_1/plans")
    assert request_problems("POST", "/accounts/sub_1/plans", body) == []
    assert body["contact"]["employee_count"] == "120"
    assert body["subscription_options"] == options
    assert body["plan_zcc"]["plan_package_list"] == [entries["plan_zcc.plan_package_lists"]]
    assert body["plan_recording"] == entries["plan_recording"]["type"]
    assert body["plan_phone"]["plan_base"] == {
        "type": code_of(table.group("plan_phone.plan_base")),
        "callout_countries": "US",
    }
    bought = {(a["group"], a["type"]) for a in action.after["addons"]}
    assert bought == {(k, e["type"]) for k, e in entries.items() if k not in later + unseen}


def test_a_bundle_subscribes_without_a_base_plan_and_never_together_with_one() -> None:
    bundle = {"plan_bundle": [{"type": "ACT-ENT-LMT_500-WBN_500-T_1-monthly"}]}
    (action,) = _plan(bundle, None, contact=CONTACT).actions
    assert action.body == {"contact": CONTACT, **bundle}
    # Zoom's schema marks plan_base required, its error list forbids it with a bundle: the only
    # disagreement with the schema is that one (docs/plan.md, "Bundles").
    problems = request_problems("POST", "/accounts/sub_1/plans", action.body)
    assert problems == ["(body): 'plan_base' is a required property"]
    both = _plan({"plan_base": BASE, **bundle}, None, contact=CONTACT)
    assert [b.reason_code for b in both.blocked] == ["bundle_with_base"]
    assert "refuses the two together" in both.blocked[0].message


def test_a_nested_entry_is_bought_with_one_post_each_in_table_order() -> None:
    calling = table.group("plan_phone.plan_calling")
    number = table.group("plan_phone.plan_number")
    pro = {"type": "phone_calling_pro_monthly", "hosts": 5}
    international = {"type": "phone_calling_international_monthly", "hosts": 2}
    want = merged(
        {"plan_base": BASE},
        {"plan_phone": {"plan_calling": [pro, international]}},
        placed(number, entry_of(number)),
    )
    result = _plan(want, LIVE_BASE)
    assert [a.body["plan_details"] for a in result.actions] == [
        {"plan_calling": [{"type": "phone_calling_international_monthly", "hosts": 2}]},
        {"plan_calling": [{"type": "phone_calling_pro_monthly", "hosts": 5}]},
        {"plan_number": [entry_of(number)]},
    ]
    assert [a.group for a in result.actions] == [calling.key, calling.key, number.key]


def test_cancelling_inside_a_container_ends_the_dependent_entries_first() -> None:
    """Zoom keeps a Power Pack only with a calling plan and a calling plan only with the phone
    base: cancelling them all sends the dependants first."""
    active = {"hosts": 5, "status": "active"}
    live = merged(
        LIVE_BASE,
        {
            "plan_phone": {
                "plan_base": {"type": "phone_payongo", "status": "active"},
                "plan_calling": [{"type": "phone_calling_pro_monthly", **active}],
                "plan_calling_addons": [{"type": "zp_power_pack_monthly", **active}],
            }
        },
        {"plan_webinar": [{"type": "webinar500_monthly", **active}]},
    )
    gone = {"state": "cancelled"}
    want = {
        "plan_base": BASE,
        "plan_webinar": [{"type": "webinar500_monthly", **gone}],
        "plan_phone": {
            "plan_base": {"type": "phone_payongo", **gone},
            "plan_calling": [{"type": "phone_calling_pro_monthly", **gone}],
            "plan_calling_addons": [{"type": "zp_power_pack_monthly", **gone}],
        },
    }
    result = _plan(want, live)
    assert [a.body["type"] for a in result.actions] == [
        "webinar500_monthly",
        "zp_power_pack_monthly",
        "phone_calling_pro_monthly",
        "phone_payongo",
    ]


def test_cancelling_the_phone_base_alone_is_blocked_while_the_file_keeps_phone_plans() -> None:
    live = merged(
        LIVE_BASE,
        {"plan_phone": {
            "plan_base": {"type": "phone_payongo", "status": "active"},
            "plan_calling": [{"type": "phone_calling_pro_monthly", "hosts": 5, "status": "active"}],
        }},
    )  # fmt: skip
    want = {
        "plan_base": BASE,
        "plan_phone": {"plan_base": {"type": "phone_payongo", "state": "cancelled"}},
    }
    result = _plan(want, live)
    assert result.status == "blocked"
    (item,) = result.blocked
    assert item.reason_code == "cancel_takes_others"
    assert "plan_phone.plan_calling phone_calling_pro_monthly" in item.message


def test_every_group_kind_is_covered_by_these_tests() -> None:
    """Adding a Call kind to the table without a body here would fail loudly."""
    kinds = {g.call for g in table.GROUPS}
    assert kinds == {Call.BASE, Call.ADDON, Call.PHONE, Call.CONTACT_CENTER, Call.NODE,
                     Call.BUNDLE, Call.READ_ONLY}  # fmt: skip
    assert {g.call for g in MANAGED} == {Call.ADDON, Call.PHONE, Call.CONTACT_CENTER, Call.NODE}


def test_a_node_seat_decrease_reads_usage_where_zoom_reports_it_flat() -> None:
    """GET /plans/usage lists Node's groups at its top level, not inside plan_znode."""
    live = merged(LIVE_BASE, {"plan_znode": {"plan_zphybrid": {"type": "zph_monthly", "hosts": 9}}})
    want = {"plan_base": BASE, "plan_znode": {"plan_zphybrid": {"type": "zph_monthly", "hosts": 4}}}
    flat = {"plan_base": {"usage": 1}, "plan_zphybrid": {"type": "zph_monthly", "usage": 6}}
    (item,) = _plan(want, live, flat).blocked
    assert item.reason_code == "below_usage" and "6 seats in use" in item.message
    flat["plan_zphybrid"]["usage"] = 2
    (action,) = _plan(want, live, flat).actions
    assert action.body == {"type": "zph_monthly", "hosts": 4}

"""Apply reads a nested body (Phone, Contact Center, Node) by the entry inside it.

A `{type: "plan_phone", plan_details: {...}}` POST buys one calling plan: it is seen, settled,
journaled, priced and sent as that plan, never as "plan_phone", so two such POSTs to one
account are two purchases, and a lost answer is settled by looking for the entry it bought.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from reconciler.apply.effects import all_calls_visible, change_visible, write_shown
from reconciler.apply.in_flight import write_key
from reconciler.apply.preflight import PlanTampered, check_actions
from reconciler.desired.model import DesiredAccount, SourceMark
from reconciler.planner.core import plan_account
from reconciler.planner.costs import action_cost
from reconciler.planner.model import Action, PlanOptions
from reconciler.pricing.prices import Price, PriceList
from reconciler.zoom.bodies import body_problems
from reconciler.zoom.live import LivePlans

PRO = {"type": "phone_calling_pro_monthly", "hosts": 5}
INTERNATIONAL = {"type": "phone_calling_international_monthly", "hosts": 2}
BASE = {"type": "business_monthly", "hosts": 20, "status": "active"}


def phone_post(entry: dict[str, Any]) -> dict[str, Any]:
    return {"type": "plan_phone", "plan_details": {"plan_calling": [entry]}}


def live_with(*calling: dict[str, Any]) -> dict[str, Any]:
    entries = [{**e, "status": "active"} for e in calling]
    return {"plan_base": BASE, "plan_phone": {"plan_calling": entries}}


def test_a_nested_purchase_is_seen_by_the_entry_it_bought() -> None:
    body = phone_post(PRO)
    assert not change_visible("add_addon", body, live_with())
    assert change_visible("add_addon", body, live_with(PRO))
    assert not change_visible("add_addon", body, live_with({**PRO, "hosts": 4}))
    assert write_shown("add_addon", body, live_with({**PRO, "hosts": 4}))  # present is enough
    assert not write_shown("add_addon", body, live_with(INTERNATIONAL))


def test_two_nested_purchases_are_two_journal_keys() -> None:
    assert write_key("add_addon", phone_post(PRO)) == ("add_addon", PRO["type"])
    assert write_key("add_addon", phone_post(PRO)) != write_key(
        "add_addon", phone_post(INTERNATIONAL)
    )
    node = {
        "type": "plan_znode",
        "plan_znode_details": {"plan_zphybrid": {"type": "zph_monthly", "hosts": 1}},
    }
    assert write_key("add_addon", node) == ("add_addon", "zph_monthly")


def test_convergence_looks_at_every_entry_of_an_account() -> None:
    account = plan_account(
        DesiredAccount(
            "sub_1",
            SourceMark("accounts/sub_1.yaml", 1),
            {"plan_base": BASE, "plan_phone": {"plan_calling": [PRO, INTERNATIONAL]}},
        ),
        LivePlans("sub_1", {"plan_base": BASE}),
        PlanOptions(),
    )
    assert [a.body["type"] for a in account.actions] == ["plan_phone", "plan_phone"]
    assert not all_calls_visible(account, live_with(PRO))
    assert all_calls_visible(account, live_with(PRO, INTERNATIONAL))
    check_actions([account])  # the plan as written passes apply's preflight


def test_a_nested_entry_edited_after_review_is_refused() -> None:
    account = plan_account(
        DesiredAccount(
            "sub_1",
            SourceMark("accounts/sub_1.yaml", 1),
            {"plan_base": BASE, "plan_phone": {"plan_calling": [PRO]}},
        ),
        LivePlans("sub_1", {"plan_base": BASE}),
        PlanOptions(),
    )
    (action,) = account.actions
    edited = Action(**{**action.__dict__, "body": phone_post({**PRO, "hosts": 500})})
    tampered = type(account)(**{**account.__dict__, "actions": (edited,)})
    with pytest.raises(PlanTampered, match="body hosts 500 differs from the reviewed 5"):
        check_actions([tampered])


def test_a_nested_purchase_is_priced_by_its_entry() -> None:
    prices = PriceList(
        {PRO["type"]: Price(PRO["type"], Decimal("10"), True, "month", "USD")}, "prices.yaml"
    )
    action = Action(
        op="add_addon",
        klass="addon_added",
        method="POST",
        path="/accounts/sub_1/plans/addons",
        body=phone_post(PRO),
        after=PRO,
        group="plan_phone.plan_calling",
    )
    cost = action_cost(action, prices)
    assert cost.known and cost.monthly == Decimal("50")


def test_the_client_checks_the_entries_inside_a_nested_body_before_sending() -> None:
    assert body_problems("add_addon", phone_post(PRO)) == []
    assert body_problems("add_addon", phone_post({**PRO, "increasing_hosts": 1})) == [
        "body.plan_details.plan_calling[0].increasing_hosts is never sent (absolute hosts only)"
    ]
    assert body_problems("add_addon", phone_post({**PRO, "hosts": 0})) == [
        "body.plan_details.plan_calling[0].hosts must be a whole number of at least 1"
    ]
    assert body_problems("add_addon", {"type": "plan_zcc", "plan_zcc_details": {}}) == [
        "body.plan_zcc_details must be an object naming the plan to buy"
    ]
    assert body_problems("cancel_base", {"action": "cancel", "reason": 6}) == []
    assert body_problems("cancel_base", {"action": "cancel", "type": "business_monthly"}) == [
        "body.type is never sent to cancel a base plan"
    ]

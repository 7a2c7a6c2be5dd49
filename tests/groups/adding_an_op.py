"""Run as a script by tests/groups/test_adding_an_op.py: one more row in the op table.

Before anything else of ours is imported, the op table gets one more op (`update_note`, a
PATCH that sets the base plan's seats under another name: a stand-in shaped like the billing
contact's `update_contact` that issue 23 brings) and one body builder with its wire check. Then
every consumer of the table is used with it, unchanged: the wire contract, the scopes, the
client, the planner's order, preflight, apply's unrepeatable set and visibility checks, pricing,
the plan summary and every renderer. Prints one line per consumer; exits non-zero on the first
that does not know the new op.
"""

from __future__ import annotations

import asyncio
import enum
import json
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import httpx

from reconciler.groups import operations as table

# --- 1. the row (and the enum members a row needs) --------------------------------------------
Op = enum.StrEnum("Op", [(m.name, m.value) for m in table.Op] + [("UPDATE_NOTE", "update_note")])
Body = enum.Enum("Body", [(m.name, m.value) for m in table.Body] + [("NOTE", "note")])
ROWS = tuple(replace(s, op=Op[s.op.name], body=Body[s.body.name]) for s in table.OP_TABLE)
NOTE = table.OpSpec(
    op=Op.UPDATE_NOTE, method="PATCH", path="/accounts/{id}/plans/base/note",
    zoom_title="Update a base plan note",
    granular_scope="billing:update:plan_note:master", classic_scopes=("billing:master",),
    repeatable=False, target=table.Target.BASE, effect=table.Effect.SET,
    sides=table.Sides.ENTRY, body=Body.NOTE,
    increase=table.Step("note_change", table.Phase.BASE_DECREASE),
    decrease=table.Step("note_change", table.Phase.BASE_DECREASE),
    sign="~", verb="change", wording="", cost_sign=0,
    settled_by=table.Visibility.BASE_FIELDS, opt_in=None,
)  # fmt: skip
table.Op = Op  # type: ignore[misc]
table.Body = Body  # type: ignore[misc]
table.OP_TABLE = (*ROWS, NOTE)
table.BY_OP = {spec.op: spec for spec in table.OP_TABLE}

# --- 2. the body builder and its wire check ---------------------------------------------------
from reconciler.zoom import bodies as wire  # noqa: E402


def note_body(plan_type: str, hosts: int) -> dict[str, Any]:
    return {"type": plan_type, "hosts": hosts}


wire._BODY_CHECKS[Body.NOTE] = lambda body: wire._plan_problems(body, "body", hosts_required=True)

# --- 3. every consumer, unchanged --------------------------------------------------------------
from reconciler.apply.effects import change_visible, write_shown  # noqa: E402
from reconciler.apply.in_flight import UNREPEATABLE_OPS  # noqa: E402
from reconciler.apply.preflight import check_actions  # noqa: E402
from reconciler.planner.calls import CALLS, OPS, call_of  # noqa: E402
from reconciler.planner.costs import action_cost  # noqa: E402
from reconciler.planner.draft import AccountDraft  # noqa: E402
from reconciler.planner.model import AccountPlan, Action, Plan, PlanOptions  # noqa: E402
from reconciler.pricing.prices import Price, PriceList  # noqa: E402
from reconciler.render.html import render_html  # noqa: E402
from reconciler.render.markdown import render_markdown  # noqa: E402
from reconciler.render.text import render_text  # noqa: E402
from reconciler.zoom import ZoomClient, ZoomConfig  # noqa: E402
from reconciler.zoom.scopes import call_scope  # noqa: E402

BODY = note_body("business_monthly", 22)
LIVE = {"plan_base": {"type": "business_monthly", "hosts": 22, "status": "active"}}


def main() -> None:
    assert "update_note" in OPS and CALLS["update_note"] == (NOTE.method, NOTE.path)
    assert call_of("update_note", "sub_1") == ("PATCH", "/accounts/sub_1/plans/base/note")
    print("wire contract: ok")
    row = call_scope("PATCH", "/accounts/sub_1/plans/base/note")
    assert row is not None and row.granular_master == "billing:update:plan_note:master"
    print("scopes: ok")
    sent = asyncio.run(_client_write())
    assert sent == [("PATCH", "/v2/accounts/sub_1/plans/base/note", BODY)], sent
    print("client: ok")
    assert "update_note" in UNREPEATABLE_OPS
    print("unrepeatable: ok")
    draft = AccountDraft("sub_1", PlanOptions(), date(2026, 12, 6))
    note = Action.for_call(
        Op.UPDATE_NOTE,
        "sub_1",
        body=BODY,
        before={"hosts": 20},
        after={"hosts": 22},
        group="plan_base",
    )
    first = Action.for_call(Op.ADD_ADDON, "sub_1", body={"type": "webinar500_monthly", "hosts": 1})
    draft.call(note)
    draft.call(first)
    assert [a.op for a in draft.actions()] == ["add_addon", "update_note"]
    assert note.klass == "note_change"
    print("planner order and class: ok")
    account = AccountPlan(
        account_id="sub_1", source=None, status="changes", live_sha256="0" * 64, actions=(note,)
    )
    check_actions([account])
    print("preflight: ok")
    assert change_visible("update_note", BODY, LIVE) and write_shown("update_note", BODY, LIVE)
    assert not change_visible("update_note", note_body("business_monthly", 30), LIVE)
    print("visibility: ok")
    price = Price("business_monthly", Decimal(10), True, "month", "USD")
    prices = PriceList({"business_monthly": price}, "prices.yaml")
    cost = action_cost(note, prices)
    assert cost.known and cost.monthly == Decimal(20), cost
    print("pricing: ok")
    now = datetime(2026, 12, 6, 3, 0, tzinfo=UTC)
    plan = Plan(
        created_at=now,
        expires_at=now,
        git_commit=None,
        desired_sha256="0" * 64,
        options=PlanOptions(),
        accounts=(account,),
    )
    assert plan.summary()["actions"]["update_note"] == 1
    assert json.loads(json.dumps(plan.to_json()))["accounts"][0]["actions"][0]["op"] == (
        "update_note"
    )
    print("plan JSON and summary: ok")
    text = render_text(plan)
    assert "plan_base business_monthly: hosts 20 -> 22" in text, text
    assert "update_note" in render_markdown(plan)
    assert "<li>plan_base business_monthly: hosts 20 -&gt; 22</li>" in render_html(plan)
    print("renderers: ok")


async def _client_write() -> list[tuple[str, str, Any]]:
    sent: list[tuple[str, str, Any]] = []

    def zoom(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth/token":
            return httpx.Response(200, json={"access_token": "t" * 20, "expires_in": 3600})
        sent.append((request.method, request.url.path, json.loads(request.content)))
        return httpx.Response(204)

    config = ZoomConfig(
        api_base_url="https://api.zoom.test/v2",
        oauth_token_url="https://zoom.test/oauth/token",
        account_id="MASTER1",
        client_id="client-1",
        client_secret="secret-value",
        rate_tier="business",
    )
    async with ZoomClient(config, transport=httpx.MockTransport(zoom)) as client:
        await client.write(Op.UPDATE_NOTE, "sub_1", BODY)
    return sent


if __name__ == "__main__":
    main()

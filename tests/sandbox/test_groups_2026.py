"""Every group of Zoom's 2026 GET /plans answer, read and answered in Zoom's shapes."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from reconciler.sandbox import SandboxServer, layout
from reconciler.sandbox import catalogue as sandbox_catalogue
from reconciler.zoom_2026 import catalogue_rows, operation
from tests.sandbox.zoom_calls import SEED_2026, call

Factory = Callable[..., SandboxServer]
ClientFor = Callable[[SandboxServer], httpx.Client]
DATES = {"status", "next_invoice_date", "service_effective_date"}


def test_every_key_of_zoom_s_2026_answer_is_seeded_and_answered_in_its_shape(
    sandbox: Factory, client_for: ClientFor
) -> None:
    client = client_for(sandbox(SEED_2026))
    plans = call(client, "GET", "/accounts/sub_all/plans").json()
    schema = operation("GET", "/accounts/{accountId}/plans").response_schemas[200]
    assert schema is not None
    assert set(plans) == set(schema["properties"])  # all 34 keys, in Zoom's 2026 shapes
    assert isinstance(plans["plan_room_connector"], dict)
    assert plans["plan_sdk_cmr"] == {"type": "vsdk_cmr_monthly_100"}
    assert plans["plan_ztransl"] == {"type": "ztransl_monthly", "hosts": 3}
    assert plans["plan_zoom_iq"] == {"type": "ziq_sales_monthly", "hosts": 5}
    assert set(plans["plan_whiteboard"]) >= DATES
    assert set(plans["plan_znode"]["plan_zphybrid"]) >= DATES
    assert set(plans["plan_partner_premier_support"]) == {"type"} | DATES
    assert plans["plan_recording_status"] == "active"
    assert plans["plan_base"]["active_hosts"] == 80


def test_a_video_sdk_base_plan_has_no_hosts_and_keeps_its_minutes(
    sandbox: Factory, client_for: ClientFor
) -> None:
    client = client_for(sandbox(SEED_2026))
    base = call(client, "GET", "/accounts/sub_vsdk/plans").json()["plan_base"]
    assert "hosts" not in base
    assert (base["included_minutes"], base["overage_price"], base["status"]) == (30000, 3, "active")


def test_usage_answers_in_the_usage_shapes(sandbox: Factory, client_for: ClientFor) -> None:
    client = client_for(sandbox(SEED_2026))
    usage = call(client, "GET", "/accounts/sub_all/plans/usage").json()
    assert usage["plan_base"] == {
        "type": "zoe_yearly",
        "hosts": 100,
        "usage": 70,
        "pending": 2,
        "active_hosts": 80,
    }
    # A list in usage, an object in GET /plans.
    assert usage["plan_room_connector"] == [
        {"type": "roomconnector_monthly", "hosts": 1, "usage": 1}
    ]
    assert usage["plan_zwr"] == [{"type": "zwr_yearly", "hosts": 10, "usage": 7, "pending": 0}]
    # Recording: an object of storage figures; Node parts flat at the top level.
    assert usage["plan_recording"] == {
        "type": "cmr_monthly_commitment_40",
        "free_storage": "5 GB",
        "plan_storage": "3 TB",
        "plan_storage_usage": "1 TB",
    }
    assert usage["plan_zphybrid"] == {"type": "zph_monthly", "hosts": 2, "usage": 1, "pending": 0}
    assert "plan_znode" not in usage
    # Usage-only keys, from the seed.
    assert usage["plan_united"]["name"] == "Pro + Zoom Phone"
    assert usage["plan_zva"] == [{"type": "zva_monthly", "hosts": 500, "usage": 120}]
    # Groups the usage schema does not list are not in it.
    assert "plan_audio" not in usage
    assert "plan_phone" not in usage


def test_the_sandbox_reads_the_groups_the_extract_lists() -> None:
    reading = layout.reading()
    schema = operation("GET", "/accounts/{accountId}/plans").response_schemas[200]
    assert schema is not None
    listed = {g.path[0] for g in reading.groups if g.listed}
    assert listed | {"plan_base", *reading.recording_siblings} == set(schema["properties"])
    held = {g.key for g in reading.groups if not g.listed}
    assert held == {"plan_phone.plan_calling_addons", "plan_zcc.plan_recording"}
    assert reading.request_aliases == {"plan_package_list": "plan_package_lists"}


def test_every_catalogue_code_has_a_place_except_those_zoom_s_answer_has_none_for() -> None:
    sold = sandbox_catalogue.Catalogue()
    unplaced = {
        row.section
        for row in catalogue_rows()
        if sold.addon_group(row.code) is None and sold.base_family(row.code) is None
    }
    assert unplaced == {"SIP Trunk plans", "Concurrent Meeting plans", "Zoom Virtual Agents plans"}
    assert sold.addon_group("zwb_plus_monthly").key == "plan_whiteboard_plus"  # type: ignore[union-attr]
    assert sold.addon_group("phone_number_jp_monthly").key == "plan_phone.plan_number"  # type: ignore[union-attr]
    assert sold.addon_group("zrc_monthly").key == "plan_znode.plan_rchybrid"  # type: ignore[union-attr]
    assert sold.base_family("vsdk_payongo").hosts_optional  # type: ignore[union-attr]

"""The committed extract of Zoom's 2026 document and catalogue, and its loaders."""

from __future__ import annotations

import hashlib
from importlib import resources

import pytest

from reconciler import zoom_2026
from reconciler.zoom_2026 import (
    CatalogueRow,
    UnknownOperation,
    catalogue_rows,
    extract_sources,
    operation,
    plan_operations,
)

EIGHT = {
    ("GET", "/accounts/{accountId}/plans"): ("GetAccountPlanInformation", 200, "MEDIUM"),
    ("GET", "/accounts/{accountId}/plans/usage"): ("GetPlanUsage", 200, "HEAVY"),
    ("POST", "/accounts/{accountId}/plans"): ("SubscribeAccountToAPlan", 201, "HEAVY"),
    ("POST", "/accounts/{accountId}/plans/addons"): (
        "SubscribeAccountToAnAdditionalPlan",
        201,
        "HEAVY",
    ),
    ("PUT", "/accounts/{accountId}/plans/addons"): (
        "UpdateAnAccount'sAdditionalPlan",
        200,
        "HEAVY",
    ),
    ("PUT", "/accounts/{accountId}/plans/base"): ("UpdateABasePlan", 204, "HEAVY"),
    ("PATCH", "/accounts/{accountId}/plans/addons/status"): ("CancelAdditionalPlans", 200, "HEAVY"),
    ("PATCH", "/accounts/{accountId}/plans/base/status"): ("CancelABasePlan", 200, "HEAVY"),
}


def test_the_extract_holds_zoom_s_eight_plan_operations_with_their_success_codes() -> None:
    found = {
        (op.method, op.path): (op.operation_id, op.success_status, op.rate_limit_label)
        for op in plan_operations()
    }
    assert found == EIGHT


def test_every_operation_lists_the_classic_and_its_own_granular_scope() -> None:
    granular = {op.granular_scopes[0] for op in plan_operations()}
    assert len(granular) == 8  # one scope of its own per operation
    for op in plan_operations():
        assert "billing:master" in op.classic_scopes
        assert all(scope.startswith("billing:") for scope in op.granular_scopes)
    assert operation("PATCH", "/accounts/{accountId}/plans/base/status").granular_scopes == (
        "billing:update:cancel_plan:master",
    )
    assert operation("GET", "/accounts/{accountId}/plans").granular_scopes == (
        "billing:read:plan_information:master",
        "billing:read:plan_information:admin",
    )


def test_the_new_error_codes_are_documented_where_zoom_says() -> None:
    subscribe = operation("POST", "/accounts/{accountId}/plans")
    assert subscribe.documented_codes(400) == {200, 2100, 10200}
    assert subscribe.messages(10200) == (
        "Your request cannot be processed due to an invalid contract term.",
    )
    update = operation("PUT", "/accounts/{accountId}/plans/addons")
    assert update.documented_codes(400) == {2100, 3261}
    assert update.documented_codes(404) == {2001, 3200}
    assert "Must subscribe to a major plan first." in update.messages(3261)
    cancel_base = operation("PATCH", "/accounts/{accountId}/plans/base/status")
    assert "You should first cancel all additional subscriptions." in cancel_base.messages(200)
    bulk = [
        m for op in plan_operations() for m in op.messages(2100) if "bulk licenses" in m.lower()
    ]
    assert len(bulk) == 6  # every write names the bulk-licence refusal
    assert operation("GET", "/accounts/{accountId}/plans").error_statuses == (429,)


def test_schemas_are_resolved_and_carry_no_prose() -> None:
    def keywords(node: object) -> set[str]:
        if isinstance(node, tuple):
            return set().union(*(keywords(item) for item in node)) if node else set()
        if not hasattr(node, "items"):
            return set()
        found: set[str] = set()
        for key, value in node.items():  # type: ignore[attr-defined]
            if key == "properties":
                found |= {key}.union(*(keywords(sub) for sub in value.values()))
            else:
                found |= {key} | keywords(value)
        return found

    used: set[str] = set()
    for op in plan_operations():
        used |= keywords(op.request_schema) | keywords(tuple(op.response_schemas.values()))
    assert "description" not in used
    assert "$ref" not in used
    assert {"type", "properties", "items", "required", "enum", "oneOf", "allOf"} <= used


def test_the_get_answer_schema_has_zoom_s_34_keys_in_their_shapes() -> None:
    schema = operation("GET", "/accounts/{accountId}/plans").response_schemas[200]
    assert schema is not None
    props = schema["properties"]
    assert len(props) == 34
    siblings = {key for key in props if key.startswith("plan_recording_")}
    assert siblings == {
        "plan_recording_next_invoice_date",
        "plan_recording_service_effective_date",
        "plan_recording_status",
    }
    assert {"plan_whiteboard", "plan_ztransl", "plan_zcc", "plan_znode", "plan_zoom_one"} <= set(
        props
    )
    assert props["plan_room_connector"]["type"] == "object"
    assert set(props["plan_sdk_cmr"]["properties"]) == {"type"}
    assert set(props["plan_ztransl"]["properties"]) == {"type", "hosts"}
    assert props["plan_recording"]["type"] == "string"
    usage = operation("GET", "/accounts/{accountId}/plans/usage").response_schemas[200]
    assert usage is not None
    assert usage["properties"]["plan_room_connector"]["type"] == "array"
    assert usage["properties"]["plan_recording"]["type"] == "object"


def test_the_catalogue_has_635_unique_codes_each_with_a_group_and_a_section() -> None:
    rows = catalogue_rows()
    assert len(rows) == 635
    assert len({row.code for row in rows}) == 635
    assert all(isinstance(row, CatalogueRow) for row in rows)
    assert all(row.group and row.section and row.name and row.endpoint for row in rows)
    by_code = {row.code: row for row in rows}
    assert by_code["zwb_monthly"].section == "Zoom Whiteboard plans"
    assert by_code["zp_power_pack_monthly"].group == "Zoom Phone add-on calling plans"
    assert by_code["monthly"].endpoint.startswith("POST /plans")


def test_the_header_names_the_snapshot_the_catalogue_was_copied_from() -> None:
    sources = {source.file: source.sha256 for source in extract_sources()}
    assert set(sources) == {"zoom-billing-ma-2026.openapi.json", "billing-plans-2026.tsv"}
    committed = resources.files(zoom_2026).joinpath("billing_plans.tsv").read_bytes()
    assert hashlib.sha256(committed).hexdigest() == sources["billing-plans-2026.tsv"]


@pytest.mark.parametrize(
    "path",
    [
        "/accounts/{accountId}/plans/addons",
        "/accounts/sub_1/plans/addons",
        "/v2/accounts/sub_1/plans/addons/",
        "/accounts/me/plans/addons?x=1",
    ],
)
def test_operation_accepts_zoom_s_template_or_a_real_path(path: str) -> None:
    assert operation("post", path).operation_id == "SubscribeAccountToAnAdditionalPlan"


@pytest.mark.parametrize(
    ("method", "path"),
    [("DELETE", "/accounts/a/plans"), ("GET", "/accounts//plans"), ("GET", "/accounts/a/plan")],
)
def test_an_unknown_operation_is_named_in_the_error(method: str, path: str) -> None:
    with pytest.raises(UnknownOperation, match="is not one of Zoom's plan or billing operations"):
        operation(method, path)


def test_loaded_data_cannot_be_changed_by_a_caller() -> None:
    op = operation("GET", "/accounts/{accountId}/plans")
    schema = op.response_schemas[200]
    assert schema is not None
    with pytest.raises(TypeError):
        schema["properties"]["plan_base"] = {}  # type: ignore[index]
    thawed = zoom_2026.thawed(schema)
    thawed["properties"].pop("plan_base")
    assert "plan_base" in schema["properties"]

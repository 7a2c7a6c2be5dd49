"""schema_build.py: the account schema is generated from the table of plan groups, and committed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from reconciler.desired.reader import read_bytes
from reconciler.desired.schema import account_schema, schema_problems
from reconciler.desired.schema_build import REGENERATE, SCHEMA_FILE, build_schema, main, schema_text
from reconciler.desired.schema_plans import SHOWN_ONLY
from reconciler.groups import table
from reconciler.groups.table import Call, PlanGroup, Shape
from reconciler.zoom_2026 import operation, thawed

REPO = Path(__file__).resolve().parents[2]


def test_the_committed_schema_is_what_the_table_gives() -> None:
    committed = (REPO / "schemas" / "account.schema.json").read_text(encoding="utf-8")
    assert committed == schema_text(), f"schemas/account.schema.json is out of date: {REGENERATE}"
    assert SCHEMA_FILE == REPO / "schemas" / "account.schema.json"
    assert account_schema() == build_schema()  # the packaged copy (reconciler/schemas symlink)


def test_the_check_mode_says_how_to_regenerate(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--check"]) == 0
    assert capsys.readouterr().err == ""


def _entry_schema(group: PlanGroup) -> dict[str, Any]:
    holder = build_schema()["$defs"]["plans"]
    if group.container is not None:
        holder = holder["properties"][group.container]
    found: dict[str, Any] = holder["properties"][group.name]
    return found["items"] if group.shape is Shape.LIST else found


@pytest.mark.parametrize("group", table.GROUPS, ids=lambda g: g.key)
def test_every_group_of_the_table_is_in_the_schema_in_zooms_shape(group: PlanGroup) -> None:
    plans = build_schema()["$defs"]["plans"]["properties"]
    holder = plans if group.container is None else plans[group.container]["properties"]
    schema = holder[group.name]
    if group is table.RECORDING:
        assert schema["type"] == ["string", "object"]
        return
    assert schema["type"] == ("array" if group.shape is Shape.LIST else "object")
    entry = _entry_schema(group)
    allowed = set(entry["properties"])
    assert {"type", *group.fields} <= allowed
    if group.call is Call.BUNDLE:
        assert allowed == {"type"}
        return
    assert {"status", "service_effective_date", "next_invoice_date"} <= allowed
    cancellable = group.call is Call.BASE or group.is_addon
    assert ("state" in allowed) is cancellable
    assert ("paid_period_start_date" in allowed) is cancellable
    assert ("hosts" in allowed) is (group.seats or "hosts" in SHOWN_ONLY.get(group.key, ()))
    assert ("else" in entry) is group.seats  # seats required unless `state: cancelled`
    if group.call is Call.READ_ONLY:
        assert "no call of Zoom's API buys or changes it" in entry["description"]


def test_the_containers_allow_only_their_groups() -> None:
    plans = build_schema()["$defs"]["plans"]["properties"]
    for container in table.CONTAINERS:
        assert plans[container]["additionalProperties"] is False
        assert set(plans[container]["properties"]) == {g.name for g in table.groups_in(container)}
    top = {g.key for g in table.GROUPS if g.container is None}
    siblings = {f"plan_recording_{s}" for s in ("status", "service_effective_date")}
    assert set(plans) == top | set(table.CONTAINERS) | siblings | {
        "plan_recording_next_invoice_date"
    }


def test_virtual_agents_count_engagements() -> None:
    for key in ("plan_zva_voice", "plan_zva_chat"):
        hosts = _entry_schema(table.group(key))["properties"]["hosts"]
        assert hosts == {"$ref": "#/$defs/engagements"}
    assert "engagements" in build_schema()["$defs"]["engagements"]["description"]


def _minimal(group: PlanGroup) -> Any:
    """One valid entry of `group` in its shape, as a file would write it."""
    code = f"{group.name}_code"
    if group is table.RECORDING:
        return code
    entry: dict[str, Any] = {"type": code}
    if group.seats:
        entry["hosts"] = 2
    return [entry] if group.shape is Shape.LIST else entry


def test_a_file_using_every_group_is_accepted_by_the_loader_and_by_editors() -> None:
    plans: dict[str, Any] = {}
    for group in table.GROUPS:
        holder = plans if group.container is None else plans.setdefault(group.container, {})
        holder[group.name] = _minimal(group)
    document = {"account_id": "sub_all", "plans": plans}
    assert list(Draft202012Validator(account_schema()).iter_errors(document)) == []
    text = "account_id: sub_all\nplans:\n" + "".join(
        f"  {key}: {_yaml(value)}\n" for key, value in plans.items()
    )
    (parsed,) = read_bytes(text.encode(), "all.yaml").documents
    assert parsed.data == document
    assert schema_problems(parsed, whole=True) == []


def _yaml(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_yaml(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_yaml(v) for v in value) + "]"
    return str(value)


def _example(schema: Any) -> Any:
    """A value in the shape of `schema`, made of the examples Zoom's document gives."""
    if "properties" in schema:
        return {key: _example(value) for key, value in schema["properties"].items()}
    if schema.get("type") == "array":
        return [_example(schema["items"])]
    return schema.get("example", "x")


def test_a_get_answer_made_of_zooms_2026_examples_can_be_pasted_whole() -> None:
    """SPEC section 3: a GET /plans answer can be pasted under `plans`. Built from every example
    of the answer schema in Zoom's 2026 document (the committed extract), every group and key."""
    answer_schema = thawed(operation("GET", "/accounts/{accountId}/plans").response_schemas[200])
    answer = _example(answer_schema)
    assert len(answer) >= 34
    document = {"account_id": "sub_pasted", "plans": answer}
    assert list(Draft202012Validator(account_schema()).iter_errors(document)) == []


def test_keys_shown_only_by_get_are_accepted_and_left_out_of_the_desired_plans() -> None:
    from reconciler.desired.pasted import pasted_as_desired

    plans = {"plan_zcc": {"plan_usage": {"type": "zcc_pay_as_you_go", "hosts": 88}}}
    assert pasted_as_desired(plans) == {"plan_zcc": {"plan_usage": {"type": "zcc_pay_as_you_go"}}}

"""The op table: every op fills every column, and the columns agree with each other and with
the published plan schema (an op is one row; nothing else lists the ops)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from reconciler.groups.operations import (
    BY_OP,
    OP_TABLE,
    Effect,
    Op,
    OpSpec,
    Phase,
    Sides,
    Target,
    UnknownOp,
    is_op,
    spec_of,
)

ROOT = Path(__file__).resolve().parents[2]


def test_the_table_has_one_row_per_pinned_op_in_spec_order() -> None:
    assert [spec.op for spec in OP_TABLE] == list(Op)
    assert [str(op) for op in Op] == [
        "subscribe", "update_base", "add_addon", "update_addon", "cancel_addon", "cancel_base",
    ]  # fmt: skip
    assert set(BY_OP) == set(Op)


def test_every_op_fills_every_column() -> None:
    for spec in OP_TABLE:
        for column in dataclasses.fields(OpSpec):
            value = getattr(spec, column.name)
            if column.name == "opt_in":
                continue  # checked below: None where no opt-in is needed
            assert value is not None, (spec.op, column.name)
            if column.name == "wording":
                continue  # checked below: empty where the changed fields say it all
            if isinstance(value, (str, tuple)):
                assert value, (spec.op, column.name)
        assert spec.method in ("POST", "PUT", "PATCH")
        assert spec.path.startswith("/accounts/{id}/")
        assert spec.granular_scope.endswith(":master") and spec.classic_scopes
        assert spec.sign in ("+", "~", "-") and spec.cost_sign in (-1, 0, 1)
        assert spec.increase.klass and spec.decrease.klass
        # The text renderer prints the wording of a whole subscription and of a cancellation.
        needs_wording = spec.sides is Sides.SUBSCRIPTION or spec.effect is Effect.END
        assert bool(spec.wording) == needs_wording, spec.op
        # Every cancellation needs its own flag; nothing else does by its op alone.
        assert (spec.opt_in is not None) == (spec.effect is Effect.END), spec.op
        assert spec.opt_in is None or spec.opt_in.startswith("--allow-cancel")


def test_the_columns_agree_with_each_other() -> None:
    for spec in OP_TABLE:
        # A PUT sets absolute values and may be repeated; a POST or PATCH buys or cancels again.
        assert spec.repeatable == (spec.method == "PUT"), spec.op
        assert spec.sign == {Effect.START: "+", Effect.SET: "~", Effect.END: "-"}[spec.effect]
        assert spec.cost_sign == {Effect.START: 1, Effect.SET: 0, Effect.END: -1}[spec.effect]
        if spec.effect is not Effect.SET:  # only a seat change has two directions
            assert spec.increase == spec.decrease, spec.op
        assert spec.phase_of(spec.increase.klass) == spec.increase.phase
        assert spec.phase_of(spec.decrease.klass) == spec.decrease.phase


def test_the_order_inside_an_account_is_spec_section_6() -> None:
    """Base seat increase, new add-ons, add-on increases, add-on decreases, cancellations,
    base seat decrease; the base plan's cancellation after every add-on cancellation."""
    base, add, addon = spec_of(Op.UPDATE_BASE), spec_of(Op.ADD_ADDON), spec_of(Op.UPDATE_ADDON)
    order = [
        base.increase.phase,
        add.increase.phase,
        addon.increase.phase,
        addon.decrease.phase,
        spec_of(Op.CANCEL_ADDON).increase.phase,
        base.decrease.phase,
    ]
    assert order == sorted(order) and len(set(order)) == len(order)
    assert spec_of(Op.CANCEL_BASE).increase.phase == max(Phase)
    assert spec_of(Op.SUBSCRIBE).increase.phase == min(Phase)


def test_targets_and_sides() -> None:
    assert [s.op for s in OP_TABLE if s.target is Target.ADDON] == [
        Op.ADD_ADDON, Op.UPDATE_ADDON, Op.CANCEL_ADDON,
    ]  # fmt: skip
    assert [s.op for s in OP_TABLE if s.sides is Sides.SUBSCRIPTION] == [Op.SUBSCRIBE]


def test_lookups() -> None:
    assert spec_of("cancel_base") is spec_of(Op.CANCEL_BASE)
    assert spec_of(Op.ADD_ADDON).call("sub_1") == ("POST", "/accounts/sub_1/plans/addons")
    assert is_op("update_addon") and not is_op("update_contact") and not is_op(None)
    try:
        spec_of("delete_account")
    except UnknownOp as exc:
        assert "delete_account" in str(exc)
    else:
        raise AssertionError("an unknown op has no row")


def test_the_published_plan_schema_lists_exactly_the_tables_ops() -> None:
    for folder in ("schemas", "reconciler/schemas"):
        schema = json.loads((ROOT / folder / "plan.schema.json").read_text(encoding="utf-8"))
        assert schema["$defs"]["op"]["enum"] == [str(op) for op in Op], folder


def test_ops_serialise_as_their_pinned_names() -> None:
    assert json.dumps({"op": Op.CANCEL_BASE}) == '{"op": "cancel_base"}'
    assert str(Op.SUBSCRIBE) == "subscribe" and Op("add_addon") is Op.ADD_ADDON

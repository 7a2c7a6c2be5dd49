"""docs/desired-files.md lists every plan group of the table, as the table says it."""

from __future__ import annotations

from pathlib import Path

import pytest

from reconciler.groups import table
from reconciler.groups.table import Call, PlanGroup, Shape

DOC = Path(__file__).resolve().parents[2] / "docs" / "desired-files.md"

_SHAPES = {Shape.OBJECT: "object", Shape.LIST: "list", Shape.STRING: "type string"}
_NESTED = {
    Call.PHONE: " with `plan_details`",
    Call.CONTACT_CENTER: " with `plan_zcc_details`",
    Call.NODE: " with `plan_znode_details`",
}


def _calls(group: PlanGroup) -> str:
    """Zoom's calls that manage the group, in words."""
    if group.call is Call.BASE:
        return "subscribe; PUT /plans/base; PATCH /plans/base/status"
    if group.call is Call.BUNDLE:
        return "subscribe only"
    if group.call is Call.READ_ONLY:
        return "none: read only"
    seats = "; PUT /plans/addons" if group.seats else ""
    return f"POST /plans/addons{_NESTED.get(group.call, '')}{seats}; PATCH /plans/addons/status"


def group_row(group: PlanGroup) -> str:
    """The group's row of the doc's table, as the table of plan groups gives it."""
    fields = ", ".join(f"`{name}`" for name in group.fields) or "-"
    if group.seat_noun != "hosts":
        fields += f" ({group.seat_noun})"
    return (
        f"| `{group.key}` | {group.title} | {_SHAPES[group.shape]} | {fields} | {_calls(group)} |"
    )


@pytest.mark.parametrize("group", table.GROUPS, ids=lambda g: g.key)
def test_every_group_has_its_row_in_the_manual(group: PlanGroup) -> None:
    assert group_row(group) in DOC.read_text(encoding="utf-8").splitlines()


def test_the_manuals_group_table_has_no_other_row() -> None:
    lines = DOC.read_text(encoding="utf-8").splitlines()
    rows = [line for line in lines if line.startswith("| `plan_")]
    assert rows == [group_row(group) for group in table.GROUPS]


if __name__ == "__main__":  # print the rows, to paste them into the manual
    for group in table.GROUPS:
        print(group_row(group))

"""One wording of calls for every format, and no silent fall-through for an op it does not know."""

from __future__ import annotations

import io

import pytest

from reconciler.planner.calls import OPS
from reconciler.planner.model import Action
from reconciler.render.formats import FORMATS, renderer_for
from reconciler.render.renderer import Renderer
from reconciler.render.wording import UnknownOpError, call_lines, tallies, words
from tests.report_plan import report_plan


def test_every_op_has_its_wording() -> None:
    assert {words(op).sign for op in OPS} == {"+", "~", "-"}


def test_an_op_without_wording_is_an_error_not_a_field_change() -> None:
    action = Action(
        op="update_nickname",
        klass="contact",
        method="PATCH",
        path="/accounts/sub_1/nickname",
        body={"first_name": "Ada"},
        before={"first_name": "Bob"},
        after={"first_name": "Ada"},
    )
    with pytest.raises(UnknownOpError, match="update_nickname"):
        call_lines(action)
    with pytest.raises(UnknownOpError, match="update_nickname"):
        tallies({"update_nickname": 1})


def test_the_summary_phrases_add_up_ops_that_share_one() -> None:
    counts = dict.fromkeys(OPS, 1)
    assert tallies(counts) == [
        "1 to subscribe",
        "2 to change",
        "1 add-ons to add",
        "1 to cancel",
        "1 base plan(s) to cancel",
        "1 billing contact(s) to update",
    ]
    assert "base plan(s)" not in " ".join(tallies({**counts, "cancel_base": 0}))


@pytest.mark.parametrize("output_format", FORMATS)
def test_every_format_is_a_renderer_writing_whole_lines(output_format: str) -> None:
    renderer: Renderer = renderer_for(output_format)
    out = io.StringIO()
    renderer.render(report_plan(5), out)
    assert out.getvalue().endswith("\n") and len(out.getvalue()) > 200
    with pytest.raises(KeyError):
        renderer_for("yaml")

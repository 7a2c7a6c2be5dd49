"""The policy `apply` once kept in its click function, reached without click."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from reconciler.apply.report import ApplyReport
from reconciler.apply.stop import RunControl
from reconciler.service.apply_run import apply_changes, check_request
from reconciler.service.refusal import EXIT_USAGE, Refused
from reconciler.service.requests import ApplyRequest, SavedPlanRequest, Selection
from reconciler.zoom.config import ZoomConfig

#: Nothing listens here: a request that reached Zoom would fail loudly, not refuse politely.
NOWHERE = ZoomConfig(api_base_url="http://127.0.0.1:9/v2", access_token="unused")


def test_a_saved_plan_with_select_is_a_usage_error() -> None:
    request = ApplyRequest(
        selection=Selection(selectors=("tier=gold",)),
        saved=SavedPlanRequest(path=Path("plan.json")),
    )
    with pytest.raises(Refused, match="recorded selection decides") as refused:
        check_request(request)
    assert refused.value.exit_code == EXIT_USAGE


def test_without_a_terminal_or_auto_approve_the_report_refuses_and_says_nothing_was_sent() -> None:
    report = asyncio.run(apply_changes(ApplyRequest(zoom=NOWHERE), _Silent()))
    assert report.exit_code == 1
    assert report.lines() == []
    (line,) = report.error_lines()
    assert line.startswith("zoomplans: error: apply asks for confirmation, but stdin is not")
    assert line.endswith("; nothing was sent")


def test_a_stop_asked_before_the_first_call_refuses_with_143() -> None:
    report = ApplyReport.refused("stopped by SIGTERM before any call was sent", 143)
    assert report.exit_code == 143
    control = RunControl()
    control.request_stop("SIGTERM")
    control.request_stop("SIGINT")
    assert control.stop_reason == "SIGTERM"  # the first reason is kept


class _Silent:
    def say(self, line: str) -> None: ...

    def show_plan(self, plan: object) -> None: ...

    async def confirm(self) -> bool:
        raise AssertionError("never asked")

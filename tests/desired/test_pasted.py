"""A pasted GET /plans answer with cancelled or expired entries loads, and plans to nothing.

Zoom keeps listing a lapsed entry until its paid period ends; it describes the past, so it must
neither be bought again nor become a cancellation request (SPEC section 3 and 6).
"""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from reconciler.desired import load_desired
from reconciler.desired.pasted import LapsedEntry, lapsed_entries, pasted_as_desired
from reconciler.planner.core import plan_account
from reconciler.planner.model import PlanOptions
from reconciler.zoom.live import LivePlans

REPO = Path(__file__).resolve().parents[2]
LAPSED = REPO / "tests" / "fixtures" / "valid" / "pasted-lapsed-entries.yaml"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_lapsed_entries_are_left_out_of_the_desired_plans() -> None:
    state = load_desired([LAPSED])
    assert state.problems == []
    (account,) = state.accounts
    assert account.plans == {
        "plan_base": {"type": "business_monthly", "hosts": 20},
        "plan_webinar": [{"type": "webinar500_monthly", "hosts": 3}],
        "plan_phone": {
            "plan_calling": [{"type": "phone_calling_usca_monthly_unlimited", "hosts": 4}],
            "plan_number": [],
        },
    }


def test_the_pasted_answer_plans_to_nothing_against_itself() -> None:
    (account,) = load_desired([LAPSED]).accounts
    answer = yaml.safe_load(LAPSED.read_text(encoding="utf-8"))["plans"]
    for options in (PlanOptions(), PlanOptions(allow_decrease=True, allow_cancel=True)):
        planned = plan_account(account, LivePlans("sub_lapsed", answer), options)
        assert (planned.status, planned.actions, planned.blocked) == ("in_sync", (), ())


def test_a_lapsed_entry_never_asks_to_cancel_what_zoom_still_bills() -> None:
    """The file says cancelled, Zoom says active: the file's status is history, not a wish.
    The active add-on is unmanaged (absence never cancels), with no call for it."""
    (account,) = load_desired([LAPSED]).accounts
    live = yaml.safe_load(LAPSED.read_text(encoding="utf-8"))["plans"]
    live["plan_webinar"][1]["status"] = "active"
    live["plan_zoom_rooms"]["status"] = "active"
    planned = plan_account(
        account, LivePlans("sub_lapsed", live), PlanOptions(allow_cancel=True, allow_decrease=True)
    )
    assert planned.actions == ()
    assert planned.blocked == ()
    assert {(u.group, u.type) for u in planned.unmanaged} == {
        ("plan_webinar", "webinar1000_monthly"),
        ("plan_zoom_rooms", "zroom_monthly"),
    }


def test_validate_accepts_the_pasted_answer_without_warnings_even_when_strict() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "reconciler", "validate", "--strict", str(LAPSED)],
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "warning" not in run.stdout + run.stderr


def test_each_ignored_entry_is_logged_at_info_with_its_line(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.INFO, logger="reconciler.desired.loader"):
        load_desired([LAPSED])
    lines = [r.getMessage() for r in caplog.records if "describes the past" in r.getMessage()]
    assert len(lines) == 5
    assert any(
        line.startswith(f"{LAPSED}:13:") and "plans.plan_webinar[1] (status: cancelled)" in line
        for line in lines
    )
    assert all(r.levelno == logging.INFO for r in caplog.records if "past" in r.getMessage())


def test_a_cancelled_base_plan_is_left_out(tmp_path: Path) -> None:
    path = write(
        tmp_path / "a.yaml",
        "account_id: sub_a\nplans:\n"
        "  plan_base: {type: business_monthly, hosts: 12, status: expired}\n",
    )
    state = load_desired([path])
    assert state.problems == []
    assert state.accounts[0].plans == {}


def test_state_cancelled_beside_a_lapsed_status_stays_a_cancellation(tmp_path: Path) -> None:
    path = write(
        tmp_path / "a.yaml",
        "account_id: sub_a\nplans:\n"
        "  plan_webinar:\n"
        "    - {type: webinar500_monthly, state: cancelled, status: cancelled}\n",
    )
    (account,) = load_desired([path]).accounts
    assert account.plans == {"plan_webinar": [{"type": "webinar500_monthly", "state": "cancelled"}]}


def test_a_lapsed_and_an_active_entry_of_one_type_are_no_duplicate(tmp_path: Path) -> None:
    path = write(
        tmp_path / "a.yaml",
        "account_id: sub_a\nplans:\n"
        "  plan_webinar:\n"
        "    - {type: webinar500_monthly, hosts: 2, status: cancelled}\n"
        "    - {type: webinar500_monthly, hosts: 5, status: active}\n",
    )
    state = load_desired([path])
    assert state.problems == []
    assert state.accounts[0].plans == {"plan_webinar": [{"type": "webinar500_monthly", "hosts": 5}]}


def test_two_active_entries_of_one_type_are_still_a_duplicate(tmp_path: Path) -> None:
    path = write(
        tmp_path / "a.yaml",
        "account_id: sub_a\nplans:\n"
        "  plan_webinar:\n"
        "    - {type: webinar500_monthly, hosts: 2, status: active}\n"
        "    - {type: webinar500_monthly, hosts: 5}\n",
    )
    state = load_desired([path])
    assert [(p.line, "appears twice" in p.message) for p in state.errors] == [(5, True)]


def test_an_unknown_status_is_still_an_error(tmp_path: Path) -> None:
    path = write(
        tmp_path / "a.yaml",
        "account_id: sub_a\nplans:\n  plan_zoom_rooms: {type: zroom_monthly, hosts: 1, "
        "status: paused}\n",
    )
    state = load_desired([path])
    assert [p.line for p in state.errors] == [3]
    assert "active, cancelled or expired" in state.errors[0].message
    assert state.accounts == []


def test_lapsed_entries_and_pasted_as_desired_directly() -> None:
    plans = {
        "plan_recording": "cmr_monthly_commitment_40",
        "plan_recording_status": "Expired",
        "plan_large_meeting": [{"type": "large100_monthly", "hosts": 1, "status": "active"}],
    }
    assert list(lapsed_entries(plans)) == [LapsedEntry(("plans", "plan_recording"), "expired")]
    assert pasted_as_desired(plans) == {
        "plan_large_meeting": [{"type": "large100_monthly", "hosts": 1}]
    }
    assert list(lapsed_entries(["not", "a", "mapping"])) == []


TEMPLATE_ACCOUNT = [
    # (template plans, account plans, expected desired plans)
    (
        "  plan_webinar: [{type: webinar500_monthly, hosts: 2}]\n",
        "  plan_webinar: [{type: webinar500_monthly, hosts: 9, status: cancelled}]\n",
        {"plan_webinar": [{"type": "webinar500_monthly", "hosts": 2}]},
    ),
    (
        "  plan_webinar: [{type: webinar500_monthly, hosts: 2, status: cancelled}]\n",
        "  plan_webinar: [{type: webinar500_monthly, hosts: 3}]\n",
        {"plan_webinar": [{"type": "webinar500_monthly", "hosts": 3}]},
    ),
    (
        "  plan_zoom_rooms: {type: zroom_monthly, hosts: 2}\n",
        "  plan_zoom_rooms: {type: zroom_monthly, hosts: 1, status: expired}\n",
        {"plan_zoom_rooms": {"type": "zroom_monthly", "hosts": 2}},
    ),
    (
        "  plan_zoom_rooms: {type: zroom_monthly, hosts: 2, status: expired}\n",
        "  plan_zoom_rooms: {type: zroom_monthly, hosts: 1}\n",
        {"plan_zoom_rooms": {"type": "zroom_monthly", "hosts": 1}},
    ),
    (
        "  plan_recording: cmr_monthly_commitment_40\n  plan_recording_status: cancelled\n",
        "  plan_recording: cmr_monthly_commitment_100\n",
        {"plan_recording": "cmr_monthly_commitment_100"},
    ),
    (
        "  plan_recording: cmr_monthly_commitment_40\n",
        "  plan_recording: cmr_monthly_commitment_100\n  plan_recording_status: expired\n",
        {"plan_recording": "cmr_monthly_commitment_40"},
    ),
]


@pytest.mark.parametrize(("template", "own", "expected"), TEMPLATE_ACCOUNT)
@pytest.mark.usefixtures("in_tmp_tree")
def test_history_never_merges_with_a_wish_across_extends(
    tmp_path: Path, template: str, own: str, expected: dict[str, object]
) -> None:
    """A lapsed entry in the account file does not erase the template's add-on, and a lapsed
    entry in a template does not lapse the account's own add-on of that type."""
    write(tmp_path / "t.yaml", "plans:\n" + template)
    path = write(tmp_path / "a.yaml", "account_id: sub_a\nextends: t.yaml\nplans:\n" + own)
    state = load_desired([path])
    assert state.problems == []
    assert state.accounts[0].plans == expected

"""Resuming a saved plan: which calls were made, and whether the account is exactly plan + those."""

from __future__ import annotations

from reconciler.apply.resume import calls_made, made_prefix, resumable
from reconciler.planner.fingerprints import live_fingerprint
from reconciler.planner.model import Action
from tests.apply.journal_lines import line, records

PATH = "/accounts/sub_a/plans"
BEFORE = {
    "plan_base": {"type": "business_monthly", "hosts": 20, "status": "active"},
    "plan_zoom_rooms": {"type": "zroom_monthly", "hosts": 2, "status": "active"},
    "plan_webinar": [{"type": "webinar500_monthly", "hosts": 3, "status": "active"}],
}
ACTIONS = [
    Action(
        op="update_base",
        klass="seat_increase",
        method="PUT",
        path=f"{PATH}/base",
        body={"type": "business_monthly", "hosts": 25},
        before={"hosts": 20},
        after={"hosts": 25},
        group="plan_base",
    ),
    Action(
        op="add_addon",
        klass="addon_added",
        method="POST",
        path=f"{PATH}/addons",
        body={"type": "large500_monthly", "hosts": 2},
        before=None,
        after={"type": "large500_monthly", "hosts": 2},
        group="plan_large_meeting",
    ),
    Action(
        op="update_addon",
        klass="seat_increase",
        method="PUT",
        path=f"{PATH}/addons",
        body={"type": "webinar500_monthly", "hosts": 5},
        before={"hosts": 3},
        after={"hosts": 5},
        group="plan_webinar",
    ),
    Action(
        op="cancel_addon",
        klass="addon_cancelled",
        method="PATCH",
        path=f"{PATH}/addons/status",
        body={"action": "cancel", "type": "zroom_monthly"},
        before={"type": "zroom_monthly", "hosts": 2},
        after=None,
        group="plan_zoom_rooms",
    ),
]


def after(calls: int) -> dict:
    """The live plans once the first ``calls`` actions were made (Zoom's GET shape)."""
    live = {
        "plan_base": {**BEFORE["plan_base"]},
        "plan_zoom_rooms": {**BEFORE["plan_zoom_rooms"]},
        "plan_webinar": [{**BEFORE["plan_webinar"][0]}],
    }
    if calls >= 1:
        live["plan_base"]["hosts"] = 25
    if calls >= 2:
        live["plan_large_meeting"] = [{"type": "large500_monthly", "hosts": 2, "status": "active"}]
    if calls >= 3:
        live["plan_webinar"][0]["hosts"] = 5
    if calls >= 4:
        live["plan_zoom_rooms"]["status"] = "cancelled"
    return live


def test_the_planned_state_plus_the_calls_made_is_resumable_at_every_point() -> None:
    planned = live_fingerprint(BEFORE)
    for calls in range(1, 5):
        assert resumable(ACTIONS[:calls], after(calls), planned), calls


def test_a_console_change_besides_the_calls_made_is_not_resumable() -> None:
    planned = live_fingerprint(BEFORE)
    changed = after(2)
    changed["plan_webinar"][0]["hosts"] = 4
    assert not resumable(ACTIONS[:2], changed, planned)
    overwritten = after(2)
    overwritten["plan_base"]["hosts"] = 30  # someone changed the seats we set
    assert not resumable(ACTIONS[:2], overwritten, planned)


def test_a_call_said_made_but_not_visible_is_not_resumable() -> None:
    planned = live_fingerprint(BEFORE)
    assert not resumable(ACTIONS[:2], after(1), planned)
    assert not resumable([], BEFORE, planned)


def test_only_a_prefix_of_this_plans_calls_counts_as_made() -> None:
    entries = []
    for n, action in enumerate(ACTIONS[:2]):
        entries.append(
            line("intent", intent_id=f"i{n}", account_id="sub_a", plan_sha256="h",
                 op=action.op, path=action.path, body=action.body)
        )  # fmt: skip
    entries.append(line("outcome", intent_id="i0", result="ok"))
    entries.append(line("outcome", intent_id="i1", result="ambiguous"))
    made = calls_made(records(entries), "sub_a", "h")
    assert made_prefix(ACTIONS, made) == 1
    # This run's first read shows the second one (not journaled yet when asked): made too.
    assert made_prefix(ACTIONS, calls_made(records(entries), "sub_a", "h", {"i1"})) == 2
    entries.append(line("resolution", intent_id="i1", result="resolved_present"))
    assert made_prefix(ACTIONS, calls_made(records(entries), "sub_a", "h")) == 2
    assert calls_made(records(entries), "sub_a", "another plan") == []
    assert calls_made(records(entries), "sub_b", "h") == []
    # The second call alone is not a prefix: the journal and the plan disagree.
    assert made_prefix(ACTIONS, calls_made(records(entries[1:]), "sub_a", "h")) == -1

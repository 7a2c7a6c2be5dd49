"""`apply --plan` and the field-level `changes` of each action.

A plan file written before plans recorded `changes` still applies (its `before`/`after`, which
are compared, say the same); a file that records them must record what planning gives, since
the reviewer read them: an edited change refuses the account like any other edit.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.apply.test_apply_saved_plan import SEED, apply_plan, edit, make_plan, writes_to


def test_a_plan_file_without_changes_still_applies(sandbox, tmp_path: Path) -> None:
    sb = sandbox(SEED)
    plan = make_plan(sb, tmp_path)
    data = json.loads(plan.read_text())
    actions = [a for account in data["accounts"] for a in account["actions"]]
    assert actions and all(a["changes"] for a in actions)
    for action in actions:
        del action["changes"]
    plan.write_text(json.dumps(data))
    done = apply_plan(sb, tmp_path, plan)
    assert done.exit_code == 0, done.output
    assert "sub_up: applied" in done.output and "mismatch" not in done.output
    assert writes_to(sb, "sub_up")


def test_an_edited_change_is_refused_and_not_sent(sandbox, tmp_path: Path) -> None:
    sb = sandbox(SEED)
    plan = make_plan(sb, tmp_path)

    def fewer_seats_shown(actions: list[dict[str, Any]]) -> None:
        action = next(a for a in actions if a["op"] == "update_addon")
        assert action["changes"][0]["path"] == "hosts"
        action["changes"][0]["after"] = 2

    edit(plan, "sub_up", fewer_seats_shown)
    sb.clear_requests()
    done = apply_plan(sb, tmp_path, plan)
    assert done.exit_code == 1
    assert "the saved plan is not what the desired files and Zoom imply" in done.output
    assert "sub_up: action " in done.output
    assert sb.writes() == []  # the whole plan is refused, sub_down too

"""--state FILE: one world shared by separate sandbox runs (plan, then apply, then plan)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from reconciler.sandbox import SandboxServer, SeedError

Factory = Callable[..., SandboxServer]
ClientFor = Callable[[SandboxServer], httpx.Client]


def test_state_is_shared_across_two_sandbox_instances(
    sandbox: Factory, client_for: ClientFor, tmp_path: Path
) -> None:
    state = tmp_path / "world.json"
    first = sandbox(state_file=state)
    assert state.exists()  # written at start, so a second process sees the same seed
    client = client_for(first)
    client.put("/accounts/sub_pro/plans/base", json={"type": "monthly", "hosts": 9})
    client.patch(
        "/accounts/sub_8Jk2Lm/plans/addons/status",
        json={"action": "cancel", "type": "zroom_monthly"},
    )
    first.stop()
    second = sandbox(state_file=state)
    reader = client_for(second)
    assert reader.get("/accounts/sub_pro/plans").json()["plan_base"]["hosts"] == 9
    rooms = reader.get("/accounts/sub_8Jk2Lm/plans").json()["plan_zoom_rooms"]
    assert rooms["status"] == "cancelled"
    assert reader.get("/accounts/sub_self/plans").json()["code"] == 2100  # flags survive too


def test_state_file_is_json_without_secrets_or_temp_files(
    sandbox: Factory, client_for: ClientFor, tmp_path: Path
) -> None:
    state = tmp_path / "world.json"
    sb = sandbox(state_file=state)
    client = client_for(sb)
    for hosts in (6, 7, 8):
        client.put("/accounts/sub_pro/plans/base", json={"type": "monthly", "hosts": hosts})
    text = state.read_text()
    document = json.loads(text)
    assert document["format"] == "zoomplans-sandbox-state"
    assert document["accounts"]["sub_pro"]["plans"]["plan_base"]["hosts"] == 8
    assert "demo-secret" not in text
    token = client.headers["Authorization"].split()[1]
    assert token not in text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["world.json"]


def test_set_plans_is_persisted(sandbox: Factory, tmp_path: Path) -> None:
    state = tmp_path / "world.json"
    sb = sandbox(state_file=state)
    sb.set_plans("sub_pro", {"plan_base": {"type": "yearly", "hosts": 3}})
    saved = json.loads(state.read_text())["accounts"]["sub_pro"]["plans"]["plan_base"]
    assert (saved["type"], saved["hosts"]) == ("yearly", 3)


def test_a_state_file_in_a_new_folder_is_created(sandbox: Factory, tmp_path: Path) -> None:
    state = tmp_path / "deeper" / "world.json"
    sandbox(state_file=state)
    assert state.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "unreadable state file"),
        ('{"format": "other"}', "not a sandbox state file"),
        ('{"format": "zoomplans-sandbox-state", "version": 9}', "version 9"),
        (
            '{"format": "zoomplans-sandbox-state", "version": 1, "accounts": []}',
            "must be a mapping",
        ),
    ],
)
def test_a_bad_state_file_is_a_named_error(tmp_path: Path, content: str, message: str) -> None:
    state = tmp_path / "world.json"
    state.write_text(content)
    with pytest.raises(SeedError, match=message) as caught:
        SandboxServer(
            Path(__file__).parents[1] / "fixtures" / "seeds" / "small.yaml", state_file=state
        )
    assert str(state) in str(caught.value)

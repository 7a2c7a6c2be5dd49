"""The scope table (reconciler/zoom/scopes.py) and the manual's "Scopes" section say the same."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from reconciler import zoom_2026
from reconciler.zoom.scopes import (
    CALL_SCOPES,
    COMMANDS,
    account_in,
    call_scope,
    scopes_of_command,
)

CONNECTING = Path(__file__).resolve().parents[2] / "docs" / "connecting.md"


def scopes_section() -> list[list[str]]:
    """The table rows of the "## Scopes" section, as lists of cells without backticks."""
    text = CONNECTING.read_text(encoding="utf-8")
    section = text.split("\n## Scopes\n", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        if line.startswith("| `"):
            rows.append([cell.strip().replace("`", "") for cell in line.strip("|").split("|")])
    return rows


def test_the_manual_lists_every_call_with_its_scopes() -> None:
    calls = {row[0]: row for row in scopes_section() if len(row) == 6}
    assert list(calls) == [row.op for row in CALL_SCOPES]
    for row in CALL_SCOPES:
        _, title, where, master, admin, classic = calls[row.op]
        assert (title, where) == (row.zoom_title, f"{row.method} {row.path}")
        assert master == row.granular_master
        assert admin == (row.granular_admin or "-")
        assert classic.split(", ") == list(row.classic)


def test_the_manual_lists_what_each_command_needs() -> None:
    commands = {row[0]: row for row in scopes_section() if len(row) == 3}
    assert list(commands) == list(COMMANDS)
    assert scopes_of_command("validate") == ()
    for command in ("plan", "import", "prices"):
        listed = commands[command][1].split(", ")
        assert listed == list(scopes_of_command(command)), command
    # apply: "those of plan, and the write scope of each call it may make: ..."
    assert commands["apply"][1].startswith("those of plan, and the write scope")
    listed = re.findall(r"billing:\w+:\w+:master", commands["apply"][1])
    plan = scopes_of_command("plan")
    assert listed == [s for s in scopes_of_command("apply") if s not in plan]
    for command in ("plan", "apply", "import", "prices"):
        classic = {c for row in CALL_SCOPES if command in row.commands for c in row.classic}
        # usage also takes account:master, but billing:master alone covers plan and apply
        assert set(commands[command][2].split(", ")) <= classic, command


@pytest.mark.parametrize(
    ("method", "path", "op"),
    [
        ("GET", "/accounts", "list_sub_accounts"),
        ("get", "/accounts/", "list_sub_accounts"),
        ("GET", "/accounts/sub%2F1/plans", "get_plans"),
        ("GET", "/accounts/me/plans/usage?x=1", "get_usage"),
        ("PATCH", "/accounts/a/plans/base/status", "cancel_base"),
        ("PUT", "/accounts/a/plans/addons", "update_addon"),
        ("POST", "/accounts/a/plans/addons", "add_addon"),
    ],
)
def test_a_call_finds_its_row(method: str, path: str, op: str) -> None:
    row = call_scope(method, path)
    assert row is not None and row.op == op


def test_calls_outside_the_table_have_no_row() -> None:
    assert call_scope("DELETE", "/accounts/a/plans") is None
    assert call_scope("GET", "/users/me") is None
    assert call_scope(None, "/accounts/a/plans") is None
    assert account_in("/accounts") is None
    assert account_in("/accounts/me/plans") == "me"


def test_the_scope_table_is_zooms_2026_document() -> None:
    """Every plan operation's classic and granular scopes, as the committed extract has them."""
    operations = zoom_2026.plan_operations()
    assert len(operations) == 8
    for operation in operations:
        path = operation.path.replace("{accountId}", "{id}")
        (row,) = [r for r in CALL_SCOPES if r.method == operation.method and r.path == path]
        assert set(row.classic) == set(operation.classic_scopes), path
        granular = {row.granular_master, row.granular_admin} - {None}
        assert granular == set(operation.granular_scopes), path

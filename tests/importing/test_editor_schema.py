"""The `$schema` line of imported files resolves in a user's own repository (not only here)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from reconciler.desired.schema import account_schema_text
from reconciler.importing import ImportRequest, import_accounts
from reconciler.importing.editor_schema import (
    SCHEMA_PATH,
    ensure_editor_schema,
    find_editor_schema,
    work_tree_root,
)
from tests.fakes import FakeZoom

NOW = datetime(2026, 11, 22, 1, 0, tzinfo=UTC)
PLANS = {"plan_base": {"type": "business_monthly", "hosts": 20, "status": "active"}}


def schema_line(path: Path) -> str:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    prefix = "# yaml-language-server: $schema="
    assert first.startswith(prefix), first
    return first[len(prefix) :]


def run_import(out: Path) -> Any:
    one_account = FakeZoom({"sub_1": PLANS}, names={"sub_1": "Acme"})  # a master, one sub
    request = ImportRequest(out_dir=out, source="https://api.zoom.us/v2", now=NOW)
    return asyncio.run(import_accounts(one_account, request))


def test_in_a_git_work_tree_the_copy_goes_to_the_root_and_every_line_resolves(
    tmp_path: Path,
) -> None:
    (tmp_path / ".git").mkdir()
    out = tmp_path / "billing" / "zoom" / "accounts"
    report = run_import(out)
    schema = tmp_path / SCHEMA_PATH
    assert report.schema is not None
    assert (report.schema.path, report.schema.result) == (schema, "written")
    assert schema.read_text(encoding="utf-8") == account_schema_text()
    (written,) = [f.path for f in report.files]
    reference = schema_line(written)
    assert reference == "../../../schemas/account.schema.json"
    assert (written.parent / reference).resolve() == schema


def test_a_second_import_finds_the_copy_and_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    run_import(tmp_path / "accounts")
    before = (tmp_path / SCHEMA_PATH).stat().st_mtime_ns
    report = run_import(tmp_path / "accounts")
    assert report.schema is not None and report.schema.result == "found"
    assert [f.result for f in report.files] == ["unchanged"]
    assert (tmp_path / SCHEMA_PATH).stat().st_mtime_ns == before


def test_an_existing_schema_up_the_tree_is_used_and_left_alone(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    mine = tmp_path / "config" / SCHEMA_PATH
    mine.parent.mkdir(parents=True)
    mine.write_text('{"title": "my own copy"}')
    place = find_editor_schema(tmp_path / "config" / "accounts" / "emea")
    assert (place.path, place.result) == (mine, "found")
    assert place.reference_from(tmp_path / "config" / "accounts" / "emea") == (
        "../../schemas/account.schema.json"
    )
    assert ensure_editor_schema(tmp_path / "config" / "accounts").path == mine
    assert mine.read_text() == '{"title": "my own copy"}'
    assert not (tmp_path / SCHEMA_PATH).exists()


def test_a_schema_outside_the_work_tree_is_not_used(tmp_path: Path) -> None:
    (tmp_path / SCHEMA_PATH).parent.mkdir(parents=True)
    (tmp_path / SCHEMA_PATH).write_text("{}")
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    assert work_tree_root(repo / "accounts") == repo
    place = find_editor_schema(repo / "accounts")
    assert (place.path, place.result) == (repo / SCHEMA_PATH, "failed")


def test_outside_any_work_tree_the_copy_goes_next_to_the_output_folder(tmp_path: Path) -> None:
    assert work_tree_root(tmp_path) is None
    placed = ensure_editor_schema(tmp_path / "accounts")
    assert (placed.path, placed.result) == (tmp_path / SCHEMA_PATH, "written")
    assert placed.reference_from(tmp_path / "accounts") == "../schemas/account.schema.json"


def test_a_schema_that_cannot_be_written_is_reported_not_raised(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "schemas").write_text("a file where the folder should be")
    report = run_import(tmp_path / "accounts")
    assert report.schema is not None and report.schema.result == "failed"
    assert report.schema.detail
    assert [f.result for f in report.files] == ["written"]
    assert not report.failed


def test_the_cli_says_where_it_wrote_the_schema(
    sandbox: Any, cli: Callable[..., Any], tmp_path: Path
) -> None:
    sb = sandbox()
    (tmp_path / ".git").mkdir()
    first = cli("import", env=sb.env(), cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "schema written   schemas/account.schema.json (for editors" in first.stdout
    for path in (tmp_path / "accounts").iterdir():
        assert (path.parent / schema_line(path)).resolve() == tmp_path / SCHEMA_PATH
    again = cli("import", env=sb.env(), cwd=tmp_path)
    assert "schema written" not in again.stdout
    assert "No file changed." in again.stdout

"""zoomplans.yaml cannot widen what is read or loosen safety unseen (project_bounds.py)."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest

from reconciler.cli.journal_options import in_flight_rules
from reconciler.desired.problems import excerpt
from reconciler.guards.project import ProjectError, load_project


def problems_of(path: Path) -> list[str]:
    with pytest.raises(ProjectError) as caught:
        load_project(path)
    return [str(p) for p in caught.value.problems]


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Outside git: the current directory is the root."""
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return work


def test_paths_outside_the_root_are_located_and_nothing_there_is_touched(folder: Path) -> None:
    outside = folder.parent / "secret.yaml"
    outside.write_text("prices:\n  TOKEN_VALUE: {USD: 1}\n")
    project = folder / "zoomplans.yaml"
    project.write_text(f"prices: ../secret.yaml\nextends_root: {folder.parent}\n")
    before = os.stat(outside).st_atime_ns
    found = problems_of(project)
    assert found == [
        f"{project}:1:9: error: prices: '../secret.yaml' resolves outside {folder} (the tree "
        "holding this file); it was not read: a file a pull request can edit may not name "
        "files outside the checkout (pass --prices or --extends-root on the command line "
        "instead)",
        f"{project}:2:15: error: extends_root: {excerpt(str(folder.parent))} is an absolute "
        "path; write it relative to this file, inside the repository (it was not read)",
    ]
    assert os.stat(outside).st_atime_ns == before
    assert all("TOKEN_VALUE" not in line for line in found)


def test_paths_inside_the_root_are_kept(folder: Path) -> None:
    (folder / "shared").mkdir()
    project = folder / "zoomplans.yaml"
    project.write_text("prices: shared/prices.yaml\nextends_root: shared\n")
    loaded = load_project(project)
    assert loaded.prices == folder / "shared" / "prices.yaml"
    assert dict(loaded.origins) == {
        "prices": f"{project}:1",
        "extends_root": f"{project}:2",
    }


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("resend_after: 4m", False),
        ("resend_after: 299s", False),
        ("resend_after: 5m", True),
        ("resend_after: 300s", True),
        ("journal_window: 23h", False),
        ("journal_window: 1d", True),
        ("journal_window: 24h", True),
    ],
)
def test_journal_settings_have_floors_in_the_file(folder: Path, text: str, ok: bool) -> None:
    project = folder / "zoomplans.yaml"
    project.write_text(text + "\n")
    if ok:
        load_project(project)
    else:
        (problem,) = problems_of(project)
        assert "is below the floor of" in problem


def test_the_operators_flag_may_go_below_the_floor(folder: Path) -> None:
    """A flag is the operator's choice (tests and recovery use --resend-after 0s); the plan
    header lists it with its origin."""
    (folder / "zoomplans.yaml").write_text("resend_after: 30m\n")
    rules = in_flight_rules(None, "0s", load_project(folder / "zoomplans.yaml"))
    assert rules.resend_after == timedelta(0)

"""Fixtures for the desired-state tests."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from reconciler.desired import load_desired

#: The day the tests' scheduled dates are checked against (the loader defaults to today, UTC).
TODAY = date(2026, 12, 6)


@pytest.fixture
def in_tmp_tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Work from `tmp_path`, as a user outside git works from their folder: it is then the root
    that `extends` may read from (restrictor.py), as the repository is for a checkout."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def problems_in(tmp_path: Path) -> Callable[..., list[str]]:
    """`problems_in(text, strict=False, today=None)`: every problem `load_desired` finds in one
    account file, as `line:column: severity: message` (the file name is always `a.yaml`)."""

    def check(text: str, *, strict: bool = False, today: date | None = None) -> list[str]:
        path = tmp_path / "a.yaml"
        path.write_text(text, encoding="utf-8")
        state = load_desired([path], strict=strict, today=today or TODAY)
        assert all(p.file == str(path) for p in state.problems)
        return [f"{p.line}:{p.column}: {p.severity}: {p.message}" for p in state.problems]

    return check

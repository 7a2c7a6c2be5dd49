"""Fixtures for the desired-state tests."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def in_tmp_tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Work from `tmp_path`, as a user outside git works from their folder: it is then the root
    that `extends` may read from (restrictor.py), as the repository is for a checkout."""
    monkeypatch.chdir(tmp_path)
    return tmp_path

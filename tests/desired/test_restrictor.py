"""restrictor.py: which root a file has, and which `extends` targets it may read."""

from __future__ import annotations

from pathlib import Path

from reconciler.desired.restrictor import LoadRestrictor, git_work_tree


def test_the_root_is_the_nearest_git_work_tree_even_a_worktree_with_a_git_file(
    tmp_path: Path,
) -> None:
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    inner = tmp_path / "repo" / "wt"
    (inner / "accounts").mkdir(parents=True)
    (inner / ".git").write_text("gitdir: ../.git/worktrees/wt\n")  # as `git worktree add` does
    assert git_work_tree(str(inner / "accounts")) == str(inner)
    assert git_work_tree(str(tmp_path / "repo" / "x")) == str(tmp_path / "repo")
    restrictor = LoadRestrictor(cwd=str(tmp_path))
    assert restrictor.root_of(str(inner / "accounts" / "a.yaml")) == str(inner.resolve())


def test_outside_git_the_root_is_the_current_directory(tmp_path: Path) -> None:
    (tmp_path / "work" / "accounts").mkdir(parents=True)
    restrictor = LoadRestrictor(cwd=str(tmp_path / "work"))
    assert git_work_tree(str(tmp_path / "work")) is None
    assert restrictor.root_of("accounts/a.yaml") == str((tmp_path / "work").resolve())
    assert restrictor.extends_refusal("accounts/a.yaml", "../t.yaml", "t.yaml") is None
    refused = restrictor.extends_refusal("accounts/a.yaml", "../../t.yaml", "../t.yaml")
    assert refused is not None and "(the current directory)" in refused


def test_an_absolute_target_is_refused_even_inside_the_root(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    inside = tmp_path / "templates" / "t.yaml"
    restrictor = LoadRestrictor(cwd=str(tmp_path))
    refused = restrictor.extends_refusal("accounts/a.yaml", str(inside), str(inside))
    assert refused is not None and "is an absolute path" in refused


def test_a_link_inside_the_tree_to_a_file_inside_it_is_fine(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "real.yaml").write_text("labels: {a: b}\n")
    (tmp_path / "templates" / "alias.yaml").symlink_to(tmp_path / "templates" / "real.yaml")
    restrictor = LoadRestrictor(cwd=str(tmp_path))
    assert restrictor.allows("accounts/a.yaml", "templates/alias.yaml")


def test_an_extra_root_widens_and_a_prefix_is_not_a_parent(tmp_path: Path) -> None:
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    (tmp_path / "repo-evil").mkdir()
    (tmp_path / "shared").mkdir()
    plain = LoadRestrictor(cwd=str(tmp_path / "repo"))
    assert not plain.allows("a.yaml", "../repo-evil/t.yaml")  # /repo-evil is not under /repo
    assert not plain.allows("a.yaml", "../shared/t.yaml")
    wide = LoadRestrictor.widened_by(["../shared"], cwd=str(tmp_path / "repo"))
    assert wide.allows("a.yaml", "../shared/t.yaml")
    assert not wide.allows("a.yaml", "../repo-evil/t.yaml")

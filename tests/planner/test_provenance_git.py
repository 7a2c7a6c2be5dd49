"""provenance.git_state: one `git status` for every file read, in a real temporary repository."""

from __future__ import annotations

from pathlib import Path

from reconciler.planner.header import GitState, Setting, provenance_lines
from reconciler.planner.provenance import git_state
from tests.git_repo import git


def test_staged_ignored_renamed_and_outside_files_all_count(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "accounts").mkdir(parents=True)
    for name in ("a.yaml", "b.yaml", "c.yaml", "d.yaml"):
        (repo / "accounts" / name).write_text(f"# {name}\n")
    (repo / ".gitignore").write_text("secret-*.yaml\n")
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "one")
    files = [repo / "accounts" / n for n in ("a.yaml", "b.yaml", "c.yaml", "d.yaml")]
    state = git_state(repo, files)
    assert (state.dirty, state.changed_files) == (False, ())
    assert state.commit is not None and len(state.commit) == 40

    (repo / "accounts" / "a.yaml").write_text("# staged\n")
    git(repo, "add", "accounts/a.yaml")
    git(repo, "mv", "accounts/b.yaml", "accounts/b2.yaml")
    (repo / "accounts" / "secret-x.yaml").write_text("# ignored, yet read\n")
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text("# not in the repository\n")
    read = [
        repo / "accounts" / "a.yaml",
        repo / "accounts" / "b2.yaml",
        repo / "accounts" / "c.yaml",
        repo / "accounts" / "secret-x.yaml",
        outside,
    ]
    state = git_state(repo / "accounts", read)
    assert state.dirty is True
    assert state.changed_files == (
        "../elsewhere.yaml",
        "accounts/a.yaml",
        "accounts/b2.yaml",
        "accounts/secret-x.yaml",
    )


def test_outside_git_there_is_no_commit_and_no_verdict(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("x: 1\n")
    assert git_state(tmp_path, [tmp_path / "a.yaml"]) == GitState()


def test_header_lines_keep_each_value_on_one_inert_line() -> None:
    git_ = GitState("a" * 40, True, ("accounts/x\nb.yaml",))
    settings = [Setting(name="prices", value="p\x1b[2K\r.yaml", origin="zoomplans.yaml:2")]
    lines = provenance_lines(git_, settings)
    assert lines == [
        "made from uncommitted changes: 1 file(s) read differ from git commit aaaaaaaaaaaa or "
        "are untracked: accounts/x\\x0ab.yaml",
        "setting prices = p\\x1b[2K\\x0d.yaml (from zoomplans.yaml:2)",
    ]

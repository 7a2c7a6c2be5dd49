"""Apply in CI runs only from committed files: what was merged is what was reviewed.

A CI job that edits a desired file before `apply` (a script, a generated template, a step a
pull request added) would apply calls no reviewer saw, under a journal line naming a commit
that does not hold them. So under `CI=true` (set by GitHub Actions, GitLab CI and most
others) apply refuses, before reading Zoom, when any file it read differs from the commit or
is untracked, unless the operator passes `--allow-dirty`. On a workstation the plan header and
the journal's run start say "made from uncommitted changes" instead.
"""

from __future__ import annotations

from collections.abc import Mapping

from reconciler.planner.header import GitState, dirty_sentence

#: Values of CI that mean "running in CI" (GitHub and GitLab set `true`).
_CI_VALUES = frozenset({"true", "1", "yes"})


class DirtyTreeRefused(Exception):
    """Apply under CI was asked to run from files that differ from the git commit."""


def in_ci(env: Mapping[str, str]) -> bool:
    """True when the environment says a CI system runs this process."""
    return env.get("CI", "").strip().lower() in _CI_VALUES


def check_clean_tree(git: GitState, *, allow_dirty: bool, ci: bool) -> None:
    """DirtyTreeRefused when in CI, the tree is dirty, and --allow-dirty was not given."""
    if not git.dirty or allow_dirty or not ci:
        return
    raise DirtyTreeRefused(
        f"CI is set and this apply was {dirty_sentence(git.commit, git.changed_files)}; "
        "apply in CI runs only what was committed (and reviewed): commit the change, or pass "
        "--allow-dirty to apply it anyway"
    )

"""Which files `extends` (and a folder walk) may read: the tree holding the desired files.

`plan` runs on every pull request, so a desired file is untrusted input: `extends:
/home/runner/.ssh/id_ed25519` or a symlink pointing out of the checkout must not make zoomplans
read a file of the runner and echo it into the job log. Like kustomize's load restrictor, a
target is allowed only when its real path (symlinks resolved) lies inside a root: the git work
tree holding the file that names it (outside git: the current directory), plus the folders
given explicitly by `--extends-root DIR` or `extends_root` in zoomplans.yaml (itself confined to
the checkout holding that file: guards/project_bounds.py). An absolute target
is refused outright: it would make the files mean something different on every machine.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from reconciler.desired.problems import excerpt

WIDEN_HINT = (
    "to allow another folder, pass --extends-root DIR (extends_root in zoomplans.yaml may only "
    "name a folder inside its own checkout)"
)


def git_work_tree(start: str) -> str | None:
    """The nearest folder at or above `start` holding `.git` (a folder, or a worktree's file).

    Walked by hand, not `git rev-parse`: no subprocess per file, and no git needed at all.
    """
    folder = os.path.abspath(start)
    while True:
        if os.path.exists(os.path.join(folder, ".git")):
            return folder
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


def _inside(real: str, root: str) -> bool:
    return real == root or real.startswith(root.rstrip(os.sep) + os.sep)


@dataclass
class LoadRestrictor:
    """Decides whether a file may be read on behalf of another; caches roots by folder."""

    extra_roots: tuple[str, ...] = ()
    cwd: str = field(default_factory=os.getcwd)
    _roots: dict[str, str] = field(default_factory=dict)
    _folders: dict[str, str] = field(default_factory=dict)

    @classmethod
    def widened_by(cls, folders: Sequence[str | Path], cwd: str | None = None) -> LoadRestrictor:
        """A restrictor whose roots also include `folders` (symlinks resolved)."""
        here = cwd if cwd is not None else os.getcwd()
        roots = tuple(os.path.realpath(os.path.join(here, f)) for f in folders)
        return cls(extra_roots=roots, cwd=here)

    def root_of(self, file: str) -> str:
        """The real path of the git work tree holding `file`, else of the current directory."""
        folder = os.path.dirname(os.path.abspath(os.path.join(self.cwd, file)))
        cached = self._roots.get(folder)
        if cached is None:
            tree = git_work_tree(folder)
            cached = os.path.realpath(tree if tree is not None else self.cwd)
            self._roots[folder] = cached
        return cached

    def allows(self, naming_file: str, target: str) -> bool:
        """Whether `target` (a path as the caller would open it) stays inside a root."""
        real = os.path.realpath(os.path.join(self.cwd, target))
        roots = (self.root_of(naming_file), *self.extra_roots)
        return any(_inside(real, root) for root in roots)

    def extends_refusal(self, naming_file: str, written: str, target: str) -> str | None:
        """Why `extends: <written>` in `naming_file` (opening `target`) is refused, or None."""
        if os.path.isabs(written) or written.startswith("~"):
            return (
                f"extends target {excerpt(written)} is an absolute path; write it relative to "
                "this file, inside the repository"
            )
        if not self.allows(naming_file, target):
            return (
                f"extends target {excerpt(written)} resolves outside "
                f"{self.root_of(naming_file)} (the {self._root_word(naming_file)}); it was not "
                f"read: {WIDEN_HINT}"
            )
        return None

    def walk_refusal(self, folder: str, file: str, real: str | None = None) -> str | None:
        """Why a file found by searching `folder` is skipped (a symlink pointing out), or None.

        The folder the user named is itself a root for its own files, in git or not. `real`:
        the file's real path, when the walk knows it already.
        """
        if real is None:
            real = os.path.realpath(os.path.join(self.cwd, file))
        if _inside(real, self._real_folder(folder)):
            return None
        if self.allows(os.path.join(folder, "."), file):
            return None
        return (
            f"this file is a link to a file outside {self.root_of(os.path.join(folder, '.'))}; "
            f"it was not read: {WIDEN_HINT}"
        )

    def _real_folder(self, folder: str) -> str:
        """A walked folder's real path, resolved once for all its files (cached)."""
        cached = self._folders.get(folder)
        if cached is None:
            cached = self._folders[folder] = os.path.realpath(os.path.join(self.cwd, folder))
        return cached

    def _root_word(self, file: str) -> str:
        folder = os.path.dirname(os.path.abspath(os.path.join(self.cwd, file)))
        return "git work tree holding this file" if git_work_tree(folder) else "current directory"

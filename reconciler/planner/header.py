"""What a plan's header says about how it was made, besides its calls: the state of the git
tree it was read from, and every setting that differs from its default, with where it came from.

A reviewer approves what the plan shows. A plan made from edits nobody committed, or with a
setting a pull request slipped into zoomplans.yaml (`extra_plan_types`, a price list, a
journal window), must say so where the reviewer reads, in every format: the renderers take
these lines from here (`provenance_lines`), so text, Markdown and HTML say the same.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")

#: How many changed files a header names before it says "and N more".
SHOWN_FILES = 20


@dataclass(frozen=True)
class GitState:
    """The git commit the files were read at, and whether any file read differs from it.

    `dirty` is None outside git (no commit to differ from); `changed_files` are paths relative
    to the work tree's top, as `git status` names them.
    """

    commit: str | None = None
    dirty: bool | None = None
    changed_files: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Setting:
    """One setting that differs from its default: its name, its value as shown, and where it
    came from (`--resend-after`, `environment ZOOM_API_BASE_URL`, `zoomplans.yaml:4`)."""

    name: str
    value: str
    origin: str

    def to_json(self) -> dict[str, str]:
        return {"name": self.name, "value": self.value, "origin": self.origin}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Setting:
        return cls(name=str(data["name"]), value=str(data["value"]), origin=str(data["origin"]))


def dirty_sentence(commit: str | None, changed: tuple[str, ...]) -> str:
    """`made from uncommitted changes: 2 file(s) read differ from git commit 1a2b3c4d or are
    untracked: accounts/acme.yaml, zoomplans.yaml`."""
    named = ", ".join(changed[:SHOWN_FILES])
    more = f" and {len(changed) - SHOWN_FILES} more" if len(changed) > SHOWN_FILES else ""
    return (
        f"made from uncommitted changes: {len(changed)} file(s) read differ from git commit "
        f"{(commit or '')[:12]} or are untracked: {named}{more}"
    )


def provenance_lines(git: GitState, settings: Iterable[Setting]) -> list[str]:
    """The header's sentences, plain text on one line each (a control character in a value is
    shown as `\\x1b`), dirty tree first: each renderer escapes and styles them its own way."""
    lines = [dirty_sentence(git.commit, git.changed_files)] if git.dirty else []
    lines.extend(f"setting {s.name} = {s.value} (from {s.origin})" for s in settings)
    return [_CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", line) for line in lines]


def header_lines_of_json(plan_json: Mapping[str, Any]) -> list[str]:
    """`provenance_lines` of a plan's JSON form (the HTML report renders from it)."""
    commit = plan_json.get("git_commit")
    git = GitState(
        commit if isinstance(commit, str) else None,
        plan_json.get("git_dirty") is True,
        tuple(str(f) for f in plan_json.get("git_changed_files") or ()),
    )
    settings = [Setting.from_json(s) for s in plan_json.get("settings") or ()]
    return provenance_lines(git, settings)

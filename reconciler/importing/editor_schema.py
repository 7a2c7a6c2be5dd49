"""The schema that the `# yaml-language-server: $schema=...` line of each imported file names.

The line is a path relative to the file, so it only helps if the schema is really there. A
user's own configuration repository does not have zoomplans' `schemas/` folder, so import
looks for `schemas/account.schema.json` from the output folder up to the root of its git work
tree (outside one, in the output folder and the folder above it only); when there is none, it
writes one copy of the packaged schema where a repository keeps it: `schemas/account.schema.json`
at the root of the git work tree that holds the output folder (or, outside any git work tree,
next to the output folder). An existing copy is never overwritten: it may be the user's own, and
`validate` always uses the packaged schema anyway.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from reconciler.desired.packaged_schemas import SchemaUnavailable
from reconciler.desired.schema import account_schema_text
from reconciler.importing.files import ImportFileError, write_new_file

SCHEMA_PATH = Path("schemas") / "account.schema.json"
SchemaResult = Literal["found", "written", "failed"]


@dataclass(frozen=True)
class EditorSchema:
    """Where the editor schema is (or would be), and whether import found, wrote or failed it."""

    path: Path
    result: SchemaResult
    detail: str = ""

    def reference_from(self, folder: Path) -> str:
        """The `$schema` value for a file in `folder`: a relative, forward-slash path."""
        return Path(os.path.relpath(self.path, folder.resolve())).as_posix()


def work_tree_root(folder: Path) -> Path | None:
    """The nearest folder at or above `folder` holding `.git` (a folder, or a worktree file)."""
    start = folder.resolve()
    for candidate in (start, *start.parents):
        if (candidate / ".git").exists():
            return candidate
    return None


def find_editor_schema(out_dir: Path) -> EditorSchema:
    """An existing schema from `out_dir` up to its work tree's root, else where to write one."""
    start = out_dir.resolve()
    root = work_tree_root(start)
    # Outside a work tree only the output folder and the one above it (where a copy is
    # written): a walk to / would name some unrelated /tmp/schemas/ copy as the user's.
    folders = (start, *start.parents) if root is not None else (start, start.parent)
    for folder in folders:
        candidate = folder / SCHEMA_PATH
        if candidate.is_file():
            return EditorSchema(candidate, "found")
        if folder == root:
            break
    home = root if root is not None else start.parent
    return EditorSchema(home / SCHEMA_PATH, "failed", "not written yet")


def ensure_editor_schema(out_dir: Path) -> EditorSchema:
    """Find the schema for the files under `out_dir`, writing the packaged copy if missing.

    Never raises: a schema that cannot be written only costs editor hints, so the caller
    reports it and still writes the account files.
    """
    place = find_editor_schema(out_dir)
    if place.result == "found":
        return place
    try:
        written = write_new_file(place.path, account_schema_text())
    except (ImportFileError, SchemaUnavailable) as exc:
        reason = exc.reason if isinstance(exc, ImportFileError) else str(exc)
        return EditorSchema(place.path, "failed", reason)
    return EditorSchema(place.path, "written" if written else "found")

"""What the desired-state rules say about import's files, before and after writing.

- After writing: every file import wrote must load clean with the same rules as `validate`. If
  Zoom says something the rules refuse (a legacy answer with zero hosts on a Zoom Rooms add-on,
  say), the user must hear it now, not at the next `plan`. Only errors count: warnings such as
  an unknown (legacy) plan type are expected, because Zoom adds codes faster than any catalogue.
- Before overwriting: a file whose text differs from what import would write may still say
  exactly what Zoom says (it uses `extends:`, comma strings for countries, another layout).
  Such a file is in sync; rewriting it would only destroy the user's structure.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from reconciler.desired import catalogue, load_desired
from reconciler.desired.entries import plan_entries
from reconciler.desired.reader import read_file
from reconciler.groups import normalise
from reconciler.importing.document import ImportedAccount


def check_written(paths: Sequence[Path]) -> list[str]:
    """`file:line:column: error: message` for every error in the files this run wrote
    (`ImportReport.written_paths`), codes the catalogue does not list aside (`unlisted_codes`)."""
    if not paths:
        return []
    state = load_desired(paths, extra_plan_types=[code for code, _ in unlisted_codes(paths)])
    return [str(problem) for problem in state.errors]


def unlisted_codes(paths: Sequence[Path]) -> list[tuple[str, str]]:
    """(code, account id) for each plan code of the written files the catalogue does not
    list, once per account: what zoomplans.yaml must allow before `plan` takes the file."""
    found: dict[tuple[str, str], None] = {}
    for path in paths:
        for document in read_file(path, str(path)).documents:
            data = document.data if isinstance(document.data, dict) else {}
            for entry in plan_entries(data.get("plans")):
                if not catalogue.is_known(entry.plan_type):
                    found[(entry.plan_type, str(data.get("account_id")))] = None
    return list(found)


def in_sync_on_disk(candidates: Sequence[tuple[Path, ImportedAccount]]) -> set[str]:
    """Ids of the accounts whose file, loaded and layered like `plan` does (one load for all),
    declares the same name (or none) and plans that normalise exactly like Zoom's."""
    if not candidates:
        return set()
    state = load_desired(sorted({path for path, _ in candidates}))
    declared = {a.account_id: a for a in state.accounts}  # accounts with errors are left out
    same: set[str] = set()
    for _path, account in candidates:
        on_disk = declared.get(account.account_id)
        if on_disk is None or on_disk.name not in (None, account.name):
            continue
        try:
            mine = normalise.normalise_plans(on_disk.plans)
            zoom = normalise.normalise_plans(account.plans if account.subscribed else None)
        except normalise.PlanShapeError:
            continue
        # A `state: cancelled` entry for an add-on Zoom no longer has is already satisfied.
        if mine.base == zoom.base and mine.addons == zoom.addons and mine.bundle == zoom.bundle:
            same.add(account.account_id)
    return same

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

from pathlib import Path
from typing import TYPE_CHECKING

from reconciler import normalise
from reconciler.desired import load_desired
from reconciler.importing.document import ImportedAccount

if TYPE_CHECKING:
    from reconciler.importing.run import ImportReport


def check_written(report: ImportReport) -> list[str]:
    """`file:line:column: error: message` for every error in the files this run wrote."""
    paths = [f.path for f in report.files if f.result in ("written", "overwritten")]
    if not paths:
        return []
    state = load_desired(paths)
    return [str(problem) for problem in state.errors]


def says_the_same(path: Path, account: ImportedAccount) -> bool:
    """True when the file at `path`, loaded and layered like `plan` does, declares this account
    with the same name (or none) and plans that normalise exactly like Zoom's."""
    state = load_desired([path])
    if state.errors:
        return False
    declared = next((a for a in state.accounts if a.account_id == account.account_id), None)
    if declared is None or declared.name not in (None, account.name):
        return False
    try:
        on_disk = normalise.normalise_plans(declared.plans)
        in_zoom = normalise.normalise_plans(account.plans if account.subscribed else None)
    except normalise.PlanShapeError:
        return False
    # A `state: cancelled` entry for an add-on Zoom no longer has is already satisfied.
    return on_disk.base == in_zoom.base and on_disk.addons == in_zoom.addons

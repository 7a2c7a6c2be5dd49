"""The promise behind every imported file: it loads clean with the same rules as `validate`.

Import writes what Zoom says; if Zoom says something the desired-state rules refuse (a legacy
answer with zero hosts on a Zoom Rooms add-on, say), the user must hear it now, not at the next
`plan`. Only errors count: warnings such as an unknown (legacy) plan type are expected, because
Zoom adds codes faster than any catalogue.
"""

from __future__ import annotations

from reconciler.desired import load_desired
from reconciler.importing.run import ImportReport


def check_written(report: ImportReport) -> list[str]:
    """`file:line:column: error: message` for every error in the files this run wrote."""
    paths = [f.path for f in report.files if f.result in ("written", "overwritten")]
    if not paths:
        return []
    state = load_desired(paths)
    return [str(problem) for problem in state.errors]

"""`zoomplans apply`: make exactly the reviewed calls, never charge twice, journal every call.

The pieces, each with one job: ``saved`` reads a plan file and refuses it before anything is
sent (format, opt-ins, expiry); ``preflight`` proves each saved action has its op's shape;
``replan`` proves a saved plan is what the desired files and Zoom imply (files hash, re-plan per
account) and verifies against the files; ``executor`` performs the calls with compare-and-swap,
journal lines, read-before-resend settlement and verification; ``effects`` says whether a call's
change shows in the live plans; ``reading`` reads until it does; ``resume`` decides whether a
saved plan that a crashed run applied in part may go on; ``runner`` is one whole run with its
journal; ``report`` is the per-account result and the exit code.

Importing the package imports none of them: each public name is imported from its module on
first use (PEP 562), so reading the journal (`plan` does) does not load the executor.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reconciler.lazy_exports import lazy_getattr

if TYPE_CHECKING:
    from reconciler.apply.effects import all_calls_visible, change_visible, verified
    from reconciler.apply.executor import Executor
    from reconciler.apply.preflight import (
        PlanExpired,
        PlanRefused,
        PlanTampered,
        accounts_changed,
        check_actions,
    )
    from reconciler.apply.report import AccountReport, ApplyReport
    from reconciler.apply.seams import ApplySettings, PlanWriter, WriteOutcome

#: Each public name and the module that defines it.
_HOMES: dict[str, str] = {
    "AccountReport": "reconciler.apply.report",
    "ApplyReport": "reconciler.apply.report",
    "ApplySettings": "reconciler.apply.seams",
    "Executor": "reconciler.apply.executor",
    "PlanExpired": "reconciler.apply.preflight",
    "PlanRefused": "reconciler.apply.preflight",
    "PlanTampered": "reconciler.apply.preflight",
    "PlanWriter": "reconciler.apply.seams",
    "WriteOutcome": "reconciler.apply.seams",
    "accounts_changed": "reconciler.apply.preflight",
    "all_calls_visible": "reconciler.apply.effects",
    "change_visible": "reconciler.apply.effects",
    "check_actions": "reconciler.apply.preflight",
    "verified": "reconciler.apply.effects",
}


__getattr__ = lazy_getattr(__name__, _HOMES)

__all__ = [
    "AccountReport",
    "ApplyReport",
    "ApplySettings",
    "Executor",
    "PlanExpired",
    "PlanRefused",
    "PlanTampered",
    "PlanWriter",
    "WriteOutcome",
    "accounts_changed",
    "all_calls_visible",
    "change_visible",
    "check_actions",
    "verified",
]

"""`zoomplans apply`: make exactly the reviewed calls, never charge twice, journal every call.

The pieces, each with one job: ``saved`` reads a plan file and refuses it before anything is
sent (format, opt-ins, expiry); ``preflight`` proves each saved action has its op's shape;
``replan`` proves a saved plan is what the desired files and Zoom imply (files hash, re-plan per
account) and verifies against the files; ``executor`` performs the calls with compare-and-swap,
journal lines, read-before-resend settlement and verification; ``effects`` says whether a call's
change shows in the live plans; ``reading`` reads until it does; ``resume`` decides whether a
saved plan that a crashed run applied in part may go on; ``runner`` is one whole run with its
journal; ``report`` is the per-account result and the exit code.
"""

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

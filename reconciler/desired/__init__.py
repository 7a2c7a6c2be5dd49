"""Desired state: the YAML files that say what each sub-account should pay for.

`load_desired(paths, strict=False)` is the one entry point; it never raises on bad input and
returns every problem located as file:line:column. `catalogue` answers which group a plan type
belongs to.

Importing the package imports none of its modules: each public name is imported from its module
on first use (PEP 562), so a small module of it (`problems` for a located message, `reader` for
zoomplans.yaml) does not load the whole loader and its YAML and schema stack first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reconciler.lazy_exports import lazy_getattr

if TYPE_CHECKING:
    from reconciler.desired.loader import load_desired
    from reconciler.desired.model import DesiredAccount, DesiredState, SourceMark
    from reconciler.desired.problems import Problem

#: Each public name and the module that defines it.
_HOMES: dict[str, str] = {
    "DesiredAccount": "reconciler.desired.model",
    "DesiredState": "reconciler.desired.model",
    "Problem": "reconciler.desired.problems",
    "SourceMark": "reconciler.desired.model",
    "load_desired": "reconciler.desired.loader",
}

__all__ = ["DesiredAccount", "DesiredState", "Problem", "SourceMark", "load_desired"]
__getattr__ = lazy_getattr(__name__, _HOMES)

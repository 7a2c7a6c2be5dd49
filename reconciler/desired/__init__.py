"""Desired state: the YAML files that say what each sub-account should pay for.

`load_desired(paths, strict=False)` is the one entry point; it never raises on bad input and
returns every problem located as file:line:column. `catalogue` answers which group a plan type
belongs to.
"""

from reconciler.desired.loader import load_desired
from reconciler.desired.model import DesiredAccount, DesiredState, SourceMark
from reconciler.desired.problems import Problem

__all__ = ["DesiredAccount", "DesiredState", "Problem", "SourceMark", "load_desired"]

"""Fixtures the renderer tests share with the planner's: desired accounts built directly."""

from __future__ import annotations

from tests.planner.conftest import contact, make_desired

__all__ = ["contact", "make_desired"]

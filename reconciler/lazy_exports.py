"""Package-level names imported on first use (PEP 562), for packages whose modules are heavy.

`reconciler.zoom` and `reconciler.apply` re-export their public names from their modules; with
plain imports in `__init__.py`, importing any one small module of them (the client's config for
the CLI's option defaults, the journal reader for `plan`) would import httpx or the whole apply
machinery first. A package instead sets `__getattr__ = lazy_getattr(__name__, homes)`.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import Any


def lazy_getattr(package: str, homes: Mapping[str, str]) -> Callable[[str], Any]:
    """A module `__getattr__` that imports ``homes[name]`` (a module path) on first use and
    keeps the value in the package, so later lookups are plain attribute reads."""

    def __getattr__(name: str) -> Any:
        home = homes.get(name)
        if home is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(home), name)
        setattr(sys.modules[package], name, value)
        return value

    return __getattr__

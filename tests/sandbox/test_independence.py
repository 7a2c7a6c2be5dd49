"""The sandbox is an independent reading of Zoom: it shares no code with the client side.

It may import the standard library, pyyaml, uvicorn, its own modules and the committed extract
of Zoom's 2026 document (`reconciler.zoom_2026`, whose loaders need only the standard library);
never the client's table of groups, desired state, planner or Zoom client, and not jsonschema
(the extract's `validation` module is for tests).
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

SANDBOX = Path(__file__).resolve().parents[2] / "reconciler" / "sandbox"
ALLOWED_THIRD_PARTY = {"yaml", "uvicorn"}
ALLOWED_OURS = ("reconciler.sandbox", "reconciler.zoom_2026")


def imports_of(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def test_the_sandbox_imports_only_the_stdlib_yaml_uvicorn_and_zoom_s_extract() -> None:
    wrong: list[str] = []
    for path in sorted(SANDBOX.glob("*.py")):
        for name in imports_of(path):
            top = name.split(".")[0]
            if top == "reconciler":
                ok = name.startswith(ALLOWED_OURS) and "zoom_2026.validation" not in name
            else:
                ok = top in sys.stdlib_module_names or top in ALLOWED_THIRD_PARTY
            if not ok and top != "__future__":
                wrong.append(f"{path.name}: {name}")
    assert wrong == []


def test_the_check_sees_a_forbidden_import(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("from reconciler.groups import normalise\nimport jsonschema\n")
    assert imports_of(module) == {"reconciler.groups.normalise", "jsonschema"}

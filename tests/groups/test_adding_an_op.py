"""Adding an op is one row in the op table plus its body builder: nothing else changes.

`adding_an_op.py` (run in its own interpreter, so the extra row never leaks into other tests)
adds a row and a body check, then uses every consumer of the table unchanged. This test runs
it, and checks that the only things of ours it changes are the table module and the wire
body checks.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).with_name("adding_an_op.py")
CONSUMERS = (
    "wire contract", "scopes", "client", "unrepeatable", "planner order and class",
    "preflight", "visibility", "pricing", "plan JSON and summary", "renderers",
)  # fmt: skip


def test_one_more_row_and_a_body_builder_reach_every_consumer() -> None:
    done = subprocess.run(
        [sys.executable, str(SCRIPT)], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.splitlines() == [f"{name}: ok" for name in CONSUMERS]


def test_the_script_changes_only_the_table_and_the_body_checks() -> None:
    tree = ast.parse(SCRIPT.read_text(encoding="utf-8"))
    ours = {
        alias.asname or alias.name: node.module
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("reconciler")
        for alias in node.names
    }
    changed = set()
    for node in ast.walk(tree):
        targets = node.targets if isinstance(node, ast.Assign) else []
        for target in targets:
            while isinstance(target, (ast.Attribute, ast.Subscript)):
                if isinstance(target.value, ast.Name) and target.value.id in ours:
                    changed.add((ours[target.value.id], target.value.id))
                target = target.value
    assert changed == {("reconciler.groups", "table"), ("reconciler.zoom", "wire")}

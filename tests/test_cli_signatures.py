"""The command line stays thin: no function in ``reconciler/cli`` takes more than 8 parameters.

A click command receives its options as ``**options`` and turns them into a typed request in
one place (``reconciler/cli/requests.py``); policy lives in ``reconciler/service``. A function
that grows a ninth parameter is a sign that policy or a loose flag is creeping back into the
CLI (issue 21: ``apply_command`` once took 21 parameters plus ``**kwargs``).
"""

from __future__ import annotations

import ast
from pathlib import Path

CLI = Path(__file__).resolve().parents[1] / "reconciler" / "cli"
MOST = 8


def parameters(node: ast.FunctionDef | ast.AsyncFunctionDef) -> list[str]:
    """Named parameters (``*args``/``**kwargs`` and ``self``/``cls`` not counted)."""
    args = node.args
    named = [*args.posonlyargs, *args.args, *args.kwonlyargs]
    return [a.arg for a in named if a.arg not in ("self", "cls")]


def signatures() -> list[tuple[str, int]]:
    found = []
    for module in sorted(CLI.glob("*.py")):
        tree = ast.parse(module.read_text(encoding="utf-8"), filename=str(module))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                where = f"{module.name}:{node.lineno} {node.name}"
                found.append((where, len(parameters(node))))
    return found


def test_no_cli_function_takes_more_than_8_parameters() -> None:
    found = signatures()
    assert len(found) > 20  # the walk really read the package
    over = [f"{where} ({count})" for where, count in found if count > MOST]
    assert over == [], "move policy into reconciler/service, options into a request: " + ", ".join(
        over
    )


def test_the_rule_counts_what_a_long_signature_holds() -> None:
    source = "def f(a, b, /, c, d, *rest, e, f, g, h, i, **more): ..."
    (node,) = ast.parse(source).body
    assert isinstance(node, ast.FunctionDef)
    assert parameters(node) == ["a", "b", "c", "d", "e", "f", "g", "h", "i"]

"""No op name is compared outside the op table (`reconciler/groups/operations.py`).

An op's behaviour lives in its row: a module that writes `op == "subscribe"`, `op in
("cancel_addon", ...)`, a dict keyed by op names or a set of them, or `action.op is
Op.CANCEL_BASE`, holds a slice of that behaviour the next op would have to be added to by hand
(and a missed branch fails silently). This reads every module of `reconciler/` (but the
sandbox, which keeps its own independent reading of Zoom, and Zoom's committed extract) and
fails on any of those. Building an op (`Action.for_call(Op.ADD_ADDON, ...)`) or reading a count
(`ops[Op.SUBSCRIBE]`) is fine: that is using the table, not re-deciding what an op does.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from reconciler.groups.operations import Op

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "reconciler"
TABLE = PACKAGE / "groups" / "operations.py"
APART = (PACKAGE / "sandbox", PACKAGE / "zoom_2026")
NAMES = frozenset(str(op) for op in Op)


def _is_name(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and node.value in NAMES


def _is_member(node: ast.AST) -> bool:
    """`Op.SUBSCRIBE` (or `operations.Op.SUBSCRIBE`)."""
    if not isinstance(node, ast.Attribute) or node.attr not in Op.__members__:
        return False
    owner = node.value
    return (isinstance(owner, ast.Name) and owner.id == "Op") or (
        isinstance(owner, ast.Attribute) and owner.attr == "Op"
    )


def _holds_names(node: ast.AST) -> bool:
    """A literal collection with an op name in it (`("a", "b")`, `{"a"}`, `frozenset({...})`)."""
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return any(_is_name(e) or _is_member(e) for e in node.elts)
    return False


def findings(tree: ast.AST) -> Iterator[tuple[int, str]]:
    """(line, what) for each place that decides by an op name."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            for operand in (node.left, *node.comparators):
                if _is_name(operand) or _is_member(operand) or _holds_names(operand):
                    yield node.lineno, "compares an op name"
                    break
        elif isinstance(node, ast.Dict):
            if any(key is not None and (_is_name(key) or _is_member(key)) for key in node.keys):
                yield node.lineno, "keys a dict by op name"
        elif isinstance(node, ast.Subscript) and _is_name(node.slice):
            yield node.lineno, "looks an op name up by its string"
        elif isinstance(node, (ast.Tuple, ast.List, ast.Set)) and _holds_names(node):
            yield node.lineno, "lists op names"
        elif isinstance(node, ast.MatchValue) and (_is_name(node.value) or _is_member(node.value)):
            yield node.lineno, "matches an op name"


def _modules() -> Iterator[Path]:
    for path in sorted(PACKAGE.rglob("*.py")):
        if path == TABLE or any(path.is_relative_to(apart) for apart in APART):
            continue
        yield path


def test_no_module_outside_the_op_table_decides_by_an_op_name() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{line}: {what}"
        for path in _modules()
        for line, what in findings(ast.parse(path.read_text(encoding="utf-8"), str(path)))
    ]
    assert found == [], "\n".join(found)


def test_the_scan_sees_each_way_of_deciding_by_an_op_name() -> None:
    """The scan itself: every form it must catch is caught, and using the table is not."""
    caught = [
        'if action.op == "subscribe": pass',
        'if op in ("cancel_addon", "cancel_base"): pass',
        'if "add_addon" != op: pass',
        "if action.op is Op.CANCEL_BASE: pass",
        'CALLS = {"update_base": ("PUT", "/x")}',
        'UNREPEATABLE = frozenset({"subscribe", "add_addon"})',
        'n = counts["update_addon"]',
        'match op:\n    case "subscribe":\n        pass',
    ]
    for source in caught:
        assert list(findings(ast.parse(source))), source
    fine = [
        "action = Action.for_call(Op.ADD_ADDON, account_id, body=body)",
        "n = counts[Op.SUBSCRIBE]",
        "if spec_of(action.op).effect is Effect.END: pass",
        'if klass == "seat_decrease": pass',
    ]
    for source in fine:
        assert not list(findings(ast.parse(source))), source

"""No import cycle among the package's modules, read from their source (nothing is imported).

Data flows one way (files -> desired -> planner -> plan -> render/apply); a cycle means two
modules each need the other, which is where that order has been lost. Every import counts, also
one inside a function or under `if TYPE_CHECKING:`: such an import only hides a cycle from the
interpreter, not from the reader. A package's `__init__` importing its own modules is not a cycle
(Python loads the package first), so an import counts as an edge to the module it names.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "reconciler"


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def all_modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def imported_modules(name: str, path: Path, known: set[str]) -> set[str]:
    """The package's modules that `path` imports (absolute or relative, at any depth)."""
    is_package = path.name == "__init__.py"
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = name.split(".")
                anchor = anchor if is_package else anchor[:-1]
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                found.add(submodule if submodule in known else base)
    return {m for m in found if m in known and m != name}


@cache
def import_graph() -> dict[str, set[str]]:
    """Module -> the package's modules it imports (read once per process; never mutated)."""
    modules = all_modules()
    known = set(modules)
    return {name: imported_modules(name, path, known) for name, path in modules.items()}


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected group of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group: list[str] = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def test_the_package_has_no_import_cycle() -> None:
    graph = import_graph()
    assert len(graph) > 50, "the package's modules were not found"
    cycles = find_cycles(graph)
    assert cycles == [], "import cycles: " + "; ".join(" <-> ".join(c) for c in cycles)


def test_the_cycle_finder_sees_a_cycle_through_three_modules() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert find_cycles(graph) == [["a", "b", "c"]]


def test_relative_and_type_checking_imports_are_edges(tmp_path: Path) -> None:
    source = tmp_path / "run.py"
    source.write_text(
        "from typing import TYPE_CHECKING\n"
        "from . import check\n"
        "if TYPE_CHECKING:\n"
        "    from reconciler.importing.files import WrittenFile\n"
        "def later():\n"
        "    import reconciler.zoom\n",
        encoding="utf-8",
    )
    known = {
        "reconciler.importing.run",
        "reconciler.importing.check",
        "reconciler.importing.files",
        "reconciler.zoom",
    }
    found = imported_modules("reconciler.importing.run", source, known)
    assert found == {"reconciler.importing.check", "reconciler.importing.files", "reconciler.zoom"}


def package_of(module: str) -> str:
    """`reconciler.planner.core` -> `reconciler.planner`; a top-level module is its own."""
    return ".".join(module.split(".")[:2])


def package_graph(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    """Package -> the other packages its modules import."""
    packages: dict[str, set[str]] = {package_of(m): set() for m in graph}
    for module, targets in graph.items():
        source = package_of(module)
        packages[source].update(package_of(t) for t in targets if package_of(t) != source)
    return packages


def package_cycle_edges(graph: dict[str, set[str]]) -> list[str]:
    """For each package cycle, the module imports that make it (to say what to cut)."""
    packages = package_graph(graph)
    lines = []
    for cycle in find_cycles(packages):
        members = set(cycle)
        lines += sorted(
            f"{m} -> {t}"
            for m, targets in graph.items()
            for t in targets
            if package_of(m) in members
            and package_of(t) in members
            and package_of(t) != package_of(m)
        )
    return lines


def test_no_package_imports_a_package_that_imports_it_back() -> None:
    """reconciler/X/ -> reconciler/Y/ -> reconciler/X/ is a cycle too: the layers hold for
    packages, not only for modules (docs/ARCHITECTURE.md lists them in order)."""
    graph = import_graph()
    cycles = find_cycles(package_graph(graph))
    assert cycles == [], (
        "package cycles: "
        + "; ".join(" <-> ".join(c) for c in cycles)
        + "\n"
        + "\n".join(package_cycle_edges(graph))
    )


#: The package layers of docs/ARCHITECTURE.md, lowest first: a package imports only packages
#: of lower layers (the sandbox is apart: it imports only Zoom's committed extract).
LAYERS: tuple[tuple[str, ...], ...] = (
    ("lazy_exports", "_version", "collector"),
    ("zoom_2026", "groups", "escaping"),
    ("zoom", "desired"),
    ("pricing", "importing"),
    ("planner",),
    ("guards", "render"),
    ("apply",),
    ("sandbox",),
    ("service",),
    ("cli",),
    ("__main__", "demo"),
)


def test_each_package_imports_only_lower_layers() -> None:
    layer_of = {f"reconciler.{name}": n for n, names in enumerate(LAYERS) for name in names}
    packages = package_graph(import_graph())
    # `_version` is setuptools-scm's file, written at install time: a tree never installed lacks it.
    listed = set(layer_of) - ({"reconciler._version"} - set(packages))
    assert set(packages) - {"reconciler"} == listed, "LAYERS must list every package"
    upward = [
        f"{source} -> {target}"
        for source, targets in packages.items()
        if source in layer_of
        for target in sorted(targets)
        if layer_of[target] >= layer_of[source]
    ]
    assert upward == [], "imports of a package in the same or a higher layer: " + ", ".join(upward)
    assert packages["reconciler.sandbox"] <= {"reconciler.zoom_2026"}

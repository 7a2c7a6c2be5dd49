"""The extract ships with the package and is read from it, never from ../shared.

The package is laid out in a zip exactly as pyproject's package-data rules select its files (as
a wheel is), and a fresh interpreter without site processing imports it from there: the loaders
must find their data through importlib.resources, and an audit hook records every file opened.
"""

from __future__ import annotations

import json
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "reconciler"

PROBE = """
import json, sys
opened = []
def hook(event, args):
    if event == "open" and args and isinstance(args[0], str):
        opened.append(args[0])
sys.addaudithook(hook)
sys.path[:0] = [sys.argv[1]]
sys.path.append(sys.argv[2])
import reconciler.zoom_2026 as z
from reconciler.zoom_2026.validation import request_problems
print(json.dumps({
    "module": z.__file__,
    "operations": len(z.plan_operations()),
    "codes": len({row.code for row in z.catalogue_rows()}),
    "problems": request_problems("POST", "/accounts/a/plans/addons", {"type": "zwb_monthly"}),
    "opened": opened,
}))
"""


def packaged_files() -> list[Path]:
    """What setuptools ships: every module of reconciler*, plus the package-data globs."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    globs = config["tool"]["setuptools"]["package-data"]["reconciler"]
    files = set(PACKAGE.rglob("*.py"))
    for pattern in globs:
        files |= set(PACKAGE.glob(pattern))
    return sorted(path for path in files if "__pycache__" not in path.parts)


def test_the_extract_is_package_data_and_loads_from_an_installed_copy(tmp_path: Path) -> None:
    shipped = tmp_path / "zoomplans.whl"
    with zipfile.ZipFile(shipped, "w") as archive:
        for path in packaged_files():
            archive.write(path, path.relative_to(ROOT).as_posix())
    with zipfile.ZipFile(shipped) as archive:
        names = set(archive.namelist())
    assert "reconciler/zoom_2026/plan_operations.json" in names
    assert "reconciler/zoom_2026/billing_plans.tsv" in names

    result = subprocess.run(
        [sys.executable, "-S", "-c", PROBE, str(shipped), sysconfig.get_paths()["purelib"]],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["module"].startswith(str(shipped))
    assert answer["operations"] == 8
    assert answer["codes"] == 635
    assert answer["problems"] == ["(body): 'hosts' is a required property"]
    assert str(shipped) in answer["opened"]  # the hook sees the files the loaders open
    assert not [path for path in answer["opened"] if "shared" in Path(path).parts]
    # Nothing from the source tree either (the interpreter's own venv may live inside it).
    in_tree = [p for p in answer["opened"] if p.startswith(str(ROOT)) and p.find(sys.prefix) != 0]
    assert in_tree == []

"""The release as a user gets it (issue 20): the wheel `make dist` built, installed into a fresh
venv outside the repository with the hash-checked runtime lock, runs `--version`, `validate` on a
copy of the examples, and the sandbox with `plan` and `apply`, all from that install.

Marked `dist`: `make dist` builds the wheel and then runs this (about a minute: a venv, pip and
a dozen interpreter starts); `make test` leaves it out. Without a wheel in dist/ it builds one.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.dist


def _run(
    *args: str | Path, cwd: Path, env: dict[str, str] | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    # Nothing of the repository leaks in: no PYTHONPATH, and a working directory outside it.
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("ZOOM_", "PYTHON"))}
    return subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        env={**clean, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    built = sorted((ROOT / "dist").glob("zoom_plan_reconciler-*.whl"))
    if built:
        return built[-1]
    out = tmp_path_factory.mktemp("dist")
    done = _run(sys.executable, "-m", "build", "--wheel", "--outdir", out, ROOT, cwd=out)
    assert done.returncode == 0, done.stdout + done.stderr
    return next(out.glob("*.whl"))


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with the runtime lock (hash-checked) and the wheel: its bin/ folder."""
    venv = tmp_path_factory.mktemp("user") / "venv"
    assert ROOT not in venv.parents
    done = _run(sys.executable, "-m", "venv", venv, cwd=venv.parent)
    assert done.returncode == 0, done.stderr
    pip = [venv / "bin" / "python", "-m", "pip", "install", "--quiet"]
    lock = ROOT / "requirements" / "runtime.lock"
    done = _run(*pip, "--require-hashes", "-r", lock, cwd=venv.parent)
    assert done.returncode == 0, done.stdout + done.stderr
    done = _run(*pip, "--no-deps", wheel, cwd=venv.parent)
    assert done.returncode == 0, done.stdout + done.stderr
    return venv / "bin"


@pytest.fixture
def work(tmp_path: Path) -> Path:
    """A copy of the examples, as a user's repository would hold them."""
    for name in ("accounts", "templates", "prices.yaml", "sandbox-seed.yaml", "zoomplans.yaml"):
        source = ROOT / "examples" / name
        target = tmp_path / name
        if source.is_dir():
            shutil.copytree(source, target)
        else:
            shutil.copy(source, target)
    return tmp_path


@pytest.fixture
def sandbox(installed: Path, work: Path) -> Iterator[dict[str, str]]:
    """`zoomplans sandbox --port 0` of the installed wheel; the client's variables."""
    out = (work / "sandbox.env").open("w")
    log = (work / "sandbox.log").open("w")
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("ZOOM_", "PYTHON"))}
    server = subprocess.Popen(
        [installed / "zoomplans", "sandbox", "--port", "0", "--seed", "sandbox-seed.yaml"],
        cwd=work,
        env=clean,
        stdout=out,
        stderr=log,
    )
    try:
        deadline = time.monotonic() + 60
        lines: list[str] = []
        while len(lines) < 2 and time.monotonic() < deadline and server.poll() is None:
            time.sleep(0.1)
            lines = (work / "sandbox.env").read_text().splitlines()
        assert len(lines) >= 2, (work / "sandbox.log").read_text()
        env = dict(line.split("=", 1) for line in lines[:2])
        yield {
            **env,
            "ZOOM_ACCOUNT_ID": "MASTER1",
            "ZOOM_CLIENT_ID": "demo-client",
            "ZOOM_CLIENT_SECRET": "demo-secret",
        }
    finally:
        server.terminate()
        server.wait(timeout=30)
        out.close()
        log.close()


def test_the_installed_wheel_is_the_one_running(installed: Path, wheel: Path, work: Path) -> None:
    version = wheel.name.split("-")[1]
    done = _run(installed / "zoomplans", "--version", cwd=work)
    assert done.returncode == 0, done.stderr
    python = re.escape(".".join(map(str, sys.version_info[:2])))
    assert re.fullmatch(rf"zoomplans {re.escape(version)} \(Python {python}\.\d+\)\n", done.stdout)
    where = _run(
        installed / "python", "-c", "import reconciler; print(reconciler.__file__)", cwd=work
    )
    assert str(installed.parent) in where.stdout, where.stdout  # not the repository's tree
    schemas = _run(
        installed / "python",
        "-c",
        "from importlib.resources import files; "
        "print(sorted(p.name for p in files('reconciler').joinpath('schemas').iterdir()))",
        cwd=work,
    )
    assert "plan.schema.json" in schemas.stdout and "account.schema.json" in schemas.stdout


def test_validate_plan_and_apply_from_the_install(
    installed: Path, work: Path, sandbox: dict[str, str]
) -> None:
    zoomplans = installed / "zoomplans"
    done = _run(zoomplans, "validate", "accounts", cwd=work)
    assert done.returncode == 0, done.stdout + done.stderr
    opt_ins = ("--allow-decrease", "--allow-cancel")
    done = _run(
        zoomplans, "plan", "accounts", *opt_ins, "--out", "plan.json", "--detailed-exitcode",
        cwd=work, env=sandbox,
    )  # fmt: skip
    assert done.returncode == 2, done.stdout + done.stderr
    done = _run(  # the plan's opt-ins are given again: the file says what, the flag says yes
        zoomplans, "apply", "--plan", "plan.json", "accounts", *opt_ins, "--auto-approve",
        cwd=work, env=sandbox,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    done = _run(zoomplans, "plan", "accounts", "--detailed-exitcode", cwd=work, env=sandbox)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "demo-secret" not in (work / "plan.json").read_text()

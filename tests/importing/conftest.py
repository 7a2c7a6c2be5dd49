"""Seeds for the import tests: a varied master account of any size, built in code."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

SMALL_SEED = Path(__file__).parents[1] / "fixtures" / "seeds" / "small.yaml"
CREDENTIALS = {"account_id": "MASTER1", "client_id": "demo-client", "client_secret": "demo-secret"}

_NAMES = ["Acme EMEA", "Zürich Versicherung", "yes", "NO", "012", "東京 Office", "a: b # c", ""]


def varied_account(i: int) -> dict[str, Any]:
    """One sub-account; the index decides which of Zoom's shapes and YAML traps it carries."""
    word = _NAMES[i % len(_NAMES)]
    name = word if i < len(_NAMES) else f"{word} {i // len(_NAMES)}".strip()
    plans: dict[str, Any] = {
        "plan_base": {
            "type": ["business_monthly", "monthly", "edu20", "business_yearly_c50"][i % 4],
            "hosts": [12, 3, 40, 30][i % 4],
            "status": "active",
            "service_effective_date": "2026-01-01T00:00:00Z",
            "next_invoice_date": "2026-12-01T00:00:00Z",
        }
    }
    if i % 3 == 0:
        plans["plan_webinar"] = [
            # At most the base plan's hosts (Pro accounts here have 3), as Zoom requires.
            {"type": "webinar500_monthly", "hosts": 1 + i % 3, "status": "active"},
            {"type": "webinar1000_monthly", "hosts": 1, "status": "cancelled"},
        ]
    if i % 5 == 0:
        plans["plan_zoom_rooms"] = {"type": "zroom_monthly", "hosts": 2, "status": "active"}
    if i % 4 == 1:
        plans["plan_recording"] = "cmr_monthly_commitment_40"
        plans["plan_recording_status"] = "active" if i % 8 == 1 else "cancelled"
    if i % 7 == 0:
        plans["plan_audio"] = {
            "type": "tollfree_payongo",
            "tollfree_countries": "US,NO,CA",
            "premium_countries": "",
            "callout_countries": "NO",
            "ddi_numbers": 0,
            "status": "active",
        }
    if i % 11 == 0:
        plans["plan_phone"] = {
            "plan_base": {"type": "phone_payongo", "callout_countries": "US", "status": "active"},
            "plan_calling": [
                {"type": "phone_calling_usca_monthly_unlimited", "hosts": 4, "status": "active"}
            ],
        }
    account: dict[str, Any] = {"name": name, "plans": plans}
    if i % 97 == 5:
        account.pop("plans")  # not subscribed yet
    return account


def varied_seed(count: int, *, self_pay: int = 0) -> dict[str, Any]:
    """`count` varied sub-accounts plus `self_pay` self-pay ones, in the pinned seed shape."""
    accounts: dict[str, Any] = {f"sub_{i:04d}x": varied_account(i) for i in range(count)}
    for i in range(self_pay):
        accounts[f"sub_self{i}"] = {"name": f"Self pay {i}", "self_pay": True}
    return {"credentials": dict(CREDENTIALS), "accounts": accounts}


def small_seed_with(**extra_accounts: Any) -> dict[str, Any]:
    seed = yaml.safe_load(SMALL_SEED.read_text())
    seed["accounts"].update(extra_accounts)
    return seed


def zoomplans(
    *args: str, env: dict[str, str], cwd: Path, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """The real CLI in a subprocess, with only the given ZOOM_* variables."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("ZOOM_")}
    return subprocess.run(
        [sys.executable, "-m", "reconciler", *args],
        env={**clean, **env},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def snapshot(folder: Path) -> dict[str, tuple[int, bytes]]:
    """Every file below `folder` with its mtime and bytes: "changed nothing" means equal."""
    return {
        str(p.relative_to(folder)): (p.stat().st_mtime_ns, p.read_bytes())
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def cli() -> Callable[..., subprocess.CompletedProcess[str]]:
    """`cli(*args, env=sb.env(), cwd=tmp_path)` runs `zoomplans` in a subprocess."""
    return zoomplans


@pytest.fixture
def make_seed() -> Callable[..., dict[str, Any]]:
    """`make_seed(count, self_pay=0)`: a varied master account of `count` sub-accounts."""
    return varied_seed


@pytest.fixture
def small_seed() -> Callable[..., dict[str, Any]]:
    """`small_seed(**accounts)`: tests/fixtures/seeds/small.yaml plus extra accounts."""
    return small_seed_with


@pytest.fixture
def files_snapshot() -> Callable[[Path], dict[str, tuple[int, bytes]]]:
    """`files_snapshot(folder)`: mtime and bytes of every file, to prove nothing changed."""
    return snapshot


@pytest.fixture
def runner(tmp_path: Path) -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run one step's script the way GitHub does (bash -eo pipefail) in a fake workspace."""
    venv_bin = str(Path(sys.executable).parent)
    assert shutil.which("zoomplans", path=venv_bin), "zoomplans is not installed in the venv"

    def run(script: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
        (tmp_path / "work").mkdir(exist_ok=True)
        output, summary = tmp_path / "github_output", tmp_path / "step_summary"
        output.write_text("")
        base = {k: v for k, v in os.environ.items() if not k.startswith("ZOOM_")}
        full_env = {
            **base,
            **env,
            "PATH": venv_bin + os.pathsep + base.get("PATH", ""),
            "GITHUB_OUTPUT": str(output),
            "GITHUB_STEP_SUMMARY": str(summary),
        }
        return subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
            cwd=tmp_path / "work",
            env=full_env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    return run

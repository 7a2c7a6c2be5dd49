"""Plain http is refused for any host but loopback, by every command that talks to Zoom."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

ACCOUNTS = str(ROOT / "tests" / "apply" / "fixtures" / "accounts")
CREDENTIALS = {"ZOOM_ACCOUNT_ID": "M1", "ZOOM_CLIENT_ID": "c1", "ZOOM_CLIENT_SECRET": "s1-audit"}
COMMANDS = {
    "plan": ("plan", ACCOUNTS),
    "apply": ("apply", ACCOUNTS, "--auto-approve"),
    "import": ("import", "--out", "imported"),
}


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize(
    ("variable", "url"),
    [
        ("ZOOM_API_BASE_URL", "http://api.zoom.example/v2"),
        ("ZOOM_API_BASE_URL", "http://10.0.0.8:8080/v2"),
        ("ZOOM_OAUTH_TOKEN_URL", "http://zoom.example/oauth/token"),
    ],
)
def test_non_loopback_http_is_refused(
    command: str, variable: str, url: str, tmp_path: Path, zoomplans
) -> None:
    env = dict(CREDENTIALS)
    env[variable] = url
    if variable == "ZOOM_OAUTH_TOKEN_URL":
        env["ZOOM_API_BASE_URL"] = "https://api.zoom.example/v2"
    done = zoomplans("-v", *COMMANDS[command], env=env, cwd=tmp_path, timeout=30)
    assert done.returncode == 1, done.stdout + done.stderr
    assert url in done.stderr
    assert "https" in done.stderr
    assert "Traceback" not in done.stderr
    assert "s1-audit" not in done.stdout + done.stderr
    assert not (tmp_path / "imported").exists() or not any((tmp_path / "imported").iterdir())

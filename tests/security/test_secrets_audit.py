"""The secrets audit: every command, verbose, against the sandbox; no secret or token anywhere.

The client secret is random per run (a demo secret could hide a leak behind a coincidence),
and the tokens searched for are the ones the sandbox actually issued to these runs. Scanned:
stdout and stderr of validate, plan, apply and import with -v, the plan file, the journal,
the imported YAML, the sandbox's state file, and every cassette under tests/.
"""

from __future__ import annotations

import base64
import json
import secrets
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]

TESTS = ROOT / "tests"
APPLY_FIXTURES = TESTS / "apply" / "fixtures"


def world_with_secret(secret: str) -> dict[str, Any]:
    seed = yaml.safe_load((APPLY_FIXTURES / "seed.yaml").read_text())
    seed["credentials"] = {
        "account_id": "MASTER9",
        "client_id": "audit-client",
        "client_secret": secret,
    }
    return seed


def forbidden_strings(secret: str, tokens: list[str]) -> dict[str, str]:
    """What must never be written: the secret, its Basic form, and every issued token."""
    basic = base64.b64encode(f"audit-client:{secret}".encode()).decode()
    found = {"client secret": secret, "Basic credentials": basic}
    found.update({f"access token #{n}": token for n, token in enumerate(tokens, 1)})
    return found


def cassettes() -> list[Path]:
    return sorted(p for p in TESTS.rglob("*") if p.is_file() and "cassettes" in p.parts)


def test_no_command_writes_the_secret_or_a_token(sandbox, tmp_path: Path, zoomplans) -> None:
    secret = "audit-" + secrets.token_urlsafe(24)
    state = tmp_path / "sandbox-state.json"
    sb = sandbox(seed=world_with_secret(secret), state_file=state)
    env = sb.env()
    assert env["ZOOM_CLIENT_SECRET"] == secret
    accounts = APPLY_FIXTURES / "accounts"
    plan_file, journal, imported = tmp_path / "plan.json", tmp_path / "j.jsonl", tmp_path / "imp"
    runs = {
        "validate": zoomplans("-v", "validate", str(accounts), env=env, cwd=tmp_path),
        "plan": zoomplans(
            "-v", "plan", str(accounts), "--allow-decrease", "--allow-cancel",
            "--out", str(plan_file), env=env, cwd=tmp_path,
        ),
        "apply": zoomplans(
            "-v", "apply", "--plan", str(plan_file), str(accounts), "--journal", str(journal),
            "--allow-decrease", "--allow-cancel", env=env, cwd=tmp_path,
        ),
        "import": zoomplans("-v", "import", "--out", str(imported), env=env, cwd=tmp_path),
    }  # fmt: skip
    assert runs["validate"].returncode == 0, runs["validate"].stderr
    assert runs["plan"].returncode == 0, runs["plan"].stderr
    assert runs["apply"].returncode == 0, runs["apply"].stdout + runs["apply"].stderr
    assert runs["import"].returncode == 0, runs["import"].stderr
    tokens = sb.issued_tokens()
    assert len(tokens) >= 3, "plan, apply and import each fetch a token: the audit needs them"
    # The scan must be able to see: -v really logged calls, apply really wrote.
    assert "/plans" in runs["plan"].stderr
    assert any(r.is_plan_write for r in sb.requests)

    texts: dict[str, str] = {}
    for name, run in runs.items():
        texts[f"{name} stdout"] = run.stdout
        texts[f"{name} stderr"] = run.stderr
    imported_files = sorted(p for p in imported.rglob("*") if p.is_file())
    assert imported_files, "import wrote nothing: nothing to scan"
    assert cassettes(), "no cassette found under tests/: the scan would prove nothing"
    written = [plan_file, journal, state, *imported_files, *cassettes()]
    assert all(p.exists() for p in written[:3])
    for path in written:
        texts[str(path)] = path.read_text(errors="replace")

    leaks = [
        f"{what} found in {where}"
        for where, text in texts.items()
        for what, value in forbidden_strings(secret, tokens).items()
        if value in text
    ]
    assert leaks == []


def test_cassettes_carry_no_credentials_of_their_own() -> None:
    """Cassettes were recorded with other credentials: no auth header, every token redacted."""
    found = cassettes()
    assert found, "no cassette under tests/: the audit would prove nothing"
    tokens_checked = 0
    for path in found:
        text = path.read_text(errors="replace")
        assert "Bearer " not in text and "Basic " not in text, f"{path}: an auth header"
        for interaction in (yaml.safe_load(text) or {}).get("interactions", []):
            body = str((interaction.get("response", {}).get("body") or {}).get("string", ""))
            if '"access_token"' not in body:
                continue
            token = json.loads(body)["access_token"]
            assert token.startswith("REDACTED"), f"{path}: a real-looking access token {token[:6]}…"
            tokens_checked += 1
    assert tokens_checked, "no OAuth answer in any cassette: the token check proved nothing"

"""Refusals that stop the whole run, as users meet them: the real CLI in a subprocess against the
sandbox over loopback, whose request log proves that no further call was made (issue 12 item 6).

- a master account with bulk licences: Zoom refuses every plan write (400 / 2100), so apply stops
  at the first refusal and says what to do instead;
- a token without the scope a call needs (400 / 4700): plan, apply and import name the exact
  granular scope and stop, instead of failing once per account.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from reconciler.sandbox import SandboxServer
from reconciler.sandbox.requestlog import LoggedRequest

ROOT = Path(__file__).resolve().parents[2]
ACCOUNTS = 40
WRITE_SCOPES = [
    "billing:write:subscribe_plan:master",
    "billing:write:subscribe_additional_plans:master",
    "billing:update:additional_plans:master",
    "billing:update:cancel_additional_plans:master",
    "billing:update:plan:master",
    "billing:update:cancel_plan:master",
]
READ_SCOPES = ["billing:read:plan_information:master", "billing:read:plan_usage:master"]


def world(tmp_path: Path, **seed_keys: Any) -> tuple[dict[str, Any], Path]:
    """A master with ACCOUNTS sub-accounts on Business 20 hosts, and files that ask for 25."""
    ids = [f"sub_{n:02d}" for n in range(ACCOUNTS)]
    seed: dict[str, Any] = {
        "credentials": {"account_id": "MASTER1", "client_id": "c1", "client_secret": "s3-kept"},
        "accounts": {
            i: {"plans": {"plan_base": {"type": "business_monthly", "hosts": 20}}} for i in ids
        },
        **seed_keys,
    }
    folder = tmp_path / "accounts"
    folder.mkdir()
    documents = [
        {"account_id": i, "plans": {"plan_base": {"type": "business_monthly", "hosts": 25}}}
        for i in ids
    ]
    (folder / "all.yaml").write_text(yaml.safe_dump_all(documents, sort_keys=False))
    return seed, folder


def with_scopes(seed: dict[str, Any], scopes: list[str]) -> dict[str, Any]:
    return {**seed, "credentials": {**seed["credentials"], "scopes": scopes}}


def zoomplans(sb: SandboxServer, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZOOM_")}
    return subprocess.run(
        [sys.executable, "-m", "reconciler", *args],
        env={**env, **sb.env()},
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def api_calls(sb: SandboxServer) -> list[LoggedRequest]:
    return [r for r in sb.requests if r.path.startswith("/v2/")]


def assert_no_secret(sb: SandboxServer, *outputs: str) -> None:
    for text in outputs:
        assert sb.env()["ZOOM_CLIENT_SECRET"] not in text
        assert "Bearer" not in text
        for token in sb.issued_tokens():
            assert token not in text


def journal_lines(cwd: Path) -> list[dict[str, Any]]:
    path = cwd / ".zoomplans" / "journal.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_a_bulk_licence_master_stops_apply_at_the_first_refused_write(
    sandbox: Any, tmp_path: Path
) -> None:
    seed, files = world(tmp_path, master={"bulk_licenses": True})
    sb = sandbox(seed)
    done = zoomplans(sb, tmp_path, "apply", str(files), "--auto-approve", "--parallelism", "1")
    assert done.returncode == 1, done.stdout + done.stderr
    calls = api_calls(sb)
    writes = [r for r in calls if r.is_plan_write]
    assert len(writes) == 1, "one refusal is enough: no other account is tried"
    assert calls[-1] is writes[-1], "no call of any kind after the refusal"
    assert (writes[0].status, writes[0].zoom_code, writes[0].applied) == (400, 2100, False)
    first = writes[0].path.split("/")[3]
    sentence = (
        f"{first}: Zoom refused update_base (PUT /accounts/{first}/plans/base): the master "
        "account has bulk licences, and Zoom lets such a master manage no sub-account's plans "
        "through the API, so the run stops here; manage the plans in Zoom's web portal, or ask "
        "Zoom to move the master account off bulk licences (HTTP 400, Zoom code 2100)"
    )
    assert (
        f"zoomplans: error: the run stopped: {sentence}; 0 call(s) were made before it (listed "
        "above), and none was started after it"
    ) in done.stderr
    assert "Apply: 0 applied, 0 stale, 40 failed, 0 blocked." in done.stdout
    assert done.stdout.count("not attempted: the run stopped after") == ACCOUNTS - 1
    end = journal_lines(tmp_path)[-1]
    assert end["kind"] == "run_end" and end["stopped_by"] == sentence
    assert "Traceback" not in done.stderr
    assert_no_secret(sb, done.stdout, done.stderr, json.dumps(journal_lines(tmp_path)))


def test_with_parallel_accounts_no_account_gets_a_second_call_after_the_refusal(
    sandbox: Any, tmp_path: Path
) -> None:
    seed, files = world(tmp_path, master={"bulk_licenses": True})
    sb = sandbox(seed)
    done = zoomplans(sb, tmp_path, "apply", str(files), "--auto-approve", "--parallelism", "4")
    assert done.returncode == 1, done.stdout + done.stderr
    writes = [r for r in api_calls(sb) if r.is_plan_write]
    # At most the writes already on their way when the first refusal came back.
    assert 1 <= len(writes) <= 4, [w.path for w in writes]
    assert all(w.zoom_code == 2100 and not w.applied for w in writes)
    assert "Apply: 0 applied, 0 stale, 40 failed, 0 blocked." in done.stdout
    assert "zoomplans: error: the run stopped: " in done.stderr


def test_plan_against_a_bulk_licence_master_still_reads_and_plans(
    sandbox: Any, tmp_path: Path
) -> None:
    """Zoom documents the bulk-licence refusal for writes only: reading and planning work."""
    seed, files = world(tmp_path, master={"bulk_licenses": True})
    sb = sandbox(seed)
    done = zoomplans(sb, tmp_path, "plan", str(files))
    assert done.returncode == 0, done.stderr
    assert f"{ACCOUNTS} to change" in done.stdout
    assert not [r for r in api_calls(sb) if r.is_plan_write]


def test_a_token_without_the_write_scope_stops_apply_naming_the_scope(
    sandbox: Any, tmp_path: Path
) -> None:
    seed, files = world(tmp_path)
    sb = sandbox(with_scopes(seed, READ_SCOPES))
    done = zoomplans(sb, tmp_path, "apply", str(files), "--auto-approve", "--parallelism", "1")
    assert done.returncode == 1, done.stdout + done.stderr
    calls = api_calls(sb)
    writes = [r for r in calls if r.is_plan_write]
    assert len(writes) == 1 and calls[-1] is writes[0]
    assert (writes[0].status, writes[0].zoom_code) == (400, 4700)
    first = writes[0].path.split("/")[3]
    assert (
        f"zoomplans: error: the run stopped: {first}: Zoom refused update_base (PUT "
        f"/accounts/{first}/plans/base): the app's access token lacks its scope; zoomplans "
        "apply needs the granular scope billing:update:plan:master (or the classic "
        "billing:master, for an app with classic scopes): add it to the OAuth app and run again "
        "(HTTP 400, Zoom code 4700)"
    ) in done.stderr
    assert "Traceback" not in done.stderr
    assert_no_secret(sb, done.stdout, done.stderr)


def test_a_token_without_the_read_scope_stops_plan_after_the_first_refusal(
    sandbox: Any, tmp_path: Path
) -> None:
    seed, files = world(tmp_path)
    sb = sandbox(with_scopes(seed, WRITE_SCOPES))
    done = zoomplans(sb, tmp_path, "plan", str(files))
    assert done.returncode == 1, done.stdout + done.stderr
    lines = [line for line in done.stderr.splitlines() if line.startswith("zoomplans")]
    assert len(lines) == 1, done.stderr
    found = re.fullmatch(
        r"zoomplans: error: (?:stopped reading live plans after reading \d+ of 40 accounts"
        r"|read no account's live plans \(of 40\)): (sub_\d+): (.*)",
        lines[0],
    )
    assert found is not None, lines[0]
    assert found.group(2) == (
        f"Zoom refused get_plans (GET /accounts/{found.group(1)}/plans): the app's access token "
        "lacks its scope; zoomplans plan, apply, import and prices need the granular scope "
        "billing:read:plan_information:master (or the classic billing:master, for an app with "
        "classic scopes): add it to the OAuth app and run again (HTTP 400, Zoom code 4700)"
    )
    calls = api_calls(sb)
    assert all(r.zoom_code == 4700 for r in calls)
    # The reads already on the wire when the first refusal came back, not one per account.
    assert 1 <= len(calls) < 10, len(calls)
    assert_no_secret(sb, done.stdout, done.stderr)


def test_import_without_the_sub_account_list_scope_names_it(sandbox: Any, tmp_path: Path) -> None:
    seed, _ = world(tmp_path)
    sb = sandbox(with_scopes(seed, ["billing:master"]))  # a classic billing app, no account scope
    done = zoomplans(sb, tmp_path, "import", "--out", "imported")
    assert done.returncode == 1, done.stdout + done.stderr
    assert (
        "GET /accounts: Zoom refused list_sub_accounts (GET /accounts): the app's access token "
        "lacks its scope; zoomplans import needs the granular scope "
        "account:read:list_sub_accounts:master (or the classic account:master, for an app with "
        "classic scopes)"
    ) in done.stderr
    assert [(r.method, r.path) for r in api_calls(sb)] == [("GET", "/v2/accounts")]
    assert not (tmp_path / "imported").exists() or not any((tmp_path / "imported").iterdir())

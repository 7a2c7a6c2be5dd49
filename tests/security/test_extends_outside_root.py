"""A pull request cannot make `extends` read a file of the runner and print it (issue 13).

A checkout (a real git work tree) sits beside a folder holding a token, as a CI runner's home
does. The account file's `extends` points at the token absolutely, through `..`, or through a
symlink committed inside the tree. `validate` and `plan` (the real CLI in a subprocess; plan
against the sandbox) must exit 1 with an error located on the `extends` line, and no eight
characters of the token may appear on stdout or stderr, in text or JSON.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.security.conftest import Finished

ACCOUNT = "account_id: sub_pro\nname: Globex\n\nextends: {target}\n"
EXTENDS_LINE = 4
#: What a token file may look like: a bare token, a private key, a YAML mapping holding one.
TOKEN_FILES = {
    "bare": "{token}\n",
    "private-key": (
        "-----BEGIN OPENSSH PRIVATE KEY-----\n{token}\n-----END OPENSSH PRIVATE KEY-----\n"
    ),
    "mapping": "labels:\n  token: {token}\n",
}


@dataclass(frozen=True)
class Checkout:
    repo: Path
    account: Path
    token: str


def windows(token: str, size: int = 8) -> list[str]:
    return [token[i : i + size] for i in range(len(token) - size + 1)]


def assert_no_token(run: Finished, token: str) -> None:
    output = run.stdout + run.stderr
    leaked = [piece for piece in windows(token) if piece in output]
    assert leaked == [], f"token bytes in the output: {leaked[:3]}"


def make_checkout(tmp_path: Path, how: str, content: str) -> Checkout:
    """A git work tree `repo/` and, outside it, `home/.secrets/token.yaml` holding a token."""
    token = "ghp_" + secrets.token_hex(20)
    secret = tmp_path / "home" / ".secrets" / "token.yaml"
    secret.parent.mkdir(parents=True)
    secret.write_text(content.format(token=token))
    repo = tmp_path / "repo"
    (repo / "accounts").mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(repo)], check=True, timeout=30)
    if how == "absolute":
        target = str(secret)
    elif how == "dotdot":
        target = "../../home/.secrets/token.yaml"
    else:  # a symlink committed inside the tree, pointing out of it
        (repo / "templates").mkdir()
        (repo / "templates" / "base.yaml").symlink_to(secret)
        target = "../templates/base.yaml"
    account = repo / "accounts" / "globex.yaml"
    account.write_text(ACCOUNT.format(target=target))
    return Checkout(repo, account, token)


HOW = ("absolute", "dotdot", "symlink")


# Every way out with a private key; every kind of token file through `..`.
CASES = [(how, "private-key") for how in HOW] + [
    ("dotdot", content) for content in sorted(TOKEN_FILES) if content != "private-key"
]


@pytest.mark.parametrize(("how", "content"), CASES)
def test_validate_refuses_at_the_extends_line_and_prints_no_token(
    tmp_path: Path, zoomplans: Callable[..., Finished], how: str, content: str
) -> None:
    box = make_checkout(tmp_path, how, TOKEN_FILES[content])
    text = zoomplans("validate", "accounts/", cwd=box.repo)
    assert text.returncode == 1, text.stdout + text.stderr
    assert f"accounts/globex.yaml:{EXTENDS_LINE}:10: error: extends target" in text.stdout
    assert "Traceback" not in text.stderr
    assert_no_token(text, box.token)
    as_json = zoomplans("validate", "accounts/", "--format", "json", cwd=box.repo)
    assert as_json.returncode == 1
    problems = json.loads(as_json.stdout)
    assert [(p["file"], p["line"], p["severity"]) for p in problems] == [
        ("accounts/globex.yaml", EXTENDS_LINE, "error")
    ]
    expected = "an absolute path" if how == "absolute" else "resolves outside"
    assert expected in problems[0]["message"]
    assert_no_token(as_json, box.token)


@pytest.mark.parametrize("output_format", ["text", "json"])
@pytest.mark.parametrize("how", HOW)
def test_plan_refuses_before_reading_zoom_and_prints_no_token(
    sandbox: Any, tmp_path: Path, zoomplans: Callable[..., Finished], how: str, output_format: str
) -> None:
    sb = sandbox()
    box = make_checkout(tmp_path, how, TOKEN_FILES["private-key"])
    run = zoomplans("plan", "accounts/", "--format", output_format, env=sb.env(), cwd=box.repo)
    assert run.returncode == 1, run.stdout + run.stderr
    assert f"accounts/globex.yaml:{EXTENDS_LINE}:10: error: extends target" in run.stderr
    assert "nothing was read from Zoom" in run.stderr
    assert run.stdout == ""
    assert [r for r in sb.requests if "/plans" in r.path] == []
    assert_no_token(run, box.token)


def test_a_symlinked_account_file_pointing_out_is_not_read(
    tmp_path: Path, zoomplans: Callable[..., Finished]
) -> None:
    """A folder search (`validate accounts/`) does not follow a committed link out of the tree."""
    box = make_checkout(tmp_path, "dotdot", TOKEN_FILES["bare"])
    box.account.unlink()
    (box.repo / "accounts" / "leak.yaml").symlink_to(tmp_path / "home" / ".secrets" / "token.yaml")
    run = zoomplans("validate", "accounts/", cwd=box.repo)
    assert run.returncode == 1
    assert "accounts/leak.yaml:1:1: error: this file is a link to a file outside" in run.stdout
    assert_no_token(run, box.token)


@pytest.mark.parametrize("content", sorted(TOKEN_FILES))
def test_a_widened_root_reads_the_file_but_never_quotes_a_non_mapping(
    tmp_path: Path, zoomplans: Callable[..., Finished], content: str
) -> None:
    """--extends-root lets the file be read; a token file is still never echoed."""
    box = make_checkout(tmp_path, "dotdot", TOKEN_FILES[content])
    home = str(tmp_path / "home")
    for output_format in ("text", "json"):
        run = zoomplans(
            "validate", "accounts/", "--extends-root", home, "--format", output_format,
            cwd=box.repo,
        )  # fmt: skip
        assert "resolves outside" not in run.stdout  # read this time
        if content == "mapping":  # a valid template (a label): nothing to say, nothing shown
            assert run.returncode == 0, run.stdout + run.stderr
        else:
            assert run.returncode == 1, run.stdout + run.stderr
            assert "(not shown)" in run.stdout  # what the document is, never what it says
        assert_no_token(run, box.token)


def test_only_the_flag_widens_the_root_outside_the_checkout(
    tmp_path: Path, zoomplans: Callable[..., Finished]
) -> None:
    """zoomplans.yaml is PR-writable: its extends_root stays inside the checkout (a located
    error otherwise, nothing read); the operator's --extends-root may widen it."""
    box = make_checkout(tmp_path, "dotdot", "labels: {{team: shared}}\n")
    account = box.account.read_text().replace("name: Globex\n", "name: Globex\n" + PLANS)
    box.account.write_text(account)
    refused = zoomplans("validate", "accounts/", cwd=box.repo)
    assert refused.returncode == 1 and "resolves outside" in refused.stdout
    (box.repo / "zoomplans.yaml").write_text("extends_root: ../home/.secrets\n")
    from_file = zoomplans("validate", "accounts/", cwd=box.repo)
    assert from_file.returncode == 1
    assert from_file.stderr.startswith(
        "zoomplans.yaml:1:15: error: extends_root: '../home/.secrets' resolves outside"
    )
    assert from_file.stdout == ""  # no account file was read
    (box.repo / "zoomplans.yaml").unlink()
    allowed = zoomplans("validate", "accounts/", "--extends-root", "../home/.secrets", cwd=box.repo)
    assert allowed.returncode == 0, allowed.stdout + allowed.stderr
    assert "1 account in 1 file, valid" in allowed.stdout


@pytest.mark.parametrize("how", ["absolute", "dotdot", "symlink"])
def test_prices_in_the_project_file_stay_inside_the_checkout(
    sandbox: Any, tmp_path: Path, zoomplans: Callable[..., Finished], how: str
) -> None:
    """`prices:` naming the runner's token file: exit 1 located at the key's value, before
    anything is read from Zoom, and no byte of the file printed."""
    sb = sandbox()
    box = make_checkout(tmp_path, "dotdot", "prices:\n  {token}: {{USD: 1}}\n")
    box.account.write_text(ACCOUNT.split("\nextends")[0] + "\n" + PLANS)
    secret = tmp_path / "home" / ".secrets" / "token.yaml"
    if how == "absolute":
        target = str(secret)
    elif how == "dotdot":
        target = "../home/.secrets/token.yaml"
    else:
        (box.repo / "prices.yaml").symlink_to(secret)
        target = "prices.yaml"
    (box.repo / "zoomplans.yaml").write_text(f"# the team's settings\nprices: {target}\n")
    run = zoomplans("plan", "accounts/", "--format", "json", env=sb.env(), cwd=box.repo)
    assert run.returncode == 1, run.stdout + run.stderr
    assert run.stderr.startswith("zoomplans.yaml:2:9: error: prices: ")
    expected = "is an absolute path" if how == "absolute" else "resolves outside"
    assert expected in run.stderr
    assert "nothing was read from Zoom" in run.stderr
    assert run.stdout == ""
    assert [r for r in sb.requests if "/plans" in r.path] == []
    assert_no_token(run, box.token)


PLANS = "plans:\n  plan_base: {type: business_monthly, hosts: 10}\n"


def test_the_repositorys_own_examples_still_extend_their_templates(
    zoomplans: Callable[..., Finished],
) -> None:
    root = Path(__file__).resolve().parents[2]
    run = zoomplans("validate", "examples/accounts", cwd=root)
    assert run.returncode == 0, run.stdout
    assert os.path.isdir(root / "examples" / "templates")

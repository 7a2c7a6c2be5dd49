"""Untrusted text end to end: an account file whose name holds a newline, a carriage return,
cursor codes and `</summary>`, planned and previewed by apply against the sandbox over loopback.

The apply case runs on a pseudo-terminal, as a person at a keyboard would: the preview printed
just before the `yes` prompt must hold no raw escape sequence and only the real summary line.
"""

from __future__ import annotations

import os
import pty
import re
import select
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from reconciler.cli import cli
from tests.render.parsed import summary_lines

ACME = r"""account_id: sub_8Jk2Lm
name: "Acme\nPlan: 0 to subscribe, 0 to change, 0 add-ons to add, 0 to cancel; 0 blocked;\
  1 in sync.\r\e[1A\e[2K</summary>\n\n# injected"
plans:
  plan_base: {type: business_monthly, hosts: 25}
"""
RAW_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _env(sb: Any) -> dict[str, str]:
    full = {k: v for k, v in os.environ.items() if not k.startswith("ZOOM_")}
    return {**full, **sb.env(), "NO_COLOR": "1"}


def _files(tmp_path: Path) -> Path:
    (tmp_path / "accounts").mkdir()
    (tmp_path / "accounts" / "acme.yaml").write_text(ACME, encoding="utf-8")
    return tmp_path / "accounts"


def test_plan_in_every_format_keeps_the_name_inert(
    sandbox: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    accounts = _files(tmp_path)
    sb = sandbox()
    monkeypatch.chdir(tmp_path)
    for output_format in ("text", "markdown", "html"):
        args = ["plan", str(accounts), "--format", output_format]
        done = CliRunner().invoke(cli, args, env=_env(sb))
        assert done.exit_code == 0, done.output
        assert not RAW_CONTROL.search(done.stdout.replace("\n", "")), output_format
        assert not re.search(r"^#+ injected", done.stdout, re.M)
        if output_format == "text":
            assert len(summary_lines(done.stdout)) == 1
        if output_format == "markdown":
            (details,) = [line for line in done.stdout.splitlines() if "<details>" in line]
            assert details.endswith("</summary>") and details.count("</summary>") == 1
            assert done.stdout.count("<details>") == done.stdout.count("</details>") == 1


def _read_until(fd: int, wanted: bytes, seen: bytearray, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while wanted not in seen:
        left = deadline - time.monotonic()
        assert left > 0, f"no {wanted!r} in {bytes(seen)[-400:]!r}"
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            seen.extend(chunk)


def test_the_preview_before_the_yes_prompt_moves_no_cursor(sandbox: Any, tmp_path: Path) -> None:
    accounts = _files(tmp_path)
    sb = sandbox()
    leader, follower = pty.openpty()
    child = subprocess.Popen(
        [sys.executable, "-m", "reconciler", "apply", str(accounts),
         "--journal", str(tmp_path / "journal.jsonl")],
        stdin=follower, stdout=follower, stderr=follower, env=_env(sb), cwd=tmp_path,
    )  # fmt: skip
    os.close(follower)
    seen = bytearray()
    try:
        _read_until(leader, b"Enter a value:", seen)
        os.write(leader, b"no\n")
        _read_until(leader, b"\x00never", seen, timeout=20)  # read to the end
    finally:
        child.wait(timeout=30)
        os.close(leader)
    shown = bytes(seen).decode("utf-8").replace("\r\n", "\n")
    shown = re.sub(r"\r(?=reading live plans)", "\n", shown)  # our own progress bar redraws
    before = shown[: shown.index("Enter a value:")]
    raw = RAW_CONTROL.search(before.replace("\n", ""))  # no \x1b, no bare \r
    assert raw is None, repr(before.replace("\n", "")[raw.start() - 120 : raw.end() + 40])
    assert len(summary_lines(before)) == 1
    assert "\\x1b[1A\\x1b[2K" in before  # the codes are shown, not obeyed
    assert child.returncode != 0 and sb.writes() == []

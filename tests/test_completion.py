"""`zoomplans completion bash|zsh|fish` (issue 20): the script for each shell, and the bash
script really completes commands and options when the shell calls zoomplans back."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from reconciler.cli import main

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    """`zoomplans ARGS` through the CLI's entry point, in this process."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main(list(args))
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 0
    return subprocess.CompletedProcess(list(args), code, out.getvalue(), err.getvalue())


@pytest.mark.parametrize(
    ("shell", "marker"),
    [
        ("bash", "complete -o nosort -F _zoomplans_completion zoomplans"),
        ("zsh", "#compdef zoomplans"),
        ("fish", "complete --no-files --command zoomplans"),
    ],
)
def test_each_shell_gets_its_script(shell: str, marker: str) -> None:
    done = run("completion", shell)
    assert done.returncode == 0, done.stderr
    assert marker in done.stdout
    assert "_ZOOMPLANS_COMPLETE" in done.stdout


def test_an_unknown_shell_is_a_usage_error() -> None:
    done = run("completion", "tcsh")
    assert done.returncode == 64
    assert "'tcsh' is not one of 'bash', 'zsh', 'fish'" in done.stderr


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_the_bash_script_completes_commands_and_options(tmp_path: Path) -> None:
    """The printed script is loaded into a real bash, which then asks zoomplans for words."""
    shim = tmp_path / "zoomplans"
    shim.write_text(f'#!/bin/sh\nexec {sys.executable} -m reconciler "$@"\n')
    shim.chmod(0o755)
    script = run("completion", "bash").stdout
    probe = (
        f"{script}\n"
        "COMP_WORDS=(zoomplans pl); COMP_CWORD=1; _zoomplans_completion zoomplans; "
        'echo "commands: ${COMPREPLY[*]}"\n'
        "COMPREPLY=(); COMP_WORDS=(zoomplans plan --detailed); COMP_CWORD=2; "
        "_zoomplans_completion zoomplans; "
        'echo "options: ${COMPREPLY[*]}"\n'
    )
    done = subprocess.run(
        ["bash", "--norc", "--noprofile", "-c", probe],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        env={**os.environ, "PATH": f"{tmp_path}{os.pathsep}{os.environ['PATH']}"},
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "commands: plan" in done.stdout
    assert "options: --detailed-exitcode" in done.stdout

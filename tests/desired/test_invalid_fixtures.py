"""Each broken input in tests/fixtures/invalid/ via the real CLI: exit 1, located, no traceback.

Each row names a fixture (a file, or a folder for problems that need several files) and the
(file, line) of every error it must produce, no more and no fewer, plus a word the message must
contain so a right line with a wrong reason does not pass.
"""

from __future__ import annotations

import contextlib
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from reconciler.cli import main

INVALID = Path(__file__).resolve().parents[1] / "fixtures" / "invalid"
REPO = Path(__file__).resolve().parents[2]

# fixture -> [(file relative to the fixture folder, or "" for the fixture itself, line, word)]
EXPECTED: dict[str, list[tuple[str, int, str]]] = {
    "malformed-yaml.yaml": [("", 4, "malformed YAML")],
    "tab-indent.yaml": [("", 4, "tab")],
    "hosts-zero.yaml": [("", 8, "between 1 and 9999, got 0")],
    "hosts-negative.yaml": [("", 8, "got -3")],
    "hosts-float.yaml": [("", 8, "whole number")],
    "hosts-string.yaml": [("", 8, "'ten'")],
    "hosts-huge.yaml": [("", 8, "got 10000")],
    "hosts-null.yaml": [("", 8, "empty")],
    "hosts-legacy-business-code.yaml": [("", 7, "unknown plan type")],
    "unknown-plan-type-typo.yaml": [("", 7, "did you mean 'webinar500_monthly'")],
    "unknown-top-level-key.yaml": [("", 1, "did you mean 'account_id'")],
    "unknown-plan-group.yaml": [("", 4, "did you mean 'plan_webinar'")],
    "unknown-addon-key.yaml": [("", 6, "did you mean 'hosts'")],
    "duplicate-key.yaml": [("", 6, "first defined on line 5")],
    "duplicate-addon.yaml": [("", 7, "appears twice")],
    "cancel-reason-out-of-range.yaml": [("", 6, "between 1 and 6")],
    "status-unknown.yaml": [("", 7, "active, cancelled or expired")],
    "state-unknown-value.yaml": [("", 7, "'paused'")],
    "wrong-group.yaml": [("", 5, "plan_webinar type")],
    "norway.yaml": [("", 11, "Norway")],
    "octal-hosts.yaml": [("", 5, "number 10")],
    "unquoted-date.yaml": [("", 3, "date")],
    "yes-as-name.yaml": [("", 2, "boolean true")],
    "binary-junk.yaml": [("", 2, "binary")],
    "invalid-utf8.yaml": [("", 2, "UTF-8")],
    "control-character.yaml": [("", 2, "not allowed")],
    "empty.yaml": [("", 1, "empty")],
    "only-comments.yaml": [("", 1, "no YAML document")],
    "alias-bomb.yaml": [("", 1, "aliases")],
    "deep-nesting.yaml": [("", 2, "nesting deeper")],
    "recursive-alias.yaml": [("", 2, "recursive")],
    "missing-account-id.yaml": [("", 1, "account_id")],
    "not-a-mapping.yaml": [("", 1, "must be a mapping")],
    "bad-countries.yaml": [("", 6, "'usa'"), ("", 7, "'US;CA'")],
    "recording-unknown-key.yaml": [("", 6, "'size'")],
    "addon-without-hosts.yaml": [("", 5, "needs 'hosts'")],
    "labels-not-text.yaml": [("", 3, "must be text")],
    "merge-key.yaml": [("", 2, "'defaults'"), ("", 5, "merge keys"), ("", 5, "'type'")],
    "second-document-bad.yaml": [("", 7, "got 0")],
    "duplicate-account-id": [("west.yaml", 2, "east.yaml:1")],
    "extends-missing": [("account.yaml", 2, "not found")],
    "extends-cycle": [("templates/two.yaml", 2, "cycle")],
    "bad-template": [
        ("templates/shared.yaml", 1, "must not set account_id"),
        ("templates/shared.yaml", 4, "got -1"),
    ],
    "duplicate-addon-after-extends": [
        ("templates/rooms.yaml", 3, "account.yaml:6"),
        ("templates/rooms.yaml", 3, "plan_large_meeting type"),
    ],
    "scheduled-date-in-the-past.yaml": [("", 7, "2020-01-01 is not in the future")],
    "scheduled-dates-differ.yaml": [("", 7, "same day")],
    "contract-term-not-zooms.yaml": [("", 3, "contract terms in months")],
    "employee-count-zero.yaml": [("", 12, "at least 1, got 0")],
    "cancel-reason-without-state.yaml": [("", 5, "no `state: cancelled`")],
    "base-cancelled-add-ons-kept.yaml": [("", 5, "until every add-on is cancelled")],
    "bundle-with-base.yaml": [("", 5, "code 2100")],
    "unmanageable-code.yaml": [("", 6, "never shown by GET /plans")],
    "hosts-on-typeless-group.yaml": [("", 6, "takes no hosts")],
    "prerequisite-cancelled.yaml": [("", 9, "this file cancels")],
    "video-sdk-recording-on-business-base.yaml": [("", 4, "Video SDK base plan")],
    "usage-only-key.yaml": [("", 4, "GET /plans/usage")],
}


def _inside(target: Path, shown: str) -> str:
    """The problem's file relative to a folder fixture; "" when it is the file fixture itself."""
    path = (REPO / shown).resolve()
    return "" if path == target else str(path.relative_to(target))


def run_validate(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "reconciler", "validate", *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO,
        timeout=60,
    )


def test_there_are_at_least_thirty_broken_inputs_and_each_has_a_row() -> None:
    fixtures = sorted(p.name for p in INVALID.iterdir())
    assert len(fixtures) >= 30
    assert fixtures == sorted(EXPECTED)


def _problems_with(fixture: str, result: subprocess.CompletedProcess[str]) -> list[str]:
    """What is wrong with one fixture's run: exit code, traceback, lines, words, columns."""
    target = INVALID / fixture
    if result.returncode != 1:
        return [f"{fixture}: exit {result.returncode}: {result.stdout}{result.stderr}"]
    if "Traceback" in result.stdout + result.stderr:
        return [f"{fixture}: a traceback: {result.stderr}"]
    problems = json.loads(result.stdout)
    errors = [p for p in problems if p["severity"] == "error"]
    wrong: list[str] = []
    got = sorted((_inside(target, p["file"]), p["line"]) for p in errors)
    want = sorted((f, line) for f, line, _ in EXPECTED[fixture])
    if got != want:
        wrong.append(f"{fixture}: errors at {got}, expected at {want}")
    for file, line, word in EXPECTED[fixture]:
        if not any(
            word in p["message"] and p["line"] == line and _inside(target, p["file"]) == file
            for p in errors
        ):
            wrong.append(f"{fixture}: no error at {file or fixture}:{line} saying {word!r}")
    if not all(p["column"] >= 1 for p in problems):
        wrong.append(f"{fixture}: a problem without a column")
    return wrong


def validate_in_process(*args: str) -> subprocess.CompletedProcess[str]:
    """`zoomplans validate` through the CLI's real entry point (`reconciler.cli.main`, with its
    last line of defence against tracebacks), in this process: no interpreter start per file."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main(["validate", *args])
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return subprocess.CompletedProcess(["validate", *args], code, out.getvalue(), err.getvalue())


def test_every_broken_input_exits_1_with_every_problem_located(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every fixture through the CLI's entry point; the message names every fixture that is
    wrong. (The real process is checked below for one fixture: start-up and exit status.)"""
    monkeypatch.chdir(REPO)
    runs = {
        fixture: validate_in_process(str((INVALID / fixture).relative_to(REPO)), "--format", "json")
        for fixture in sorted(EXPECTED)
    }
    wrong = [line for fixture, result in runs.items() for line in _problems_with(fixture, result)]
    assert not wrong, "\n".join(wrong)


def test_text_format_of_a_broken_file_is_file_line_column_and_a_summary() -> None:
    result = run_validate("tests/fixtures/invalid/duplicate-key.yaml")
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith(
        "tests/fixtures/invalid/duplicate-key.yaml:6:5: error: duplicate key"
    )
    assert (
        lines[-1]
        == "tests/fixtures/invalid/duplicate-key.yaml: 0 accounts in 1 file, invalid (1 error)"
    )


def test_a_file_over_the_size_limit_is_refused_before_reading(tmp_path: Path) -> None:
    big = tmp_path / "huge.yaml"
    with big.open("wb") as handle:
        handle.write(b"account_id: sub_huge\nlabels:\n")
        handle.write(b"  k: v\n" * (9 * 1024 * 1024 // 7))
    result = run_validate(str(big))
    assert result.returncode == 1
    assert f"{big}:1:1: error: file is " in result.stdout
    assert "MiB limit" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_a_path_that_does_not_exist_is_a_located_error(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    result = run_validate(str(missing), "--format", "json")
    assert result.returncode == 1
    assert json.loads(result.stdout) == [
        {
            "file": str(missing),
            "line": 1,
            "column": 1,
            "severity": "error",
            "message": "no such file or folder",
        }
    ]

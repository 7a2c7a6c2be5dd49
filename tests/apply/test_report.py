"""The per-account lines, the summary line and the exit code CI acts on."""

from __future__ import annotations

from reconciler.apply import AccountReport, ApplyReport


def test_summary_counts_every_state_and_exit_code_follows_failures() -> None:
    report = ApplyReport(
        accounts=(
            AccountReport("a", "applied", "", 2, 2),
            AccountReport("b", "applied", "", 1, 1),
            AccountReport("c", "stale", "live plans changed", 0, 1),
            AccountReport("d", "blocked", "base type change"),
            AccountReport("e", "in_sync"),
        )
    )
    assert report.summary_line() == "Apply: 2 applied, 1 in sync, 1 stale, 0 failed, 1 blocked."
    assert report.exit_code == 1
    assert report.calls_made == 3
    assert report.lines()[0] == "a: applied (2/2 calls)"
    assert report.lines()[2] == "c: stale (0/1 calls): live plans changed"
    assert report.to_json()["summary"]["blocked"] == 1


def test_applied_not_visible_and_skipped_do_not_fail_the_run() -> None:
    report = ApplyReport(
        accounts=(
            AccountReport("a", "applied_not_visible", "not shown yet", 1, 1),
            AccountReport("b", "skipped", "not selected by --account"),
        )
    )
    assert report.exit_code == 0
    assert report.summary_line() == (
        "Apply: 0 applied, 1 applied but not yet visible, 0 stale, 0 failed, 0 blocked, 1 skipped."
    )
    assert report.lines()[0] == "a: applied, not yet visible (1/1 calls): not shown yet"


def test_a_failed_account_fails_the_run() -> None:
    report = ApplyReport(accounts=(AccountReport("a", "failed", "update_base failed: x", 0, 1),))
    assert report.exit_code == 1
    assert report.summary_line() == "Apply: 0 applied, 0 stale, 1 failed, 0 blocked."


def test_a_mismatched_account_is_named_and_fails_the_run() -> None:
    report = ApplyReport(
        accounts=(
            AccountReport("a", "applied", "", 1, 1),
            AccountReport("b", "mismatch", "action 1 differs", 0, 2),
        )
    )
    assert report.summary_line() == "Apply: 1 applied, 0 stale, 1 mismatch, 0 failed, 0 blocked."
    assert report.lines()[1] == (
        "b: refused, the saved actions do not match the files (0/2 calls): action 1 differs"
    )
    assert report.exit_code == 1
    assert report.to_json()["summary"]["mismatch"] == 1

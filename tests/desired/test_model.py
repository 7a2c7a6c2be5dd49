"""model.py and problems.py: the shapes every other part codes against."""

from __future__ import annotations

from reconciler.desired import DesiredAccount, DesiredState, Problem, SourceMark


def test_problem_prints_as_file_line_column_severity_message() -> None:
    problem = Problem("accounts/a.yaml", 3, 7, "error", "hosts must be between 1 and 9999, got 0")
    assert str(problem) == "accounts/a.yaml:3:7: error: hosts must be between 1 and 9999, got 0"
    assert problem.to_json() == {
        "file": "accounts/a.yaml",
        "line": 3,
        "column": 7,
        "severity": "error",
        "message": "hosts must be between 1 and 9999, got 0",
    }


def test_state_splits_errors_from_warnings() -> None:
    warning = Problem("a.yaml", 1, 1, "warning", "unknown plan type 'x'")
    error = Problem("a.yaml", 2, 1, "error", "bad")
    account = DesiredAccount("sub_a", SourceMark("a.yaml", 1), {"plan_base": {"type": "monthly"}})
    assert DesiredState([account], [warning]).ok
    state = DesiredState([account], [warning, error], files=("a.yaml",))
    assert not state.ok
    assert (state.errors, state.warnings, state.files) == ([error], [warning], ("a.yaml",))
    assert str(account.source) == "a.yaml:1"
    assert account.to_json()["labels"] == {}

"""States Zoom may already hold although it refuses a call into them (issue 20: adopt what Zoom
holds): base hosts outside the family's range, add-on hosts above the base plan's. validate
reports each as a located warning (exit 0), and `--strict` still refuses them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.desired.test_invalid_fixtures import validate_in_process

HELD = Path(__file__).resolve().parents[1] / "fixtures" / "held"
REPO = Path(__file__).resolve().parents[2]
MAKE_IT_WORSE = "plan is then in sync and zoomplans will not make it worse"

# fixture -> [(file inside the fixture folder, or "" for the fixture itself, line, words)]
EXPECTED: dict[str, list[tuple[str, int, str]]] = {
    "hosts-below-business-range.yaml": [("", 5, "take 10 to 49 hosts, not 5")],
    "hosts-above-pro-range.yaml": [("", 3, "take 1 to 9 hosts, not 12")],
    "hosts-below-education-range.yaml": [("", 5, "take 20 to 149 hosts, not 15")],
    "addon-hosts-above-base.yaml": [
        ("", 7, "hosts 8 may not exceed the base plan's hosts (3"),
        ("", 10, "hosts 3 must stay below the base plan's hosts (3"),
    ],
    "addon-hosts-above-base-after-extends": [
        ("account.yaml", 5, "templates/small-base.yaml:2"),
    ],
}


def test_every_held_fixture_has_a_row() -> None:
    assert sorted(p.name for p in HELD.iterdir()) == sorted(EXPECTED)


@pytest.mark.parametrize("fixture", sorted(EXPECTED))
def test_a_held_state_is_a_located_warning_and_strict_refuses_it(
    fixture: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)
    target = HELD / fixture
    result = validate_in_process(str(target.relative_to(REPO)), "--format", "json")
    assert result.returncode == 0, result.stdout + result.stderr
    host_warnings = [
        p for p in json.loads(result.stdout) if "hosts" in p["message"] and p["severity"]
    ]
    assert all(p["severity"] == "warning" for p in host_warnings)
    for file, line, words in EXPECTED[fixture]:
        path = str((target / file).relative_to(REPO)) if file else str(target.relative_to(REPO))
        assert any(
            p["file"] == path
            and p["line"] == line
            and words in p["message"]
            and p["message"].endswith(MAKE_IT_WORSE)
            for p in host_warnings
        ), (fixture, line, words, host_warnings)
    strict = validate_in_process(str(target.relative_to(REPO)), "--strict")
    assert strict.returncode == 1

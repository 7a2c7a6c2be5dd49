"""Read your own writes (issue 18 item 1), over HTTP against a sandbox whose reads trail by 30 s.

Plans A (hosts 20 -> 22) and B (20 -> 30) are both reviewed as increases. Whichever is applied
first, the other must not undo it: its compare-and-swap sees the first one's PUT, which the
journal holds as accepted, laid over Zoom's lagging read, so it is stale; planned afresh, A is a
decrease 30 -> 22, blocked without --allow-decrease. Exactly one PUT reaches Zoom. The same
with the journal in PostgreSQL (a real server, tests/postgres_server.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from reconciler.cli import cli

SEATS = Path(__file__).parent / "fixtures" / "seats"
PLANS = {"A": str(SEATS / "a"), "B": str(SEATS / "b")}
FAST = ("--verify-timeout", "0.2")


def run(sb: Any, journal: Path | str, *args: str) -> Any:
    return CliRunner().invoke(cli, [*args, "--journal", str(journal)], env=sb.env())


def puts(sb: Any) -> list[Any]:
    return [r for r in sb.writes() if r.method == "PUT"]


@pytest.mark.parametrize("journal_kind", ["file", "postgresql"])
@pytest.mark.parametrize("first, second", [("B", "A"), ("A", "B")])
def test_an_older_reviewed_plan_never_undoes_a_newer_seat_change(
    sandbox: Any,
    tmp_path: Path,
    first: str,
    second: str,
    journal_kind: str,
    request: pytest.FixtureRequest,
) -> None:
    sb = sandbox(SEATS / "seed.yaml", read_lag_s=30)
    journal: Path | str = tmp_path / "journal.jsonl"
    if journal_kind == "postgresql":
        journal = request.getfixturevalue("journal_db")
    files = {}
    for name, folder in PLANS.items():
        files[name] = tmp_path / f"{name}.json"
        made = run(sb, journal, "plan", folder, "--out", str(files[name]))
        assert made.exit_code == 0, made.output
    applied = run(sb, journal, "apply", PLANS[first], "--plan", str(files[first]), *FAST)
    assert applied.exit_code == 0, applied.output
    assert "the journal holds these writes as accepted" in applied.output  # not "purchases"
    assert "keeps these purchases from being sent again" not in applied.output
    assert sb.visible_plans("sub_seats")["plan_base"]["hosts"] == 20  # Zoom's read trails
    refused = run(sb, journal, "apply", PLANS[second], "--plan", str(files[second]), *FAST)
    assert refused.exit_code == 1, refused.output
    assert "stale" in refused.output
    assert len(puts(sb)) == 1
    hosts = {"A": 22, "B": 30}[first]
    assert sb.plans("sub_seats")["plan_base"]["hosts"] == hosts
    # Planned afresh, from the write laid over Zoom's read.
    fresh = run(sb, journal, "plan", PLANS[second])
    assert (
        f"zoomplans: sub_seats: Zoom's read shows business_monthly hosts 20; this journal holds "
        f"PUT hosts {hosts} accepted at "
    ) in fresh.output
    if second == "A":  # 30 -> 22 is a decrease: blocked without --allow-decrease
        assert fresh.exit_code == 1, fresh.output
        assert "hosts 30 -> 22" in fresh.output
        again = run(sb, journal, "apply", PLANS["A"], "--auto-approve", *FAST)
        assert again.exit_code == 1, again.output
    else:  # 22 -> 30: an increase, planned from 22
        assert "hosts 22 -> 30" in fresh.output
    assert len(puts(sb)) == 1

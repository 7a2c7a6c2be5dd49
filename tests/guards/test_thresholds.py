"""Each threshold trips (exit 1, measured value and flag named, nothing sent), its own flag lets
the same plan through, and another threshold's flag does not."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
ACCOUNTS = str(FIXTURES / "accounts")
PRICES = str(FIXTURES / "prices.yaml")

#: threshold flag -> (accounts the plan covers, a limit it is over, the measured value, message)
CASES = {
    "--max-seats-removed": (
        ("g_down",),
        "10",
        "27",
        "the plan removes 27 seats, more than --max-seats-removed 10",
    ),
    "--max-accounts-changed": (
        ("g_up", "g_down", "g_new"),
        "2",
        "3",
        "the plan changes 3 accounts, more than --max-accounts-changed 2",
    ),
    "--max-monthly-increase": (
        ("g_up", "g_new"),
        "500USD",
        "779.80USD",
        "the plan's gross increase is +$779.80/month in USD (every increase added up, savings "
        "not subtracted; net +$779.80/month), more than --max-monthly-increase 500.00USD",
    ),
}
#: Generous values of every flag, to show that the others never acknowledge a threshold.
GENEROUS = {
    "--max-seats-removed": "1000",
    "--max-accounts-changed": "1000",
    "--max-monthly-increase": "1000000USD",
}


def base_args(command: str, accounts: tuple[str, ...]) -> list[str]:
    args = [command, ACCOUNTS, "--prices", PRICES, "--allow-decrease"]
    for account in accounts:
        args += ["--account", account]
    return args + (["--auto-approve"] if command == "apply" else [])


@pytest.mark.parametrize("flag", sorted(CASES))
def test_plan_trips_and_names_the_measured_value_and_the_flag(
    flag: str, guard_world: Any, zp: Callable[..., Any]
) -> None:
    accounts, limit, measured, message = CASES[flag]
    ran = zp(guard_world, *base_args("plan", accounts), flag, limit)
    assert ran.code == 1
    assert message in ran.stderr
    assert f"re-run with {flag} {measured} to accept" in ran.stderr
    accepted = zp(guard_world, *base_args("plan", accounts), flag, measured)
    assert accepted.code == 0, accepted.stderr
    assert guard_world.writes() == []


@pytest.mark.parametrize("flag", sorted(CASES))
def test_apply_sends_nothing_over_a_threshold_and_only_its_own_flag_accepts(
    flag: str, guard_world: Any, zp: Callable[..., Any]
) -> None:
    accounts, limit, measured, message = CASES[flag]
    args = base_args("apply", accounts)
    tripped = zp(guard_world, *args, flag, limit)
    assert tripped.code == 1
    assert message in tripped.stderr and "nothing was sent" in tripped.stderr
    assert guard_world.writes() == []
    others = [x for name, value in GENEROUS.items() if name != flag for x in (name, value)]
    still = zp(guard_world, *args, flag, limit, *others)
    assert still.code == 1 and message in still.stderr
    assert guard_world.writes() == []
    accepted = zp(guard_world, *args, flag, measured)
    assert accepted.code == 0, accepted.stderr + accepted.stdout
    assert len(guard_world.writes()) >= len(accounts)


def _project_file(folder: Path, rail: str) -> None:
    """zoomplans.yaml with a price list beside it (its `prices:` may not leave the folder)."""
    (folder / "prices.yaml").write_text(Path(PRICES).read_text(encoding="utf-8"), "utf-8")
    text = f"prices: prices.yaml\nguard_rails:\n  {rail}\n"
    (folder / "zoomplans.yaml").write_text(text, encoding="utf-8")


def test_a_limit_from_zoomplans_yaml_is_named_and_its_flag_overrides_it(
    guard_world: Any, zp: Callable[..., Any], tmp_path: Path
) -> None:
    _project_file(tmp_path, "max_seats_removed: 5")
    args = ["plan", ACCOUNTS, "--allow-decrease", "--account", "g_down"]
    ran = zp(guard_world, *args)
    assert ran.code == 1
    assert (
        "the plan removes 27 seats, more than --max-seats-removed 5 (max_seats_removed in "
        "zoomplans.yaml); re-run with --max-seats-removed 27 to accept" in ran.stderr
    )
    assert "Cost: -$1,138.13/month." in ran.stdout  # the prices named by the project file
    assert zp(guard_world, *args, "--max-seats-removed", "27").code == 0


def test_the_built_in_seat_limit(guard_world: Any, zp: Callable[..., Any], tmp_path: Path) -> None:
    from reconciler.guards.thresholds import DEFAULT_MAX_SEATS_REMOVED

    out = tmp_path / "plan.json"
    ran = zp(guard_world, "plan", ACCOUNTS, "--allow-decrease", "--account", "g_down",
             "--out", str(out))  # fmt: skip
    assert ran.code == 0, ran.stderr
    options = json.loads(out.read_text())["options"]
    assert options["max_seats_removed"] == DEFAULT_MAX_SEATS_REMOVED
    assert options["limit_sources"] == {"max_seats_removed": "default"}
    assert options["max_monthly_increase"] is None  # no prices, no money limit


def test_a_saved_plan_is_checked_again_by_apply(
    guard_world: Any, zp: Callable[..., Any], tmp_path: Path
) -> None:
    out = tmp_path / "plan.json"
    planned = zp(guard_world, *base_args("plan", ("g_down",)), "--max-seats-removed", "10",
                 "--out", str(out))  # fmt: skip
    assert planned.code == 1  # the file is still written, for review
    recorded = json.loads(out.read_text())["options"]
    assert recorded["max_seats_removed"] == 10
    assert recorded["limit_sources"]["max_seats_removed"] == "flag"
    saved = ["apply", ACCOUNTS, "--plan", str(out), "--prices", PRICES, "--allow-decrease"]
    refused = zp(guard_world, *saved, "--max-accounts-changed", "100")
    assert refused.code == 1
    assert "the plan removes 27 seats, more than --max-seats-removed 10" in refused.stderr
    assert guard_world.writes() == []
    accepted = zp(guard_world, *saved, "--max-seats-removed", "27")
    assert accepted.code == 0, accepted.stderr
    assert len(guard_world.writes()) == 2


def test_a_money_limit_without_prices_is_refused(
    guard_world: Any, zp: Callable[..., Any], tmp_path: Path
) -> None:
    ran = zp(guard_world, "plan", ACCOUNTS, "--max-monthly-increase", "100USD")
    assert ran.code == 1
    assert "a monthly-increase limit (--max-monthly-increase) needs a price list" in ran.stderr
    assert guard_world.requests == []  # refused before anything was read
    out = tmp_path / "plan.json"
    assert zp(guard_world, "plan", ACCOUNTS, "--account", "g_up", "--out", str(out)).code == 0
    applied = zp(
        guard_world, "apply", ACCOUNTS, "--plan", str(out), "--max-monthly-increase", "100USD"
    )
    assert applied.code == 1
    assert "a monthly-increase limit (--max-monthly-increase) needs a price list" in applied.stderr
    assert guard_world.writes() == []


@pytest.mark.parametrize("flag", sorted(CASES))
def test_apply_of_a_saved_plan_names_a_flag_that_really_accepts_it(
    flag: str, guard_world: Any, zp: Callable[..., Any], tmp_path: Path
) -> None:
    accounts, limit, measured, message = CASES[flag]
    out = tmp_path / "plan.json"
    planned = zp(guard_world, *base_args("plan", accounts), flag, limit, "--out", str(out))
    assert planned.code == 1 and f"re-run with {flag} {measured} to accept" in planned.stderr
    saved = ["apply", ACCOUNTS, "--plan", str(out), "--prices", PRICES, "--allow-decrease"]
    tripped = zp(guard_world, *saved)
    assert tripped.code == 1
    assert message in tripped.stderr and "nothing was sent" in tripped.stderr
    assert f"re-run with {flag} {measured} to accept" in tripped.stderr
    others = [x for name, value in GENEROUS.items() if name != flag for x in (name, value)]
    assert zp(guard_world, *saved, *others).code == 1
    assert guard_world.writes() == []
    accepted = zp(guard_world, *saved, flag, measured)  # the flag the message names
    assert accepted.code == 0, accepted.stderr + accepted.stdout
    assert len(guard_world.writes()) >= len(accounts)


def test_a_saved_plan_with_edited_costs_is_refused(
    guard_world: Any, zp: Callable[..., Any], tmp_path: Path
) -> None:
    out = tmp_path / "plan.json"
    planned = zp(guard_world, *base_args("plan", ("g_up", "g_new")), "--out", str(out))
    assert planned.code == 0, planned.stderr
    data = json.loads(out.read_text())
    cheap = next(a for a in data["accounts"] if a["actions"])
    cheap["actions"][0]["cost"]["monthly"] = "0.01"  # would slip under --max-monthly-increase
    out.write_text(json.dumps(data))
    refused = zp(
        guard_world, "apply", ACCOUNTS, "--plan", str(out), "--prices", PRICES, "--allow-decrease"
    )
    assert refused.code == 1
    assert f"the costs in the plan file are not what {PRICES} says" in refused.stderr
    assert f"{cheap['account_id']} action 1" in refused.stderr
    assert guard_world.writes() == []


def test_a_saved_plan_whose_price_list_is_gone_is_refused(
    guard_world: Any, zp: Callable[..., Any], tmp_path: Path
) -> None:
    prices = tmp_path / "prices.yaml"
    prices.write_text(Path(PRICES).read_text())
    out = tmp_path / "plan.json"
    args = ["plan", ACCOUNTS, "--prices", str(prices), "--account", "g_up", "--out", str(out)]
    assert zp(guard_world, *args).code == 0
    prices.unlink()
    refused = zp(guard_world, "apply", ACCOUNTS, "--plan", str(out))
    assert refused.code == 1
    assert f"its costs come from {prices}, and apply has no price list" in refused.stderr
    assert "the money guard rail cannot be checked; nothing was sent" in refused.stderr
    assert guard_world.writes() == []


#: New seats (+$779.80: a subscribe and 10 more hosts) beside cancellations and a yearly seat
#: cut (-$1,138.13): the net is -$358.33, the gross +$779.80.
HIDING = ("g_up", "g_new", "g_down")
HIDDEN = (
    "the plan's gross increase is +$779.80/month in USD (every increase added up, savings not "
    "subtracted; net -$358.33/month), more than --max-monthly-increase 500.00USD"
)


def test_savings_do_not_hide_an_increase_from_plan(
    guard_world: Any, zp: Callable[..., Any]
) -> None:
    ran = zp(guard_world, *base_args("plan", HIDING), "--max-monthly-increase", "500USD")
    assert ran.code == 1
    assert HIDDEN in ran.stderr
    assert "re-run with --max-monthly-increase 779.80USD to accept" in ran.stderr
    assert "Cost: -$358.33/month" in ran.stdout  # the summary still shows the net
    assert guard_world.writes() == []


def test_savings_do_not_hide_an_increase_from_apply(
    guard_world: Any, zp: Callable[..., Any]
) -> None:
    ran = zp(guard_world, *base_args("apply", HIDING), "--max-monthly-increase", "500USD")
    assert ran.code == 1
    assert HIDDEN in ran.stderr and "nothing was sent" in ran.stderr
    assert guard_world.writes() == []


def test_savings_do_not_hide_an_increase_from_the_project_limit(
    guard_world: Any, zp: Callable[..., Any], tmp_path: Path
) -> None:
    _project_file(tmp_path, "max_monthly_increase: {USD: 500}")
    args = ["plan", ACCOUNTS, "--allow-decrease"] + [x for a in HIDING for x in ("--account", a)]
    ran = zp(guard_world, *args)
    assert ran.code == 1
    assert HIDDEN + " (max_monthly_increase in zoomplans.yaml:3:31)" in ran.stderr
    assert zp(guard_world, *args, "--max-monthly-increase", "779.80USD").code == 0


def test_savings_do_not_hide_an_increase_from_apply_of_a_saved_plan(
    guard_world: Any, zp: Callable[..., Any], tmp_path: Path
) -> None:
    out = tmp_path / "plan.json"
    planned = zp(guard_world, *base_args("plan", HIDING), "--max-monthly-increase", "500USD",
                 "--out", str(out))  # fmt: skip
    assert planned.code == 1  # the file is still written, for review
    recorded = json.loads(out.read_text())
    assert recorded["options"]["max_monthly_increase"] == {"USD": "500.00"}
    assert recorded["summary"]["cost"]["monthly"] == {"USD": "-358.33"}
    assert recorded["summary"]["cost"]["gross_increase"] == {"USD": "779.80"}
    refused = zp(
        guard_world, "apply", ACCOUNTS, "--plan", str(out), "--prices", PRICES, "--allow-decrease"
    )
    assert refused.code == 1
    assert HIDDEN in refused.stderr and "nothing was sent" in refused.stderr
    assert guard_world.writes() == []

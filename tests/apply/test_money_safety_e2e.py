"""Issue 11, item 5, end to end: what `apply` sends to the sandbox for the money-safety holes.

Each test writes real YAML, runs the CLI in process against the sandbox over loopback, and
checks the exact calls Zoom received (or that none were), then that a re-plan is clean.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from reconciler.cli import cli
from reconciler.planner.plan_schema import schema_problems
from tests.sample_contact import CONTACT


def write_account(folder: Path, account_id: str, plans: dict[str, Any], **extra: Any) -> Path:
    """One account file (JSON is YAML); the folder is what the CLI is given."""
    folder.mkdir(exist_ok=True)
    document = {"account_id": account_id, **extra, "plans": plans}
    (folder / f"{account_id}.yaml").write_text(json.dumps(document, indent=1))
    return folder


def zoomplans(sb: Any, tmp_path: Path, *args: str) -> Any:
    journal = tmp_path / ".zoomplans" / "journal.jsonl"
    extra = ["--journal", str(journal)] if args[0] == "apply" else []
    return CliRunner().invoke(cli, [*args, *extra], env=sb.env(), catch_exceptions=False)


def writes(sb: Any) -> list[tuple[str, str, Any]]:
    return [(w.method, w.path, w.body) for w in sb.writes()]


LAPSED = {
    "plan_base": {"type": "business_monthly", "hosts": 12, "status": "cancelled"},
    "plan_webinar": [
        {"type": "webinar500_monthly", "hosts": 5, "status": "active"},
        {"type": "webinar1000_monthly", "hosts": 2, "status": "active"},
    ],
    "plan_recording": "cmr_monthly_commitment_40",
    "plan_recording_status": "active",
}


def test_subscribing_a_lapsed_account_never_buys_its_active_add_ons_again(
    sandbox: Any, tmp_path: Path
) -> None:
    sb = sandbox()
    sb.set_plans("sub_lapsed", LAPSED)
    want = {
        "plan_base": {"type": "business_monthly", "hosts": 12},
        "plan_webinar": [
            {"type": "webinar500_monthly", "hosts": 5},
            {"type": "webinar1000_monthly", "hosts": 4},
            {"type": "webinar3000_monthly", "hosts": 1},
        ],
        "plan_recording": "cmr_monthly_commitment_40",
    }
    folder = write_account(tmp_path / "accounts", "sub_lapsed", want, contact=CONTACT)
    done = zoomplans(sb, tmp_path, "apply", str(folder), "--auto-approve")
    assert done.exit_code == 0, done.output
    assert writes(sb) == [
        (
            "POST",
            "/v2/accounts/sub_lapsed/plans",
            {
                "contact": CONTACT,
                "plan_base": {"type": "business_monthly", "hosts": 12},
                "plan_webinar": [{"type": "webinar3000_monthly", "hosts": 1}],
            },
        ),
        (
            "PUT",
            "/v2/accounts/sub_lapsed/plans/addons",
            {"type": "webinar1000_monthly", "hosts": 4},
        ),
    ]
    again = zoomplans(sb, tmp_path, "plan", str(folder), "--detailed-exitcode")
    assert again.exit_code == 0, again.output


def test_cancelling_an_add_on_of_an_account_without_subscription_is_blocked(
    sandbox: Any, tmp_path: Path
) -> None:
    sb = sandbox()
    sb.set_plans("sub_lapsed", LAPSED)
    want = {"plan_webinar": [{"type": "webinar500_monthly", "state": "cancelled"}]}
    folder = write_account(tmp_path / "accounts", "sub_lapsed", want)
    plan = zoomplans(sb, tmp_path, "plan", str(folder), "--allow-cancel", "--format", "json")
    assert plan.exit_code == 1
    account = json.loads(plan.stdout)["accounts"][0]
    assert account["status"] == "blocked"
    assert [b["reason"] for b in account["blocked"]] == ["cancel_without_base"]
    assert "webinar500_monthly" not in {u["type"] for u in account["unmanaged"]}
    done = zoomplans(sb, tmp_path, "apply", str(folder), "--allow-cancel", "--auto-approve")
    assert done.exit_code == 1
    assert "state: cancelled" in done.output and "no active base plan" in done.output
    assert writes(sb) == []


def test_two_active_entries_of_one_type_stop_that_account_only(
    sandbox: Any, tmp_path: Path
) -> None:
    sb = sandbox()
    sb.set_plans(
        "sub_pro",
        {
            "plan_base": {"type": "monthly", "hosts": 5},
            "plan_webinar": [
                {"type": "webinar500_monthly", "hosts": 2},
                {"type": "webinar500_monthly", "hosts": 4},
            ],
        },
    )
    folder = tmp_path / "accounts"
    write_account(
        folder,
        "sub_pro",
        {
            "plan_base": {"type": "monthly", "hosts": 6},
            "plan_webinar": [{"type": "webinar500_monthly", "hosts": 2}],
        },
    )
    write_account(folder, "sub_8Jk2Lm", {"plan_base": {"type": "business_monthly", "hosts": 21}})
    plan = zoomplans(sb, tmp_path, "plan", str(folder), "--format", "json")
    data = json.loads(plan.stdout)
    assert schema_problems(data) == []
    by_id = {a["account_id"]: a for a in data["accounts"]}
    pro = by_id["sub_pro"]
    assert (pro["status"], pro["error_code"], pro["actions"]) == (
        "error",
        "ambiguous_entries",
        [],
    )
    assert "plan_webinar lists 2 active entries of type webinar500_monthly" in pro["error"]
    assert by_id["sub_8Jk2Lm"]["status"] == "changes"
    done = zoomplans(sb, tmp_path, "apply", str(folder), "--auto-approve")
    assert done.exit_code == 1
    assert "ambiguous_entries" in done.output
    assert [(m, p) for m, p, _ in writes(sb)] == [("PUT", "/v2/accounts/sub_8Jk2Lm/plans/base")]


def test_add_on_seats_above_the_base_are_never_bought(sandbox: Any, tmp_path: Path) -> None:
    sb = sandbox()  # sub_pro: monthly, 5 hosts, 4 in use
    folder = tmp_path / "accounts"
    # The YAML leaves the base plan to Zoom: its 5 live hosts are the ceiling.
    write_account(folder, "sub_pro", {"plan_webinar": [{"type": "webinar500_monthly", "hosts": 8}]})
    done = zoomplans(sb, tmp_path, "apply", str(folder), "--auto-approve")
    assert done.exit_code == 1
    assert "addon_hosts_above_base" in done.output or "may not exceed" in done.output
    assert writes(sb) == []
    # Base increase and add-ons together: base first, so every step is valid.
    write_account(
        folder,
        "sub_pro",
        {
            "plan_base": {"type": "monthly", "hosts": 9},
            "plan_webinar": [{"type": "webinar500_monthly", "hosts": 8}],
            "plan_large_meeting": [{"type": "large500_monthly", "hosts": 8}],
        },
    )
    done = zoomplans(sb, tmp_path, "apply", str(folder), "--auto-approve")
    assert done.exit_code == 0, done.output
    assert [(m, p.rsplit("/plans", 1)[1], b["hosts"]) for m, p, b in writes(sb)] == [
        ("PUT", "/base", 9),
        ("POST", "/addons", 8),
        ("POST", "/addons", 8),
    ]
    # A base decrease below the live add-ons' 8 hosts (the YAML no longer names them, so
    # validate cannot see it) is blocked even with --allow-decrease.
    sb.clear_requests()
    write_account(folder, "sub_pro", {"plan_base": {"type": "monthly", "hosts": 7}})
    done = zoomplans(sb, tmp_path, "apply", str(folder), "--allow-decrease", "--auto-approve")
    assert done.exit_code == 1
    assert "hosts 9 -> 7" in done.output
    assert "plan_webinar webinar500_monthly has 8" in done.output
    assert writes(sb) == []
    assert sb.plans("sub_pro")["plan_base"]["hosts"] == 9

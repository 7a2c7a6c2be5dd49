"""Renewals in every plan (issue 23, part 2), over loopback HTTP against the sandbox.

The renewals list is read once per run over three pages (the client's page size is lowered to
two here; the paging is real). Every listed account's renewal shows in the JSON, text, Markdown
and HTML; a seat decrease a few days before an annual renewal, and a cancellation before one
that does not renew automatically, are flagged; `--at-renewal` dates the decreases for the
renewal (the bodies validate against Zoom's 2026 document and the sandbox takes them) and
blocks the cancellation, whose call takes no date; a credential without the renewals scope
plans on and says once why renewal dates are unknown.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from reconciler.cli import cli
from reconciler.sandbox import SandboxServer
from reconciler.zoom_2026.validation import answer_problems, request_problems
from tests.sandbox.conftest import api_client
from tests.sandbox.zoom_calls import call

RENEWALS = "/accounts/billing/renewals"
BASE = {"type": "business_monthly", "hosts": 20, "status": "active"}
KEEP = {"plan_base": {"type": "business_monthly", "hosts": 20}}
WEBINAR = {"type": "webinar500_monthly", "hosts": 3, "status": "active"}
SCOPE = "billing:read:list_upcoming_renewal_accounts:master"


def day(offset: int) -> str:
    return (datetime.now(UTC).date() + timedelta(days=offset)).isoformat()


def renewal(offset: int, cycle: str, *, auto: bool = True, amount: int = 1200) -> dict[str, Any]:
    return {
        "next_renewal_date": day(offset),
        "auto_renew": auto,
        "total_renewal_amount": amount,
        "renewable_subscriptions": [
            {
                "plan_name": "Zoom Workplace Business",
                "quantity": 20,
                "billing_cycle": cycle,
                "service_effective_date": "2026-01-01",
                "next_invoice_date": day(offset),
                "next_invoice_amount": amount,
            }
        ],
    }


#: account -> (renewal, the file's plans): five listed accounts (three pages of two), one not.
ACCOUNTS: dict[str, tuple[dict[str, Any] | None, dict[str, Any]]] = {
    "sub_r1": (
        renewal(5, "Annual"),
        {"plan_base": {"type": "business_monthly", "hosts": 15},
         "plan_webinar": [{"type": "webinar500_monthly", "hosts": 2}]},
    ),
    "sub_r2": (renewal(40, "Monthly", amount=300), KEEP),
    "sub_r3": (
        renewal(10, "Monthly", auto=False, amount=450),
        {"plan_base": {"type": "business_monthly", "hosts": 20},
         "plan_webinar": [{"type": "webinar500_monthly", "state": "cancelled"}]},
    ),
    "sub_r4": (renewal(60, "Two years", amount=9000), KEEP),
    "sub_r5": (renewal(85, "Quarterly", amount=700), KEEP),
    "sub_none": (None, KEEP),
}  # fmt: skip


def seed(scopes: list[str] | None = None) -> dict[str, Any]:
    accounts: dict[str, Any] = {}
    for account_id, (renews, _) in ACCOUNTS.items():
        accounts[account_id] = {
            "name": f"Renews {account_id}",
            "plans": {"plan_base": BASE, "plan_webinar": [WEBINAR]},
            "usage": {
                "plan_base": {"usage": 10, "pending": 0},
                "plan_webinar": [{"type": "webinar500_monthly", "usage": 1, "pending": 0}],
            },
        }
        if renews is not None:
            accounts[account_id]["renewal"] = renews
    credentials: dict[str, Any] = {"account_id": "M1", "client_id": "c", "client_secret": "s"}
    if scopes is not None:
        credentials["scopes"] = scopes
    return {"credentials": credentials, "accounts": accounts}


@pytest.fixture
def files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The desired files, and the client paging the renewals list two accounts at a time."""
    monkeypatch.setattr("reconciler.zoom.client.RENEWALS_PAGE_SIZE", 2)
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "accounts"
    folder.mkdir()
    for account_id, (_, plans) in ACCOUNTS.items():
        document = {"account_id": account_id, "name": f"Renews {account_id}", "plans": plans}
        (folder / f"{account_id}.yaml").write_text(yaml.safe_dump(document, sort_keys=False))
    return folder


def run(sb: SandboxServer, *args: str) -> Any:
    return CliRunner().invoke(cli, list(args), env={**sb.env(), "NO_COLOR": "1"})


def renewal_reads(sb: SandboxServer) -> list[Any]:
    return [r for r in sb.requests if r.path == "/v2" + RENEWALS]


def test_every_format_shows_every_listed_renewal_and_flags_removals_near_one(
    sandbox: Any, files: Path
) -> None:
    sb = sandbox(seed())
    args = ("plan", str(files), "--allow-decrease", "--allow-cancel")
    made = run(sb, *args, "--format", "json")
    assert made.exit_code == 0, made.output
    reads = renewal_reads(sb)
    assert len(reads) == 3, "one read per run: three pages of two"
    assert all("interval=90" in r.query and "page_size=2" in r.query for r in reads)
    assert all(r.label == "Medium" for r in reads)
    plan = json.loads(made.stdout)
    assert plan["renewals"] == {
        "read": True, "interval_days": 90, "notice_days": 14, "unknown_reason": None,
    }  # fmt: skip
    by_id = {a["account_id"]: a for a in plan["accounts"]}
    for account_id, (renews, _) in ACCOUNTS.items():
        got = by_id[account_id]["renewal"]
        if renews is None:
            assert got is None
            continue
        assert got["next_renewal_date"] == renews["next_renewal_date"]
        assert got["auto_renew"] is renews["auto_renew"]
        assert got["total_renewal_amount"] == renews["total_renewal_amount"]
    notices = {
        (a["account_id"], x["op"]): x.get("renewal_notice")
        for a in plan["accounts"]
        for x in a["actions"]
    }
    base = notices[("sub_r1", "update_base")]
    assert base is not None and f"5 day(s) before this account's renewal on {day(5)}" in base
    assert "billed Annual" in base
    assert notices[("sub_r1", "update_addon")] is not None
    cancel = notices[("sub_r3", "cancel_addon")]
    assert cancel is not None and "does not renew automatically" in cancel
    assert f"its call takes no date: to make it at the renewal, run it on {day(10)}" in cancel

    text = run(sb, *args).output
    assert "Renewals within 90 days (5 account(s); 3 removal(s) flagged near a renewal):" in text
    for account_id, (renews, _) in ACCOUNTS.items():
        if renews is not None:
            assert f'{account_id} "Renews {account_id}": {renews["next_renewal_date"]}' in text
    assert "! renewal notice: plan_base business_monthly: takes effect 5 day(s)" in text
    markdown = run(sb, *args, "--format", "markdown").output
    assert "<summary>Renewals within 90 days (5 account(s)" in markdown
    for account_id, (renews, _) in ACCOUNTS.items():
        if renews is not None:
            assert f"| `{account_id}` | Renews {account_id} | {renews['next_renewal_date']} |" in (
                markdown
            )
    assert "! renewal notice: plan_webinar webinar500_monthly: takes effect 10 day(s)" in markdown
    report = run(sb, *args, "--format", "html").output
    assert 'id="renewals"' in report and report.count('class="renewal-notice"') == 3
    for account_id, (renews, _) in ACCOUNTS.items():
        if renews is not None:
            row = f"<td>{account_id}</td><td>Renews {account_id}</td>"
            assert f"{row}<td>{renews['next_renewal_date']}</td>" in report

    narrower = json.loads(run(sb, *args, "--format", "json", "--renewal-notice-days", "7").stdout)
    flagged = [x for a in narrower["accounts"] for x in a["actions"] if x.get("renewal_notice")]
    assert len(flagged) == 2  # sub_r1's two decreases (5 days); sub_r3's is 10 days ahead


def test_the_renewals_answer_is_zoom_s_shape(sandbox: Any, files: Path) -> None:
    sb = sandbox(seed())
    client = api_client(sb)
    answer = call(client, "GET", RENEWALS + "?interval=90&page_size=50").json()
    assert answer_problems("GET", RENEWALS, 200, answer) == []
    assert {row["account_id"] for row in answer["results"]} == {
        a for a, (renews, _) in ACCOUNTS.items() if renews is not None
    }


def test_at_renewal_dates_each_decrease_for_the_renewal_and_blocks_the_cancellation(
    sandbox: Any, files: Path, tmp_path: Path
) -> None:
    sb = sandbox(seed())
    saved, journal = tmp_path / "plan.json", tmp_path / "journal.jsonl"
    args = ("plan", str(files), "--allow-decrease", "--allow-cancel", "--at-renewal")
    made = run(sb, *args, "--out", str(saved))
    assert made.exit_code == 1, made.output  # sub_r3 is blocked: its cancel takes no date
    plan = json.loads(saved.read_text())
    assert plan["options"]["at_renewal"] is True
    by_id = {a["account_id"]: a for a in plan["accounts"]}
    decreases = by_id["sub_r1"]["actions"]
    assert [a["op"] for a in decreases] == ["update_addon", "update_base"]
    for action in decreases:
        body = action["body"]
        assert body["paid_period_start_date"] == body["service_effective_date"] == day(5)
        assert "renewal_notice" not in action  # it lands on the renewal, not before it
        assert request_problems(action["method"], action["path"], body) == []
    (blocked,) = by_id["sub_r3"]["blocked"]
    assert blocked["reason"] == "at_renewal_not_supported"
    assert "PATCH /accounts/sub_r3/plans/addons/status" in blocked["message"]
    assert f"takes no date, so it cannot wait for the renewal on {day(10)}" in blocked["message"]
    assert "blocked (at_renewal_not_supported)" in run(sb, *args).output

    # apply --plan holds the file to --at-renewal like an opt-in
    flags = ("--allow-decrease", "--allow-cancel", "--journal", str(journal))
    refused = run(sb, "apply", str(files), "--plan", str(saved), *flags, "--account", "sub_r1")
    assert refused.exit_code == 1
    assert "was planned with --at-renewal, and apply was not given --at-renewal" in refused.output
    assert not sb.writes()

    # apply sends the dated bodies (the renewals list read once: three pages); the sandbox
    # (as strict as Zoom) takes them
    before = len(renewal_reads(sb))
    applied = run(
        sb, "apply", str(files), "--account", "sub_r1", "--auto-approve", "--at-renewal", *flags,
        "--verify-timeout", "5",
    )  # fmt: skip
    assert "sub_r1: applied (2/2 calls)" in applied.output, applied.output
    assert len(renewal_reads(sb)) - before == 3
    assert len(sb.writes()) == 2
    for write in sb.writes():
        assert write.status in (200, 204), write
        assert write.body["paid_period_start_date"] == day(5)
        assert request_problems(write.method, write.path.removeprefix("/v2"), write.body) == []
    again = json.loads(
        run(sb, "plan", str(files), "--account", "sub_r1", "--format", "json").stdout
    )
    assert again["accounts"][0]["status"] == "in_sync"


def test_at_renewal_blocks_a_removal_of_an_account_with_no_renewal_date(
    sandbox: Any, files: Path
) -> None:
    (files / "sub_none.yaml").write_text(
        "account_id: sub_none\nplans:\n  plan_base: {type: business_monthly, hosts: 12}\n"
    )
    sb = sandbox(seed())
    made = run(sb, "plan", str(files / "sub_none.yaml"), "--allow-decrease", "--at-renewal")
    assert made.exit_code == 1
    assert "blocked (renewal_date_unknown): plan_base business_monthly: --at-renewal needs" in (
        made.output
    )


def test_a_credential_without_the_renewals_scope_plans_with_one_clear_notice(
    sandbox: Any, files: Path
) -> None:
    read_scopes = [
        "billing:read:plan_information:master",
        "billing:read:plan_usage:master",
    ]
    sb = sandbox(seed(read_scopes))
    args = ("plan", str(files), "--allow-decrease", "--allow-cancel")
    made = run(sb, *args, "--format", "json")
    assert made.exit_code == 0, made.output
    plan = json.loads(made.stdout)
    reason = plan["renewals"]["unknown_reason"]
    assert plan["renewals"]["read"] is False and SCOPE in reason
    assert all(a["renewal"] is None for a in plan["accounts"])
    assert not any(x.get("renewal_notice") for a in plan["accounts"] for x in a["actions"])
    text = run(sb, *args).output
    assert text.count("Renewal dates are unknown:") == 1
    assert f"! Renewal dates are unknown: the credential lacks the scope {SCOPE}" in text
    markdown = run(sb, *args, "--format", "markdown").output
    assert markdown.count("Renewal dates are unknown:") == 1
    assert 'id="renewals-unknown"' in run(sb, *args, "--format", "html").output


@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    [
        ("PATCH", "/accounts/sub_r3/plans/addons/status",
         {"action": "cancel", "type": "webinar500_monthly",
          "paid_period_start_date": day(10), "service_effective_date": day(10)},
         "paid_period_start_date"),
        ("PUT", "/accounts/sub_r1/plans/base",
         {"type": "business_monthly", "hosts": 15,
          "paid_period_start_date": day(5), "service_effective_date": day(6)},
         "service_effective_date"),
        ("PUT", "/accounts/sub_r1/plans/addons",
         {"type": "webinar500_monthly", "hosts": 2,
          "paid_period_start_date": day(0), "service_effective_date": day(0)},
         "service_effective_date"),
    ],
)  # fmt: skip
def test_the_sandbox_refuses_the_dates_zoom_refuses(
    sandbox: Any, method: str, path: str, body: dict[str, Any], field: str
) -> None:
    """A cancellation takes no date; the two dates must be equal and in the future."""
    sb = sandbox(seed())
    answer = call(api_client(sb), method, path, body, bad_request=True)
    assert answer.status_code == 400 and answer.json()["code"] == 300
    assert field in {problem["field"] for problem in answer.json()["errors"]}

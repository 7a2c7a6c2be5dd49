"""The billing contact of a subscribe, end to end against the sandbox: what the reviewer sees
(name, e-mail, country and the file and line of each; never the phone or street in full), and
a contact that no longer inherits a template's fields blocks the subscribe, located."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from reconciler.cli import cli
from reconciler.desired.model import DesiredAccount, SourceMark
from reconciler.planner.core import plan_account
from reconciler.planner.model import Plan, PlanOptions
from reconciler.planner.plan_schema import schema_problems
from reconciler.zoom.live import LivePlans
from tests.sample_contact import CONTACT

SEED = {
    "credentials": {"account_id": "MASTER1", "client_id": "c", "client_secret": "s"},
    "accounts": {
        "sub_new": {"name": "Not subscribed yet"},
        "sub_paid": {
            "name": "Subscribed",
            "plans": {"plan_base": {"type": "business_monthly", "hosts": 10, "status": "active"}},
        },
    },
}
TEMPLATE = """\
plans: {plan_base: {type: business_monthly, hosts: 10}}
contact:
  first_name: Ada
  last_name: Lovelace
  email: billing@template.example
  phone_number: "+44 20 7946 0042"
  address: 1 Main St
  city: London
  state: London
  zip: EC1A 1BB
  country: GB
"""
#: How the loader names the template: `extends` resolved against the account's folder.
TEMPLATE_SHOWN = str(Path("templates") / "business.yaml")
EMAIL_ONLY = """\
account_id: {account}
extends: ../templates/business.yaml
contact:
  email: billing@{account}.example
"""


def zp(sb: Any, *args: str) -> Any:
    return CliRunner().invoke(cli, list(args), env={**sb.env(), "NO_COLOR": "1"})


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "templates").mkdir()
    (tmp_path / "accounts").mkdir()
    (tmp_path / "templates" / "business.yaml").write_text(TEMPLATE, encoding="utf-8")
    return tmp_path


def test_the_preview_shows_who_is_billed_and_where_it_was_written(sandbox: Any, tree: Path) -> None:
    (tree / "accounts" / "new.yaml").write_text(
        "account_id: sub_new\nextends: ../templates/business.yaml\n", encoding="utf-8"
    )
    sb = sandbox(SEED)
    ran = zp(sb, "plan", "accounts", "--out", "plan.json")
    assert ran.exit_code == 0, ran.stderr
    lines = ran.stdout.splitlines()
    start = lines.index(f"    +   billing contact sent, from {TEMPLATE_SHOWN}:")
    assert lines[start + 1 : start + 5] == [
        "    +     name Ada Lovelace   (lines 3, 4)",
        "    +     email billing@template.example   (line 5)",
        "    +     country GB   (line 11)",
        "    +     phone ending 42, street address, city, state, zip: sent, not shown "
        "(in the plan file)",
    ]
    assert "7946" not in ran.stdout and "Main St" not in ran.stdout
    markdown = zp(sb, "plan", "accounts", "--format", "markdown")
    assert "+     name Ada Lovelace   (lines 3, 4)" in markdown.stdout
    assert "Main St" not in markdown.stdout and "7946" not in markdown.stdout
    data = json.loads((tree / "plan.json").read_text())
    assert schema_problems(data) == []
    (account,) = data["accounts"]
    assert account["actions"][0]["body"]["contact"]["address"] == "1 Main St"  # what is sent
    assert set(account["contact_from"]) == set(account["actions"][0]["body"]["contact"])
    assert Plan.from_json(data).accounts[0].contact_from == tuple(account["contact_from"].items())
    assert sb.writes() == []


def test_an_email_only_contact_blocks_only_the_subscribe_and_sends_none_of_the_template(
    sandbox: Any, tree: Path
) -> None:
    for account, file in (("sub_new", "new.yaml"), ("sub_paid", "paid.yaml")):
        (tree / "accounts" / file).write_text(EMAIL_ONLY.format(account=account), "utf-8")
    sb = sandbox(SEED)
    new = str(Path("accounts") / "new.yaml")
    validated = zp(sb, "validate", "accounts")
    assert validated.exit_code == 0, validated.output
    assert f"{new}:3:1: warning: contact lacks first_name, last_name, phone_number" in (
        validated.output
    )
    planned = zp(sb, "plan", "accounts", "--format", "json")
    assert planned.exit_code == 1
    plans = {a["account_id"]: a for a in json.loads(planned.stdout)["accounts"]}
    assert plans["sub_paid"]["status"] == "in_sync"  # its contact is never sent: no block
    assert plans["sub_new"]["status"] == "blocked"
    (item,) = plans["sub_new"]["blocked"]
    assert item["reason"] == "subscribe_incomplete_contact"
    assert item["message"] == (
        "sub_new has no active subscription: subscribing it needs a complete billing contact, "
        f"and the contact at {new}:3:1 lacks first_name, last_name, phone_number, address, "
        "city, state, zip, country (a contact is one unit across extends: it takes nothing "
        f"from the one at {TEMPLATE_SHOWN}:3); complete it in "
        "the YAML"
    )
    assert "contact" not in item["body"]
    applied = zp(sb, "apply", "accounts", "--auto-approve", "--journal", "j.jsonl")
    assert applied.exit_code == 1
    assert sb.writes() == []
    for shown in (planned.output, applied.output):
        assert "Lovelace" not in shown and "Main St" not in shown


def test_a_contact_value_cannot_drive_the_terminal(sandbox: Any, tree: Path) -> None:
    contact = TEMPLATE.split("contact:\n", 1)[1].replace("Ada", '"Ada\\e[2J"')
    (tree / "accounts" / "new.yaml").write_text(
        f"account_id: sub_new\nextends: ../templates/business.yaml\ncontact:\n{contact}", "utf-8"
    )
    ran = zp(sandbox(SEED), "plan", "accounts")
    assert ran.exit_code == 0, ran.stderr
    assert "name Ada\\x1b[2J Lovelace   (lines 4, 5)" in ran.stdout
    assert "\x1b" not in ran.stdout


def test_the_planner_blocks_a_subscribe_whose_contact_lacks_a_field() -> None:
    """The same check for a contact built without files (no origin to name)."""
    plans = {"plan_base": {"type": "business_monthly", "hosts": 10}}
    partial = {k: v for k, v in CONTACT.items() if k not in ("zip", "phone_number")}
    wanted = DesiredAccount("sub_1", SourceMark("a.yaml", 1), plans, contact=partial)
    blocked = plan_account(wanted, LivePlans("sub_1", None), PlanOptions())
    assert blocked.status == "blocked" and blocked.actions == ()
    assert [(b.reason_code, b.op) for b in blocked.blocked] == [
        ("subscribe_incomplete_contact", "subscribe")
    ]
    assert blocked.blocked[0].message == (
        "sub_1 has no active subscription: subscribing it needs a complete billing contact, "
        "and the contact lacks phone_number, zip; complete it in the YAML"
    )
    assert blocked.contact_from == ()
    whole = DesiredAccount("sub_1", SourceMark("a.yaml", 1), plans, contact=CONTACT)
    sent = plan_account(whole, LivePlans("sub_1", None), PlanOptions())
    assert sent.status == "changes" and sent.actions[0].body["contact"] == CONTACT

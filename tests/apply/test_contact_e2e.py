"""The billing contact as desired state (issue 23), over HTTP against a sandbox whose reads trail.

sub_bill's contact in Zoom differs from its file in `email` and `city`: `plan` shows one
`update_contact` PATCH whose body is exactly those two fields (the city masked in every output),
`apply` sends it and reads the contact until it shows, the journal never holds the city or the
phone number, and a new plan is in sync. The self-pay account is reported, never written.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from reconciler.cli import cli
from reconciler.zoom_2026.validation import request_problems

CONTACT = Path(__file__).parent / "fixtures" / "contact"
FILES = str(CONTACT / "files")
FAST = ("--verify-timeout", "5")


def run(sb: Any, *args: str) -> Any:
    return CliRunner().invoke(cli, list(args), env=sb.env())


def patches(sb: Any) -> list[Any]:
    return [r for r in sb.requests if r.method == "PATCH"]


def test_a_drifted_contact_is_one_patch_of_the_differing_fields(
    sandbox: Any, tmp_path: Path
) -> None:
    sb = sandbox(CONTACT / "seed.yaml", read_lag_s=0.3)
    saved, journal = tmp_path / "plan.json", tmp_path / "journal.jsonl"
    made = run(sb, "plan", FILES, "--out", str(saved))
    assert made.exit_code == 1, made.output  # sub_self is blocked (self-pay)
    assert "~ billing contact: email billing@acme.example -> ap@acme.example" in made.output
    assert "~ billing contact: city (not shown) -> (not shown, changed)" in made.output
    assert "1 billing contact(s) to update" in made.output
    assert "Manchester" not in made.output and "London" not in made.output
    plan = json.loads(saved.read_text())
    assert plan["summary"]["actions"]["update_contact"] == 1
    (account,) = [a for a in plan["accounts"] if a["account_id"] == "sub_bill"]
    (action,) = account["actions"]
    assert (action["op"], action["class"], action["method"], action["path"]) == (
        "update_contact", "contact_change", "PATCH", "/accounts/sub_bill/billing",
    )  # fmt: skip
    assert action["body"] == {"email": "ap@acme.example", "city": "Manchester"}
    assert "Manchester" not in json.dumps([action["before"], action["after"]])
    assert not patches(sb)

    applied = run(sb, "apply", FILES, "--auto-approve", "--journal", str(journal), *FAST)
    assert "sub_bill: applied (1/1 calls)" in applied.output, applied.output
    (sent,) = patches(sb)
    assert sent.path == "/v2/accounts/sub_bill/billing"
    assert sent.body == {"email": "ap@acme.example", "city": "Manchester"}
    assert request_problems("PATCH", sent.path, sent.body) == []
    text = journal.read_text()
    assert "ap@acme.example" in text and "Manchester" not in text and "7946" not in text
    assert "a read of the billing contact shows it: settled" in text

    again = run(sb, "plan", FILES)
    assert "update_contact" not in again.output and "billing contact" not in again.output
    assert "1 in sync" in again.output, again.output
    assert len(patches(sb)) == 1
    assert not [r for r in sb.requests if "sub_self" in r.path and r.method != "GET"]


def test_a_contact_equal_but_for_undeclared_or_read_only_fields_sends_nothing(
    sandbox: Any, tmp_path: Path
) -> None:
    """Absence never clears a field; `employee_count` differing is reported, not sent."""
    files = tmp_path / "files"
    files.mkdir()
    (files / "bill.yaml").write_text(
        "account_id: sub_bill\ncontact:\n  first_name: Ada\n  last_name: Lovelace\n"
        "  email: billing@acme.example\n  phone_number: '+44 20 7946 0012'\n"
        "  address: 1 Main St\n  city: London\n  state: London\n  zip: EC1A 1BB\n"
        "  country: GB\n  employee_count: 60\n"
        "plans:\n  plan_base: {type: business_monthly, hosts: 20}\n"
    )
    seed = CONTACT / "seed.yaml"
    sb = sandbox(seed)
    made = run(sb, "plan", str(files))
    assert made.exit_code == 0, made.output
    assert "? contact: unmanaged, employee_count is 51 in Zoom, 60 in the file" in made.output
    assert "update_contact" not in made.output and "1 in sync" in made.output


def test_a_saved_plan_with_a_contact_change_is_proved_and_applied(
    sandbox: Any, tmp_path: Path
) -> None:
    """`apply --plan`: the saved update_contact is planned again (the contact read again) and
    holds, so it is sent; nothing else is."""
    sb = sandbox(CONTACT / "seed.yaml")
    saved, journal = tmp_path / "plan.json", tmp_path / "journal.jsonl"
    run(sb, "plan", FILES, "--out", str(saved))
    applied = run(sb, "apply", FILES, "--plan", str(saved), "--journal", str(journal), *FAST)
    assert "sub_bill: applied (1/1 calls)" in applied.output, applied.output
    assert [r.body for r in patches(sb)] == [{"email": "ap@acme.example", "city": "Manchester"}]


def test_a_contact_body_edited_after_review_is_refused(sandbox: Any, tmp_path: Path) -> None:
    sb = sandbox(CONTACT / "seed.yaml")
    saved = tmp_path / "plan.json"
    run(sb, "plan", FILES, "--out", str(saved))
    data = json.loads(saved.read_text())
    (account,) = [a for a in data["accounts"] if a["account_id"] == "sub_bill"]
    account["actions"][0]["body"]["email"] = "someone-else@evil.example"
    saved.write_text(json.dumps(data))
    refused = run(sb, "apply", FILES, "--plan", str(saved), "--journal", str(tmp_path / "j"))
    assert refused.exit_code == 1, refused.output
    assert "differs from the reviewed 'ap@acme.example'" in refused.output
    assert not patches(sb)

"""`zoomplans import` writes the billing contact it reads (issue 23): by default only what every
output shows in full (the masked phone number and postal address left out, with a comment),
every field with --with-contact; the file validates and plans in sync against the sandbox, and
a contact that cannot be read (self-pay, a missing scope) is a note, never a failed import."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from reconciler.importing import ImportRequest, import_accounts
from reconciler.importing.check import check_written
from reconciler.zoom import SelfPayAccount
from tests.fakes import FakeZoom
from tests.importing.test_run import NOW, base
from tests.sample_contact import CONTACT as SAMPLE_CONTACT

#: The tests' sample contact as Zoom's GET /billing answers it (apt and the range text too).
CONTACT = {**SAMPLE_CONTACT, "apt": "Floor 2", "employee_count": "51-200"}
SHOWN = {"first_name": "Ada", "last_name": "Lovelace", "email": "billing@acme.example",
         "country": "GB"}  # fmt: skip
ACME = "acme-emea--sub_8jk2lm.yaml"


def seeded(small_seed: Callable[..., Any]) -> dict[str, Any]:
    seed: dict[str, Any] = small_seed()
    seed["accounts"]["sub_8Jk2Lm"]["billing"] = CONTACT
    return seed


def test_import_writes_the_shown_fields_and_plans_in_sync_for_the_contact(
    sandbox: Any, cli: Callable[..., Any], small_seed: Callable[..., Any], tmp_path: Path
) -> None:
    sb = sandbox(seed=seeded(small_seed))
    imported = cli("import", "--account", "sub_8Jk2Lm", env=sb.env(), cwd=tmp_path)
    assert imported.returncode == 0, imported.stdout + imported.stderr
    text = (tmp_path / "accounts" / ACME).read_text()
    assert yaml.safe_load(text)["contact"] == SHOWN
    assert (
        "# contact: Zoom also holds phone_number, address, apt, city, state, zip (masked in "
        "every output, so left out of a file in git); `zoomplans import --with-contact` writes "
        "them"
    ) in text
    for hidden in ("7946", "Main St", "Floor 2", "London", "EC1A"):
        assert hidden not in text + imported.stdout
    assert cli("validate", "accounts/", env=sb.env(), cwd=tmp_path).returncode == 0

    planned = cli("-v", "plan", "accounts/", "--detailed-exitcode", env=sb.env(), cwd=tmp_path)
    assert planned.returncode == 0, planned.stdout + planned.stderr  # in sync, contact included
    assert "/accounts/sub_8Jk2Lm/billing" in planned.stderr  # the contact was read and compared

    # The written contact is desired state: a changed e-mail is one PATCH of exactly that field.
    acme = tmp_path / "accounts" / ACME
    acme.write_text(text.replace("billing@acme.example", "invoices@acme.example"))
    changed = cli("plan", "accounts/", "--out", "plan.json", "--detailed-exitcode",
                  env=sb.env(), cwd=tmp_path)  # fmt: skip
    assert changed.returncode == 2, changed.stdout + changed.stderr
    (account,) = json.loads((tmp_path / "plan.json").read_text())["accounts"]
    assert [(a["op"], a["body"]) for a in account["actions"]] == [
        ("update_contact", {"email": "invoices@acme.example"})
    ]
    assert sb.writes() == []


def test_with_contact_writes_every_field_as_read_and_plans_in_sync(
    sandbox: Any, cli: Callable[..., Any], small_seed: Callable[..., Any], tmp_path: Path
) -> None:
    sb = sandbox(seed=seeded(small_seed))
    imported = cli(
        "import", "--account", "sub_8Jk2Lm", "--with-contact", env=sb.env(), cwd=tmp_path
    )
    assert imported.returncode == 0, imported.stdout + imported.stderr
    text = (tmp_path / "accounts" / ACME).read_text()
    written = yaml.safe_load(text)["contact"]
    # Every field Zoom's PATCH takes, as read; employee_count is Zoom's range text, never set.
    assert written == {k: v for k, v in CONTACT.items() if k != "employee_count"}
    assert "--with-contact" not in text
    planned = cli("plan", "accounts/", "--detailed-exitcode", env=sb.env(), cwd=tmp_path)
    assert planned.returncode == 0, planned.stdout + planned.stderr


def test_a_missing_billing_scope_is_one_note_and_the_files_are_written_without_contact(
    sandbox: Any, cli: Callable[..., Any], small_seed: Callable[..., Any], tmp_path: Path
) -> None:
    seed = seeded(small_seed)
    seed["credentials"]["scopes"] = [
        "account:read:list_sub_accounts:master",
        "billing:read:plan_information:master",
    ]
    sb = sandbox(seed=seed)
    imported = cli("import", "--account", "sub_8Jk2Lm", "--account", "sub_pro",
                   env=sb.env(), cwd=tmp_path)  # fmt: skip
    assert imported.returncode == 0, imported.stdout + imported.stderr
    assert "Written without a billing contact:\n  contact reads stopped" in imported.stdout
    # One note for the run, not one per account: every further read would fail the same way.
    assert imported.stdout.count("billing:read:billing_information:master") == 1
    for path in (tmp_path / "accounts").glob("*.yaml"):
        assert "contact" not in yaml.safe_load(path.read_text()), path


async def test_a_self_pay_contact_is_a_note_and_the_others_are_written(tmp_path: Path) -> None:
    zoom = FakeZoom(
        {"sub_a": base(), "sub_b": base()},
        contacts={
            "sub_a": SelfPayAccount(
                "sub_a: self pay", status=400, code=2100, method="GET", path="/billing"
            ),
            "sub_b": CONTACT,
        },
    )
    request = ImportRequest(out_dir=tmp_path, source="http://127.0.0.1:1/v2", now=NOW)
    report = await import_accounts(zoom, request)
    assert not report.failed and report.count("written") == 2
    assert report.contact_notes == (
        ("sub_a", "self-pay: Zoom keeps its billing contact; none written"),
    )
    files = {yaml.safe_load(p.read_text())["account_id"]: p for p in tmp_path.glob("*.yaml")}
    assert "contact" not in yaml.safe_load(files["sub_a"].read_text())
    assert yaml.safe_load(files["sub_b"].read_text())["contact"] == SHOWN
    # An unsubscribed account's contact is not read: nothing in Zoom to compare it with.
    assert [c for c in zoom.calls if c[0] == "get_billing"] == [
        ("get_billing", "sub_a"),
        ("get_billing", "sub_b"),
    ]


async def test_an_existing_file_s_own_contact_is_kept_over_zoom_s(tmp_path: Path) -> None:
    mine = {"email": "me@acme.example"}
    plans = {"plan_base": {"type": "business_monthly", "hosts": 10}}
    document = {"account_id": "sub_a", "contact": mine, "plans": plans}
    (tmp_path / "a.yaml").write_text(yaml.safe_dump(document))
    zoom = FakeZoom({"sub_a": base()}, contacts={"sub_a": CONTACT})
    request = ImportRequest(out_dir=tmp_path, source="http://x/v2", now=NOW, force=True)
    report = await import_accounts(zoom, request)
    assert report.count("overwritten") == 1
    data = yaml.safe_load((tmp_path / "a.yaml").read_text())
    assert data["contact"] == mine and data["plans"]["plan_base"]["hosts"] == 20
    assert "--with-contact" not in (tmp_path / "a.yaml").read_text()


async def test_a_value_the_schema_refuses_is_left_out_by_name_and_the_file_loads_clean(
    tmp_path: Path,
) -> None:
    odd = {**CONTACT, "email": "accounts payable", "country": "USA"}
    zoom = FakeZoom({"sub_a": base()}, contacts={"sub_a": odd})
    request = ImportRequest(out_dir=tmp_path, source="http://x/v2", now=NOW, with_contact=True)
    report = await import_accounts(zoom, request)
    (path,) = report.written_paths
    text = path.read_text()
    assert "# contact: Zoom's email, country left out: the value is not one a file may" in text
    assert "USA" not in text and "accounts payable" not in text
    assert yaml.safe_load(text)["contact"]["first_name"] == "Ada"
    assert check_written(report.written_paths) == []

"""`contact` across `extends`: one unit, the nearest layer that sets it wins whole.

An account that sets only `email` must never send the template's name and address (a person
nobody wrote down); its incomplete contact is named, located, where it would matter.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from reconciler.desired.layering import Layered, merge
from reconciler.desired.loader import load_desired
from reconciler.desired.model import SUBSCRIBE_CONTACT_FIELDS
from reconciler.desired.reader import Location, read_bytes
from reconciler.desired.schema import account_schema

# Files are written under tmp_path, which is then the root `extends` may read from.
pytestmark = pytest.mark.usefixtures("in_tmp_tree")

TEMPLATE = """\
plans: {plan_base: {type: business_monthly, hosts: 10}}
contact:
  first_name: Ada
  last_name: Lovelace
  email: billing@template.example
  phone_number: "+44 20 7946 0000"
  address: 1 Main St
  city: London
  state: London
  zip: EC1A 1BB
  country: GB
"""
EMAIL_ONLY = """\
account_id: sub_a
extends: t.yaml
contact:
  email: billing@a.example
"""
TEMPLATE_FIELDS = {
    "first_name",
    "last_name",
    "phone_number",
    "address",
    "city",
    "state",
    "zip",
    "country",
}


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def layered(text: str, file: str) -> Layered:
    (document,) = read_bytes(text.encode(), file).documents
    return Layered(document.data, dict(document.values), (file,))


def test_the_nearest_contact_wins_whole_and_keeps_its_own_locations() -> None:
    merged = merge(layered(TEMPLATE, "t.yaml"), layered(EMAIL_ONLY, "a.yaml"))
    assert merged.data["contact"] == {"email": "billing@a.example"}
    assert merged.at(("contact", "email")) == Location("a.yaml", 4, 10)
    assert all(
        path[:1] != ("contact",) or loc.file == "a.yaml" for path, loc in merged.values.items()
    )
    assert merged.contact_replaced == Location("t.yaml", 3, 3)
    # Everything else still merges key by key.
    assert merged.data["plans"] == {"plan_base": {"type": "business_monthly", "hosts": 10}}


def test_a_contact_from_a_template_is_inherited_whole_through_a_chain() -> None:
    near = merge(layered(TEMPLATE, "base.yaml"), layered("contact: {country: DE}\n", "emea.yaml"))
    account = merge(near, layered("account_id: sub_b\n", "b.yaml"))
    assert account.data["contact"] == {"country": "DE"}
    assert account.at(("contact", "country")) == Location("emea.yaml", 1, 20)
    assert account.contact_replaced == Location("base.yaml", 3, 3)
    untouched = merge(layered(TEMPLATE, "base.yaml"), layered("account_id: sub_c\n", "c.yaml"))
    assert untouched.contact_replaced is None
    assert untouched.data["contact"]["email"] == "billing@template.example"


def test_an_email_only_contact_is_named_located_and_not_completed(tmp_path: Path) -> None:
    write(tmp_path / "t.yaml", TEMPLATE)
    account = write(tmp_path / "a.yaml", EMAIL_ONLY)
    state = load_desired([account])
    assert [(p.file, p.line, p.column, p.severity) for p in state.problems] == [
        (str(account), 3, 1, "warning")
    ]
    message = state.problems[0].message
    assert message.startswith(
        "contact lacks first_name, last_name, phone_number, address, city, state, zip, "
        "country, which Zoom needs to subscribe: a contact is one unit across extends, so this "
        f"one takes nothing from the contact at {tmp_path / 't.yaml'}:3;"
    )
    assert "Lovelace" not in message and "Main St" not in message
    (loaded,) = state.accounts  # loaded: a subscribed account never sends its contact
    assert loaded.contact == {"email": "billing@a.example"}
    assert set(loaded.contact_missing) == TEMPLATE_FIELDS
    assert loaded.contact_origin is not None
    assert loaded.contact_origin.at == f"{account}:3:1"
    assert loaded.contact_origin.fields == (("email", f"{account}:4"),)
    assert loaded.contact_origin.replaced == f"{tmp_path / 't.yaml'}:3"
    strict = load_desired([account], strict=True)
    assert [p.severity for p in strict.problems] == ["error"] and strict.accounts == []


def test_a_complete_contact_replaces_the_template_one_silently(tmp_path: Path) -> None:
    write(tmp_path / "t.yaml", TEMPLATE)
    own = TEMPLATE.split("contact:\n", 1)[1].replace("Ada", "Grace").replace("template", "b")
    account = write(tmp_path / "b.yaml", f"account_id: sub_b\nextends: t.yaml\ncontact:\n{own}")
    state = load_desired([account])
    assert state.problems == []
    (loaded,) = state.accounts
    assert loaded.contact is not None and loaded.contact["first_name"] == "Grace"
    assert loaded.contact_missing == ()
    assert loaded.contact_origin is not None
    assert {where.rsplit(":", 1)[0] for _, where in loaded.contact_origin.fields} == {str(account)}


def test_a_partial_contact_with_no_template_contact_loads_clean(tmp_path: Path) -> None:
    """A subscribed account's contact is compared field by field (a field left out is never
    compared or cleared), so a partial contact is valid: `zoomplans import` writes one without
    the masked fields. Only a subscribe needs every field, and plan blocks it naming them."""
    write(tmp_path / "t.yaml", "plans: {plan_base: {type: business_monthly, hosts: 10}}\n")
    account = write(tmp_path / "a.yaml", EMAIL_ONLY)
    state = load_desired([account])
    assert state.problems == []
    (loaded,) = state.accounts
    assert loaded.contact == {"email": "billing@a.example"}
    assert set(loaded.contact_missing) == TEMPLATE_FIELDS


def test_the_schema_requires_no_contact_field_and_names_those_a_subscribe_needs() -> None:
    contact = account_schema()["$defs"]["contact"]
    assert "required" not in contact
    assert set(SUBSCRIBE_CONTACT_FIELDS) <= set(contact["properties"])
    assert ", ".join(SUBSCRIBE_CONTACT_FIELDS) in contact["description"]

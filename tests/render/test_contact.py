"""render/contact.py: the contact preview lines, from hand-built subscribe actions."""

from __future__ import annotations

from reconciler.planner.model import Action
from reconciler.render.contact import contact_lines
from tests.sample_contact import CONTACT

P = "/accounts/sub_1/plans"


def subscribe(contact: dict[str, str] | None) -> Action:
    body = {"plan_base": {"type": "business_monthly", "hosts": 10}}
    if contact is not None:
        body = {"contact": contact, **body}
    return Action(
        op="subscribe",
        klass="subscribe",
        method="POST",
        path=P,
        body=body,
        before=None,
        after={"plan_base": {}},
    )


def test_only_a_subscribe_with_a_contact_has_a_preview() -> None:
    assert contact_lines(subscribe(None), ()) == []
    seats = Action(
        op="update_base",
        klass="seat_increase",
        method="PUT",
        path=f"{P}/base",
        body={"contact": CONTACT},
    )
    assert contact_lines(seats, ()) == []


def test_fields_written_in_several_files_are_named_with_their_file() -> None:
    """A plan file from before contacts were one unit may still say so: each place is shown."""
    where = (("first_name", "t.yaml:3"), ("last_name", "a.yaml:4"), ("email", "a.yaml:5"))
    assert contact_lines(subscribe(CONTACT), where) == [
        ("+", "  billing contact sent:"),
        ("+", "    name Ada Lovelace   (t.yaml:3, a.yaml:4)"),
        ("+", "    email billing@acme.example   (a.yaml:5)"),
        ("+", "    country GB"),
        ("+", "    phone ending 00, street address, city, state, zip: sent, not shown "
              "(in the plan file)"),
    ]  # fmt: skip


def test_a_plan_file_without_places_still_shows_who_is_billed() -> None:
    lines = contact_lines(subscribe(CONTACT), ())
    assert lines[:2] == [("+", "  billing contact sent:"), ("+", "    name Ada Lovelace")]


def test_a_huge_or_short_value_stays_one_short_line() -> None:
    odd = {**CONTACT, "email": "x" * 500 + "@a.example", "phone_number": "12"}
    lines = {text.split()[0]: text.strip() for _, text in contact_lines(subscribe(odd), ())}
    assert lines["email"] == "email " + "x" * 77 + "..."
    assert lines["phone,"].startswith("phone, street address")  # two digits: none shown
    assert all("\n" not in text for _, text in contact_lines(subscribe(odd), ()))

"""The billing contact import writes: GET /accounts/{id}/billing of each subscribed account.

`plan` compares a file's `contact` with Zoom's, field by field (a field the file leaves out is
not compared), so a contact written as read plans in sync. Files go to git, read by more people
than the billing team, so by default import writes only what every output shows in full (names,
e-mail, country: ``zoom.contact_fields``) and names in a comment the fields it left out (the
phone number and the postal address); ``--with-contact`` writes every field as Zoom answered it.
Only the fields Zoom's PATCH takes are written: `employee_count` is answered as a range ("11-50")
no call can set. Empty fields are left out (absence never clears a field), and so is a value the
account schema refuses (a country that is not a two-letter code, say): a file import wrote must
load clean, and the comment names such a field without its value.

A contact that cannot be read never stops the import: a self-pay account (2100) or any other
refusal is noted for that account; a missing scope, refused credentials or the daily limit end
the contact reads (every further one would fail the same way) with one note, and the files are
written without a contact.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from jsonschema import Draft202012Validator

from reconciler.desired.packaged_schemas import inline_refs
from reconciler.desired.schema import account_schema
from reconciler.zoom.contact_fields import CONTACT_PATCH_FIELDS, MASKED_CONTACT_FIELDS
from reconciler.zoom.contact_reads import ContactReader
from reconciler.zoom.errors import AuthError, RateLimited, SelfPayAccount, ZoomError

#: Contact reads in flight at once; the client's pacer decides the actual rate.
_CONCURRENCY = 8


@dataclass(frozen=True)
class ImportedContact:
    """What the file declares as `contact`, and the fields Zoom holds that were left out."""

    fields: Mapping[str, str]
    left_out: tuple[str, ...] = ()
    #: Fields Zoom holds whose value the account schema refuses: not written.
    refused: tuple[str, ...] = ()


@dataclass(frozen=True)
class ContactReads:
    """The contacts read, by account id, and a sentence per account (or one for the run) that
    says why a contact is missing."""

    contacts: Mapping[str, ImportedContact]
    notes: tuple[tuple[str, str], ...]


def contact_to_write(answer: Mapping[str, Any], *, with_contact: bool) -> ImportedContact:
    """The fields of one GET /billing answer a file declares (in PATCH's order)."""
    fields: dict[str, str] = {}
    left_out: list[str] = []
    refused: list[str] = []
    for name in CONTACT_PATCH_FIELDS:
        value = answer.get(name)
        text = "" if value is None else str(value).strip()
        if not text:
            continue
        if name in MASKED_CONTACT_FIELDS and not with_contact:
            left_out.append(name)
        elif not _field_check(name).is_valid(text):
            refused.append(name)
        else:
            fields[name] = text
    return ImportedContact(fields, tuple(left_out), tuple(refused))


@cache
def _field_check(name: str) -> Draft202012Validator:
    """The account schema's rule for one contact field (its `$ref`s inlined)."""
    schema = account_schema()
    return Draft202012Validator(inline_refs(schema["$defs"]["contact"]["properties"][name], schema))


def _said(error: ZoomError, account_id: str) -> str:
    text = str(error)
    return text.removeprefix(f"{account_id}: ")


async def read_contacts(
    client: ContactReader, account_ids: Iterable[str], *, with_contact: bool
) -> ContactReads:
    """Read the contacts of ``account_ids``; never raises a ZoomError."""
    gate = asyncio.Semaphore(_CONCURRENCY)
    stopped: list[str] = []
    contacts: dict[str, ImportedContact] = {}
    notes: list[tuple[str, str]] = []

    async def one(account_id: str) -> None:
        async with gate:
            if stopped:
                return
            try:
                answer = await client.get_billing(account_id)
            except (AuthError, RateLimited) as exc:
                if not stopped:
                    stopped.append(f"contact reads stopped, later accounts have none: {exc}")
                return
            except SelfPayAccount:
                notes.append((account_id, "self-pay: Zoom keeps its billing contact; none written"))
                return
            except ZoomError as exc:
                notes.append((account_id, f"contact not read: {_said(exc, account_id)}"))
                return
        contact = contact_to_write(answer, with_contact=with_contact)
        if contact.fields:
            contacts[account_id] = contact

    await asyncio.gather(*(one(i) for i in sorted(set(account_ids))))
    run_notes = [("*", stopped[0])] if stopped else []
    return ContactReads(contacts, tuple(run_notes + sorted(notes)))

"""The billing contact as desired state: the file's `contact` against GET /billing.

Zoom bills whoever the contact names, so a contact that drifted from its file is a change a
reviewer must see (class `contact_change`, after every plan call). Only the fields that differ
are sent (PATCH takes any subset), a field the file leaves out is never cleared, and
`employee_count` is compared only when the file declares it: Zoom's PATCH has no such field, so
a difference there is reported, not sent. A self-pay account's contact is Zoom's to keep
(GET /billing answers 2100): reported, not sent.

`before`/`after` hold the differing fields with the phone number and postal address masked
(`zoom.contact_fields`): they are what every output shows; only `body` carries the values sent.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from reconciler.desired.model import DesiredAccount
from reconciler.groups.normalise import PlanShapeError, normalise_plans
from reconciler.groups.operations import Op
from reconciler.planner.draft import AccountDraft
from reconciler.planner.model import Action, UnmanagedItem
from reconciler.zoom.contact_fields import (
    CONTACT_PATCH_FIELDS,
    READ_ONLY_CONTACT_FIELDS,
    masked_contact,
)
from reconciler.zoom.contact_reads import ContactRead
from reconciler.zoom.errors import SelfPayAccount

#: The group name a contact call and its findings are filed under.
CONTACT_GROUP = "contact"


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def contact_differences(
    declared: Mapping[str, Any], live: Mapping[str, Any]
) -> tuple[dict[str, str], dict[str, str]]:
    """(the PATCH fields that differ, with the file's values; the read-only fields that differ).

    A field the file does not declare (or declares empty) is not compared: absence never
    clears a field. Values compare as trimmed text (Zoom answers `employee_count` as text)."""
    sent: dict[str, str] = {}
    reported: dict[str, str] = {}
    for field, value in declared.items():
        wanted = _text(value)
        if not wanted or wanted == _text(live.get(field)):
            continue
        if field in CONTACT_PATCH_FIELDS:
            sent[field] = wanted
        elif field in READ_ONLY_CONTACT_FIELDS:
            reported[field] = wanted
    return sent, reported


def plan_contact(
    draft: AccountDraft, declared: Mapping[str, Any] | None, read: ContactRead | None
) -> None:
    """Add the account's `update_contact` call (or what is reported instead) to its draft."""
    if not declared or read is None:
        return
    if read.error is not None or read.contact is None:
        why = (
            "a self-pay account: Zoom bills it directly and keeps its billing contact"
            if isinstance(read.error, SelfPayAccount)
            else f"Zoom's billing contact could not be read ({read.error})"
        )
        draft.unmanaged.append(
            UnmanagedItem(group=CONTACT_GROUP, type=None, detail=f"{why}; not compared, not sent")
        )
        return
    sent, reported = contact_differences(declared, read.contact)
    for field, wanted in reported.items():
        draft.unmanaged.append(
            UnmanagedItem(
                group=CONTACT_GROUP,
                type=None,
                detail=(
                    f"{field} is {_text(read.contact.get(field)) or 'empty'} in Zoom, "
                    f"{wanted} in the file; Zoom's billing update cannot set it, so it is "
                    "reported, not sent"
                ),
            )
        )
    if not sent:
        return
    before = masked_contact({field: read.contact.get(field) for field in sent})
    after = masked_contact(sent)
    for field, shown in after.items():
        if shown == before[field]:  # both masked alike: still say that it changes
            after[field] = f"{shown[:-1]}, changed)" if str(shown).endswith(")") else shown
    draft.call(
        Action.for_call(
            Op.UPDATE_CONTACT,
            draft.account_id,
            body=sent,
            before=before,
            after=after,
            group=CONTACT_GROUP,
        )
    )


def compares_contact(desired: DesiredAccount, raw_plans: Mapping[str, Any] | None) -> bool:
    """Is this account's billing contact read and compared? Only when its file declares one
    and it is subscribed (an unsubscribed account sends its contact with the subscribe)."""
    if not desired.contact or raw_plans is None:
        return False
    try:
        return normalise_plans(raw_plans).subscribed
    except PlanShapeError:
        return False

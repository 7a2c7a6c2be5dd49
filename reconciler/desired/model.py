"""The desired state: what the YAML files say each sub-account should pay for.

`plans` keeps Zoom's own field names (SPEC section 3) as plain JSON-like data, after `extends`
layering. It is deliberately not normalised here: the planner normalises desired and live plans
with the same code, so both sides go through one reading of Zoom's shapes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from reconciler.desired.problems import Problem


@dataclass(frozen=True)
class SourceMark:
    """Where a document starts: `accounts/acme.yaml:1` in plans and messages."""

    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


#: The billing-contact fields Zoom requires to subscribe (BillingContactRequired, 2026 Billing
#: API; `apt` is optional). The published schema's `contact.required` lists the same fields.
SUBSCRIBE_CONTACT_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "phone_number",
    "address",
    "city",
    "state",
    "zip",
    "country",
)


@dataclass(frozen=True)
class ContactOrigin:
    """Where an account's billing contact was written, so a reviewer can see whose it is.

    `contact` is one unit across `extends` (the nearest layer that sets it wins whole), so
    every field comes from the one file named in `at`; `fields` keeps each field's own line.
    """

    at: str  # `file:line:column` of the `contact:` key that won
    fields: tuple[tuple[str, str], ...] = ()  # (field, `file:line`) in the order written
    replaced: str | None = None  # `file:line` of a template's contact this one replaced whole

    @property
    def file(self) -> str:
        return self.at.rsplit(":", 2)[0]


@dataclass(frozen=True)
class DesiredAccount:
    """One sub-account as declared. Treat `plans`, `labels` and `contact` as read-only."""

    account_id: str
    source: SourceMark
    plans: Mapping[str, Any]
    name: str | None = None
    labels: Mapping[str, str] = field(default_factory=dict)
    contact: Mapping[str, str] | None = None
    #: Where `contact` came from (not part of the fingerprint: moving a file changes no call).
    contact_origin: ContactOrigin | None = None
    #: Zoom's `subscription_options` for the subscribe POST (contract term, purchase order
    #: number, deal registration id, dates); sent only when the account is subscribed.
    subscription_options: Mapping[str, Any] | None = None

    @property
    def contact_missing(self) -> tuple[str, ...]:
        """The fields Zoom needs to subscribe that the contact lacks (all of them without one)."""
        contact = self.contact or {}
        return tuple(name for name in SUBSCRIBE_CONTACT_FIELDS if not contact.get(name))

    def to_json(self) -> dict[str, Any]:
        """The canonical form hashed into the plan's `desired_sha256`."""
        return {
            "account_id": self.account_id,
            "name": self.name,
            "labels": dict(self.labels),
            "contact": dict(self.contact) if self.contact is not None else None,
            "plans": self.plans,
            **(
                {"subscription_options": dict(self.subscription_options)}
                if self.subscription_options is not None
                else {}
            ),
        }


@dataclass(frozen=True)
class DesiredState:
    """Everything loaded from the given paths, plus every problem found on the way."""

    accounts: Sequence[DesiredAccount]
    problems: Sequence[Problem]
    #: The account files read (templates named by `extends` are not counted), in load order.
    files: Sequence[str] = ()
    #: The templates `extends` read (real paths), so provenance can say whether any of them
    #: differs from the git commit the plan names.
    templates: Sequence[str] = ()

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors

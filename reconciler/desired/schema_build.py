"""The account JSON Schema, generated from the table of Zoom's plan groups.

`schemas/account.schema.json` is what `validate` checks a file against and what editors read, so
it must know every group the table knows, in Zoom's shape and nesting: writing it by hand would
be a second list of groups that drifts from the first. This module builds it from
`reconciler.groups.table`; `make schema` (`python -m reconciler.desired.schema_build`) writes
it, and `tests/desired/test_schema_build.py` fails when the committed file differs from what the
table gives.

The groups' part is `schema_plans.py`; this module adds the document's other keys (contact,
subscribe options, labels...) and the shared definitions, and writes the file.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from reconciler.desired.model import SUBSCRIBE_CONTACT_FIELDS
from reconciler.desired.schema_plans import (
    CANCEL_REASONS,
    EFFECTIVE_KEY,
    SCHEDULE_KEY,
    plans_schema,
    ref,
)

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "schemas" / "account.schema.json"
REGENERATE = "make schema (python -m reconciler.desired.schema_build)"
#: Zoom's contract terms, in months (POST /plans subscription_options.contract_term).
CONTRACT_TERMS = (1, 12, 24, 36, 48, 60, 72, 84, 96, 108, 120)


def _contact() -> dict[str, Any]:
    fields = ("first_name", "last_name", "email", "phone_number", "address", "apt")
    properties: dict[str, Any] = {name: ref("text") for name in fields}
    properties["email"] = {"type": "string", "pattern": "^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$"}
    properties.update(city=ref("text"), state=ref("text"), zip=ref("text"))
    properties["country"] = ref("country")
    properties["employee_count"] = {
        "description": "The number of employees of the sub-account's organisation (optional; "
        "Zoom's subscribe call takes it as text).",
        "type": ["integer", "string"],
        "minimum": 1,
        "pattern": "^[1-9][0-9]*$",
    }
    # No `required`: a subscribed account's contact is compared field by field (a field left
    # out is not compared, so `zoomplans import` writes one without the masked fields). The
    # fields Zoom needs to subscribe are checked where a subscribe is planned
    # (planner/subscribe.py).
    return {
        "description": "Billing contact: compared with Zoom's for a subscribed account, field by "
        "field (a field left out is never compared or cleared); to subscribe an account that "
        f"has no paid plan yet, Zoom needs {', '.join(SUBSCRIBE_CONTACT_FIELDS)}.",
        "type": "object",
        "properties": properties,
        "additionalProperties": False,
    }


def _subscription_options() -> dict[str, Any]:
    return {
        "description": "Zoom's subscription_options, sent with the subscribe call of an account "
        "that has no paid plan yet (one unit across extends, like contact).",
        "type": "object",
        "properties": {
            "contract_term": {
                "description": "The contract term in months, one of Zoom's terms.",
                "enum": list(CONTRACT_TERMS),
            },
            "purchase_order_number": ref("text"),
            "deal_registration_id": ref("text"),
            SCHEDULE_KEY: ref("scheduled_date"),
            EFFECTIVE_KEY: ref("scheduled_date"),
        },
        "additionalProperties": False,
    }


def _document_keys() -> dict[str, Any]:
    """The keys an account document and a template share (a template has no account_id)."""
    return {
        name: ref(name)
        for name in ("name", "labels", "extends", "contact", "subscription_options", "plans")
    }


def _defs() -> dict[str, Any]:
    reasons = "; ".join(f"{code} {words}" for code, words in CANCEL_REASONS.items())
    document_keys = _document_keys()
    return {
        "template": {
            "description": "A partial document named by `extends:`: shared plans, labels, "
            "contact, subscription options or name. No account_id.",
            "type": "object",
            "properties": document_keys,
            "additionalProperties": False,
        },
        "name": {"description": "A label for humans.", "type": "string", "minLength": 1},
        "labels": {
            "description": "Free labels used by --select KEY=VALUE.",
            "type": "object",
            "propertyNames": {"pattern": "^[A-Za-z0-9_.-]+$"},
            "additionalProperties": {"type": "string"},
        },
        "extends": {
            "description": "A template file, relative to this file, whose plans/labels/contact "
            "are layered under this document.",
            "type": "string",
            "minLength": 1,
        },
        "contact": _contact(),
        "subscription_options": _subscription_options(),
        "text": {"type": "string", "minLength": 1},
        "plan_type": {
            "description": "A Zoom plan type code, e.g. business_monthly.",
            "type": "string",
            "minLength": 1,
            "pattern": "^[A-Za-z0-9_]+$",
        },
        "bundle_type": {
            "description": "A Zoom bundle code, e.g. ACT-ENT-LMT_500-WBN_500-T_1-monthly.",
            "type": "string",
            "minLength": 1,
            "pattern": "^[A-Za-z0-9_-]+$",
        },
        "hosts": {
            "description": "Absolute number of licensed hosts.",
            "type": "integer",
            "minimum": 1,
            "maximum": 9999,
        },
        "engagements": {
            "description": "Absolute number of engagements: Zoom Virtual Agents count "
            "engagements in Zoom's `hosts` field.",
            "type": "integer",
            "minimum": 1,
        },
        "active_hosts": {
            "description": "Active hosts of an active-host base plan (e.g. Enterprise "
            "Essentials); Zoom shows 0 for other plans.",
            "type": "integer",
            "minimum": 0,
            "maximum": 9999,
        },
        "state": {
            "description": "Only `cancelled`: ask zoomplans to cancel this add-on (or, on "
            "plan_base, the base plan).",
            "enum": ["cancelled"],
        },
        "cancel_reason": {
            "description": f"Zoom's cancel reason, sent with the cancellation: {reasons}.",
            "type": "integer",
            "minimum": 1,
            "maximum": 6,
        },
        "cancel_comment": {
            "description": "A comment sent with the cancellation.",
            "type": "string",
            "minLength": 1,
        },
        "scheduled_date": {
            "description": "The day the change takes effect, YYYY-MM-DD, in the future (Zoom's "
            "paid_period_start_date; zoomplans sends it as service_effective_date too).",
            "type": "string",
            "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
        },
        "read_only_status": {
            "description": "Zoom's read-only status, accepted so a GET answer can be pasted. "
            "An entry Zoom lists as cancelled or expired describes the past and is ignored for "
            "planning (neither bought again nor cancelled). To cancel an add-on write "
            "`state: cancelled`.",
            "enum": ["active", "cancelled", "expired"],
        },
        "read_only_date": {
            "description": "Zoom's read-only date; accepted and ignored.",
            "type": "string",
        },
        "read_only_value": {"description": "Zoom's read-only fact; accepted and ignored."},
        "country": {
            "description": "Two-letter country code.",
            "type": "string",
            "pattern": "^[A-Z]{2}$",
        },
        "countries": {
            "description": 'A list of country codes, or Zoom\'s comma-separated string ("US,CA").',
            "type": ["array", "string"],
            "items": ref("country"),
            "uniqueItems": True,
            "pattern": "^ *([A-Z]{2}( *, *[A-Z]{2})*)? *$",
        },
        "plans": plans_schema(),
    }


def build_schema() -> dict[str, Any]:
    """The whole account schema, as `schemas/account.schema.json` holds it."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "urn:zoomplans:schemas:account",
        "title": "zoomplans desired-state document (one Zoom sub-account)",
        "description": "One YAML document per sub-account. Field names inside `plans` are "
        "Zoom's own, so a GET /accounts/{id}/plans answer can be pasted in (its read-only date "
        "and status fields are accepted and ignored; entries whose status is cancelled or "
        "expired are left out of the desired state).",
        "type": "object",
        "required": ["account_id"],
        "properties": {
            "account_id": {
                "description": "The Zoom sub-account id.",
                "type": "string",
                "minLength": 1,
                "pattern": "^[A-Za-z0-9_-]+$",
            },
            **_document_keys(),
        },
        "additionalProperties": False,
        "$defs": _defs(),
    }


def schema_text() -> str:
    """The file's exact text: two-space JSON and a final newline."""
    return json.dumps(build_schema(), indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write the schema (or, with --check, say whether the committed file is up to date)."""
    args = sys.argv[1:] if argv is None else argv
    text = schema_text()
    if "--check" in args:
        current = SCHEMA_FILE.read_text(encoding="utf-8") if SCHEMA_FILE.exists() else ""
        if current != text:
            print(f"{SCHEMA_FILE} is out of date: run {REGENERATE}", file=sys.stderr)
            return 1
        return 0
    SCHEMA_FILE.write_text(text, encoding="utf-8")
    print(f"wrote {SCHEMA_FILE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

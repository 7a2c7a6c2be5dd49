"""The account JSON Schema, generated from the table of Zoom's plan groups.

`schemas/account.schema.json` is what `validate` checks a file against and what editors read, so
it must know every group the table knows, in Zoom's shape and nesting: writing it by hand would
be a second list of groups that drifts from the first. This module builds it from
`reconciler.groups.table`; `make schema` (`python -m reconciler.desired.schema_build`) writes
it, and `tests/desired/test_schema_build.py` fails when the committed file differs from what the
table gives.

An entry of a group allows `type`, the row's `fields`, Zoom's read-only lifecycle keys (`status`
and the two dates, so a GET /plans answer can be pasted), and on entries a call can change:
`state: cancelled` with Zoom's cancel `reason` and `comment`, and `paid_period_start_date` (a
scheduled change). Seats are required unless the entry is being cancelled.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from reconciler.groups import table
from reconciler.groups.table import Call, PlanGroup, Shape

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "schemas" / "account.schema.json"
REGENERATE = "make schema (python -m reconciler.desired.schema_build)"
#: Zoom's contract terms, in months (POST /plans subscription_options.contract_term).
CONTRACT_TERMS = (1, 12, 24, 36, 48, 60, 72, 84, 96, 108, 120)
#: Zoom's cancel reasons (PATCH .../plans/base/status and .../plans/addons/status), paraphrased.
CANCEL_REASONS = {
    1: "no longer working remotely",
    2: "could not get the support needed",
    3: "the free Basic plan is enough",
    4: "too expensive",
    5: "bought the wrong product",
    6: "not needed now, will buy again later",
}
#: The key that makes an entry a scheduled change, and the read-only one it must equal.
SCHEDULE_KEY = "paid_period_start_date"
EFFECTIVE_KEY = "service_effective_date"
#: Zoom's facts about a Video SDK base plan that GET shows and no call sets.
BASE_READ_ONLY = ("included_minutes", "overage_price")

_REF = "#/$defs/"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": _REF + name}


_FIELD_SCHEMAS: dict[str, dict[str, Any]] = {
    "hosts": _ref("hosts"),
    "active_hosts": _ref("active_hosts"),
    "tollfree_countries": _ref("countries"),
    "premium_countries": _ref("countries"),
    "callout_countries": _ref("countries"),
    "ddi_numbers": {"type": "integer", "minimum": 0, "maximum": 9999},
}


def _field(group: PlanGroup, name: str) -> dict[str, Any]:
    if name == "hosts" and group.seat_noun != "hosts":
        return _ref("engagements")
    return _FIELD_SCHEMAS[name]


def _cancellable(group: PlanGroup) -> bool:
    """Entries a file may ask to cancel: the base plan (PATCH /plans/base/status) and every
    add-on a call manages (PATCH /plans/addons/status)."""
    return group.call is Call.BASE or group.is_addon


def _describe(group: PlanGroup) -> str:
    """The entry's description, as an editor shows it on hover."""
    if group.call is Call.BASE:
        return (
            "The base plan: type and licensed hosts. `state: cancelled` cancels it (only with "
            "--allow-cancel-base, after every add-on of the account is cancelled)."
        )
    if group.call is Call.READ_ONLY:
        return (
            f"{group.title}: shown by Zoom's GET /plans, but no call of Zoom's API buys or "
            "changes it, so zoomplans cannot manage it; it may stay in a pasted answer. "
            f"{group.note}".strip()
        )
    if group.call is Call.BUNDLE:
        return (
            "A Zoom bundle code, sent only in the subscribe call of an account without a base "
            "plan (carrier-enabled partners only); Zoom refuses a base plan and a bundle "
            "together."
        )
    seats = "" if not group.seats else f" `hosts` counts {group.seat_noun}."
    return f"{group.title} add-on.{seats}"


def _entry(group: PlanGroup) -> dict[str, Any]:
    """One entry of `group`: an object with `type` and the row's fields."""
    if group.call is Call.BUNDLE:
        return {
            "description": _describe(group),
            "type": "object",
            "required": ["type"],
            "properties": {"type": _ref("bundle_type")},
            "additionalProperties": False,
        }
    properties: dict[str, Any] = {"type": _ref("plan_type")}
    properties.update({name: _field(group, name) for name in group.fields})
    if _cancellable(group):
        properties.update(
            state=_ref("state"), reason=_ref("cancel_reason"), comment=_ref("cancel_comment")
        )
        properties[SCHEDULE_KEY] = _ref("scheduled_date")
    if group.call is Call.BASE:
        properties.update({name: _ref("read_only_value") for name in BASE_READ_ONLY})
    properties.update(
        {
            EFFECTIVE_KEY: _ref("read_only_date"),
            "next_invoice_date": _ref("read_only_date"),
            "status": _ref("read_only_status"),
        }
    )
    entry: dict[str, Any] = {
        "description": _describe(group),
        "type": "object",
        "required": ["type"],
        "properties": properties,
        "additionalProperties": False,
    }
    if _cancellable(group):
        entry["dependentRequired"] = {"reason": ["state"], "comment": ["state"]}
    if group.seats:
        entry.update({"if": {"required": ["state"]}, "then": True, "else": {"required": ["hosts"]}})
    return entry


def _recording() -> dict[str, Any]:
    """`plan_recording`: Zoom's plain type string, or the file's `{type, state}`."""
    return {
        "description": "Cloud recording: a type string, or {type, state}.",
        "type": ["string", "object"],
        "minLength": 1,
        "pattern": "^[A-Za-z0-9_]+$",
        "required": ["type"],
        "properties": {
            "type": _ref("plan_type"),
            "state": _ref("state"),
            "reason": _ref("cancel_reason"),
            "comment": _ref("cancel_comment"),
            SCHEDULE_KEY: _ref("scheduled_date"),
        },
        "additionalProperties": False,
        "dependentRequired": {"reason": ["state"], "comment": ["state"]},
    }


def _group_schema(group: PlanGroup) -> dict[str, Any]:
    if group is table.RECORDING:
        return _recording()
    if group.shape is Shape.LIST:
        return {"type": "array", "items": _entry(group)}
    return _entry(group)


_CONTAINER_WORDS = {
    "plan_phone": "Zoom Phone: its own base plan and lists of calling, number and calling add-on "
    "plans (bought through POST /plans/addons with `plan_details`).",
    "plan_zcc": "Zoom Contact Center: packages, AI Expert Assist, usage and phone numbers "
    "(bought through POST /plans/addons with `plan_zcc_details`).",
    "plan_znode": "Zoom Node: the Node base plan and its hybrid add-ons (bought through POST "
    "/plans/addons with `plan_znode_details`).",
}


def _plans() -> dict[str, Any]:
    """`plans`: every group of the table at its place in a GET /plans answer."""
    properties: dict[str, Any] = {}
    for group in table.GROUPS:
        if group.container is None:
            properties[group.key] = _group_schema(group)
            if group is table.RECORDING:
                properties[f"{group.key}_status"] = _ref("read_only_status")
                properties[f"{group.key}_{EFFECTIVE_KEY}"] = _ref("read_only_date")
                properties[f"{group.key}_next_invoice_date"] = _ref("read_only_date")
        elif group.container not in properties:
            properties[group.container] = {
                "description": _CONTAINER_WORDS.get(group.container, group.container),
                "type": "object",
                "properties": {
                    row.name: _group_schema(row) for row in table.groups_in(group.container)
                },
                "additionalProperties": False,
            }
    return {
        "description": "The paid plans, with Zoom's group names. Groups not listed here are "
        "errors.",
        "type": "object",
        "properties": properties,
        "additionalProperties": False,
    }


def _contact() -> dict[str, Any]:
    fields = ("first_name", "last_name", "email", "phone_number", "address", "apt")
    properties: dict[str, Any] = {name: _ref("text") for name in fields}
    properties["email"] = {"type": "string", "pattern": "^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$"}
    properties.update(city=_ref("text"), state=_ref("text"), zip=_ref("text"))
    properties["country"] = _ref("country")
    properties["employee_count"] = {
        "description": "The number of employees of the sub-account's organisation (optional; "
        "Zoom's subscribe call takes it as text).",
        "type": ["integer", "string"],
        "minimum": 1,
        "pattern": "^[1-9][0-9]*$",
    }
    return {
        "description": "Billing contact (Zoom's BillingContactRequired); needed only to "
        "subscribe an account that has no paid plan yet.",
        "type": "object",
        "required": [
            "first_name",
            "last_name",
            "email",
            "phone_number",
            "address",
            "city",
            "state",
            "zip",
            "country",
        ],
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
            "purchase_order_number": _ref("text"),
            "deal_registration_id": _ref("text"),
            SCHEDULE_KEY: _ref("scheduled_date"),
            EFFECTIVE_KEY: _ref("scheduled_date"),
        },
        "additionalProperties": False,
    }


def _defs() -> dict[str, Any]:
    reasons = "; ".join(f"{code} {words}" for code, words in CANCEL_REASONS.items())
    document_keys = {
        "name": _ref("name"),
        "labels": _ref("labels"),
        "extends": _ref("extends"),
        "contact": _ref("contact"),
        "subscription_options": _ref("subscription_options"),
        "plans": _ref("plans"),
    }
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
            "items": _ref("country"),
            "uniqueItems": True,
            "pattern": "^ *([A-Z]{2}( *, *[A-Z]{2})*)? *$",
        },
        "plans": _plans(),
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
            "name": _ref("name"),
            "labels": _ref("labels"),
            "extends": _ref("extends"),
            "contact": _ref("contact"),
            "subscription_options": _ref("subscription_options"),
            "plans": _ref("plans"),
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

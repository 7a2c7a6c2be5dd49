"""The billing contact's fields: which Zoom's PATCH takes, how a body is checked, what is masked.

Kept apart from `zoom/billing.py` so that the body checks of every op (`zoom/bodies.py`) can
read them without an import cycle, and so that the planner, apply's journal and the renderers
mask the same fields the same way: who receives the invoices (name, e-mail, country) is shown
in full, the phone number and the postal address are not (a pull-request comment and a journal
are read by more people than the billing team).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

#: The fields PATCH /billing takes (Zoom's request schema); GET also answers `employee_count`.
CONTACT_PATCH_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "phone_number",
    "address",
    "apt",
    "city",
    "state",
    "zip",
    "country",
)
#: Answered by GET /billing and declarable in a file, but not in Zoom's PATCH schema.
READ_ONLY_CONTACT_FIELDS = ("employee_count",)
#: Fields never shown in full (plan text, Markdown, HTML, plan JSON's before/after, journal).
MASKED_CONTACT_FIELDS = ("phone_number", "address", "apt", "city", "state", "zip")


def contact_body_problems(body: Any) -> list[str]:
    """Every way a PATCH /billing body breaks the contract: known fields only, strings, and at
    least one field (an empty PATCH changes nothing and still costs a Heavy call)."""
    if not isinstance(body, Mapping):
        return ["the body must be a JSON object"]
    problems = [
        f"body.{key} is not a field of Zoom's billing contact"
        for key in body
        if key not in CONTACT_PATCH_FIELDS
    ]
    problems += [
        f"body.{key} must be a string"
        for key, value in body.items()
        if key in CONTACT_PATCH_FIELDS and not isinstance(value, str)
    ]
    if not body:
        problems.append("the body names no field to change")
    return problems


def masked_value(field: str, value: Any) -> Any:
    """``value`` as it may be shown or journaled: phone numbers keep their last two digits,
    the postal address fields become a placeholder; every other field is returned as it is."""
    if field not in MASKED_CONTACT_FIELDS or value is None:
        return value
    if field == "phone_number":
        digits = [c for c in str(value) if c.isdigit()]
        return f"(phone ending {''.join(digits[-2:])})" if len(digits) > 2 else "(phone)"
    return "(not shown)"


def masked_contact(contact: Mapping[str, Any]) -> dict[str, Any]:
    """A contact (or a PATCH body) with every masked field replaced by its placeholder."""
    return {field: masked_value(field, value) for field, value in contact.items()}

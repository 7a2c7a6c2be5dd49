"""Request body checks that Zoom's gateway makes before any business rule.

They follow the Swagger definitions `AccountPlanBaseRequired`, `AccountPlanRequired` and
`BillingContactRequired` in shared/zoom-api: a missing required field or a wrong JSON type is
answered 400 / 300 "Validation Failed." with one `errors` entry per field, all at once.
"""

from __future__ import annotations

import json
from typing import Any

from reconciler.sandbox.catalogue import (
    ADDON_GROUPS,
    TOP_LEVEL_PLAN_KEYS,
    Catalogue,
    GroupShape,
    PlanGroup,
)
from reconciler.sandbox.errors import (
    FieldProblem,
    ZoomApiError,
    invalid_plan_type,
    validation_failed,
)

CONTACT_REQUIRED: tuple[str, ...] = (
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
CONTACT_OPTIONAL: tuple[str, ...] = ("apt",)
AUDIO_COUNTRY_FIELDS: tuple[str, ...] = (
    "tollfree_countries",
    "premium_countries",
    "callout_countries",
)


def not_a_json_object() -> ZoomApiError:
    return ZoomApiError(400, 300, "Request Body should be a valid JSON object.")


def parse_json_object(raw: bytes) -> dict[str, Any]:
    """The body as a JSON object, or Zoom's 300 answer for anything else (empty, junk, a list)."""
    try:
        value = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise not_a_json_object() from None
    if not isinstance(value, dict):
        raise not_a_json_object()
    return value


def is_integer(value: object) -> bool:
    """JSON integers only: `true` is not 1, and `25.0` or `"25"` are not host counts."""
    return isinstance(value, int) and not isinstance(value, bool)


def _field_problems(
    body: object, prefix: str, *, strings: tuple[str, ...] = (), integers: tuple[str, ...] = ()
) -> list[FieldProblem]:
    """Problems with required string and integer fields of one object."""
    if not isinstance(body, dict):
        return [FieldProblem(prefix.rstrip("."), "must be an object")]
    problems: list[FieldProblem] = []
    for name in strings:
        if name not in body or body[name] is None:
            problems.append(FieldProblem(prefix + name, "is required"))
        elif not isinstance(body[name], str):
            problems.append(FieldProblem(prefix + name, "must be a string"))
    for name in integers:
        if name not in body or body[name] is None:
            problems.append(FieldProblem(prefix + name, "is required"))
        elif not is_integer(body[name]):
            problems.append(FieldProblem(prefix + name, "must be an integer"))
    return problems


def _optional_types(
    body: dict[str, Any], prefix: str, fields: dict[str, type]
) -> list[FieldProblem]:
    problems: list[FieldProblem] = []
    for name, kind in fields.items():
        if name in body:  # null is not a string or an integer either (Swagger's reading)
            value = body[name]
            ok = is_integer(value) if kind is int else isinstance(value, kind)
            if not ok:
                word = "an integer" if kind is int else "a string"
                problems.append(FieldProblem(prefix + name, f"must be {word}"))
    return problems


def raise_if(problems: list[FieldProblem]) -> None:
    """Raise Zoom's one 300 answer listing every problem, if there are any."""
    if problems:
        raise validation_failed(*problems)


def base_problems(body: object, prefix: str = "") -> list[FieldProblem]:
    """AccountPlanBaseRequired: {type: string, hosts: integer}, both required."""
    problems = _field_problems(body, prefix, strings=("type",), integers=("hosts",))
    if isinstance(body, dict):
        problems += _optional_types(body, prefix, {"increasing_hosts": int})
    return problems


def plan_problems(body: object, prefix: str = "") -> list[FieldProblem]:
    """AccountPlanRequired: {type: string, hosts: integer}, both required."""
    return _field_problems(body, prefix, strings=("type",), integers=("hosts",))


def audio_problems(body: object, prefix: str = "") -> list[FieldProblem]:
    """The audio shape: type required; countries comma strings; ddi_numbers an integer."""
    problems = _field_problems(body, prefix, strings=("type",))
    if isinstance(body, dict):
        spec: dict[str, type] = dict.fromkeys(AUDIO_COUNTRY_FIELDS, str)
        spec["ddi_numbers"] = int
        problems += _optional_types(body, prefix, spec)
    return problems


def phone_base_problems(body: object, prefix: str = "") -> list[FieldProblem]:
    """plan_phone.plan_base: type required, callout_countries a comma string."""
    problems = _field_problems(body, prefix, strings=("type",))
    if isinstance(body, dict):
        problems += _optional_types(body, prefix, {"callout_countries": str, "hosts": int})
    return problems


def contact_problems(body: object, prefix: str = "contact.") -> list[FieldProblem]:
    """BillingContactRequired: nine required strings, `apt` optional."""
    problems = _field_problems(body, prefix, strings=CONTACT_REQUIRED)
    if isinstance(body, dict):
        problems += _optional_types(body, prefix, dict.fromkeys(CONTACT_OPTIONAL, str))
    return problems


def cancel_problems(body: dict[str, Any], *, needs_type: bool) -> list[FieldProblem]:
    """The status PATCH bodies: `action` must be "cancel"; add-ons also name their `type`."""
    problems: list[FieldProblem] = []
    action = body.get("action")
    if action is None:
        problems.append(FieldProblem("action", "is required"))
    elif action != "cancel":
        problems.append(FieldProblem("action", "must be one of: cancel"))
    if needs_type:
        problems += _field_problems(body, "", strings=("type",))
    reason = body.get("reason")
    if reason is not None and (not is_integer(reason) or not 1 <= reason <= 6):
        problems.append(FieldProblem("reason", "must be an integer from 1 to 6"))
    if body.get("comment") is not None and not isinstance(body["comment"], str):
        problems.append(FieldProblem("comment", "must be a string"))
    return problems


def addon_body_group(body: dict[str, Any], catalogue: Catalogue) -> PlanGroup:
    """Schema check of an add-on body, then its group from the type code (2100 if unknown)."""
    type_problems = [p for p in plan_problems(body) if p.field == "type"]
    raise_if(type_problems)
    group = catalogue.addon_group(body["type"])
    if group is None:
        raise invalid_plan_type("Addon", body["type"])
    if group.shape is GroupShape.AUDIO:
        raise_if(audio_problems(body))
    elif group.shape is GroupShape.PHONE_BASE:
        raise_if(phone_base_problems(body))
    else:
        # Zoom's AccountPlanRequired makes hosts required even for the recording plan.
        raise_if(plan_problems(body))
    return group


def raise_if_subscribe_body_bad(body: dict[str, Any]) -> None:
    """POST /plans: contact and plan_base required, add-on groups in GET shape, no other keys."""
    problems: list[FieldProblem] = []
    if "contact" not in body:
        problems.append(FieldProblem("contact", "is required"))
    else:
        problems += contact_problems(body["contact"])
    if "plan_base" not in body:
        problems.append(FieldProblem("plan_base", "is required"))
    else:
        problems += base_problems(body["plan_base"], "plan_base.")
    for key in body:
        if key != "contact" and key not in TOP_LEVEL_PLAN_KEYS:
            problems.append(FieldProblem(key, "is not a plan group Zoom accepts"))
    for group, entry, where in _addon_entries_with_place(body):
        if group.shape is GroupShape.RECORDING:
            if not isinstance(entry, str):
                problems.append(FieldProblem(where, "must be a plan type string"))
        elif group.shape is GroupShape.AUDIO:
            problems += audio_problems(entry, where + ".")
        elif group.shape is GroupShape.PHONE_BASE:
            problems += phone_base_problems(entry, where + ".")
        else:
            problems += plan_problems(entry, where + ".")
    raise_if(problems)


def _addon_entries_with_place(body: dict[str, Any]) -> list[tuple[PlanGroup, Any, str]]:
    found: list[tuple[PlanGroup, Any, str]] = []
    for group in ADDON_GROUPS:
        holder: Any = body
        for part in group.path[:-1]:
            holder = holder.get(part) if isinstance(holder, dict) else None
        if not isinstance(holder, dict) or holder.get(group.path[-1]) is None:
            continue
        value = holder[group.path[-1]]
        if group.shape is GroupShape.LIST:
            if not isinstance(value, list):
                found.append((group, value, group.key))  # reported as "must be an object"
                continue
            found += [(group, entry, f"{group.key}[{i}]") for i, entry in enumerate(value)]
        else:
            found.append((group, value, group.key))
    return found


def subscribe_addon_entries(body: dict[str, Any]) -> list[tuple[PlanGroup, dict[str, Any]]]:
    """Add-on entries of a checked subscribe body; recording becomes {type: ...}."""
    entries: list[tuple[PlanGroup, dict[str, Any]]] = []
    for group, entry, _where in _addon_entries_with_place(body):
        entries.append((group, {"type": entry} if isinstance(entry, str) else entry))
    return entries

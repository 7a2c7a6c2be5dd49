"""The sandbox's body checks agree with Zoom's own schemas: the 2026 document where it speaks,
and the 2018 Swagger definitions where they still hold.

For any body, the sandbox finds a schema problem exactly when Zoom's schema (read strictly, as
`reconciler.zoom_2026.validation` reads it: no unknown fields, one `oneOf` branch picked by its
discriminating key) says the body breaks it. The 2018 definitions (`AccountPlanRequired`,
`BillingContactRequired`) are copied from shared/zoom-api so this runs in a fresh clone; the
2026 schemas come from the committed extract. 2018's `AccountPlanBaseRequired` (hosts required
on PUT /plans/base) no longer holds: the 2026 document requires only `type` (Video SDK plans
have no hosts), and `test_base_update_checks_match_zoom_2026` checks that instead.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft4Validator

from reconciler.sandbox import bodies
from reconciler.zoom_2026.validation import request_problems

DEFINITIONS = json.loads((Path(__file__).parent / "swagger_definitions.json").read_text())[
    "definitions"
]
ADDONS = "/accounts/a/plans/addons"

values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-3, max_value=20000),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=4),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=2), st.integers(), max_size=2),
)
dates = st.sampled_from(["2031-01-01", "2031-1-1", 20310101, None])


def validator(name: str) -> Draft4Validator:
    return Draft4Validator(DEFINITIONS[name])


def body_of(*names: str, extra: bool = True) -> st.SearchStrategy[dict[str, Any]]:
    keys = [*names, "other"] if extra else list(names)
    return st.dictionaries(st.sampled_from(keys), values, max_size=len(keys))


# ----- 2018 definitions that still hold -----------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(body=body_of("type", "hosts", extra=False))
def test_addon_body_checks_match_account_plan_required(body: dict[str, Any]) -> None:
    _shape, problems = bodies.addon_problems(body)
    assert (problems == []) == validator("AccountPlanRequired").is_valid(body)


CONTACT_FIELDS = ("first_name", "last_name", "email", "phone_number", "address", "city")
CONTACT_FIELDS += ("state", "zip", "country", "apt")
complete_contact = {name: "x" for name in CONTACT_FIELDS}


@settings(max_examples=300, deadline=None)
@given(
    base=st.just(complete_contact),
    changes=st.dictionaries(st.sampled_from(CONTACT_FIELDS), values, max_size=3),
    dropped=st.sets(st.sampled_from(CONTACT_FIELDS), max_size=2),
)
def test_contact_checks_match_billing_contact_required(
    base: dict[str, Any], changes: dict[str, Any], dropped: set[str]
) -> None:
    contact = {k: v for k, v in {**base, **changes}.items() if k not in dropped}
    expected = validator("BillingContactRequired").is_valid(contact)
    body = {"contact": contact, "plan_base": {"type": "monthly", "hosts": 1}}
    assert (bodies.subscribe_problems(body) == []) == expected


# ----- Zoom's 2026 document ------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(body=body_of("type", "hosts", "increasing_hosts", "active_hosts"))
def test_base_update_checks_match_zoom_2026(body: dict[str, Any]) -> None:
    sandbox = bodies.base_update_problems(body) == []
    assert sandbox == (request_problems("PUT", "/accounts/a/plans/base", body) == [])


@settings(max_examples=300, deadline=None)
@given(
    body=body_of("type", "hosts"),
    paid=dates,
    effective=dates,
)
def test_simple_addon_checks_match_zoom_2026(
    body: dict[str, Any], paid: object, effective: object
) -> None:
    if paid is not None:
        body["paid_period_start_date"] = paid
    if effective is not None:
        body["service_effective_date"] = effective
    _shape, problems = bodies.addon_problems(body)
    assert (problems == []) == (request_problems("POST", ADDONS, body) == [])
    update = bodies.addon_update_problems(body) == []
    assert update == (request_problems("PUT", ADDONS, body) == [])


entries = st.fixed_dictionaries(
    {}, optional={"type": st.sampled_from(["zccp_monthly", 7]), "hosts": values, "host": values}
)
parts = {
    "plan_details": ["plan_base", "plan_calling", "plan_calling_addons", "plan_number", "x"],
    "plan_zcc_details": [
        "plan_package_list",
        "plan_ai_expert_assist",
        "plan_usage",
        "plan_recording",
        "plan_phone_number",
        "plan_package_lists",
    ],
    "plan_znode_details": ["plan_znode_base", "plan_zphybrid", "plan_cmrhybrid", "plan_usage"],
}


@st.composite
def nested_bodies(draw: st.DrawFn) -> dict[str, Any]:
    key = draw(st.sampled_from(sorted(parts)))
    details = draw(
        st.dictionaries(
            st.sampled_from(parts[key]),
            st.one_of(entries, st.lists(entries, max_size=2), values),
            max_size=3,
        )
    )
    body: dict[str, Any] = {key: details}
    kind = draw(st.sampled_from(["plan_phone", "plan_zcc", "plan_znode", "zccp_monthly", None]))
    if kind is not None:
        body["type"] = kind
    if draw(st.booleans()):
        body["hosts"] = 1
    return body


@settings(max_examples=400, deadline=None)
@given(body=nested_bodies())
def test_nested_addon_checks_match_zoom_2026(body: dict[str, Any]) -> None:
    _shape, problems = bodies.addon_problems(body)
    assert (problems == []) == (request_problems("POST", ADDONS, body) == [])


@settings(max_examples=300, deadline=None)
@given(
    options=st.dictionaries(
        st.sampled_from(["contract_term", "purchase_order_number", "deal_registration_id", "x"]),
        st.one_of(st.sampled_from([1, 12, 120]), values),
        max_size=3,
    ),
    employees=st.one_of(st.none(), st.just("15"), st.just(15)),
    group=st.sampled_from(["plan_whiteboard", "plan_zoom_one", "plan_zcc", "plan_unknown"]),
    entry=st.one_of(entries, st.lists(entries, max_size=2)),
)
def test_subscribe_checks_match_zoom_2026(
    options: dict[str, Any], employees: object, group: str, entry: Any
) -> None:
    contact = dict(complete_contact)
    if employees is not None:
        contact["employee_count"] = employees
    body = {
        "contact": contact,
        "plan_base": {"type": "business_monthly", "hosts": 10},
        "subscription_options": options,
        group: entry,
    }
    term = options.get("contract_term")
    if bodies.is_integer(term) and term not in bodies.contract_terms():
        return  # Zoom's own 10200 answer, not a schema problem (test_new_codes.py)
    sandbox = bodies.subscribe_problems(body) == []
    assert sandbox == (request_problems("POST", "/accounts/a/plans", body) == [])

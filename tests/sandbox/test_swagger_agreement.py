"""The sandbox's body checks agree with Zoom's own Swagger definitions (2018).

For any body, the sandbox finds a schema problem exactly when Draft 4 JSON Schema (the dialect
of Swagger 2.0) says the body breaks the definition. The definitions are copied from
shared/zoom-api so this runs in a fresh clone.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft4Validator

from reconciler.sandbox import bodies

DEFINITIONS = json.loads((Path(__file__).parent / "swagger_definitions.json").read_text())[
    "definitions"
]

values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-3, max_value=20000),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=4),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=2), st.integers(), max_size=2),
)


def validator(name: str) -> Draft4Validator:
    return Draft4Validator(DEFINITIONS[name])


def body_of(*names: str) -> st.SearchStrategy[dict[str, Any]]:
    return st.dictionaries(st.sampled_from([*names, "other"]), values, max_size=len(names) + 1)


@settings(max_examples=300, deadline=None)
@given(body=body_of("type", "hosts"))
def test_base_body_checks_match_account_plan_base_required(body: dict[str, Any]) -> None:
    assert (bodies.base_problems(body) == []) == validator("AccountPlanBaseRequired").is_valid(body)


@settings(max_examples=300, deadline=None)
@given(body=body_of("type", "hosts"))
def test_addon_body_checks_match_account_plan_required(body: dict[str, Any]) -> None:
    assert (bodies.plan_problems(body) == []) == validator("AccountPlanRequired").is_valid(body)


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
    assert (bodies.contact_problems(contact) == []) == expected

"""schema.py and schemas/account.schema.json: the published schema and the loader's view of it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator

from reconciler.desired.reader import read_bytes
from reconciler.desired.schema import (
    account_schema,
    describe,
    missing_problems,
    schema_problems,
    where,
)

REPO = Path(__file__).resolve().parents[2]


def problems_of(text: str, *, template: bool = False) -> list[tuple[int, str]]:
    result = read_bytes(text.encode(), "f.yaml")
    assert result.problems == [], result.problems
    (document,) = result.documents
    found = schema_problems(document, template=template)
    if not template:
        found += missing_problems(document.data, document.at)
    return [(p.line, p.message) for p in found]


def account(plans: str) -> str:
    return "account_id: sub_x\nplans:\n" + plans


def test_the_published_schema_is_valid_draft_2020_12_and_matches_the_package_copy() -> None:
    published = json.loads((REPO / "schemas" / "account.schema.json").read_text())
    Draft202012Validator.check_schema(published)
    assert published == account_schema()
    assert published["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_editors_using_the_raw_schema_accept_every_example_account() -> None:
    validator = Draft202012Validator(account_schema())
    for path in sorted((REPO / "examples" / "accounts").glob("*.yaml")):
        for document in yaml.safe_load_all(path.read_text()):
            errors = [e.message for e in validator.iter_errors(document)]
            if "extends" not in document:  # layered accounts get required keys from templates
                assert errors == [], (path, errors)


@pytest.mark.parametrize(
    ("plans", "line", "words"),
    [
        ("  plan_base: {type: monthly, hosts: 3.0}\n", 3, "whole number, not the decimal 3.0"),
        ("  plan_base: {type: monthly, hosts: true}\n", 3, "whole number, not true"),
        ("  plan_base: {type: monthly}\n", 3, "missing the required key 'hosts'"),
        ("  plan_base: {type: 'business monthly', hosts: 3}\n", 3, "not a plan type code"),
        (
            "  plan_zoom_rooms: {type: zroom_monthly, hosts: 1, status: paused}\n",
            3,
            "state: cancelled",
        ),
        ("  plan_recording: ''\n", 3, "must not be empty"),
        ("  plan_recording: {type: cmr_monthly_commitment_40, state: gone}\n", 3, "'cancelled'"),
        ("  plan_recording_status: stopped\n", 3, "read-only status"),
        (
            "  plan_audio: {type: tollfree_payongo, tollfree_countries: [US, US]}\n",
            3,
            "same country",
        ),
        ("  plan_audio: {type: tollfree_payongo, ddi_numbers: -1}\n", 3, "between 0 and 9999"),
        ("  plan_phone: {plan_base: {type: phone_payongo, state: nope}}\n", 3, "'cancelled'"),
        ("  plan_phone: {plan_calling: {type: x}}\n", 3, "must be a list"),
        ("  plan_future_group: {type: x}\n", 3, "unknown key 'plan_future_group'"),
        ("  plan_base: {type: 12, hosts: 2}\n", 3, "not 12 (put it in quotes: '12')"),
        ("  plan_recording: true\n", 3, "not true (put it in quotes: 'true')"),
        ("  plan_recording: 2.5\n", 3, "not the decimal 2.5 (put it in quotes: '2.5')"),
        ("  plan_webinar: [{type: webinar500_monthly}]\n", 3, "needs 'hosts'"),
    ],
)
def test_shape_problems_are_sentences_at_the_right_line(plans: str, line: int, words: str) -> None:
    found = problems_of(account(plans))
    assert len(found) == 1, found
    assert found[0][0] == line
    assert words in found[0][1]


def test_accepted_shapes() -> None:
    text = account(
        "  plan_base: {type: business_monthly, hosts: 10}\n"
        "  plan_recording: {type: cmr_monthly_commitment_40, state: cancelled}\n"
        "  plan_webinar: [{type: webinar500_monthly, state: cancelled}]\n"
        "  plan_audio: {type: tollfree_payongo, tollfree_countries: 'US, CA'}\n"
        "  plan_room_connector: {type: roomconnector_monthly, hosts: 2}\n"
        "  plan_phone:\n"
        "    plan_base: {type: phone_payongo, callout_countries: US}\n"
        "    plan_calling: []\n"
    )
    assert problems_of(text) == []


def test_a_video_sdk_base_plan_may_leave_hosts_out_as_zoom_shows_it() -> None:
    """Zoom's GET shows a Video SDK base plan with minutes and prices, no hosts, and its PUT
    /plans/base needs none for Video SDK plans: the imported file has no `hosts` to write."""
    pasted = "  plan_base: {type: vsdk_yearly_prepay_usage, included_minutes: 30000}\n"
    assert problems_of(account(pasted)) == []
    assert problems_of(account("  plan_base: {type: vsdk_payongo, hosts: 5}\n")) == []
    found = problems_of(account("  plan_base: {type: business_monthly}\n"))
    assert [words for _, words in found] == [
        "plans.plan_base is missing the required key 'hosts' (only `state: cancelled` may omit it)"
    ]


def test_contact_fields_are_zooms_billing_contact() -> None:
    contact = (
        "account_id: sub_x\ncontact:\n  first_name: A\n  last_name: B\n  email: not-an-email\n"
        "  phone_number: '1'\n  address: x\n  city: x\n  state: x\n  zip: '1'\n  country: gb\n"
        "  apt: '2'\n  fax: '3'\n"
    )
    found = problems_of(contact)
    assert [line for line, _ in found] == [5, 11, 13]
    assert "not an email address" in found[0][1]
    assert "two-letter country code" in found[1][1]
    assert "unknown key 'fax' in contact" in found[2][1]


def test_templates_are_partial_and_must_not_name_an_account() -> None:
    assert problems_of("plans: {plan_base: {hosts: 20}}\nlabels: {a: b}\n", template=True) == []
    found = problems_of("account_id: sub_t\nplans: {}\n", template=True)
    assert found == [
        (1, "a template named by `extends` must not set account_id (it is shared by accounts)")
    ]


def test_labels_are_text_with_simple_keys() -> None:
    found = problems_of("account_id: sub_x\nlabels: {'bad key': x, n: 3}\n")
    assert [line for line, _ in found] == [2, 2]
    assert any("label key 'bad key'" in message for _, message in found)


@pytest.mark.parametrize(
    ("path", "text"),
    [
        ((), "the document"),
        (("plans",), "plans"),
        (("plans", "plan_webinar", 0, "hosts"), "plans.plan_webinar[0].hosts"),
    ],
)
def test_where_reads_like_the_file(path: tuple[Any, ...], text: str) -> None:
    assert where(path) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, "nothing (the value is empty)"),
        (False, "false"),
        ("x", "the text 'x'"),
        (2.5, "the decimal 2.5"),
        (3, "3"),
        ([], "a list"),
        ({}, "a mapping"),
    ],
)
def test_describe(value: object, text: str) -> None:
    assert describe(value) == text


def _error_set(validator: object, data: object) -> set[tuple[str, str]]:
    return {
        (e.json_path, e.validator)  # type: ignore[attr-defined]
        for e in validator.iter_errors(data)  # type: ignore[attr-defined]
    }


@pytest.mark.parametrize("kind", ["full", "partial", "template"])
def test_the_inlined_schema_finds_what_the_published_one_finds(kind: str) -> None:
    """Inlining `$ref`s is only for speed: every fixture gets the same errors either way."""
    from reconciler.desired.schema import _validator, _without_required, strict_validator_class

    published = account_schema()
    if kind == "template":
        published = {**published, "$ref": "#/$defs/template"}
        published = {k: v for k, v in published.items() if k in ("$schema", "$defs", "$ref")}
    reference = strict_validator_class()(
        published if kind == "full" else _without_required(published)
    )
    fixtures = Path(__file__).resolve().parents[1] / "fixtures"
    documents = [
        document for path in sorted(fixtures.rglob("*.yaml")) for document in _documents(path)
    ]
    assert len(documents) > 50
    for document in documents:
        assert _error_set(_validator(kind), document) == _error_set(reference, document)


def _documents(path: Path) -> list[Any]:
    try:
        return [d for d in yaml.safe_load_all(path.read_text("utf-8")) if d is not None]
    except (yaml.YAMLError, UnicodeDecodeError):
        return []

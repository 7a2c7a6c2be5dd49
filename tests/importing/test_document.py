"""The YAML writer: every string reads back as itself, and whole files read back exactly."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from reconciler.importing.document import (
    FileHeader,
    ImportedAccount,
    ImportRenderError,
    render_account_file,
    scalar,
)

HEADER = FileHeader(
    schema_ref="../schemas/account.schema.json",
    imported_at=datetime(2026, 11, 22, 1, 2, 3, tzinfo=UTC),
    source="https://api.zoom.us/v2",
)

# Strings YAML 1.1 (PyYAML, many editors) reads as something else when left bare.
YAML11_TRAPS = [
    "NO", "no", "No", "yes", "Y", "n", "on", "OFF", "true", "False", "null", "~", "",
    "012", "0x1f", "0o17", "1_000", "1:20", "1e3", ".5", "-1", "+1", ".inf", ".NaN",
    "2020-01-01", "2001-12-14t21:59:43.10-05:00", "<<", "=", "a: b", "a #b", "#x", "- x",
    "[US]", "{a: 1}", "*alias", "&anchor", "!tag", "%dir", "@x", "`x", "|", ">", "'q'", '"q"',
    " lead", "trail ", "two\nlines", "tab\there", "nul\0", "bell\a", "del\x7f", "nel\x85",
    "ls\u2028", "ps\u2029", "bom\ufeff", "Zürich", "東京", "emoji 🙂",
]  # fmt: skip


@pytest.mark.parametrize("text", YAML11_TRAPS)
def test_every_trap_string_reads_back_as_itself(text: str) -> None:
    assert yaml.safe_load(f"v: {scalar(text)}\n") == {"v": text}


@pytest.mark.parametrize("text", ["business_monthly", "US", "webinar500_monthly", "sub-1"])
def test_plain_codes_stay_bare_for_readable_diffs(text: str) -> None:
    assert scalar(text) == text


@pytest.mark.parametrize("text", ["NO", "yes", "012", "2020-01-01", "on", "y"])
def test_yaml11_words_and_numbers_are_quoted(text: str) -> None:
    assert scalar(text) == f'"{text}"'


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_round_trips(text: str) -> None:
    assert yaml.safe_load(f"v: {scalar(text)}\n") == {"v": text}


def _account(**plans: object) -> ImportedAccount:
    return ImportedAccount(account_id="sub_8Jk2Lm", name="Acme EMEA", plans=plans, subscribed=True)


def test_file_starts_with_schema_line_and_import_stamp() -> None:
    text = render_account_file(
        _account(plan_base={"type": "business_monthly", "hosts": 20}), HEADER
    )
    lines = text.splitlines()
    assert lines[0] == "# yaml-language-server: $schema=../schemas/account.schema.json"
    assert "2026-11-22T01:02:03Z" in lines[1]
    assert "https://api.zoom.us/v2" in lines[1]
    assert 'account_id: "sub_8Jk2Lm"' in lines
    assert "  plan_base: {type: business_monthly, hosts: 20}" in lines


def test_whole_file_reads_back_exactly_with_norway_quoted() -> None:
    account = _account(
        plan_base={"type": "business_monthly", "hosts": 20},
        plan_webinar=[{"type": "webinar500_monthly", "hosts": 3}],
        plan_recording="cmr_monthly_commitment_40",
        plan_audio={
            "type": "tollfree_payongo",
            "tollfree_countries": ["CA", "NO", "US"],
            "callout_countries": ["NO"],
            "ddi_numbers": 2,
        },
        plan_phone={
            "plan_base": {"type": "phone_payongo", "callout_countries": ["US"]},
            "plan_calling": [{"type": "phone_calling_usca_monthly_unlimited", "hosts": 5}],
        },
    )
    text = render_account_file(account, HEADER)
    assert yaml.safe_load(text) == account.document()
    assert '"NO"' in text


def test_long_entries_switch_to_block_style_and_still_read_back() -> None:
    countries = [f"{a}{b}" for a in "ABCDEFG" for b in "ABCDEFG"]
    account = _account(
        plan_base={"type": "business_monthly", "hosts": 20},
        plan_audio={"type": "tollfree_payongo", "tollfree_countries": countries},
        plan_webinar=[{"type": "webinar500_monthly", "hosts": 3, "x" * 90: 1}],
    )
    text = render_account_file(account, HEADER)
    assert "  plan_audio:\n    type: tollfree_payongo\n" in text
    assert yaml.safe_load(text) == account.document()


def test_unsubscribed_account_has_no_plans_and_says_why() -> None:
    account = ImportedAccount("sub_new", "New Co", plans={}, subscribed=False)
    text = render_account_file(account, HEADER)
    assert "plans" not in yaml.safe_load(text)
    assert "No active paid plan" in text


def test_left_out_items_are_listed_as_comments() -> None:
    account = ImportedAccount(
        "sub_1",
        None,
        plans={"plan_base": {"type": "monthly", "hosts": 2}},
        subscribed=True,
        left_out=("plan group plan_future_group",),
    )
    text = render_account_file(account, HEADER)
    assert "#   plan group plan_future_group" in text
    assert yaml.safe_load(text) == {
        "account_id": "sub_1",
        "plans": {"plan_base": {"type": "monthly", "hosts": 2}},
    }


def test_kept_labels_and_contact_are_written() -> None:
    account = ImportedAccount(
        "sub_1",
        "One",
        plans={"plan_base": {"type": "monthly", "hosts": 2}},
        subscribed=True,
        kept={
            "labels": {"tier": "gold", "region": "NO"},
            "contact": {"zip": "012", "city": "Oslo"},
        },
    )
    loaded = yaml.safe_load(render_account_file(account, HEADER))
    assert loaded["labels"] == {"tier": "gold", "region": "NO"}
    assert loaded["contact"] == {"zip": "012", "city": "Oslo"}


def test_a_value_yaml_cannot_hold_exactly_is_refused() -> None:
    account = _account(plan_base={"type": "business_monthly", "hosts": 2.5})
    with pytest.raises(ImportRenderError, match="sub_8Jk2Lm: cannot write the YAML file"):
        render_account_file(account, HEADER)


def test_header_never_carries_credentials_from_the_url() -> None:
    header = FileHeader(
        schema_ref="../schemas/account.schema.json",
        imported_at=datetime(2026, 11, 22, 1, 2, 3, tzinfo=UTC),
        source="https://user:s3cret@api.zoom.us:8443/v2?access_token=abc#x",
    )
    text = "\n".join(header.lines())
    assert "from https://api.zoom.us:8443/v2." in text
    assert "s3cret" not in text and "abc" not in text

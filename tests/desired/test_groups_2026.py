"""Files declaring the groups of Zoom's 2026 API: accepted in Zoom's shapes, located messages."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from reconciler.cli import cli

Check = Callable[..., list[str]]
BASE = "account_id: sub_new\nplans:\n  plan_base: {type: business_monthly, hosts: 20}\n"


def test_whiteboard_translation_and_the_done_when_groups_are_accepted(problems_in: Check) -> None:
    text = BASE + (
        "  plan_whiteboard: {type: zwb_monthly, hosts: 8}\n"
        "  plan_ztransl: {type: ztransl_monthly, hosts: 3}\n"
        "  plan_zoom_iq: {type: ziq_sales_monthly, hosts: 2}\n"
        "  plan_zoom_one:\n"
        "    - {type: zobp_usca_monthly_unlimited, hosts: 5}\n"
        "  plan_recording: zvsdkcr_1TB_monthly\n"
        "  plan_phone:\n"
        "    plan_base: {type: phone_payongo, callout_countries: US}\n"
        "  plan_zcc:\n"
        "    plan_package_lists:\n"
        "      - {type: zccp_monthly, hosts: 4}\n"
        "    plan_usage: {type: zcc_pay_as_you_go}\n"
    )
    # Video SDK recording on a Business base plan is the one thing Zoom refuses here.
    (found,) = problems_in(text)
    assert found.startswith(
        "9:19: error: plan_recording 'zvsdkcr_1TB_monthly' needs a Video SDK base plan "
        "(plan_base: vsdk_*), but this account's plan_base is 'business_monthly' (at "
    )
    assert found.endswith("a.yaml:3); Zoom refuses it")


@pytest.mark.parametrize(
    ("plans", "expected"),
    [
        (
            "  plan_whiteboard: {type: zwb_monthly}\n",
            "4:20: error: plans.plan_whiteboard needs 'hosts' (only a `state: cancelled` entry "
            "may omit it)",
        ),
        (
            "  plan_sdk_cmr: {type: vsdk_cmr_monthly_100, hosts: 1}\n",
            "4:46: error: plans.plan_sdk_cmr takes no hosts: Zoom's calls give plan_sdk_cmr a "
            "type only, so zoomplans manages its type; remove hosts",
        ),
        (
            "  plan_zcc:\n    plan_package: {type: zccp_monthly, state: cancelled}\n",
            "5:40: error: plans.plan_zcc.plan_package cannot be cancelled from a file: no call "
            "of Zoom's API manages plan_zcc.plan_package (deprecated in the 2026 document; "
            "plan_package_lists replaces it)",
        ),
        (
            "  plan_zva: [{type: zva_monthly, hosts: 10}]\n",
            "4:3: error: plan_zva is a key of Zoom's usage answer (GET /plans/usage), never of "
            "a plans answer, so a file cannot set it; Virtual Agents are plan_zva_voice and "
            "plan_zva_chat",
        ),
        (
            "  plan_zva_chat: {type: zva_monthly}\n",
            "4:18: error: plans.plan_zva_chat needs 'hosts' (the number of engagements; only a "
            "`state: cancelled` entry may omit it)",
        ),
        (
            "  plan_zva_voice: {type: zva_monthly, hosts: 0}\n",
            "4:46: error: plans.plan_zva_voice.hosts must be at least 1 engagements, got 0",
        ),
        (
            "  plan_whiteboard_plus: {type: zwb_monthly, hosts: 2}\n",
            "4:32: error: 'zwb_monthly' is a plan_whiteboard type; it cannot go under "
            "plan_whiteboard_plus",
        ),
        (
            "  plan_zoom_one: [{type: zcc_cs_30gb, hosts: 1}]\n",
            "4:26: error: 'zcc_cs_30gb' (Contact Center Cloud Storage plans) is sold by Zoom but "
            "never shown by GET /plans: zoomplans cannot manage it",
        ),
        (
            "  plan_znode: {plan_zmhybrid: {type: zm_hybrid_monthly, hosts: 1}, plan_fax: {}}\n",
            "4:68: error: unknown key 'plan_fax' in plans.plan_znode (allowed: plan_znode_base, "
            "plan_zphybrid, plan_zmhybrid, plan_mchybrid, plan_rchybrid, plan_cmrhybrid, "
            "plan_tchybrid)",
        ),
        (
            "  plan_whiteboards: {type: zwb_monthly, hosts: 1}\n",
            "4:3: error: unknown key 'plan_whiteboards' in plans; did you mean 'plan_whiteboard'?",
        ),
        (
            "  plan_cloud_recording: {type: cmr_monthly_commitment_40}\n",
            "4:3: error: plan_cloud_recording appears only in Zoom's reply to a subscribe; write "
            "plan_recording for cloud recording",
        ),
    ],
)
def test_new_group_mistakes_are_located_sentences(
    problems_in: Check, plans: str, expected: str
) -> None:
    assert expected in problems_in(BASE + plans)


def test_a_typo_of_a_2026_code_is_an_error_with_a_suggestion(problems_in: Check) -> None:
    text = BASE + "  plan_ztransl: {type: ztransl_montly, hosts: 3}\n"
    (found,) = problems_in(text)
    assert found.startswith(
        "4:24: error: unknown plan type 'ztransl_montly': did you mean 'ztransl_monthly'?"
    )


def test_a_code_sold_in_two_groups_is_accepted_in_both(problems_in: Check) -> None:
    text = (
        "account_id: sub_bp\nplans:\n"
        "  plan_base: {type: zobp_usca_monthly_unlimited, hosts: 30}\n"
        "  plan_phone: {plan_base: {type: phone_payongo}}\n"
        "  plan_zwr: {type: zwr_yearly, hosts: 2}\n"
        "  plan_zva_voice: {type: zva_monthly, hosts: 5000}\n"
    )
    assert problems_in(text) == []
    wrong = text.replace("plan_zwr: {type: zwr_yearly", "plan_zwr: {type: zobp_jp_yearly_unlimited")
    assert problems_in(wrong) == [
        "5:20: error: 'zobp_jp_yearly_unlimited' is a plan_base or plan_zoom_one type; it "
        "cannot go under plan_zwr"
    ]


def test_a_pasted_2026_answer_with_every_lifecycle_field_is_accepted(problems_in: Check) -> None:
    dates = "status: active, next_invoice_date: 2027-01-01, service_effective_date: 2026-01-01"
    text = (
        "account_id: sub_pasted\nplans:\n"
        f"  plan_base: {{type: vsdk_payongo, hosts: 10, active_hosts: 0, included_minutes: 3000,"
        f" overage_price: '0.0035', {dates}}}\n"
        f"  plan_whiteboard: {{type: zwb_monthly, hosts: 8, {dates}}}\n"
        "  plan_sdk_cmr: {type: vsdk_cmr_monthly_100}\n"
        "  plan_ztransl: {type: ztransl_monthly, hosts: 3}\n"
        f"  plan_zoom_one: [{{type: zobp_jp_monthly_unlimited, hosts: 4, {dates}}}]\n"
        "  plan_recording: zvsdkcr_5TB_monthly\n"
        "  plan_recording_status: active\n"
        "  plan_recording_next_invoice_date: 2027-01-01\n"
        "  plan_phone:\n"
        f"    plan_base: {{type: phone_payongo, callout_countries: 'US,CA', {dates}}}\n"
        "  plan_zcc:\n"
        f"    plan_package: {{type: zccp_monthly, callout_countries: US, {dates}}}\n"
        f"    plan_package_lists: [{{type: zccp_monthly, hosts: 4, {dates}}}]\n"
        "  plan_znode:\n"
        f"    plan_znode_base: {{type: znode_monthly, hosts: 1, {dates}}}\n"
        f"    plan_zphybrid: {{type: zph_monthly, hosts: 2, {dates}}}\n"
        f"  plan_partner_premier_support: {{type: partner_premier_support_monthly, {dates}}}\n"
    )
    # The Business Plus and Node prerequisite (a Phone base plan) is in the file.
    assert problems_in(text) == []


def test_the_2026_fixture_is_valid_through_the_command_even_with_strict(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(Path(__file__).resolve().parents[2])
    fixture = "tests/fixtures/valid/groups-2026.yaml"
    for strict in ((), ("--strict",)):
        result = CliRunner().invoke(cli, ["validate", fixture, *strict])
        assert result.exit_code == 0, result.output
        assert result.output == f"{fixture}: 1 account in 1 file, valid\n"

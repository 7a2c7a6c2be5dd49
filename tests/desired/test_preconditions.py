"""Zoom's preconditions: a warning where the file does not list what an entry needs (the live
account may have it), an error where the file itself contradicts them."""

from __future__ import annotations

from collections.abc import Callable

import pytest

Check = Callable[..., list[str]]
HEAD = "account_id: sub_pre\nplans:\n  plan_base: {type: business_monthly, hosts: 20}\n"
NOT_LISTED = (
    "which this file does not list: Zoom refuses it unless the account already has one "
    "(validate cannot see the live account; declare it to make sure)"
)


@pytest.mark.parametrize(
    ("plans", "where", "needs"),
    [
        (
            "  plan_zoom_one: [{type: zobp_usca_monthly_unlimited, hosts: 5}]\n",
            "4:26: warning: plan_zoom_one 'zobp_usca_monthly_unlimited'",
            "a Zoom Phone base plan (plan_phone.plan_base)",
        ),
        (
            "  plan_znode: {plan_zphybrid: {type: zph_monthly, hosts: 2}}\n",
            "4:38: warning: plan_znode.plan_zphybrid 'zph_monthly'",
            "a Zoom Node base plan (plan_znode.plan_znode_base)",
        ),
        (
            "  plan_znode: {plan_znode_base: {type: znode_monthly, hosts: 1}}\n",
            "4:40: warning: plan_znode.plan_znode_base 'znode_monthly'",
            "a Zoom Phone base plan (plan_phone.plan_base)",
        ),
        (
            "  plan_zcc: {plan_usage: {type: zcc_pay_as_you_go}}\n",
            "4:33: warning: plan_zcc.plan_usage 'zcc_pay_as_you_go'",
            "a Contact Center package (plan_zcc.plan_package_lists)",
        ),
        (
            "  plan_zcc: {plan_ai_expert_assist: {type: ai_expert_assist_yearly}}\n",
            "4:44: warning: plan_zcc.plan_ai_expert_assist 'ai_expert_assist_yearly'",
            "a Contact Center basic plan (plan_zcc.plan_package_lists: zccp_*, "
            "zm_contact_center_elite_*, zm_contact_center_premium_*)",
        ),
        (
            "  plan_phone:\n    plan_calling_addons: [{type: zp_power_pack_monthly, hosts: 2}]\n",
            "5:34: warning: plan_phone.plan_calling_addons 'zp_power_pack_monthly'",
            "a Zoom Phone calling plan (plan_phone.plan_calling)",
        ),
    ],
)
def test_a_missing_prerequisite_is_a_warning_at_the_entry_and_strict_refuses_it(
    problems_in: Check, plans: str, where: str, needs: str
) -> None:
    expected = f"{where} needs {needs}, {NOT_LISTED}"
    assert problems_in(HEAD + plans) == [expected]
    assert problems_in(HEAD + plans, strict=True) == [expected.replace("warning", "error", 1)]


def test_the_prerequisites_in_the_file_satisfy_them(problems_in: Check) -> None:
    text = HEAD + (
        "  plan_zoom_one: [{type: zobp_usca_monthly_unlimited, hosts: 5}]\n"
        "  plan_phone:\n"
        "    plan_base: {type: phone_payongo}\n"
        "    plan_calling: [{type: phone_calling_usca_monthly_unlimited, hosts: 3}]\n"
        "    plan_calling_addons: [{type: zp_power_pack_monthly, hosts: 2}]\n"
        "  plan_znode:\n"
        "    plan_znode_base: {type: znode_monthly, hosts: 1}\n"
        "    plan_zphybrid: {type: zph_monthly, hosts: 2}\n"
        "  plan_zcc:\n"
        "    plan_package_lists: [{type: zccp_monthly, hosts: 4}]\n"
        "    plan_ai_expert_assist: {type: ai_expert_assist_yearly}\n"
        "    plan_usage: {type: zcc_pay_as_you_go}\n"
        "    plan_phone_number: [{type: vspn_usca_monthly, hosts: 2}]\n"
    )
    assert problems_in(text) == []


def test_cancelling_a_prerequisite_the_file_still_relies_on_is_an_error(
    problems_in: Check,
) -> None:
    text = HEAD + (
        "  plan_znode:\n"
        "    plan_znode_base: {type: znode_monthly, state: cancelled}\n"
        "    plan_zphybrid: {type: zph_monthly, hosts: 2}\n"
        "  plan_phone: {plan_base: {type: phone_payongo}}\n"
    )
    (found,) = problems_in(text)
    assert found.startswith(
        "6:27: error: plan_znode.plan_zphybrid 'zph_monthly' needs a Zoom Node base plan "
        "(plan_znode.plan_znode_base), but this file cancels 'znode_monthly' (at "
    ), found
    assert found.endswith("a.yaml:5); Zoom refuses an entry without what it needs")


def test_ai_expert_assist_excludes_the_concurrent_packages(problems_in: Check) -> None:
    text = HEAD + (
        "  plan_zcc:\n"
        "    plan_package_lists:\n"
        "      - {type: zccp_monthly, hosts: 4}\n"
        "      - {type: zcc_con_pkg_monthly, hosts: 2}\n"
        "    plan_ai_expert_assist: {type: ai_expert_assist_yearly}\n"
    )
    (found,) = problems_in(text)
    assert found.startswith(
        "8:35: error: plan_zcc.plan_ai_expert_assist 'ai_expert_assist_yearly': AI Expert "
        "Assist excludes the Contact Center concurrent plans, and this account keeps "
        "plan_zcc.plan_package_lists 'zcc_con_pkg_monthly' (at "
    ), found
    assert found.endswith("a.yaml:7); Zoom refuses the pair")
    concurrent_assist = text.replace(
        "ai_expert_assist_yearly", "ai_expert_assist_concurrent_yearly"
    )
    assert problems_in(concurrent_assist) == []


def test_video_sdk_recording_needs_a_video_sdk_base_plan(problems_in: Check) -> None:
    recording = "  plan_recording: zvsdkcr_5TB_monthly\n"
    sdk = "account_id: sub_sdk\nplans:\n  plan_base: {type: vsdk_payongo, hosts: 1}\n"
    assert problems_in(sdk + recording) == []
    assert problems_in("account_id: sub_sdk\nplans:\n" + recording) == [
        "3:19: warning: plan_recording 'zvsdkcr_5TB_monthly' needs a Video SDK base plan "
        f"(plan_base: vsdk_*), {NOT_LISTED}"
    ]
    (found,) = problems_in(HEAD + recording)
    assert "but this account's plan_base is 'business_monthly'" in found
    assert found.startswith("4:19: error: ")


def test_a_cancelled_entry_needs_nothing(problems_in: Check) -> None:
    text = HEAD + "  plan_znode: {plan_zphybrid: {type: zph_monthly, state: cancelled}}\n"
    assert problems_in(text) == []

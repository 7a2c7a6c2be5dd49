"""One reading of Zoom's plan shapes: what each side looks like after normalisation."""

from __future__ import annotations

import pytest

from reconciler.groups.normalise import PlanShapeError, countries, normalise_plans


def test_a_full_get_answer() -> None:
    plans = normalise_plans(
        {
            "plan_base": {
                "type": "business_monthly",
                "hosts": "20",
                "status": "active",
                "next_invoice_date": "2026-12-01",
            },
            "plan_webinar": [
                {
                    "type": "webinar500_monthly",
                    "hosts": 3,
                    "status": "active",
                    "service_effective_date": "x",
                },
                {"type": "webinar1000_monthly", "hosts": 1, "status": "Cancelled"},
            ],
            "plan_recording": "cmr_monthly_commitment_40",
            "plan_recording_status": "active",
            "plan_recording_next_invoice_date": "2026-12-01",
            "plan_audio": {
                "type": "tollfree_payongo",
                "tollfree_countries": "US, CA,US",
                "premium_countries": "",
                "ddi_numbers": 0,
            },
            "plan_phone": {
                "plan_base": {"type": "phone_payongo", "callout_countries": "US"},
                "plan_calling": [{"type": "phone_calling_usca_monthly_unlimited", "hosts": 10}],
                "plan_fax": [{"type": "fax_x", "hosts": 1}],
            },
            "plan_future_nested": {
                "type": "zcc_basic",
                "hosts": 2,
                "next_invoice_date": "2026-12-01",
            },
            "plan_zoom_rooms": "",
        }
    )
    assert plans.base == {"type": "business_monthly", "hosts": 20}
    assert plans.addons == {
        ("plan_webinar", "webinar500_monthly"): {"type": "webinar500_monthly", "hosts": 3},
        ("plan_recording", "cmr_monthly_commitment_40"): {"type": "cmr_monthly_commitment_40"},
        ("plan_audio", "tollfree_payongo"): {
            "type": "tollfree_payongo",
            "tollfree_countries": ["CA", "US"],
        },
        ("plan_phone.plan_base", "phone_payongo"): {
            "type": "phone_payongo",
            "callout_countries": ["US"],
        },
        ("plan_phone.plan_calling", "phone_calling_usca_monthly_unlimited"): {
            "type": "phone_calling_usca_monthly_unlimited",
            "hosts": 10,
        },
    }
    assert plans.cancelled == frozenset()  # a live cancelled entry is just absent
    assert plans.unknown == {
        "plan_future_nested": {"hosts": 2, "type": "zcc_basic"},
        "plan_phone.plan_fax": [{"hosts": 1, "type": "fax_x"}],
    }


def test_the_yaml_shapes() -> None:
    plans = normalise_plans(
        {
            "plan_base": {"type": "monthly", "hosts": 5},
            "plan_recording": {"type": "cmr_monthly_commitment_40", "state": "cancelled"},
            "plan_webinar": [{"type": "webinar100_monthly", "state": "cancelled"}],
            "plan_audio": {"type": "tollfree_payongo", "callout_countries": ["US", "CA"]},
        }
    )
    assert plans.cancelled == {
        ("plan_recording", "cmr_monthly_commitment_40"),
        ("plan_webinar", "webinar100_monthly"),
    }
    assert plans.addons == {
        ("plan_audio", "tollfree_payongo"): {
            "type": "tollfree_payongo",
            "callout_countries": ["CA", "US"],
        }
    }


@pytest.mark.parametrize(
    "base",
    [
        None,
        {},
        {"type": "", "hosts": 0},
        {"type": "business_monthly", "hosts": 20, "status": "expired"},
    ],
)
def test_unsubscribed_shapes(base: object) -> None:
    assert not normalise_plans({"plan_base": base}).subscribed
    assert not normalise_plans(None).subscribed


@pytest.mark.parametrize(
    ("plans", "message"),
    [
        ({"plan_base": 3}, "plan_base: expected an object"),
        ({"plan_webinar": [3]}, "list entries must be objects"),
        ({"plan_webinar": [{"hosts": 3}]}, "an entry without a plan type"),
        (
            {"plan_audio": {"type": "tollfree_payongo", "tollfree_countries": 5}},
            "countries must be",
        ),
        ({"plan_recording": 7}, "plan_recording"),
        ({"plan_phone": "x"}, "plan_phone: expected an object"),
    ],
)
def test_shapes_no_reading_explains(plans: dict[str, object], message: str) -> None:
    with pytest.raises(PlanShapeError, match=message):
        normalise_plans(plans)


def test_countries() -> None:
    assert countries("US,CA, US ,") == ["CA", "US"] == countries(["US", "CA"])
    assert countries([]) == [] == countries("")

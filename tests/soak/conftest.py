"""The soak tests' world (fixture `soak_world`): accounts whose desired state needs every op.

Six kinds of account, repeated: an unsubscribed one (subscribe with an add-on in the same POST),
seat and add-on increases with a new add-on, decreases with a cancellation, new recording and
audio add-ons, an add-on increase with a webinar cancellation, and one already in sync.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.sample_contact import CONTACT as SAMPLE_CONTACT

CREDENTIALS = {"account_id": "MASTER1", "client_id": "soak-client", "client_secret": "soak-secret"}
CONTACT = {**SAMPLE_CONTACT, "email": "billing@example.com"}
KINDS = 6


def active(entry: dict[str, Any]) -> dict[str, Any]:
    return {**entry, "status": "active"}


def account(n: int) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """(account id, seed entry, desired document) for the n-th account."""
    account_id = f"sub_soak{n:03d}"
    kind = n % KINDS
    hosts = 12 + n % 20
    base = {"type": "business_monthly", "hosts": hosts}
    seed: dict[str, Any] = {"name": f"Soak {n}", "usage": {"plan_base": 3}}
    plans: dict[str, Any]
    if kind == 0:  # subscribe: base and a webinar in one POST
        plans = {"plan_base": base, "plan_webinar": [{"type": "webinar500_monthly", "hosts": 2}]}
        return account_id, seed, {"account_id": account_id, "contact": CONTACT, "plans": plans}
    if kind == 1:  # base increase, add-on increase, new add-on
        seed["plans"] = {
            "plan_base": active(base),
            "plan_webinar": [active({"type": "webinar500_monthly", "hosts": 2})],
        }
        plans = {
            "plan_base": {**base, "hosts": hosts + 3},
            "plan_webinar": [{"type": "webinar500_monthly", "hosts": 4}],
            "plan_large_meeting": [{"type": "large500_monthly", "hosts": 1}],
        }
    elif kind == 2:  # base decrease, add-on decrease, cancellation
        seed["plans"] = {
            "plan_base": active({**base, "hosts": hosts + 5}),
            "plan_zoom_rooms": active({"type": "zroom_monthly", "hosts": 3}),
            "plan_webinar": [active({"type": "webinar500_monthly", "hosts": 5})],
        }
        plans = {
            "plan_base": base,
            "plan_zoom_rooms": {"type": "zroom_monthly", "state": "cancelled"},
            "plan_webinar": [{"type": "webinar500_monthly", "hosts": 2}],
        }
    elif kind == 3:  # new recording and audio add-ons
        seed["plans"] = {"plan_base": active(base)}
        plans = {
            "plan_base": base,
            "plan_recording": "cmr_monthly_commitment_40",
            "plan_audio": {
                "type": "tollfree_payongo",
                "tollfree_countries": ["US", "CA"],
                "callout_countries": ["US"],
            },
        }
    elif kind == 4:  # zoom rooms increase, webinar cancelled
        seed["plans"] = {
            "plan_base": active(base),
            "plan_zoom_rooms": active({"type": "zroom_monthly", "hosts": 1}),
            "plan_webinar": [active({"type": "webinar1000_monthly", "hosts": 1})],
        }
        plans = {
            "plan_base": base,
            "plan_zoom_rooms": {"type": "zroom_monthly", "hosts": 2},
            "plan_webinar": [{"type": "webinar1000_monthly", "state": "cancelled"}],
        }
    else:  # in sync: reads only, never a write
        seed["plans"] = {"plan_base": active(base)}
        plans = {"plan_base": base}
    return account_id, seed, {"account_id": account_id, "plans": plans}


def world(count: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The sandbox seed and the desired documents for `count` accounts."""
    seed: dict[str, Any] = {"credentials": dict(CREDENTIALS), "accounts": {}}
    documents = []
    for n in range(count):
        account_id, entry, document = account(n)
        seed["accounts"][account_id] = entry
        documents.append(document)
    return seed, documents


@pytest.fixture
def soak_world() -> Callable[[int], tuple[dict[str, Any], list[dict[str, Any]]]]:
    """`soak_world(count) -> (seed, desired documents)`."""
    return world

"""Whatever body a client sends, the world answers with Zoom's error or applies it: never a crash.

Runs the world's write rules directly (no HTTP) on arbitrary JSON, so a bug in a rule shows up
as a Python exception here instead of an uvicorn 500 in someone else's test.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reconciler.sandbox import ZoomApiError, load_seed
from reconciler.sandbox.world import World

SMALL = Path(__file__).parents[1] / "fixtures" / "seeds" / "small.yaml"
ACCOUNTS = ["sub_8Jk2Lm", "sub_pro", "sub_legacy", "sub_new", "sub_lapsed", "sub_phone", "nobody"]
TYPES = [
    "business_monthly",
    "monthly",
    "trial",
    "webinar500_monthly",
    "webinar1000_monthly",
    "zroom_monthly",
    "cmr_monthly_commitment_40",
    "tollfree_payongo",
    "phone_payongo",
    "phone_calling_usca_monthly_unlimited",
    "nonsense",
]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-5, max_value=20000),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(TYPES),
    st.sampled_from(["US", "US,CA", "us", "", "cancel"]),
    st.text(max_size=5),
)
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=8,
)
keys = st.sampled_from(
    [
        "type",
        "hosts",
        "increasing_hosts",
        "action",
        "reason",
        "comment",
        "contact",
        "plan_base",
        "plan_webinar",
        "plan_recording",
        "plan_audio",
        "plan_phone",
        "plan_zoom_rooms",
        "tollfree_countries",
        "callout_countries",
        "ddi_numbers",
    ]
)
bodies = st.dictionaries(keys, st.one_of(json_values, st.sampled_from(TYPES)), max_size=6)
operations = st.sampled_from(
    ["subscribe", "update_base", "add_addon", "update_addon", "cancel_addon", "cancel_base"]
)


SEEDED = load_seed(SMALL).accounts  # frozen; each World deep-copies the plans it starts from


def fresh_world() -> World:
    return World(SEEDED)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    steps=st.lists(st.tuples(operations, st.sampled_from(ACCOUNTS), bodies), min_size=1, max_size=6)
)
def test_any_body_is_applied_or_answered_with_a_zoom_error(
    steps: list[tuple[str, str, dict[str, Any]]],
) -> None:
    world = fresh_world()
    for operation, account, body in steps:
        try:
            getattr(world, operation)(account, body)
        except ZoomApiError as err:
            assert 400 <= err.status < 500
            assert isinstance(err.code, int)
            json.dumps(err.body())
        for account_id in ACCOUNTS[:-1]:
            json.dumps(world.visible_plans(account_id))  # the world stays GET-shaped JSON

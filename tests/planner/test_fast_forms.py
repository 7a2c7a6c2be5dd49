"""The planner's fast forms give exactly what the plain forms gave (issue 19's planning CPU).

A saved plan's `live_sha256`, the journal's hashes and apply's resume proof compare hashes
made in other runs, by other versions: the canonical form of the normalised live plans must
stay spelled as `json.dumps(..., sort_keys=True, separators=(",", ":"), ensure_ascii=False)`
of the documented shape, however it is built. The memories that make normalising cheap
(country and status spellings read once) must never give one spelling another's reading.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import FrozenInstanceError, fields, replace
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reconciler.groups.canonical import _jsonable, canonical_json, canonical_sha256
from reconciler.groups.field_rules import countries, read_entry
from reconciler.groups.normalise import NormalisedPlans, normalise_plans
from reconciler.groups.operations import Op
from reconciler.planner.changes import actions_with_changes
from reconciler.planner.fast_instances import in_sync
from reconciler.planner.fingerprints import live_fingerprint
from reconciler.planner.model import AccountPlan, Action
from reconciler.planner.renewal_record import Renewal
from tests.planner.test_properties import live_plans


def _documented_form(plans: NormalisedPlans) -> dict[str, Any]:
    """The canonical form as SPEC's plan file documents `live`, built the plain way."""
    return {
        "base": plans.base,
        "addons": [{"group": g, **plans.addons[(g, t)]} for g, t in sorted(plans.addons)],
        "cancelled": [{"group": g, "type": t} for g, t in sorted(plans.cancelled)],
        "unknown": plans.unknown,
    }


def _plain_sha256(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


names = st.text(min_size=1, max_size=6)  # any character: quotes, non-ASCII, controls
_leaves = st.none() | st.booleans() | st.integers() | names
#: Two levels deep, as Zoom's groups are (an object of entries, an entry of fields).
unknown_values = (
    _leaves
    | st.lists(_leaves, max_size=3)
    | st.dictionaries(names, _leaves | st.lists(_leaves, max_size=2), max_size=3)
)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(live_plans(), st.dictionaries(names.map(lambda n: f"plan_x{n}"), unknown_values))
def test_the_live_fingerprint_is_the_plain_json_of_the_documented_form(
    live: dict[str, Any] | None, unknown: dict[str, Any]
) -> None:
    answer = None if live is None else {**live, **unknown}
    plans = normalise_plans(answer)
    assert plans.to_canonical() == _documented_form(plans)
    assert live_fingerprint(answer) == _plain_sha256(_documented_form(plans))


spellings = st.one_of(
    st.text(alphabet=" ,USCAé1", max_size=8),
    st.lists(st.sampled_from(["US", " CA", "", 1, 1.0, True, "1", "True", "é"]), max_size=3),
    st.lists(st.sampled_from(["US", 1, "CA"]), max_size=3).map(tuple),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(spellings, min_size=1, max_size=6))
def test_country_spellings_read_once_read_alike(seen: list[Any]) -> None:
    """`(1,)`, `(1.0,)` and `(True,)` are equal keys of a dict but read differently."""
    for value in seen:
        items = value.split(",") if isinstance(value, str) else [str(p) for p in value]
        assert countries(value) == sorted({p.strip() for p in items if p.strip()})


@given(st.sampled_from(["active", " Cancelled ", "EXPIRED", "canceled", "", "pending"]))
def test_status_spellings_read_once_read_alike(status: str) -> None:
    _, inactive = read_entry({"type": "x", "status": status}, "g")
    assert inactive is (status.strip().lower() in {"cancelled", "canceled", "expired"})
    assert read_entry({"type": "x", "state": status}, "g")[1] is inactive


def test_an_action_copied_with_its_changes_is_dataclasses_replace() -> None:
    """`changes` copies each action through its instance dict: that dict holds every field."""
    action = Action.for_call(
        Op.UPDATE_ADDON,
        "sub_1",
        increase=False,
        body={"type": "webinar500_monthly", "hosts": 2},
        before={"hosts": 3},
        after={"hosts": 2},
        group="plan_webinar",
        renewal_notice="renews on 2026-12-01",
    )
    assert set(vars(action)) == {f.name for f in fields(Action)}
    (copied,) = actions_with_changes((action,))
    assert copied == replace(action, changes=copied.changes)
    assert [c.to_json() for c in copied.changes or ()] == [
        {"path": "hosts", "before": 3, "after": 2}
    ]


def test_normalised_plans_read_in_one_step_are_those_init_makes() -> None:
    answer = {
        "plan_base": {"type": "business_monthly", "hosts": 20, "paid_period_start_date": "x"},
        "plan_webinar": [{"type": "webinar500_monthly", "state": "cancelled", "reason": "r"}],
        "plan_bundle": [{"type": "ACT-ENT-LMT_500"}],
    }
    read = normalise_plans(answer)
    made = NormalisedPlans(**{f.name: getattr(read, f.name) for f in fields(NormalisedPlans)})
    assert type(read) is NormalisedPlans
    assert vars(read) == vars(made)
    assert read == made and repr(read) == repr(made)
    assert read.scheduled and read.cancel_notes and read.bundle  # every field set
    with pytest.raises(FrozenInstanceError):
        read.base = None  # type: ignore[misc]


def test_an_in_sync_account_made_in_one_step_is_the_one_init_makes() -> None:
    renewal = Renewal(
        next_renewal_date=date(2026, 12, 31),
        auto_renew=True,
        total_renewal_amount=Decimal("120.00"),
        billing_cycles=("Monthly",),
    )
    made = in_sync("sub_1", "accounts/a.yaml:1", "ab" * 32, "Acme", renewal)
    plain = AccountPlan(
        account_id="sub_1",
        source="accounts/a.yaml:1",
        status="in_sync",
        live_sha256="ab" * 32,
        name="Acme",
        renewal=renewal,
    )
    assert type(made) is AccountPlan and vars(made) == vars(plain) and made == plain
    assert made.to_json() == plain.to_json()
    with pytest.raises(FrozenInstanceError):
        made.status = "changes"  # type: ignore[misc]


_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()  # NaN and infinities too: spelled as json.dumps spells them
    | st.text(max_size=5)
    | st.decimals(allow_nan=False, places=2)  # not JSON: `str()`, as every hash does
)
_containers = (
    st.lists(_scalars, max_size=3)
    | st.lists(_scalars, max_size=3).map(tuple)
    | st.frozensets(st.text(max_size=2), max_size=2)
    | st.dictionaries(st.text(max_size=4), _scalars, max_size=3)
    | st.dictionaries(st.integers(), _scalars, max_size=2)
)
json_values = (
    _scalars
    | _containers
    | st.lists(_containers, max_size=2)
    | st.dictionaries(st.text(max_size=4), _scalars | _containers, max_size=3)
)


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_the_one_encoder_spells_json_dumps(value: Any) -> None:
    plain = json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_jsonable
    )
    assert canonical_json(value) == plain
    assert canonical_sha256(value) == hashlib.sha256(plain.encode()).hexdigest()

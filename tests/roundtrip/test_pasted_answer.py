"""SPEC section 3: a GET /plans answer pasted into a desired file loads and plans to nothing.

Unlike tests/planner/test_properties.py (which hands the planner a DesiredAccount built in
memory), this goes the whole way a user does: random live answers in Zoom's own shape (lapsed
entries still listed, dates, comma country strings, the recording status beside the recording
string, phone groups) are written as YAML files, loaded with `load_desired` (schema, rules,
read-only fields), and planned with the planner's public `plan_account` against the same answer.
"""

from __future__ import annotations

import copy
import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reconciler.desired import load_desired
from reconciler.planner.core import plan_account
from reconciler.planner.model import PlanOptions
from reconciler.zoom.live import LivePlans
from tests.sample_contact import CONTACT

#: Base plan codes with a host count Zoom accepts for each (SPEC section 5 ranges).
BASE_TYPES = {
    "business_monthly": (10, 49),
    "business_yearly": (10, 49),
    "monthly": (1, 9),
    "plan_pro_three_years": (1, 9),
    "edu20": (20, 149),
    "trial": (1, 9999),
    "business_yearly_c50": (10, 49),  # a legacy code, allowed by name (extra_plan_types)
}
LIST_TYPES = {
    "plan_webinar": ["webinar100_monthly", "webinar500_monthly", "webinar1000_yearly"],
    "plan_large_meeting": ["large100_monthly", "large500_yearly", "plan_large500_two_years"],
    "plan_zoom_events": ["zoomevents500_monthly", "zoomevents1000_monthly"],
}
SINGLE_TYPES = {
    "plan_zoom_rooms": ["zroom_monthly", "zroom_yearly"],
    "plan_room_connector": ["roomconnector_monthly", "roomconnector_yearly"],
}
PHONE_LIST_TYPES = {
    "plan_calling": ["phone_calling_usca_monthly_unlimited"],
    "plan_number": ["phone_number_usca_monthly"],
}
COUNTRIES = ["US", "CA", "GB", "DE", "FR", "AU", "JP"]
LAPSED = ("cancelled", "expired")

statuses = st.sampled_from(["active", "active", "active", "cancelled", "expired"])
dates = st.sampled_from(["", "2026-01-01T00:00:00Z", "2026-12-31", "2027-02-28T12:30:00Z"])
country_strings = st.builds(
    lambda codes, separator: separator.join(codes),
    st.lists(st.sampled_from(COUNTRIES), min_size=1, max_size=4, unique=True),
    st.sampled_from([",", ", "]),
)


@st.composite
def dated(draw: Any, entry: dict[str, Any]) -> dict[str, Any]:
    """Zoom's read-only facts on an entry: status always, dates sometimes."""
    entry["status"] = draw(statuses)
    for key in ("service_effective_date", "next_invoice_date"):
        if draw(st.booleans()):
            entry[key] = draw(dates)
    return entry


@st.composite
def hosted(draw: Any, plan_type: str) -> dict[str, Any]:
    return draw(dated({"type": plan_type, "hosts": draw(st.integers(1, 500))}))


@st.composite
def entry_list(draw: Any, types: list[str]) -> list[dict[str, Any]]:
    """One active entry per type at most, plus lapsed ones Zoom still lists (same type too)."""
    entries = [draw(hosted(t)) for t in draw(st.lists(st.sampled_from(types), unique=True))]
    for plan_type in draw(st.lists(st.sampled_from(types), max_size=2)):
        old = draw(hosted(plan_type))
        old["status"] = draw(st.sampled_from(LAPSED))
        entries.insert(draw(st.integers(0, len(entries))), old)
    return entries


@st.composite
def live_answers(draw: Any) -> dict[str, Any]:
    """A GET /accounts/{id}/plans answer in Zoom's own shape."""
    plans: dict[str, Any] = {}
    if draw(st.integers(0, 9)) > 0:
        base_type = draw(st.sampled_from(sorted(BASE_TYPES)))
        low, high = BASE_TYPES[base_type]
        plans["plan_base"] = draw(dated({"type": base_type, "hosts": draw(st.integers(low, high))}))
    for group, types in LIST_TYPES.items():
        if draw(st.booleans()):
            plans[group] = draw(entry_list(types))
    for group, types in SINGLE_TYPES.items():
        if draw(st.booleans()):
            plans[group] = draw(hosted(draw(st.sampled_from(types))))
    if draw(st.booleans()):
        plans["plan_recording"] = draw(
            st.sampled_from(["cmr_monthly_commitment_40", "cmr_monthly_commitment_500"])
        )
        plans["plan_recording_status"] = draw(statuses)
        if draw(st.booleans()):
            plans["plan_recording_service_effective_date"] = draw(dates)
            plans["plan_recording_next_invoice_date"] = draw(dates)
    if draw(st.booleans()):
        audio: dict[str, Any] = {
            "type": draw(st.sampled_from(["tollfree_payongo", "tollfree_monthly_commitment_100"])),
            "tollfree_countries": draw(country_strings),
            "premium_countries": draw(st.one_of(st.just(""), country_strings)),
            "callout_countries": draw(st.one_of(st.just(""), country_strings)),
            "ddi_numbers": draw(st.integers(0, 20)),
        }
        plans["plan_audio"] = draw(dated(audio))
    if draw(st.booleans()):
        phone: dict[str, Any] = {}
        if draw(st.booleans()):
            base = {"type": "phone_payongo", "callout_countries": draw(country_strings)}
            phone["plan_base"] = draw(dated(base))
        for sub, types in PHONE_LIST_TYPES.items():
            if draw(st.booleans()):
                phone[sub] = draw(entry_list(types))
        plans["plan_phone"] = phone
    return _within_base_hosts(plans)


def _within_base_hosts(plans: dict[str, Any]) -> dict[str, Any]:
    """Zoom keeps active webinar and Zoom Events hosts at most the base plan's hosts, and
    large-meeting hosts below them (it refuses any call that breaks this): so do its answers."""
    base = plans.get("plan_base")
    if not isinstance(base, dict) or base.get("status") in LAPSED:
        return plans
    for group in LIST_TYPES:
        ceiling = base["hosts"] - (1 if group == "plan_large_meeting" else 0)
        for entry in plans.get(group, []):
            if entry["status"] in LAPSED:
                continue
            if ceiling < 1:
                entry["status"] = "expired"
            else:
                entry["hosts"] = min(entry["hosts"], ceiling)
    return plans


def pasted(answer: dict[str, Any] | None, folder: Path) -> Path:
    """The answer written as a user pastes it: yaml.safe_dump of {account_id, contact, plans};
    an account Zoom answers "no subscription" for (None) gets no `plans:` at all."""
    path = folder / "pasted.yaml"
    document: dict[str, Any] = {"account_id": "sub_pasted", "contact": CONTACT}
    if answer is not None:
        document["plans"] = answer
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return path


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(live_answers(), st.none()), st.booleans())
def test_a_pasted_live_answer_loads_and_plans_to_nothing(
    answer: dict[str, Any] | None, opted_in: bool
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        # The legacy code Zoom's answer may hold, allowed by name as zoomplans.yaml would.
        state = load_desired(
            [pasted(copy.deepcopy(answer), Path(folder))], extra_plan_types=["business_yearly_c50"]
        )
    assert state.errors == [], [str(p) for p in state.errors]
    assert state.warnings == [], state.warnings
    (account,) = state.accounts
    options = PlanOptions(allow_decrease=opted_in, allow_cancel=opted_in)
    planned = plan_account(account, LivePlans("sub_pasted", copy.deepcopy(answer)), options)
    assert planned.actions == ()
    assert planned.blocked == ()
    assert planned.unmanaged == ()
    assert planned.status == "in_sync"


def test_the_generator_produces_what_the_property_is_about() -> None:
    """Guard against a generator that silently stopped making lapsed entries or phone groups."""
    seen: set[str] = set()

    @settings(max_examples=300, deadline=None, database=None)
    @given(live_answers())
    def collect(answer: dict[str, Any]) -> None:
        text = yaml.safe_dump(answer)
        for word in ("cancelled", "expired", "plan_phone", "plan_recording_status", ", "):
            if word in text:
                seen.add(word)

    collect()
    assert seen == {"cancelled", "expired", "plan_phone", "plan_recording_status", ", "}

"""The plan file: pinned fields, schema, round trip, fingerprints, expiry and guard rails."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from reconciler.planner.core import build_plan
from reconciler.planner.fingerprints import live_fingerprint
from reconciler.planner.model import Plan, PlanFormatError, PlanOptions
from reconciler.planner.plan_schema import schema_problems
from reconciler.planner.provenance import DurationError, current_git_commit, parse_duration
from reconciler.zoom.live import LivePlans

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((ROOT / "schemas" / "plan.schema.json").read_text())
#: Zoom's 2018 request-body definitions, copied into the tests (a user's clone has no ../shared).
SWAGGER = json.loads((ROOT / "tests" / "zoom" / "zoom_plan_definitions.json").read_text())
NOW = datetime(2026, 11, 22, 1, 0, tzinfo=UTC)


ACME_LIVE = {
    "plan_base": {"type": "business_monthly", "hosts": 20, "status": "active"},
    "plan_webinar": [{"type": "webinar1000_monthly", "hosts": 1, "status": "active"}],
    "plan_zoom_rooms": {"type": "zroom_monthly", "hosts": 6, "status": "active"},
    "plan_large_meeting": [{"type": "large500_monthly", "hosts": 1}],
}
#: Nobody uses a seat of ACME_LIVE, so every decrease may be planned.
ACME_USAGE = {
    "plan_base": {"usage": 0, "pending": 0},
    "plan_webinar": [{"type": "webinar1000_monthly", "usage": 0}],
    "plan_zoom_rooms": [{"type": "zroom_monthly", "usage": 0}],
    "plan_large_meeting": [{"type": "large500_monthly", "usage": 0}],
}


def sample_plan(make_desired: Any, contact: Any, **options: Any) -> Plan:
    accounts = [
        make_desired(
            {
                "plan_base": {"type": "business_monthly", "hosts": 25},
                "plan_webinar": [
                    {"type": "webinar500_monthly", "hosts": 3},
                    {"type": "webinar1000_monthly", "state": "cancelled"},
                ],
                "plan_zoom_rooms": {"type": "zroom_monthly", "hosts": 4},
            },
            "sub_8Jk2Lm",
        ),
        make_desired(
            {"plan_base": {"type": "business_monthly", "hosts": 10}}, "sub_new", contact=contact
        ),
        make_desired({"plan_base": {"type": "business_monthly", "hosts": 10}}, "sub_self"),
        make_desired({"plan_base": {"type": "business_monthly", "hosts": 10}}, "sub_sync"),
    ]
    lives = {
        "sub_8Jk2Lm": LivePlans("sub_8Jk2Lm", ACME_LIVE, ACME_USAGE),
        "sub_new": LivePlans("sub_new", None),
        "sub_self": LivePlans("sub_self", {"plan_base": {"type": "monthly", "hosts": 3}}),
        "sub_sync": LivePlans("sub_sync", {"plan_base": {"type": "business_monthly", "hosts": 10}}),
    }
    return build_plan(
        accounts,
        lives,
        PlanOptions(**options),
        now=NOW,
        ttl=timedelta(hours=2),
        git_commit="a" * 40,
    )


def test_plan_json_has_the_pinned_fields_and_validates(make_desired: Any, contact: Any) -> None:
    data = sample_plan(make_desired, contact, allow_cancel=True, allow_decrease=True).to_json()
    jsonschema.Draft202012Validator(SCHEMA).validate(data)
    assert schema_problems(data) == []
    for key in (
        "format_version",
        "created_at",
        "expires_at",
        "git_commit",
        "desired_sha256",
        "accounts",
        "summary",
    ):
        assert key in data
    assert data["format_version"] == 1
    assert data["created_at"] == "2026-11-22T01:00:00Z"
    assert data["expires_at"] == "2026-11-22T03:00:00Z"
    first = data["accounts"][0]
    assert set(first) >= {
        "account_id",
        "source",
        "status",
        "live_sha256",
        "actions",
        "blocked",
        "unmanaged",
        "error",
    }
    assert first["source"] == "accounts/sub_8Jk2Lm.yaml:1"
    assert first["actions"][0] == {
        "op": "update_base",
        "class": "seat_increase",
        "method": "PUT",
        "path": "/accounts/sub_8Jk2Lm/plans/base",
        "body": {"type": "business_monthly", "hosts": 25},
        "before": {"hosts": 20},
        "after": {"hosts": 25},
        "group": "plan_base",
        "cost": None,
        "changes": [{"path": "hosts", "before": 20, "after": 25}],
    }
    assert [a["op"] for a in first["actions"]] == [
        "update_base",
        "add_addon",
        "update_addon",
        "cancel_addon",
    ]
    assert data["summary"] == {
        "accounts": 4,
        "in_sync": 1,
        "changes": 2,
        "blocked": 1,
        "errors": 0,
        "actions": {
            "subscribe": 1,
            "update_base": 1,
            "add_addon": 1,
            "update_addon": 1,
            "cancel_addon": 1,
            "cancel_base": 0,
            "update_contact": 0,
        },
        "heavy_calls": 6,  # five writes and the usage read that allowed the zoom rooms decrease
        "cost": None,  # no price list: no money shown at all
    }


def test_round_trip(make_desired: Any, contact: Any) -> None:
    plan = sample_plan(make_desired, contact, allow_cancel=True, max_accounts_changed=5)
    again = Plan.from_json(json.loads(json.dumps(plan.to_json())))
    assert again == plan
    assert again.options.allow_cancel and again.options.max_accounts_changed == 5


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d.update(format_version=2), "format_version 2 is not supported"),
        (lambda d: d.pop("format_version"), "format_version None is not supported"),
        # Our words and the key's name; not jsonschema's phrasing, which may change.
        (lambda d: d.pop("accounts"), r"not a valid plan file: \(top\): .*accounts"),
        (lambda d: d["accounts"][0].update(status="done"), "accounts/0/status"),
        (lambda d: d["accounts"][0]["actions"][0].update(op="delete"), "accounts/0/actions/0/op"),
        (lambda d: d.update(created_at="yesterday"), "created_at"),
    ],
)
def test_from_json_refuses_broken_files(
    make_desired: Any, contact: Any, mutate: Any, message: str
) -> None:
    data = sample_plan(make_desired, contact).to_json()
    mutate(data)
    with pytest.raises(PlanFormatError, match=message):
        Plan.from_json(data)


def test_from_json_refuses_non_objects() -> None:
    with pytest.raises(PlanFormatError, match="JSON object"):
        Plan.from_json([1, 2])


def test_schema_refuses_increasing_hosts(make_desired: Any, contact: Any) -> None:
    data = sample_plan(make_desired, contact).to_json()
    data["accounts"][0]["actions"][0]["body"]["increasing_hosts"] = 5
    assert schema_problems(data)


def test_bodies_follow_zooms_swagger(make_desired: Any, contact: Any) -> None:
    """Every planned body validates against the request schema Zoom published."""
    definitions = SWAGGER["definitions"]
    bodies = {
        ("POST", "plans"): {
            "allOf": [
                {"properties": {"contact": {"$ref": "#/definitions/BillingContactRequired"}}},
                {"$ref": "#/definitions/AccountPlans"},
            ]
        },
        ("PUT", "base"): {"$ref": "#/definitions/AccountPlanBaseRequired"},
        ("POST", "addons"): {"$ref": "#/definitions/AccountPlanRequired"},
        ("PUT", "addons"): {"$ref": "#/definitions/AccountPlanRequired"},
    }
    plan = sample_plan(make_desired, contact, allow_cancel=True, allow_decrease=True)
    checked = 0
    for account in plan.accounts:
        for action in account.actions:
            schema = bodies.get((action.method, action.path.rsplit("/", 1)[-1]))
            if schema is None:
                continue
            jsonschema.Draft7Validator({**schema, "definitions": definitions}).validate(action.body)
            checked += 1
    assert checked == 4


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30m", timedelta(minutes=30)),
        ("24h", timedelta(hours=24)),
        ("7d", timedelta(days=7)),
        ("90s", timedelta(seconds=90)),
    ],
)
def test_parse_duration(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


def test_parse_duration_refuses_more_than_a_year() -> None:
    assert parse_duration("365d") == timedelta(days=365)
    for text in ("366d", "8761h", "3000000d", "9" * 30 + "s"):
        with pytest.raises(DurationError, match="at most 365d"):
            parse_duration(text)


@pytest.mark.parametrize("text", ["", "24", "h", "0h", "-1h", "1w", "1.5h"])
def test_parse_duration_refuses(text: str) -> None:
    with pytest.raises(DurationError, match="not a duration"):
        parse_duration(text)


def test_live_fingerprint_ignores_dates_and_cancelled_entries_but_not_seats() -> None:
    live = {
        "plan_base": {"type": "business_monthly", "hosts": 20, "next_invoice_date": "2026-01-01"}
    }
    moved = {
        "plan_base": {"type": "business_monthly", "hosts": 20, "next_invoice_date": "2026-02-01"}
    }
    gone = {
        **live,
        "plan_webinar": [{"type": "webinar500_monthly", "hosts": 1, "status": "cancelled"}],
    }
    more = {"plan_base": {"type": "business_monthly", "hosts": 21}}
    assert live_fingerprint(live) == live_fingerprint(moved) == live_fingerprint(gone)
    assert live_fingerprint(live) != live_fingerprint(more)
    assert live_fingerprint(None) != live_fingerprint(live)
    assert len(live_fingerprint({"plan_base": 7})) == 64  # unreadable answers still fingerprint


def test_desired_sha256_changes_with_the_yaml_only(make_desired: Any, contact: Any) -> None:
    one = sample_plan(make_desired, contact)
    two = sample_plan(make_desired, contact)
    assert one.desired_sha256 == two.desired_sha256
    other = build_plan(
        [make_desired({"plan_base": {"type": "monthly", "hosts": 2}})], {}, PlanOptions()
    )
    assert other.desired_sha256 != one.desired_sha256
    assert other.accounts[0].status == "error"  # never read: an error, not a silent skip


def test_max_accounts_changed_names_the_measured_value_and_flag(
    make_desired: Any, contact: Any
) -> None:
    opts = {"allow_cancel": True, "allow_decrease": True}
    from reconciler.guards.thresholds import AccountsChangedOverLimit, tripped_guard_rails

    assert (
        tripped_guard_rails(sample_plan(make_desired, contact, max_accounts_changed=2, **opts))
        == []
    )
    (caught,) = tripped_guard_rails(
        sample_plan(make_desired, contact, max_accounts_changed=1, **opts)
    )
    assert isinstance(caught, AccountsChangedOverLimit)
    assert "changes 2 accounts" in str(caught)
    assert "--max-accounts-changed 1" in str(caught)
    assert "re-run with --max-accounts-changed 2 to accept" in str(caught)


def test_expiry(make_desired: Any, contact: Any) -> None:
    plan = sample_plan(make_desired, contact)
    assert not plan.is_expired(NOW + timedelta(hours=1))
    assert plan.is_expired(NOW + timedelta(hours=2))


def test_git_commit_inside_and_outside_a_work_tree(tmp_path: Path) -> None:
    commit = current_git_commit(ROOT)
    assert commit is not None and len(commit) == 40
    assert current_git_commit(tmp_path) is None

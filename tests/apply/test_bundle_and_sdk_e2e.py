"""A bundle subscription and a Video SDK subscription without hosts, end to end.

Real HTTP over loopback against the sandbox, which answers as Zoom's 2026 document does (and,
for a bundle account's GET, as docs/sandbox.md says it assumes): plan, apply, plan again in
sync; a second apply sends nothing; `import` then `plan` in sync.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from reconciler.apply.replan import replan_converged
from reconciler.apply.runner import plan_sha256, run_apply
from reconciler.apply.seams import ApplySettings
from reconciler.desired.loader import load_desired
from reconciler.desired.model import DesiredAccount, SourceMark
from reconciler.importing import ImportRequest, import_accounts
from reconciler.planner.model import Plan, PlanOptions
from reconciler.planner.workflow import make_plan
from reconciler.zoom import ZoomClient
from reconciler.zoom.bodies import body_problems
from reconciler.zoom.config import ZoomConfig
from tests.sample_contact import CONTACT

CODE = "ACT-ENT-LMT_500-WBN_500-T_1-monthly"
FAST = ApplySettings(parallelism=4, verify_timeout_s=5, settle_timeout_s=5, first_pause_s=0.05)


def _seed(*, carrier: bool) -> dict[str, Any]:
    return {
        "credentials": {"account_id": "MASTER1", "client_id": "demo-client", "client_secret": "s"},
        "master": {"carrier_partner": carrier},
        "accounts": {"sub_1": {"name": "One"}},
    }


def _config(sb: Any) -> ZoomConfig:
    env = sb.env()
    return ZoomConfig(
        api_base_url=env["ZOOM_API_BASE_URL"],
        oauth_token_url=env["ZOOM_OAUTH_TOKEN_URL"],
        account_id=env["ZOOM_ACCOUNT_ID"],
        client_id=env["ZOOM_CLIENT_ID"],
        client_secret=env["ZOOM_CLIENT_SECRET"],
    )


def _account(plans: dict[str, Any]) -> DesiredAccount:
    return DesiredAccount("sub_1", SourceMark("accounts/sub_1.yaml", 1), plans, contact=CONTACT)


async def _plan(sb: Any, desired: DesiredAccount) -> Plan:
    async with ZoomClient(_config(sb)) as zoom:
        return await make_plan([desired], zoom, PlanOptions(), progress=False)


async def _apply(sb: Any, desired: DesiredAccount, tmp: Path) -> list[str]:
    """Plan and apply; the states of the accounts."""
    plan = await _plan(sb, desired)
    async with ZoomClient(_config(sb)) as zoom:
        report = await run_apply(
            plan,
            zoom,
            journal_path=tmp / "journal.jsonl",
            plan_hash=plan_sha256(plan),
            mode="fresh_plan",
            settings=FAST,
            converged=replan_converged([desired], PlanOptions()),
        )
    return [a.state for a in report.accounts]


def _writes(sb: Any) -> list[tuple[str, str, Any]]:
    return [(w.method, w.path, w.body) for w in sb.writes() if 200 <= w.status < 300]


async def test_a_bundle_subscribe_converges_and_is_never_bought_twice(
    sandbox: Any, tmp_path: Path
) -> None:
    sb = sandbox(seed=_seed(carrier=True))
    webinar = {"type": "webinar500_monthly", "hosts": 30}
    want = _account({"plan_bundle": [{"type": CODE}], "plan_webinar": [webinar]})
    assert await _apply(sb, want, tmp_path) == ["applied"]
    assert _writes(sb) == [
        (
            "POST",
            "/v2/accounts/sub_1/plans",
            {"contact": CONTACT, "plan_bundle": [{"type": CODE}], "plan_webinar": [webinar]},
        )
    ]
    assert sb.plans("sub_1")["plan_base"]["type"] == CODE
    again = await _plan(sb, want)
    assert again.accounts[0].status == "in_sync"
    # A second apply, long after any journal window: the account reads as subscribed.
    (tmp_path / "second").mkdir()
    assert await _apply(sb, want, tmp_path / "second") == ["in_sync"]
    assert len(_writes(sb)) == 1


async def test_a_bundle_account_imports_as_its_bundle_and_plans_in_sync(
    sandbox: Any, tmp_path: Path
) -> None:
    sb = sandbox(seed=_seed(carrier=True))
    assert await _apply(sb, _account({"plan_bundle": [{"type": CODE}]}), tmp_path) == ["applied"]
    out = tmp_path / "accounts"
    request = ImportRequest(out_dir=out, source="sandbox", now=datetime.now(UTC))
    async with ZoomClient(_config(sb)) as zoom:
        report = await import_accounts(zoom, request)
    assert report.unsubscribed == ()
    (written,) = out.glob("*sub_1.yaml")
    assert yaml.safe_load(written.read_text())["plans"] == {"plan_bundle": [{"type": CODE}]}
    state = load_desired([written])
    assert state.errors == []
    (imported,) = state.accounts
    async with ZoomClient(_config(sb)) as zoom:
        plan = await make_plan([imported], zoom, PlanOptions(), progress=False)
    assert plan.accounts[0].status == "in_sync"


async def test_a_video_sdk_base_plan_subscribes_without_hosts(sandbox: Any, tmp_path: Path) -> None:
    """Zoom's 2026 POST /plans requires only plan_base.type, and sells Video SDK plans without
    seats; the client's check sends it (any other base plan still needs hosts)."""
    sdk = {"contact": CONTACT, "plan_base": {"type": "vsdk_payongo"}}
    assert body_problems("subscribe", sdk) == []
    assert body_problems(
        "subscribe", {"contact": CONTACT, "plan_base": {"type": "business_monthly"}}
    ) == ["body.plan_base.hosts must be a whole number of at least 1"]
    assert body_problems("update_base", {"type": "vsdk_payongo"}) == []
    sb = sandbox(seed=_seed(carrier=False))
    want = _account({"plan_base": {"type": "vsdk_monthly_prepay_usage"}})
    assert await _apply(sb, want, tmp_path) == ["applied"]
    ((method, path, body),) = _writes(sb)
    assert (method, path) == ("POST", "/v2/accounts/sub_1/plans")
    assert body["plan_base"] == {"type": "vsdk_monthly_prepay_usage"}
    assert "hosts" not in sb.plans("sub_1")["plan_base"]
    again = await _plan(sb, want)
    assert again.accounts[0].status == "in_sync"

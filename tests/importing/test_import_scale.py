"""Issue 6 acceptance: against a sandbox seeded with 700 sub-accounts plus 3 self-pay ones
(three pages of GET /accounts), import writes 700 files, and plan on them reports every account
in sync.

Both halves run in process through the real client over loopback HTTP, paced at Zoom's Business
limits (the sandbox enforces Zoom's defaults): the import's 700 reads, then `make_plan` (what
`zoomplans plan` calls) reading all 700 accounts again, about 13 s each. That scale is the point
of the issue, so the 700 runs in `make soak` (marked slow) with the same round trip through the
CLI subprocesses; `make test` runs the same test at 40 accounts (one page, under a second of
reads), which proves everything but the size. Following next_page_token over three pages is
tests/zoom/test_client_sandbox.py's (655 accounts, listing only).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from reconciler.desired import load_desired
from reconciler.importing import ImportRequest, import_accounts
from reconciler.planner.model import PlanOptions
from reconciler.planner.workflow import make_plan
from reconciler.zoom import ZoomClient, ZoomConfig

ACCOUNTS = 700
SELF_PAY = 3
PAGE_SIZE = 300  # what the client asks GET /accounts for, Zoom's largest page


def _config(sb: Any) -> ZoomConfig:
    env = sb.env()
    return ZoomConfig(
        api_base_url=env["ZOOM_API_BASE_URL"],
        oauth_token_url=env["ZOOM_OAUTH_TOKEN_URL"],
        account_id=env["ZOOM_ACCOUNT_ID"],
        client_id=env["ZOOM_CLIENT_ID"],
        client_secret=env["ZOOM_CLIENT_SECRET"],
    )


@pytest.mark.parametrize("accounts", [pytest.param(ACCOUNTS, marks=pytest.mark.slow), 40])
async def test_accounts_import_load_clean_and_plan_in_sync(
    accounts: int, sandbox: Any, make_seed: Callable[..., dict[str, Any]], tmp_path: Path
) -> None:
    seed = make_seed(accounts, self_pay=SELF_PAY)
    # An app without the billing-contact scope: the contact reads stop at the first refusal, so
    # both halves stay one read per account (tests/importing/test_import_contact.py covers the
    # contact's round trip; 700 more reads each way would double this test).
    seed["credentials"]["scopes"] = [
        "account:read:list_sub_accounts:master",
        "billing:read:plan_information:master",
    ]
    sb = sandbox(seed=seed)
    out = tmp_path / "accounts"
    request = ImportRequest(out_dir=out, source=sb.api_base_url, now=datetime.now(UTC))
    async with ZoomClient(_config(sb)) as zoom:
        report = await import_accounts(zoom, request)

    pages = [r for r in sb.requests if r.path.endswith("/accounts")]
    # At 700: 300 + 300 + 103, following next_page_token.
    assert len(pages) == -(-(accounts + SELF_PAY) // PAGE_SIZE)
    assert report.count("written") == accounts
    assert len(list(out.iterdir())) == accounts
    assert sorted(n.account_id for n in report.notes("self_pay")) == [
        f"sub_self{i}" for i in range(SELF_PAY)
    ]
    assert not report.failed
    ((everyone, why),) = report.contact_notes
    assert everyone == "*" and "billing:read:billing_information:master" in why

    legacy = ["business_yearly_c50"]  # Zoom's answers hold it; zoomplans.yaml would allow it
    desired = load_desired([out], extra_plan_types=legacy)
    assert desired.errors == []
    assert len(desired.accounts) == accounts
    names = {a.account_id: a.name for a in desired.accounts}
    assert (names["sub_0002x"], names["sub_0003x"], names["sub_0004x"]) == ("yes", "NO", "012")

    imported_reads = len(sb.requests)
    async with ZoomClient(_config(sb)) as zoom:
        plan = await make_plan(desired.accounts, zoom, PlanOptions(), progress=False)
    reads = [r for r in sb.requests[imported_reads:] if r.method == "GET"]
    assert sorted(r.path for r in reads if r.path.endswith("/plans")) == sorted(
        f"/v2/accounts/{a.account_id}/plans" for a in desired.accounts
    )
    not_in_sync = [
        (a.account_id, a.status, a.actions, a.blocked, a.error)
        for a in plan.accounts
        if a.status != "in_sync"
    ]
    assert not_in_sync == []
    assert plan.to_json()["summary"]["in_sync"] == accounts


@pytest.mark.slow
def test_700_accounts_round_trip_through_the_cli(
    sandbox: Any, make_seed: Callable[..., dict[str, Any]], cli: Callable[..., Any], tmp_path: Path
) -> None:
    sb = sandbox(seed=make_seed(ACCOUNTS))
    imported = cli("import", env=sb.env(), cwd=tmp_path)
    assert imported.returncode == 0, imported.stderr
    assert f"{ACCOUNTS} written" in imported.stdout
    (tmp_path / "zoomplans.yaml").write_text("extra_plan_types: [business_yearly_c50]\n")
    plan = cli("plan", "--detailed-exitcode", env=sb.env(), cwd=tmp_path)
    assert plan.returncode == 0, plan.stdout[-2000:] + plan.stderr[-2000:]
    assert f"{ACCOUNTS} in sync" in plan.stdout

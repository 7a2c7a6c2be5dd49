"""Issue 20: adopt what Zoom already holds. A master account whose sub-accounts break every host
rule validate knows (SPEC section 5: base host ranges per family; webinar and Zoom Events hosts
at most the base's, large-meeting hosts below it) is imported; the written files validate with
warnings only and plan in sync. Then a change that keeps or narrows a breach is planned and one
that widens it is blocked. Real CLI processes, real HTTP to the sandbox."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml


def _account(name: str, base: tuple[str, int], **addons: tuple[str, int]) -> dict[str, Any]:
    plans: dict[str, Any] = {
        "plan_base": {"type": base[0], "hosts": base[1], "status": "active"},
    }
    for group, (type_, hosts) in addons.items():
        plans[group] = [{"type": type_, "hosts": hosts, "status": "active"}]
    return {"name": name, "plans": plans}


#: One account per host rule, each held by Zoom in breach of it.
HELD = {
    "sub_pro_big": _account("Pro above 9", ("monthly", 12)),
    "sub_biz_small": _account("Business below 10", ("business_monthly", 5)),
    "sub_edu_small": _account("Education below 20", ("edu20", 15)),
    "sub_legacy_big": _account("Legacy Business above 49", ("business_yearly_c50", 60)),
    "sub_webinar": _account(
        "Webinar above base", ("monthly", 1), plan_webinar=("webinar500_monthly", 3)
    ),
    "sub_events": _account(
        "Events above base", ("monthly", 2), plan_zoom_events=("zoomevents500_monthly", 5)
    ),
    "sub_large": _account(
        "Large meeting at base", ("monthly", 2), plan_large_meeting=("large500_monthly", 2)
    ),
}


def _file_of(folder: Path, account_id: str) -> Path:
    (path,) = folder.glob(f"*--{account_id}.yaml")
    return path


def _edit(path: Path, edit: Callable[[dict[str, Any]], None]) -> None:
    data = yaml.safe_load(path.read_text())
    edit(data["plans"])
    path.write_text(yaml.safe_dump(data, sort_keys=False))


def test_import_validate_and_plan_are_clean_for_every_held_host_breach(
    sandbox: Any, cli: Callable[..., Any], tmp_path: Path
) -> None:
    credentials = {"account_id": "MASTER1", "client_id": "demo-client", "client_secret": "x"}
    sb = sandbox(seed={"credentials": credentials, "accounts": HELD})
    imported = cli("import", env=sb.env(), cwd=tmp_path)
    assert imported.returncode == 0, imported.stdout + imported.stderr
    accounts = tmp_path / "accounts"
    assert len(list(accounts.iterdir())) == len(HELD)
    # The legacy base code Zoom shows is named once, and allowed by name as a team would.
    assert "  note: sub_legacy_big: business_yearly_c50" in imported.stderr
    (tmp_path / "zoomplans.yaml").write_text("extra_plan_types: [business_yearly_c50]\n")

    validate = cli("validate", "accounts", "--format", "json", env={}, cwd=tmp_path)
    assert validate.returncode == 0, validate.stdout + validate.stderr
    warnings = [p for p in json.loads(validate.stdout) if "will not make it worse" in p["message"]]
    assert len(warnings) == len(HELD)  # one located warning per breach
    assert all(p["severity"] == "warning" and p["line"] > 0 for p in warnings)
    webinar = next(p for p in warnings if "webinar500_monthly" in p["message"])
    assert "hosts 3 may not exceed the base plan's hosts (1, at " in webinar["message"]

    plan = cli("plan", "--detailed-exitcode", "--format", "json", env=sb.env(), cwd=tmp_path)
    assert plan.returncode == 0, plan.stdout + plan.stderr
    assert json.loads(plan.stdout)["summary"]["in_sync"] == len(HELD)

    # Narrowing (more base hosts under the webinar's; Business 5 -> 10, back in its range) and
    # keeping (a new Zoom Rooms add-on beside a held breach) are planned ...
    _edit(_file_of(accounts, "sub_webinar"), lambda p: p["plan_base"].update(hosts=2))
    _edit(_file_of(accounts, "sub_biz_small"), lambda p: p["plan_base"].update(hosts=10))
    _edit(
        _file_of(accounts, "sub_events"),
        lambda p: p.update(plan_zoom_rooms={"type": "zroom_monthly", "hosts": 1}),
    )
    # ... widening (large meeting 2 -> 3 over base 2; Pro 12 -> 13) and a change that stays
    # outside Zoom's range (Education 15 -> 16) are blocked with a sentence.
    _edit(_file_of(accounts, "sub_pro_big"), lambda p: p["plan_base"].update(hosts=13))
    _edit(_file_of(accounts, "sub_edu_small"), lambda p: p["plan_base"].update(hosts=16))
    _edit(
        _file_of(accounts, "sub_large"),
        lambda p: p["plan_large_meeting"][0].update(hosts=3),
    )
    plan = cli("plan", "--format", "json", "--out", "plan.json", env=sb.env(), cwd=tmp_path)
    assert plan.returncode == 1, plan.stdout + plan.stderr
    by_id = {
        a["account_id"]: a for a in json.loads((tmp_path / "plan.json").read_text())["accounts"]
    }
    for changed in ("sub_webinar", "sub_biz_small", "sub_events"):
        assert by_id[changed]["status"] == "changes", by_id[changed]
    pro = by_id["sub_pro_big"]["blocked"][0]
    assert pro["reason"] == "base_hosts_out_of_range"
    assert pro["message"] == (
        "plan_base monthly: hosts 13 is outside the 1 to 9 hosts Zoom takes for Pro base "
        "plans; Zoom refuses the call: keep 12 as Zoom shows it, or choose 1 to 9 hosts"
    )
    assert by_id["sub_edu_small"]["blocked"][0]["reason"] == "base_hosts_out_of_range"
    large = by_id["sub_large"]["blocked"][0]
    assert large["reason"] == "addon_hosts_above_base"
    assert "must stay below the base plan's hosts, which are 2" in large["message"]
    assert by_id["sub_legacy_big"]["status"] == "in_sync"

    # The planned changes are accepted by the sandbox (as strict as Zoom) and converge.
    changed = [w for a in ("sub_webinar", "sub_biz_small", "sub_events") for w in ("--account", a)]
    apply = cli("apply", "--auto-approve", *changed, env=sb.env(), cwd=tmp_path)
    assert apply.returncode == 0, apply.stdout + apply.stderr
    again = cli("plan", "--detailed-exitcode", *changed, env=sb.env(), cwd=tmp_path)
    assert again.returncode == 0, again.stdout + again.stderr

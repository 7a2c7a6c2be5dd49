"""import_accounts with a tiny in-memory Zoom: outcomes per file, notes, and the exit decision."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from reconciler.importing import ImportRequest, ImportStopped, import_accounts
from reconciler.zoom import (
    AccountNotFound,
    AuthError,
    NoSubscription,
    SelfPayAccount,
    ServerError,
    ZoomError,
)
from tests.fakes import FakeZoom

NOW = datetime(2026, 11, 22, 1, 0, tzinfo=UTC)


def base(hosts: int = 20) -> dict[str, Any]:
    return {"plan_base": {"type": "business_monthly", "hosts": hosts, "status": "active"}}


def zoom_of(
    accounts: dict[str, tuple[str, Any]], listing_error: ZoomError | None = None
) -> FakeZoom:
    """The shared fake over `{id: (name, plans or a ZoomError to raise)}`, listed in that order."""
    return FakeZoom(
        {i: answer for i, (_, answer) in accounts.items() if not isinstance(answer, ZoomError)},
        errors={i: answer for i, (_, answer) in accounts.items() if isinstance(answer, ZoomError)},
        names={i: name for i, (name, _) in accounts.items()},
        listing_error=listing_error,
    )


def request(out: Path, **changes: Any) -> ImportRequest:
    fields: dict[str, Any] = {"source": "http://127.0.0.1:1/v2", "now": NOW, **changes}
    return ImportRequest(out_dir=out, **fields)


def snapshot(folder: Path) -> dict[str, tuple[int, bytes]]:
    return {
        str(p.relative_to(folder)): (p.stat().st_mtime_ns, p.read_bytes())
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


async def test_first_run_writes_then_second_run_changes_nothing(tmp_path: Path) -> None:
    zoom = zoom_of({"sub_A1": ("Acme", base()), "sub_B2": ("Beta", base(12))})
    first = await import_accounts(zoom, request(tmp_path))
    assert [(f.path.name, f.result) for f in first.files] == [
        ("acme--sub_a1.yaml", "written"),
        ("beta--sub_b2.yaml", "written"),
    ]
    assert not first.failed
    before = snapshot(tmp_path)
    second = await import_accounts(zoom, request(tmp_path, now=datetime(2027, 1, 1, tzinfo=UTC)))
    assert {f.result for f in second.files} == {"unchanged"}
    assert snapshot(tmp_path) == before


async def test_a_file_that_differs_is_skipped_without_force_and_rewritten_with_it(
    tmp_path: Path,
) -> None:
    zoom = zoom_of({"sub_A1": ("Acme", base(20))})
    await import_accounts(zoom, request(tmp_path))
    path = tmp_path / "acme--sub_a1.yaml"
    zoom.plans["sub_A1"] = base(25)
    skipped = await import_accounts(zoom, request(tmp_path))
    assert [(f.result, f.detail) for f in skipped.files] == [
        ("skipped", "differs from Zoom; --force overwrites it")
    ]
    assert yaml.safe_load(path.read_text())["plans"]["plan_base"]["hosts"] == 20
    forced = await import_accounts(zoom, request(tmp_path, force=True))
    assert [f.result for f in forced.files] == ["overwritten"]
    assert yaml.safe_load(path.read_text())["plans"]["plan_base"]["hosts"] == 25


async def test_force_keeps_labels_and_contact_and_uses_the_account_s_own_file(
    tmp_path: Path,
) -> None:
    mine = tmp_path / "team" / "my-name.yaml"
    mine.parent.mkdir()
    mine.write_text(
        "account_id: sub_A1\nlabels: {tier: gold}\n"
        "contact: {first_name: Ada, last_name: L, email: a@b.example, phone_number: '1',"
        " address: x, city: y, state: z, zip: '012', country: GB}\n"
        "plans:\n  plan_base: {type: business_monthly, hosts: 11}\n"
    )
    zoom = zoom_of({"sub_A1": ("Acme", base(20))})
    report = await import_accounts(zoom, request(tmp_path, force=True))
    assert [(f.path, f.result) for f in report.files] == [(mine, "overwritten")]
    data = yaml.safe_load(mine.read_text())
    assert data["labels"] == {"tier": "gold"}
    assert data["contact"]["zip"] == "012"
    assert data["plans"]["plan_base"]["hosts"] == 20
    assert sorted(p.name for p in tmp_path.rglob("*.yaml")) == ["my-name.yaml"]


async def test_a_shared_multi_document_file_is_never_rewritten(tmp_path: Path) -> None:
    shared = tmp_path / "all.yaml"
    shared.write_text(
        "account_id: sub_A1\nplans: {plan_base: {type: business_monthly, hosts: 11}}\n---\n"
        "account_id: sub_Z9\n"
    )
    before = shared.read_bytes()
    zoom = zoom_of({"sub_A1": ("Acme", base(20))})
    report = await import_accounts(zoom, request(tmp_path, force=True))
    assert report.files[0].result == "skipped"
    assert "holds 2 documents" in report.files[0].detail
    assert shared.read_bytes() == before


async def test_a_name_taken_by_another_account_gets_a_distinct_file(tmp_path: Path) -> None:
    (tmp_path / "acme--sub_a1.yaml").write_text("account_id: sub_a1\n")
    zoom = zoom_of({"sub_A1": ("Acme", base())})
    report = await import_accounts(zoom, request(tmp_path))
    assert report.files[0].result == "written"
    assert report.files[0].path.name.startswith("acme--sub_a1-")
    assert (tmp_path / "acme--sub_a1.yaml").read_text() == "account_id: sub_a1\n"


async def test_account_option_limits_the_reads(tmp_path: Path) -> None:
    zoom = zoom_of({"sub_A1": ("Acme", base()), "sub_B2": ("Beta", base())})
    report = await import_accounts(zoom, request(tmp_path, account_ids=("sub_B2", "sub_B2")))
    assert zoom.reads == ["sub_B2"]
    assert [f.path.name for f in report.files] == ["beta--sub_b2.yaml"]


async def test_self_pay_missing_and_unreadable_are_listed_not_fatal(tmp_path: Path) -> None:
    zoom = zoom_of(
        {
            "sub_ok": ("Fine", base()),
            "sub_self": ("Self", SelfPayAccount("self-pay", status=400, code=2100)),
            "sub_gone": ("Gone", AccountNotFound("gone", status=404, code=2001)),
            "sub_new": ("New", NoSubscription("You do not have a subscription yet.", code=200)),
        }
    )
    report = await import_accounts(zoom, request(tmp_path))
    assert {(f.account_id, f.result) for f in report.files} == {
        ("sub_ok", "written"),
        ("sub_new", "written"),
    }
    assert [(n.account_id, n.kind) for n in report.not_imported] == [
        ("sub_gone", "missing"),
        ("sub_self", "self_pay"),
    ]
    assert report.unsubscribed == ("sub_new",)
    assert not report.failed  # self-pay and a vanished account are facts, not failures

    zoom.names["sub_err"] = "Err"
    zoom.errors["sub_err"] = ServerError("boom", status=500)
    assert (await import_accounts(zoom, request(tmp_path))).failed


async def test_a_missing_account_asked_for_by_id_fails_the_run(tmp_path: Path) -> None:
    zoom = zoom_of({"sub_ok": ("Fine", base())})
    report = await import_accounts(zoom, request(tmp_path, account_ids=("sub_typo",)))
    assert [(n.account_id, n.kind) for n in report.not_imported] == [("sub_typo", "missing")]
    assert report.failed


async def test_refused_credentials_stop_the_reads(tmp_path: Path) -> None:
    accounts: dict[str, tuple[str, Any]] = {f"sub_{i:03}": (f"A{i}", base()) for i in range(50)}
    accounts["sub_000"] = ("A0", AuthError("Invalid access token.", status=401, code=124))
    zoom = zoom_of(accounts)
    report = await import_accounts(zoom, request(tmp_path, concurrency=1))
    assert report.stopped is not None and "Invalid access token" in report.stopped
    assert len(zoom.reads) == 1
    assert report.failed


async def test_listing_failure_stops_before_anything_is_written(tmp_path: Path) -> None:
    zoom = zoom_of({}, listing_error=AuthError("Invalid client_id", status=401))
    with pytest.raises(ImportStopped, match="cannot list the sub-accounts"):
        await import_accounts(zoom, request(tmp_path / "out"))
    assert not (tmp_path / "out").exists()


async def test_unknown_groups_are_reported_per_account(tmp_path: Path) -> None:
    zoom = zoom_of({"sub_A1": ("Acme", {**base(), "plan_future_group": {"type": "x", "hosts": 1}})})
    report = await import_accounts(zoom, request(tmp_path))
    assert report.left_out == (("sub_A1", "plan group plan_future_group"),)


async def test_an_unwritable_folder_is_a_failed_file_not_a_crash(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        blocker = tmp_path / "out"
        blocker.write_text("a file where the folder should be")
        out = blocker
    else:
        out = tmp_path / "ro"
        out.mkdir(mode=0o500)
    zoom = zoom_of({"sub_A1": ("Acme", base())})
    report = await import_accounts(zoom, request(out))
    assert [f.result for f in report.files] == ["failed"]
    assert report.failed


async def test_reads_are_concurrent_but_bounded(tmp_path: Path) -> None:
    zoom = zoom_of({f"sub_{i}": (f"A{i}", base()) for i in range(60)})
    zoom.read_pause_s = 0.001
    report = await import_accounts(zoom, request(tmp_path, concurrency=8))
    assert zoom.max_reads_in_flight == 8
    assert report.count("written") == 60


async def test_a_file_that_says_the_same_differently_is_left_alone_even_with_force(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # outside git, the current directory is what extends may read
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "business.yaml").write_text(
        "plans:\n  plan_base: {type: business_monthly, hosts: 20}\n"
    )
    layered = tmp_path / "acme.yaml"
    layered.write_text(
        "account_id: sub_A1\nextends: templates/business.yaml\n"
        "plans:\n  plan_audio: {type: tollfree_payongo, tollfree_countries: 'US,NO'}\n"
    )
    before = layered.read_bytes()
    live = {
        **base(20),
        "plan_audio": {
            "type": "tollfree_payongo",
            "tollfree_countries": "NO,US",
            "status": "active",
        },
    }
    zoom = zoom_of({"sub_A1": ("Acme", live)})
    report = await import_accounts(zoom, request(tmp_path, force=True))
    assert [(f.path, f.result, f.detail) for f in report.files] == [
        (layered, "unchanged", "in sync; written differently")
    ]
    assert layered.read_bytes() == before

    zoom.plans["sub_A1"] = base(25)
    report = await import_accounts(zoom, request(tmp_path, force=True))
    assert [f.result for f in report.files] == ["overwritten"]


async def test_an_answer_yaml_cannot_hold_exactly_fails_that_file_only(tmp_path: Path) -> None:
    odd = {"plan_base": {"type": "business_monthly", "hosts": 12.5, "status": "active"}}
    zoom = zoom_of({"sub_odd": ("Odd", odd), "sub_ok": ("Fine", base())})
    report = await import_accounts(zoom, request(tmp_path))
    assert [(f.account_id, f.result) for f in report.files] == [
        ("sub_ok", "written"),
        ("sub_odd", "failed"),
    ]
    assert "cannot write a float value" in report.files[1].detail
    assert report.failed
    assert not (tmp_path / "odd--sub_odd.yaml").exists()

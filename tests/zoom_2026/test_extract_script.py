"""scripts/extract_zoom_2026.py on a small OpenAPI document written here (never ../shared)."""

from __future__ import annotations

import importlib.util
import json
from importlib import resources
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from reconciler import zoom_2026

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "extract_zoom_2026.py"
HEADER = "group\tsection\tcode\tname\tendpoint\n"
ROWS = (
    "Additional plans\tZoom Whiteboard plans\tzwb_monthly\tWhiteboard Monthly\tPOST /plans/addons\n"
    "Base plans\tZoom Workplace Pro\tmonthly\tPro Monthly\tPOST /plans (plan_base or group field)\n"
)


def load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("extract_zoom_2026", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


script = load_script()


def an_operation(success: str, *, body: bool = False) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "operationId": "Op",
        "summary": "An operation",
        "description": "Long prose.\n\n**[Rate Limit Label](https://x/y#z):** `HEAVY`",
        "responses": {
            success: {"description": "ok"},
            "400": {
                "description": "**HTTP Status Code:** `400` <br>\n Bad Request \n\n "
                "**Error Code:** `3261` <br>\n Failed.<br>\nMust subscribe to a major plan "
                "first.<br> <br>\n**Error Code:** `200` <br>\n * One. \n* Two &quot;x&quot;. <br>"
            },
            "429": {"description": "Too many."},
        },
        "x-extensions": {
            "x-macro-scopes": ["billing:master"],
            "x-granular-scopes": ["billing:update:additional_plans:master"],
        },
    }
    if body:
        spec["requestBody"] = {
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Addon"}}}
        }
    return spec


def write_sources(folder: Path, rows: str = ROWS) -> None:
    paths: dict[str, dict[str, Any]] = {}
    for method, path in (*script.PLAN_OPERATIONS, *script.BILLING_OPERATIONS):
        success = "201" if method == "POST" else "200"
        paths.setdefault(path, {})[method.lower()] = an_operation(success, body=method != "GET")
    renewals = paths["/accounts/billing/renewals"]["get"]
    renewals["responses"]["200"]["content"] = {
        "application/json": {"schema": {"$ref": "#/components/schemas/Renewals"}}
    }
    document = {
        "openapi": "3.0.0",
        "info": {"title": "Billing", "version": "2"},
        "paths": paths,
        "components": {
            "schemas": {
                "Renewals": {
                    "type": "object",
                    "properties": {
                        "results": {
                            "type": "array",
                            "items": {"properties": {"next_renewal_date": {"type": "Date"}}},
                        }
                    },
                },
                "Addon": {
                    "type": "object",
                    "description": "An add-on.",
                    "required": ["type"],
                    "properties": {
                        "type": {"type": "string", "description": "Code.", "example": "zwb"},
                        "hosts": {"type": "integer", "minimum": 1, "x-internal": True},
                    },
                },
            }
        },
    }
    (folder / script.OPENAPI_FILE).write_text(json.dumps(document), encoding="utf-8")
    (folder / script.CATALOGUE_FILE).write_text(HEADER + rows, encoding="utf-8")


def test_the_script_resolves_refs_drops_prose_and_reads_codes_scopes_and_labels(
    tmp_path: Path,
) -> None:
    write_sources(tmp_path)
    files = script.extract(tmp_path, tmp_path / "out")
    extracted = json.loads(files[tmp_path / "out" / "plan_operations.json"])
    assert [op["method"] for op in extracted["operations"]] == [
        m for m, _ in script.PLAN_OPERATIONS
    ]
    addons = extracted["operations"][4]
    assert addons["request_body"] == {
        "type": "object",
        "required": ["type"],
        "properties": {
            "type": {"type": "string", "example": "zwb"},
            "hosts": {"type": "integer", "minimum": 1},
        },
    }
    assert addons["errors"] == [
        {
            "status": 400,
            "codes": [
                {"code": 200, "messages": ["One.", 'Two "x".']},
                {"code": 3261, "messages": ["Failed.", "Must subscribe to a major plan first."]},
            ],
        },
        {"status": 429, "codes": []},
    ]
    assert addons["scopes"] == {
        "classic": ["billing:master"],
        "granular": ["billing:update:additional_plans:master"],
    }
    assert addons["rate_limit_label"] == "HEAVY"
    assert addons["success_status"] == 200
    assert extracted["sources"][1] == {
        "file": script.CATALOGUE_FILE,
        "rows": 2,
        "sha256": script.sha256_of(tmp_path / script.CATALOGUE_FILE),
    }
    assert files[tmp_path / "out" / "billing_plans.tsv"] == HEADER + ROWS


def test_the_billing_operations_are_extracted_with_zoom_s_gaps_mended(tmp_path: Path) -> None:
    """Zoom's `"type": "Date"` is spelled as JSON Schema does, and the renewals answer keeps
    the `next_page_token` its own query parameter promises."""
    write_sources(tmp_path)
    files = script.extract(tmp_path, tmp_path / "out")
    extracted = json.loads(files[tmp_path / "out" / "plan_operations.json"])
    assert [(op["method"], op["path"]) for op in extracted["billing_operations"]] == list(
        script.BILLING_OPERATIONS
    )
    renewals = extracted["billing_operations"][2]["responses"]["200"]
    assert renewals["properties"]["next_page_token"] == {"type": "string"}
    date = renewals["properties"]["results"]["items"]["properties"]["next_renewal_date"]
    assert date == {"type": "string", "format": "date"}


def test_the_script_writes_the_same_bytes_every_time(tmp_path: Path) -> None:
    write_sources(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    assert script.main([str(tmp_path), "--out", str(out)]) == 0
    first = {p.name: p.read_bytes() for p in out.iterdir()}
    assert script.main([str(tmp_path), "--out", str(out)]) == 0
    assert {p.name: p.read_bytes() for p in out.iterdir()} == first
    assert set(first) == {"plan_operations.json", "billing_plans.tsv"}


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (ROWS + ROWS.splitlines(keepends=True)[0], "billing-plans-2026.tsv:4: code 'zwb_monthly'"),
        ("Base plans\t\tmonthly\tPro\tPOST /plans\n", "billing-plans-2026.tsv:2: expected five"),
    ],
)
def test_a_broken_catalogue_is_refused_with_its_line(
    tmp_path: Path, rows: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    write_sources(tmp_path, rows)
    assert script.main([str(tmp_path), "--out", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"extract_zoom_2026: {message}")
    assert len(err.splitlines()) == 1
    assert not (tmp_path / "plan_operations.json").exists()


def test_a_missing_folder_is_one_line_and_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert script.main([str(tmp_path / "nowhere"), "--out", str(tmp_path)]) == 1
    assert "zoom-billing-ma-2026.openapi.json: not found" in capsys.readouterr().err


def test_the_committed_extract_is_as_the_script_writes_it() -> None:
    """Sorted keys, two-space indent, one final newline: the file was not edited by hand."""
    text = resources.files(zoom_2026).joinpath("plan_operations.json").read_text("utf-8")
    assert text == json.dumps(json.loads(text), indent=2, sort_keys=True) + "\n"
    assert json.loads(text)["generated_by"] == "scripts/extract_zoom_2026.py"

"""Extract the plan operations and the plan catalogue from Zoom's 2026 documents.

Run by hand only, from the repository root:

    python scripts/extract_zoom_2026.py [FOLDER]

FOLDER holds Zoom's own files (default `../shared/zoom-api`): the Billing master API's OpenAPI
document `zoom-billing-ma-2026.openapi.json` and the plan catalogue `billing-plans-2026.tsv`.
It writes, deterministically, the project's committed copies that the build and the tests read
instead (a user's clone has no shared folder):

- `reconciler/zoom_2026/plan_operations.json`: the eight plan operations (method, path,
  operationId, success status, documented error statuses, codes and messages, classic and
  granular scopes, rate-limit label, request and response schemas with `$ref`s resolved and
  descriptions dropped), headed by the source files' names and sha256, and beside them
  (`billing_operations`) the three billing operations a reconciler of what sub-accounts pay
  for also reads or writes: the billing contact (GET and PATCH) and the upcoming renewals;
- `reconciler/zoom_2026/billing_plans.tsv`: Zoom's catalogue rows as they are.

Nothing else in the project reads FOLDER; this script is the one door from Zoom's documents in.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import html
import io
import json
import re
import sys
from pathlib import Path
from typing import Any

OPENAPI_FILE = "zoom-billing-ma-2026.openapi.json"
CATALOGUE_FILE = "billing-plans-2026.tsv"
CATALOGUE_COLUMNS = ("group", "section", "code", "name", "endpoint")
REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "reconciler" / "zoom_2026"

#: The eight plan operations, in the order Zoom's lifecycle uses them.
PLAN_OPERATIONS: tuple[tuple[str, str], ...] = (
    ("GET", "/accounts/{accountId}/plans"),
    ("GET", "/accounts/{accountId}/plans/usage"),
    ("POST", "/accounts/{accountId}/plans"),
    ("POST", "/accounts/{accountId}/plans/addons"),
    ("PUT", "/accounts/{accountId}/plans/addons"),
    ("PUT", "/accounts/{accountId}/plans/base"),
    ("PATCH", "/accounts/{accountId}/plans/addons/status"),
    ("PATCH", "/accounts/{accountId}/plans/base/status"),
)

#: The billing operations beside the plans: the sub-account's billing contact (read and
#: written as desired state) and the list of upcoming renewals (read once per plan).
BILLING_OPERATIONS: tuple[tuple[str, str], ...] = (
    ("GET", "/accounts/{accountId}/billing"),
    ("PATCH", "/accounts/{accountId}/billing"),
    ("GET", "/accounts/billing/renewals"),
)

#: Zoom's document writes `"type": "Date"` for the renewal dates, which is no JSON Schema type:
#: the extract spells it as JSON Schema does (a string in date format), so validators read it.
ZOOM_TYPE_SPELLINGS: dict[str, dict[str, str]] = {"Date": {"type": "string", "format": "date"}}

#: Fields an answer carries that its schema forgets, with the document's own evidence: the
#: renewals list pages (its `next_page_token` query parameter says "a next page token returns
#: whenever the set of available results exceeds the current page size"), like GET /accounts.
ANSWER_GAPS: dict[tuple[str, str], dict[str, Any]] = {
    ("GET", "/accounts/billing/renewals"): {"next_page_token": {"type": "string"}},
}

#: Schema keywords kept; prose (`description`, `summary`) is dropped.
SCHEMA_KEYWORDS = frozenset(
    {
        "type",
        "properties",
        "items",
        "required",
        "enum",
        "oneOf",
        "anyOf",
        "allOf",
        "format",
        "minimum",
        "maximum",
        "deprecated",
        "example",
        "additionalProperties",
        "nullable",
    }
)

_ERROR_CODE = re.compile(r"\*\*Error Code:\*\*\s*`(\d+)`")
_RATE_LABEL = re.compile(r"Rate Limit Label\]\([^)]*\):\*\*\s*`([A-Za-z-]+)`")
_MESSAGE_BREAK = re.compile(r"<br\s*/?>|\r?\n|\s\*\s|^\*\s|\s{3,}")


class ExtractError(Exception):
    """Zoom's files are missing, or not shaped as this script expects; one clear line."""


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def resolve(node: Any, document: dict[str, Any], seen: tuple[str, ...] = ()) -> Any:
    """The node with every local `$ref` replaced by what it points at (cycles refused)."""
    if isinstance(node, list):
        return [resolve(item, document, seen) for item in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    if isinstance(ref, str):
        if not ref.startswith("#/") or ref in seen:
            raise ExtractError(f"cannot resolve $ref {ref!r}")
        target: Any = document
        for part in ref[2:].split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        return resolve(target, document, (*seen, ref))
    return {key: resolve(value, document, seen) for key, value in node.items()}


def trimmed_schema(schema: Any) -> Any:
    """A JSON Schema with only the validating keywords (and examples) kept."""
    if isinstance(schema, list):
        return [trimmed_schema(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    kept: dict[str, Any] = {}
    for key, value in schema.items():
        if key not in SCHEMA_KEYWORDS:
            continue
        if key == "properties":
            kept[key] = {name: trimmed_schema(sub) for name, sub in value.items()}
        elif key in ("items", "oneOf", "anyOf", "allOf", "additionalProperties"):
            kept[key] = trimmed_schema(value)
        elif key == "type" and isinstance(value, str) and value in ZOOM_TYPE_SPELLINGS:
            kept.update(ZOOM_TYPE_SPELLINGS[value])
        else:
            kept[key] = value
    return kept


def error_messages(text: str) -> list[str]:
    """One documented message per line of Zoom's response description (markup removed)."""
    messages: list[str] = []
    for piece in _MESSAGE_BREAK.split(html.unescape(text)):
        line = piece.replace("*(", "(").strip().strip("*").strip()
        if line and line not in messages:
            messages.append(line)
    return messages


def documented_errors(responses: dict[str, Any]) -> list[dict[str, Any]]:
    """Each non-2xx status with the Zoom codes its description lists, and their messages."""
    errors: list[dict[str, Any]] = []
    for status_text, response in sorted(responses.items(), key=lambda item: int(item[0])):
        status = int(status_text)
        if 200 <= status < 300:
            continue
        text = str(response.get("description", ""))
        parts = _ERROR_CODE.split(text)
        by_code: dict[int, list[str]] = {}
        for index in range(1, len(parts), 2):
            code = int(parts[index])
            found = by_code.setdefault(code, [])
            found += [m for m in error_messages(parts[index + 1]) if m not in found]
        errors.append(
            {
                "status": status,
                "codes": [{"code": code, "messages": by_code[code]} for code in sorted(by_code)],
            }
        )
    return errors


def json_schema_of(body: dict[str, Any] | None, document: dict[str, Any]) -> Any:
    """The application/json schema of a request body or a response, or None if it has none."""
    if not body:
        return None
    content = body.get("content") or {}
    media = content.get("application/json")
    if media is None or "schema" not in media:
        return None
    return trimmed_schema(resolve(media["schema"], document))


def query_parameters(spec: dict[str, Any]) -> dict[str, Any]:
    """The query parameters an operation documents, each with its schema (paging, interval)."""
    return {
        str(param["name"]): trimmed_schema(param.get("schema") or {})
        for param in spec.get("parameters") or []
        if param.get("in") == "query"
    }


def extract_operation(document: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    try:
        spec = document["paths"][path][method.lower()]
    except KeyError:
        raise ExtractError(f"{OPENAPI_FILE} has no operation {method} {path}") from None
    responses = spec.get("responses") or {}
    successes = sorted(int(s) for s in responses if 200 <= int(s) < 300)
    if len(successes) != 1:
        raise ExtractError(f"{method} {path}: expected one 2xx response, found {successes}")
    extensions = spec.get("x-extensions") or {}
    classic = extensions.get("x-macro-scopes") or spec.get("x-macro-scopes")
    if classic is None:  # fall back on the security requirement's scope lists
        classic = sorted(
            {s for item in spec.get("security") or [] for v in item.values() for s in v}
        )
    granular = extensions.get("x-granular-scopes") or spec.get("x-granular-scopes") or []
    label = _RATE_LABEL.search(str(spec.get("description", "")))
    answers = {
        str(status): json_schema_of(responses[str(status)], document)
        for status in sorted(int(s) for s in responses)
    }
    gaps = ANSWER_GAPS.get((method, path))
    if gaps:
        success = answers[str(successes[0])]
        if success is None:
            raise ExtractError(f"{method} {path}: no answer schema to add {sorted(gaps)} to")
        success["properties"] = {**success["properties"], **gaps}
    return {
        "method": method,
        "path": path,
        "operation_id": spec.get("operationId"),
        "summary": spec.get("summary"),
        "success_status": successes[0],
        "errors": documented_errors(responses),
        "scopes": {"classic": list(classic), "granular": list(granular)},
        "rate_limit_label": label.group(1).upper() if label else None,
        "query": query_parameters(spec),
        "request_body": json_schema_of(spec.get("requestBody"), document),
        "responses": answers,
    }


def read_catalogue(path: Path) -> str:
    """Zoom's catalogue, checked (five columns, unique codes, a section on every row), as text."""
    text = path.read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text), delimiter="\t"))
    if not rows or tuple(rows[0]) != CATALOGUE_COLUMNS:
        header = " | ".join(CATALOGUE_COLUMNS)
        raise ExtractError(f"{path.name}: the header must be the tab-separated {header}")
    codes: set[str] = set()
    for number, row in enumerate(rows[1:], start=2):
        if len(row) != len(CATALOGUE_COLUMNS) or not all(cell.strip() for cell in row):
            raise ExtractError(f"{path.name}:{number}: expected five non-empty columns")
        if row[2] in codes:
            raise ExtractError(f"{path.name}:{number}: code {row[2]!r} is listed twice")
        codes.add(row[2])
    return text if text.endswith("\n") else text + "\n"


def extract(folder: Path, out: Path = OUT) -> dict[Path, str]:
    """The files to write into `out`, by path, from Zoom's documents in `folder`."""
    openapi = folder / OPENAPI_FILE
    catalogue = folder / CATALOGUE_FILE
    for source in (openapi, catalogue):
        if not source.is_file():
            raise ExtractError(f"{source}: not found (pass the folder holding Zoom's files)")
    document = json.loads(openapi.read_text(encoding="utf-8"))
    catalogue_text = read_catalogue(catalogue)
    info = document.get("info") or {}
    extracted = {
        "generated_by": "scripts/extract_zoom_2026.py",
        "sources": [
            {
                "file": OPENAPI_FILE,
                "sha256": sha256_of(openapi),
                "title": info.get("title"),
                "version": info.get("version"),
                "openapi": document.get("openapi"),
            },
            {
                "file": CATALOGUE_FILE,
                "sha256": sha256_of(catalogue),
                "rows": catalogue_text.count("\n") - 1,
            },
        ],
        "operations": [extract_operation(document, m, p) for m, p in PLAN_OPERATIONS],
        "billing_operations": [extract_operation(document, m, p) for m, p in BILLING_OPERATIONS],
    }
    return {
        out / "plan_operations.json": json.dumps(extracted, indent=2, sort_keys=True) + "\n",
        out / "billing_plans.tsv": catalogue_text,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "folder",
        nargs="?",
        default=str(REPO / ".." / "shared" / "zoom-api"),
        help="the folder holding Zoom's files (default: ../shared/zoom-api beside the repository)",
    )
    parser.add_argument(
        "--out",
        default=str(OUT),
        help="where to write the extract (default: the package reconciler/zoom_2026)",
    )
    args = parser.parse_args(argv)
    try:
        files = extract(Path(args.folder), Path(args.out))
    except (ExtractError, OSError, ValueError) as exc:
        print(f"extract_zoom_2026: {exc}", file=sys.stderr)
        return 1
    for path, text in files.items():
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

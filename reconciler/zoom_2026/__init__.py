"""Zoom's 2026 Billing master API as the project's committed extract holds it.

`scripts/extract_zoom_2026.py` copies the eight plan operations of Zoom's own OpenAPI document
(2026-02-07 snapshot), the three billing operations beside them (the billing contact, GET and
PATCH, and the upcoming renewals) and Zoom's plan catalogue into this package
(`plan_operations.json`, `billing_plans.tsv`), so that the build and the tests read Zoom's word
from the package itself: a user's clone has no `../shared`. These loaders only read; the data they
return is immutable (frozen dataclasses; schemas as read-only mappings and tuples, `thawed` gives
a plain copy). Checking bodies against the schemas is `reconciler.zoom_2026.validation` (it needs
jsonschema, which the sandbox, a reader of this package, does not load).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

OPERATIONS_FILE = "plan_operations.json"
CATALOGUE_FILE = "billing_plans.tsv"
CATALOGUE_COLUMNS = ("group", "section", "code", "name", "endpoint")

__all__ = [
    "CatalogueRow",
    "DocumentedError",
    "ExtractSource",
    "PlanOperation",
    "UnknownOperation",
    "billing_operations",
    "catalogue_rows",
    "extract_sources",
    "operation",
    "plan_operations",
    "thawed",
]


class UnknownOperation(LookupError):
    """A method and path that are not one of the operations the extract holds."""

    def __init__(self, method: str, path: str) -> None:
        super().__init__(f"{method} {path} is not one of Zoom's plan or billing operations")
        self.method = method
        self.path = path


@dataclass(frozen=True)
class DocumentedError:
    """One Zoom error code an operation documents for an HTTP status, with its messages."""

    status: int
    code: int
    messages: tuple[str, ...]


@dataclass(frozen=True)
class PlanOperation:
    """One of the operations (eight plan, three billing) as Zoom's 2026 document describes it.

    `path` is Zoom's template (`/accounts/{accountId}/plans/addons`); schemas are read-only
    (`thawed` turns one into plain dicts and lists); `None` means Zoom documents no body;
    `query_schemas` are the documented query parameters (paging, interval) by name.
    """

    method: str
    path: str
    operation_id: str
    summary: str
    success_status: int
    errors: tuple[DocumentedError, ...]
    error_statuses: tuple[int, ...]
    classic_scopes: tuple[str, ...]
    granular_scopes: tuple[str, ...]
    rate_limit_label: str | None
    request_schema: Mapping[str, Any] | None
    response_schemas: Mapping[int, Mapping[str, Any] | None]
    query_schemas: Mapping[str, Mapping[str, Any]] = field(
        default_factory=lambda: MappingProxyType({})
    )

    def documented_codes(self, status: int) -> frozenset[int]:
        """The Zoom codes this operation documents for an HTTP status."""
        return frozenset(e.code for e in self.errors if e.status == status)

    def messages(self, code: int) -> tuple[str, ...]:
        """Zoom's documented messages for a code of this operation (any status)."""
        return tuple(m for e in self.errors if e.code == code for m in e.messages)

    def matches(self, method: str, path: str) -> bool:
        """Whether a request (template or concrete path, with or without `/v2`) is this one."""
        return method.upper() == self.method and _path_matches(self.path, path)


@dataclass(frozen=True)
class CatalogueRow:
    """One of Zoom's plan type codes: its catalogue group and section, name and endpoint."""

    group: str
    section: str
    code: str
    name: str
    endpoint: str


@dataclass(frozen=True)
class ExtractSource:
    """A Zoom file the extract was made from, with its sha256 (which snapshot it is)."""

    file: str
    sha256: str


def frozen(value: Any) -> Any:
    """A read-only deep copy of JSON data: mappings become MappingProxyType, lists tuples."""
    if isinstance(value, dict):
        return MappingProxyType({key: frozen(item) for key, item in value.items()})
    if isinstance(value, list):
        return tuple(frozen(item) for item in value)
    return value


def thawed(value: Any) -> Any:
    """A plain, mutable deep copy of frozen JSON data (for jsonschema, or to edit)."""
    if isinstance(value, Mapping):
        return {key: thawed(item) for key, item in value.items()}
    if isinstance(value, tuple | list):
        return [thawed(item) for item in value]
    return value


def _read_text(name: str) -> str:
    # Read beside this file: importlib.resources' first read costs 7-10 ms of CPU (it imports
    # zipfile and its readers), before `plan`'s first request; it is the way for a package that
    # is not installed as files (a zip: `tests/zoom_2026/test_packaging.py`).
    try:
        return (Path(__file__).parent / name).read_text(encoding="utf-8")
    except OSError:
        from importlib import resources

        return resources.files(__name__).joinpath(name).read_text(encoding="utf-8")


@cache
def _document() -> Mapping[str, Any]:
    document: Mapping[str, Any] = frozen(json.loads(_read_text(OPERATIONS_FILE)))
    return document


def _operation_of(raw: Mapping[str, Any]) -> PlanOperation:
    errors = tuple(
        DocumentedError(int(entry["status"]), int(code["code"]), tuple(code["messages"]))
        for entry in raw["errors"]
        for code in entry["codes"]
    )
    return PlanOperation(
        method=str(raw["method"]),
        path=str(raw["path"]),
        operation_id=str(raw["operation_id"]),
        summary=str(raw["summary"]),
        success_status=int(raw["success_status"]),
        errors=errors,
        error_statuses=tuple(int(entry["status"]) for entry in raw["errors"]),
        classic_scopes=tuple(raw["scopes"]["classic"]),
        granular_scopes=tuple(raw["scopes"]["granular"]),
        rate_limit_label=raw["rate_limit_label"],
        request_schema=raw["request_body"],
        response_schemas=MappingProxyType(
            {int(status): schema for status, schema in raw["responses"].items()}
        ),
        query_schemas=raw.get("query") or MappingProxyType({}),
    )


@cache
def plan_operations() -> tuple[PlanOperation, ...]:
    """Zoom's eight plan operations, in the extract's order (reads first, then writes)."""
    return tuple(_operation_of(raw) for raw in _document()["operations"])


@cache
def billing_operations() -> tuple[PlanOperation, ...]:
    """Zoom's billing contact (GET, PATCH) and upcoming renewals (GET), in the extract's order."""
    return tuple(_operation_of(raw) for raw in _document()["billing_operations"])


def operation(method: str, path: str) -> PlanOperation:
    """The plan or billing operation a request names; `path` may be Zoom's template or a real
    path (`/accounts/abc/plans/addons`, optionally under `/v2`). UnknownOperation otherwise."""
    for candidate in (*plan_operations(), *billing_operations()):
        if candidate.matches(method, path):
            return candidate
    raise UnknownOperation(method.upper(), path)


def extract_sources() -> tuple[ExtractSource, ...]:
    """Zoom's files the extract was made from, with their sha256."""
    return tuple(ExtractSource(s["file"], s["sha256"]) for s in _document()["sources"])


@cache
def catalogue_rows() -> tuple[CatalogueRow, ...]:
    """Zoom's plan catalogue (635 codes in the 2026-02-07 snapshot), in Zoom's order."""
    reader = csv.reader(io.StringIO(_read_text(CATALOGUE_FILE)), delimiter="\t")
    header = next(reader)
    if tuple(header) != CATALOGUE_COLUMNS:  # the extract script checks this; a guard only
        raise ValueError(f"{CATALOGUE_FILE}: unexpected header {header}")
    return tuple(CatalogueRow(*row) for row in reader if row)


def _path_matches(template: str, path: str) -> bool:
    path = path.split("?", 1)[0].rstrip("/")
    if path.startswith("/v2/"):
        path = path[3:]
    wanted = template.split("/")
    given = path.split("/")
    if len(wanted) != len(given):
        return False
    for part, actual in zip(wanted, given, strict=True):
        if part.startswith("{") and part.endswith("}"):
            if not actual:
                return False
        elif part != actual:
            return False
    return True

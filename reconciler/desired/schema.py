"""Check a document against schemas/account.schema.json and say what is wrong, where, in words.

The schema is the one published for editors, so the loader and the editor never disagree. Its
raw jsonschema messages (`3.5 is not of type 'integer'`) are rewritten into sentences that name
the field, and each is placed at the line of the offending key or value.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable, Iterator, Mapping
from functools import cache
from typing import TYPE_CHECKING, Any, cast

from reconciler.desired.packaged_schemas import (
    inline_refs,
    packaged_schema,
    packaged_schema_text,
)
from reconciler.desired.problems import Problem, bounded_schema_message, excerpt, kind_of
from reconciler.desired.reader import DataPath, Document, Location
from reconciler.desired.schema_fast_path import Acceptor, compile_acceptor
from reconciler.desired.schema_plans import CANCEL_REASONS
from reconciler.groups import table
from reconciler.groups.table import Call, PlanGroup

if TYPE_CHECKING:
    from jsonschema import ValidationError

SCHEMA_FILE = "account.schema.json"
_REQUIRED = re.compile(r"^'(.+)' is a required property")
_TYPE_WORDS = {
    "integer": "a whole number",
    "string": "text",
    "object": "a mapping (key: value)",
    "array": "a list",
    "number": "a number",
    "boolean": "true or false",
    "null": "empty",
}


def account_schema_text() -> str:
    """The published schema file as packaged (import writes a copy of it for editors)."""
    return packaged_schema_text(SCHEMA_FILE)


def account_schema() -> dict[str, Any]:
    """The document schema, loaded once from the package."""
    return packaged_schema(SCHEMA_FILE)


def _is_whole_number(_checker: object, instance: object) -> bool:
    # Draft 2020-12 calls 3.0 an integer; a host count written 3.0 is a typo we want to see.
    return isinstance(instance, int) and not isinstance(instance, bool)


def _without_required(schema: Any) -> Any:
    """The schema with every `required` (and the if/else and `dependentRequired` that add one)
    taken out.

    Each file of an `extends` chain is only part of an account: it is checked for shape alone
    (types, ranges, unknown keys), and what is required is checked once, on the layered result
    (a template's cancel `reason` may go with the account's own `state: cancelled`).
    """
    if isinstance(schema, dict):
        return {
            key: _without_required(value)
            for key, value in schema.items()
            if not (key == "required" and isinstance(value, list))
            and key not in ("if", "then", "else", "dependentRequired")
        }
    if isinstance(schema, list):
        return [_without_required(item) for item in schema]
    return schema


@cache
def _schema(kind: str) -> dict[str, Any]:
    """The schema a `kind` of document is checked against: `full` (an account with no
    `extends`), `partial` (one file of an `extends` chain) or `template`."""
    published = account_schema()
    # Inlined (no `$ref` lookups): checking 1,000 documents takes about half the time.
    root = published["$defs"]["template"] if kind == "template" else published
    schema = inline_refs(root, published)
    if kind != "full":
        schema = _without_required(schema)
    return schema


@cache
def _acceptor(kind: str) -> Acceptor:
    """The one-pass check that accepts a valid document without jsonschema (nor its import)."""
    return compile_acceptor(_schema(kind), strict_integer=True)


@cache
def strict_validator_class() -> Any:
    """Draft 2020-12 with whole numbers only for `integer`; imported only when a document is not
    plainly valid (importing jsonschema costs about 0.09 s)."""
    from jsonschema import Draft202012Validator, validators

    # types-jsonschema leaves `extend` unannotated.
    return validators.extend(  # type: ignore[no-untyped-call]
        Draft202012Validator,
        type_checker=Draft202012Validator.TYPE_CHECKER.redefine("integer", _is_whole_number),
    )


@cache
def _validator(kind: str) -> Any:
    """jsonschema's validator, built only when a document is not plainly valid: it finds and
    words the problems."""
    return strict_validator_class()(_schema(kind))


def schema_problems(
    document: Document, *, template: bool = False, whole: bool = False
) -> list[Problem]:
    """Shape problems of one document: an account's own file, or a template named by extends.

    Required keys are checked only when the document is `whole` (an account with no `extends`);
    otherwise a template may supply them, and `missing_problems` checks the layered result.
    """
    kind = "template" if template else ("full" if whole else "partial")
    if _acceptor(kind)(document.data):
        return []
    errors = sorted(_validator(kind).iter_errors(document.data), key=_error_order)
    found = {
        Problem(location.file, location.line, location.column, "error", message): None
        for error in errors
        for location, message in _explain(error, document.at, document.key_at, template)
    }
    return sorted(found, key=lambda p: (p.line, p.column))


def missing_problems(data: Any, locate: Callable[[DataPath], Location]) -> list[Problem]:
    """Required keys missing from a whole account, after layering; `locate` places a path."""
    if _acceptor("full")(data):
        return []
    errors = sorted(_validator("full").iter_errors(data), key=_error_order)
    return [
        Problem(location.file, location.line, location.column, "error", message)
        for error in errors
        if error.validator in ("required", "dependentRequired")
        for location, message in _explain(error, locate, locate, False)
    ]


def _error_order(error: ValidationError) -> tuple[str, str]:
    return (json.dumps(list(error.absolute_path), default=str), error.message)


def where(path: DataPath) -> str:
    """`plans.plan_webinar[0].hosts`: a path the way the user reads the file."""
    if not path:
        return "the document"
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def describe(value: object) -> str:
    """A value as a sentence fragment: `the text 'ten'`, `nothing`, `the decimal 2.5`."""
    if value is None:
        return "nothing (the value is empty)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f"the text {excerpt(value)}"
    if isinstance(value, float):
        return f"the decimal {value}"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list):
        return "a list"
    return "a mapping"


def _explain(
    error: ValidationError,
    at: Callable[[DataPath], Location],
    key_at: Callable[[DataPath], Location],
    template: bool,
) -> Iterator[tuple[Location, str]]:
    path: DataPath = tuple(error.absolute_path)
    name = where(path)
    here = at(path)
    keyword = error.validator
    value = error.instance
    # The schema object whose keyword failed: ours are all objects, never `true`/`false`.
    schema = cast(Mapping[str, Any], error.schema)
    if keyword == "additionalProperties" and isinstance(value, Mapping):
        allowed = list(schema.get("properties", {}))
        for key in value:
            if key not in allowed:
                yield key_at((*path, key)), _unknown_key(key, path, allowed, template)
    elif keyword == "required":
        match = _REQUIRED.match(error.message)
        missing = match.group(1) if match else error.message
        if _misspelt_nearby(missing, value):
            return  # the unknown-key message already says "did you mean '<missing>'?"
        if "else" in error.schema_path:
            yield here, _missing_seats(path, name, missing)
        elif missing == "account_id" and not path:
            yield (
                here,
                (
                    "the document is missing the required key 'account_id' (a template is checked "
                    "through the accounts that extend it: validate them together)"
                ),
            )
        else:
            yield here, f"{name} is missing the required key '{missing}'"
    elif keyword == "type":
        expected: Any = error.validator_value  # the keyword's value in the schema
        names = [expected] if isinstance(expected, str) else list(expected)
        words = " or ".join(_TYPE_WORDS.get(n, n) for n in names)
        if not path:
            yield (
                here,
                f"a document must be a mapping (account_id, plans...), not {kind_of(value)}",
            )
        else:
            quote = (
                f" (put it in quotes: '{_as_written(value)}')"
                if "string" in names and isinstance(value, int | float)
                else ""
            )
            yield here, f"{name} must be {words}, not {describe(value)}{quote}"
    elif keyword in ("minimum", "maximum"):
        yield here, _range_message(path, name, schema, value)
    elif keyword == "dependentRequired":
        yield here, _dependent_message(name, value)
    elif keyword == "enum":
        yield here, _enum_message(path, name, value, error.validator_value)
    elif keyword == "pattern":
        yield here, _pattern_message(path, name, value)
    elif keyword == "minLength":
        yield here, f"{name} must not be empty"
    elif keyword == "uniqueItems":
        yield here, f"{name} lists the same country twice"
    else:
        yield here, f"{name}: {bounded_schema_message(error.message, value, top=not path)}"


def _misspelt_nearby(missing: str, instance: object) -> bool:
    if not isinstance(instance, Mapping):
        return False
    return bool(difflib.get_close_matches(missing, [str(k) for k in instance], n=1, cutoff=0.8))


def _as_written(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def group_at(path: DataPath) -> PlanGroup | None:
    """The table's row for a place in a document (`plans.plan_zcc.plan_usage`, or any key or
    list entry inside one of its entries), or None outside every group."""
    if len(path) < 2 or path[0] != "plans":
        return None
    names = [part for part in path[1:3] if isinstance(part, str)]
    for size in (2, 1):
        found = table.BY_KEY.get(".".join(names[:size]))
        if found is not None and len(names) >= size:
            return found
    return None


def _missing_seats(path: DataPath, name: str, missing: str) -> str:
    if path == ("plans", table.BASE.key):
        return (
            f"{name} is missing the required key '{missing}' (only `state: cancelled` may omit it)"
        )
    group = group_at(path)
    noun = group.seat_noun if group is not None else "hosts"
    counts = f"the number of {noun}; " if noun != missing else ""
    return f"{name} needs '{missing}' ({counts}only a `state: cancelled` entry may omit it)"


def _range_message(path: DataPath, name: str, schema: Mapping[str, Any], value: object) -> str:
    low, high = schema.get("minimum"), schema.get("maximum")
    if path and path[-1] == "reason":
        reasons = "; ".join(f"{code} {words}" for code, words in CANCEL_REASONS.items())
        return (
            f"{name} must be between {low} and {high} (Zoom's cancel reasons: {reasons}), "
            f"got {value}"
        )
    if high is None:
        group = group_at(path)
        noun = f" {group.seat_noun}" if group is not None and path[-1] == "hosts" else ""
        return f"{name} must be at least {low}{noun}, got {value}"
    return f"{name} must be between {low} and {high}, got {value}"


def _dependent_message(name: str, value: object) -> str:
    given = [key for key in ("reason", "comment") if isinstance(value, Mapping) and key in value]
    words = " and ".join(given) or "reason"
    return (
        f"{name} gives a cancel {words} but no `state: cancelled`: Zoom takes them only with a "
        "cancellation"
    )


def _unknown_key(key: str, path: DataPath, allowed: list[str], template: bool) -> str:
    if key == "account_id" and template:
        return "a template named by `extends` must not set account_id (it is shared by accounts)"
    group = group_at(path)
    if key == "state" and group is not None and group.call is Call.READ_ONLY:
        return (
            f"{where(path)} cannot be cancelled from a file: no call of Zoom's API manages "
            f"{group.key} ({group.note})"
        )
    if key == "hosts" and group is not None and not group.seats and "hosts" not in allowed:
        return (
            f"{where(path)} takes no hosts: Zoom's calls give {group.key} a type only, so "
            "zoomplans manages its type; remove hosts"
        )
    if key == "status" and path and path[0] == "plans":
        return "status is Zoom's read-only field; to cancel an add-on write `state: cancelled`"
    if path == ("plans",) and key in table.USAGE_ONLY_KEYS:
        return (
            f"{key} is a key of Zoom's usage answer (GET /plans/usage), never of a plans "
            "answer, so a file cannot set it"
            + ("; Virtual Agents are plan_zva_voice and plan_zva_chat" if key == "plan_zva" else "")
        )
    if path == ("plans",) and key in table.REPLY_ONLY_KEYS:
        return (
            f"{key} appears only in Zoom's reply to a subscribe; "
            f"write {table.RECORDING.key} for cloud recording"
        )
    hint = difflib.get_close_matches(key, allowed, n=1)
    suggestion = f"; did you mean '{hint[0]}'?" if hint else f" (allowed: {', '.join(allowed)})"
    return f"unknown key {excerpt(key)} in {where(path)}{suggestion}"


def _enum_message(path: DataPath, name: str, value: object, allowed: object) -> str:
    last = path[-1] if path else ""
    if last == "contract_term" and isinstance(allowed, list):
        terms = ", ".join(str(term) for term in allowed)
        return (
            f"{name} must be one of Zoom's contract terms in months ({terms}), "
            f"got {describe(value)}"
        )
    if last in ("status", f"{table.RECORDING.key}_status"):
        return (
            f"{name} is Zoom's read-only status ({describe(value)}); Zoom answers active, "
            "cancelled or expired. To cancel an add-on, write `state: cancelled` on it instead"
        )
    return f"{name} must be 'cancelled' (the only state a file can ask for), got {describe(value)}"


def _pattern_message(path: DataPath, name: str, value: object) -> str:
    last = path[-1] if path else ""
    if value == "":
        return f"{name} must not be empty"
    if last in ("tollfree_countries", "premium_countries", "callout_countries"):
        return f"{name} must be two-letter country codes separated by commas, got {excerpt(value)}"
    if last == "country" or (len(path) >= 2 and isinstance(last, int)):
        return (
            f"{name} must be a two-letter country code in capitals (like US), got {excerpt(value)}"
        )
    if last == "account_id":
        return f"account_id may contain only letters, digits, _ and -, got {excerpt(value)}"
    if last == "email":
        return f"{name} is not an email address: {excerpt(value)}"
    if (path and path[0] == "labels") or last == "labels":
        return f"label key {excerpt(value)} may contain only letters, digits, _ . and -"
    if last in ("paid_period_start_date", "service_effective_date"):
        return f"{name} must be a date written YYYY-MM-DD, got {excerpt(value)}"
    if last == "employee_count":
        return f"{name} must be a whole number of employees, at least 1, got {excerpt(value)}"
    group = group_at(path)
    if group is table.BUNDLE:
        return f"{name}: {excerpt(value)} is not a bundle code (letters, digits, _ and - only)"
    if group is table.BASE and isinstance(value, str) and table.is_bundle_code(value):
        return (
            f"{name}: {excerpt(value)} is a bundle code (Zoom's bundle codes contain '-', no base "
            f"plan's does): declare it as plans.{table.BUNDLE.key}: [{{type: {value}}}] and "
            "leave plan_base out; Zoom changes and cancels no bundle through its API"
        )
    return f"{name}: {excerpt(value)} is not a plan type code (letters, digits and _ only)"

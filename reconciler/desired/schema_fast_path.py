"""A JSON Schema compiled into plain Python closures that say, in one pass, "jsonschema would
find nothing wrong here".

Start-up checks every desired document and the plan file against the packaged schemas, and
almost every document is valid. jsonschema spends most of its time on machinery a valid document
does not need (a validator object per subschema, error generators, `referencing`), and importing
it costs about 0.09 s. So the schemas are compiled once per process (about 3 ms for the account
schema) into one closure per subschema: accepting the benchmark's 1,000 documents takes about a
tenth of jsonschema's time. Only an acceptor's `False` sends a document to jsonschema, which then
finds (or not) the problems and words them exactly as before; so an acceptor must never accept
what jsonschema would reject, and where an exact answer would need jsonschema's subtler rules
(an `enum` of lists, `uniqueItems` over numbers) it declines instead (`_Unsure`).

The keywords compiled are those the packaged schemas use; any other keyword is refused when the
schema is compiled (`UnsupportedSchema`), never silently ignored. `format` is an annotation only,
as for jsonschema without a format checker. `tests/desired/test_schema_fast_path.py` compares the
verdicts with jsonschema's over every example and test document and generated ones.
"""

from __future__ import annotations

import numbers
import re
from collections.abc import Callable, Mapping
from typing import Any

Acceptor = Callable[[Any], bool]

#: Keywords that never change a verdict (draft 2020-12 annotations and identifiers).
_ANNOTATIONS = frozenset(
    {"$schema", "$id", "$comment", "title", "description", "default", "examples", "format"}
)
_OBJECT_KEYWORDS = frozenset(
    {"properties", "additionalProperties", "required", "dependentRequired", "propertyNames"}
    | {"minProperties"}
)
_OTHER_KEYWORDS = frozenset(
    {"type", "enum", "const", "oneOf", "not", "if", "then", "else", "items", "uniqueItems"}
    | {"pattern", "minLength", "maxLength", "minimum", "maximum"}
)
_KNOWN = _ANNOTATIONS | _OBJECT_KEYWORDS | _OTHER_KEYWORDS


class UnsupportedSchema(ValueError):
    """The schema uses a keyword (or form of one) this compiler does not know: extend the
    compiler and its tests before a packaged schema uses it."""


class _Unsure(Exception):
    """An exact verdict would need jsonschema's own rules here: let jsonschema decide."""


def compile_acceptor(schema: Any, *, strict_integer: bool = False) -> Acceptor:
    """A function that is True only for an instance jsonschema's Draft 2020-12 validator finds
    no error in; False means "ask jsonschema". `schema` must have its `$ref`s inlined
    (`packaged_schemas.inline_refs`). `strict_integer`: 3.0 is not an integer (the account
    schema's checker), otherwise it is (Draft 2020-12's)."""
    check = _Compiler(strict_integer).compile(schema)

    def accepts(instance: Any) -> bool:
        try:
            return check(instance)
        except _Unsure:
            return False

    return accepts


def _always(_instance: Any) -> bool:
    return True


def _never(_instance: Any) -> bool:
    return False


def _is_number(instance: Any) -> bool:
    return isinstance(instance, numbers.Number) and not isinstance(instance, bool)


def _is_strict_integer(instance: Any) -> bool:
    return isinstance(instance, int) and not isinstance(instance, bool)


def _is_integer(instance: Any) -> bool:
    if isinstance(instance, float):
        return instance.is_integer()
    return isinstance(instance, int) and not isinstance(instance, bool)


_TYPES: dict[str, Acceptor] = {
    "object": lambda instance: isinstance(instance, dict),
    "array": lambda instance: isinstance(instance, list),
    "string": lambda instance: isinstance(instance, str),
    "boolean": lambda instance: isinstance(instance, bool),
    "null": lambda instance: instance is None,
    "number": _is_number,
}


def _equal(instance: Any, value: Any) -> bool:
    """jsonschema's `equal` for scalars (1 == 1.0, True != 1); a container never equals a
    scalar, and two containers are left to jsonschema."""
    containers = isinstance(instance, list | dict), isinstance(value, list | dict)
    if all(containers):
        raise _Unsure
    if any(containers):
        return False
    if isinstance(instance, str) or isinstance(value, str):
        return bool(instance == value)
    if isinstance(instance, bool) or isinstance(value, bool):
        return instance is value
    return bool(instance == value)


def _all_of(checks: list[Acceptor]) -> Acceptor:
    if not checks:
        return _always
    if len(checks) == 1:
        return checks[0]
    frozen = tuple(checks)

    def all_of(instance: Any) -> bool:
        # A loop, not all(...): a generator per call was a third of the acceptor's time.
        for check in frozen:  # noqa: SIM110
            if not check(instance):
                return False
        return True

    return all_of


class _Compiler:
    """One schema's compilation (its integer rule)."""

    def __init__(self, strict_integer: bool) -> None:
        self.integer = _is_strict_integer if strict_integer else _is_integer
        #: Each subschema object compiled once (an inlined definition is one object wherever
        #: it is used), kept with its schema so that its id stays its own.
        self._compiled: dict[int, tuple[dict[str, Any], Acceptor]] = {}

    def compile(self, schema: Any) -> Acceptor:
        if schema is True:
            return _always
        if schema is False:
            return _never
        if not isinstance(schema, dict):
            raise UnsupportedSchema(f"a schema must be an object or a boolean, not {schema!r}")
        known = self._compiled.get(id(schema))
        if known is None:
            known = self._compiled[id(schema)] = (schema, self._compile(schema))
        return known[1]

    def _compile(self, schema: dict[str, Any]) -> Acceptor:
        unknown = sorted(set(schema) - _KNOWN)
        if unknown:
            raise UnsupportedSchema(f"keywords not compiled: {', '.join(unknown)}")
        checks = [
            check
            for check in (
                self._type(schema),
                self._choices(schema),
                self._logic(schema),
                self._object(schema),
                self._array(schema),
                _string(schema),
                _number(schema),
            )
            if check is not None
        ]
        return _all_of(checks)

    def _type(self, schema: Mapping[str, Any]) -> Acceptor | None:
        if "type" not in schema:
            return None
        names = schema["type"]
        tests = [self._type_test(name) for name in ([names] if isinstance(names, str) else names)]
        if len(tests) == 1:
            return tests[0]
        return lambda instance: any(test(instance) for test in tests)

    def _type_test(self, name: Any) -> Acceptor:
        if name == "integer":
            return self.integer
        if name not in _TYPES:
            raise UnsupportedSchema(f"unknown type {name!r}")
        return _TYPES[name]

    def _choices(self, schema: Mapping[str, Any]) -> Acceptor | None:
        checks: list[Acceptor] = []
        if "enum" in schema:
            values = list(schema["enum"])
            if all(isinstance(value, str) for value in values):
                words = frozenset(values)
                checks.append(lambda instance: isinstance(instance, str) and instance in words)
            else:
                checks.append(lambda instance: any(_equal(instance, value) for value in values))
        if "const" in schema:
            const = schema["const"]
            checks.append(lambda instance: _equal(instance, const))
        return _all_of(checks) if checks else None

    def _logic(self, schema: Mapping[str, Any]) -> Acceptor | None:
        checks: list[Acceptor] = []
        if "oneOf" in schema:
            branches = [self.compile(branch) for branch in schema["oneOf"]]
            checks.append(lambda instance: sum(1 for branch in branches if branch(instance)) == 1)
        if "not" in schema:
            negated = self.compile(schema["not"])
            checks.append(lambda instance: not negated(instance))
        if "if" in schema:
            condition = self.compile(schema["if"])
            then = self.compile(schema.get("then", True))
            otherwise = self.compile(schema.get("else", True))
            checks.append(
                lambda instance: then(instance) if condition(instance) else otherwise(instance)
            )
        return _all_of(checks) if checks else None

    def _object(self, schema: Mapping[str, Any]) -> Acceptor | None:
        if not _OBJECT_KEYWORDS & set(schema):
            return None
        properties = {key: self.compile(sub) for key, sub in schema.get("properties", {}).items()}
        extra = self.compile(schema.get("additionalProperties", True))
        names = self.compile(schema.get("propertyNames", True))
        check_names = "propertyNames" in schema
        required = frozenset(schema.get("required", ()))
        dependent = {key: tuple(keys) for key, keys in schema.get("dependentRequired", {}).items()}
        fewest = schema.get("minProperties", 0)

        def object_check(instance: Any) -> bool:
            if not isinstance(instance, dict):
                return True
            if len(instance) < fewest or not instance.keys() >= required:
                return False
            for key, value in instance.items():
                if not properties.get(key, extra)(value) or (check_names and not names(key)):
                    return False
            for key, needs in dependent.items():
                if key in instance:
                    for need in needs:
                        if need not in instance:
                            return False
            return True

        return object_check

    def _array(self, schema: Mapping[str, Any]) -> Acceptor | None:
        if "items" not in schema and not schema.get("uniqueItems"):
            return None
        each = self.compile(schema.get("items", True))
        unique = bool(schema.get("uniqueItems"))

        def array_check(instance: Any) -> bool:
            if not isinstance(instance, list):
                return True
            if unique:
                if not all(isinstance(item, str) for item in instance):
                    raise _Unsure
                if len(set(instance)) != len(instance):
                    return False
            for item in instance:  # noqa: SIM110 (no generator per list: see _all_of)
                if not each(item):
                    return False
            return True

        return array_check


def _string(schema: Mapping[str, Any]) -> Acceptor | None:
    if not {"pattern", "minLength", "maxLength"} & set(schema):
        return None
    pattern = re.compile(schema["pattern"]) if "pattern" in schema else None
    shortest = schema.get("minLength", 0)
    longest = schema.get("maxLength")

    def string_check(instance: Any) -> bool:
        if not isinstance(instance, str):
            return True
        if len(instance) < shortest or (longest is not None and len(instance) > longest):
            return False
        return pattern is None or pattern.search(instance) is not None

    return string_check


def _number(schema: Mapping[str, Any]) -> Acceptor | None:
    if "minimum" not in schema and "maximum" not in schema:
        return None
    low, high = schema.get("minimum"), schema.get("maximum")

    def number_check(instance: Any) -> bool:
        if not _is_number(instance):
            return True
        return (low is None or instance >= low) and (high is None or instance <= high)

    return number_check

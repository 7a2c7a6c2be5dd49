"""`extends:` layering: shared templates under an account, the account file winning.

A template is a partial document (plans, labels, contact, subscription options, name; never
account_id) named by a path relative to the file that names it; templates may extend other
templates. Mappings merge key by key and add-on lists (every list group of the table of plan
groups) merge by `type`, so a template can say "every EMEA account has webinar500" and an account
can raise its hosts without repeating the rest. `contact` is the exception: it is one unit, and
the nearest layer that sets it wins whole, because a billing contact pieced together from two
files (an account's own e-mail under a template's name and address) is a person nobody wrote
down, and Zoom would bill them. `subscription_options` is one unit for the same reason: a
contract term from one file and a purchase order number from another is an order nobody
wrote down. Cycles and missing targets are
reported at the `extends` line that causes them. Every value keeps the file:line it came from,
so rules that run after layering still point at the right file.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reconciler.desired import pasted
from reconciler.desired.pasted import lapsed_status, recording_lapsed
from reconciler.desired.problems import Problem
from reconciler.desired.reader import DataPath, Document, Location, ReadResult
from reconciler.desired.restrictor import LoadRestrictor
from reconciler.desired.schema import schema_problems
from reconciler.groups import table
from reconciler.groups.table import Shape

MAX_CHAIN = 16
#: Groups holding one entry: pasted history (a lapsed entry) never merges with a wish there.
SINGLE_PATHS: frozenset[DataPath] = frozenset(
    ("plans", *group.path) for group in table.GROUPS if group.shape is Shape.OBJECT
)
#: `plan_recording` and its siblings in Zoom's answer: layered as one unit.
RECORDING_KEYS = pasted.RECORDING_KEYS
LAYERED_KEYS = ("name", "labels", "contact", "subscription_options", "plans")
#: Keys taken whole from the nearest layer that sets them, never merged field by field.
WHOLE_KEYS = frozenset({"contact", "subscription_options"})
#: Lists of add-ons that merge entry by entry, matched on `type`.
LIST_PATHS: frozenset[DataPath] = frozenset(
    ("plans", *group.path) for group in table.GROUPS if group.shape is Shape.LIST
)


@dataclass(frozen=True)
class Layered:
    """Document data after layering, with the location of every value across all files."""

    data: dict[str, Any]
    values: Mapping[DataPath, Location]  # shared with the document when nothing is layered
    files: tuple[str, ...] = ()
    #: Where the nearest template's `contact` was, when a nearer layer's contact replaced it
    #: whole (the validator names it when the nearer contact lacks a field Zoom needs).
    contact_replaced: Location | None = None

    def at(self, path: DataPath) -> Location | None:
        for cut in range(len(path), -1, -1):
            found = self.values.get(path[:cut])
            if found is not None:
                return found
        return None


@dataclass
class _Template:
    """One template file, checked once however many accounts extend it."""

    layered: Layered | None
    problems: list[Problem] = field(default_factory=list)
    ok: bool = True


Reader = Callable[[Path, str], ReadResult]


class Layering:
    """Resolves `extends` chains; caches each template file by its real path.

    Every target is checked by `restrictor` before it is opened: a refused file is never read.
    """

    def __init__(self, read: Reader, restrictor: LoadRestrictor | None = None) -> None:
        self._read = read
        self._restrictor = restrictor if restrictor is not None else LoadRestrictor()
        self._templates: dict[str, _Template] = {}

    @property
    def template_files(self) -> set[str]:
        """Real paths of every file used as a template so far."""
        return set(self._templates)

    def problems(self) -> list[Problem]:
        return [p for template in self._templates.values() for p in template.problems]

    def resolve(self, document: Document) -> tuple[Layered, list[Problem], bool]:
        """`document` layered over its chain; problems at its own `extends` line; chain ok?"""
        own = Layered(_as_dict(document.data), document.values, (document.file,))
        if not own.data.get("extends"):  # most accounts: no chain, no real path to resolve
            return own, [], True
        return self._layer(document, own, [os.path.realpath(document.file)])

    def _layer(
        self, document: Document, own: Layered, stack: list[str]
    ) -> tuple[Layered, list[Problem], bool]:
        target = own.data.get("extends")
        if not isinstance(target, str) or not target:
            return own, [], True
        at = document.at(("extends",))
        display = os.path.normpath(os.path.join(os.path.dirname(document.file), target))
        refusal = self._restrictor.extends_refusal(document.file, target, display)
        if refusal is not None:
            return own, [_error(at, refusal)], False
        real = os.path.realpath(display)
        if real in stack:
            chain = " -> ".join([*(os.path.basename(s) for s in stack), os.path.basename(real)])
            return own, [_error(at, f"extends cycle: {chain}")], False
        if len(stack) >= MAX_CHAIN:
            return own, [_error(at, f"extends chain longer than {MAX_CHAIN} files")], False
        if not os.path.isfile(display):
            return own, [_error(at, f"extends target not found: {display}")], False
        template = self._template(display, real, stack)
        if template.layered is None:
            note = f"extends target {display} has errors (see above)"
            return own, [_error(at, note)], False
        merged = merge(template.layered, own)
        return merged, [], template.ok

    def _template(self, display: str, real: str, stack: list[str]) -> _Template:
        cached = self._templates.get(real)
        if cached is not None:
            return cached
        self._templates[real] = placeholder = _Template(None)
        result = self._read(Path(display), display)
        problems = list(result.problems)
        if len(result.documents) > 1:
            second = result.documents[1]
            problems.append(
                _error(
                    Location(second.file, second.line, 1),
                    "a template file named by extends must hold exactly one document",
                )
            )
        if not result.documents:
            placeholder.problems = problems
            placeholder.ok = False
            return placeholder
        document = result.documents[0]
        problems.extend(schema_problems(document, template=True))
        own = Layered(_as_dict(document.data), document.values, (document.file,))
        layered, chain_problems, chain_ok = self._layer(document, own, [*stack, real])
        problems.extend(chain_problems)
        placeholder.layered = layered
        placeholder.problems = problems
        placeholder.ok = chain_ok and not any(p.severity == "error" for p in problems)
        return placeholder


def merge(base: Layered, over: Layered) -> Layered:
    """`over` layered on `base`: the nearer file wins key by key; add-on lists merge by type;
    a `contact` comes whole from the nearer file that has one."""
    data: dict[str, Any] = {}
    values: dict[DataPath, Location] = {}
    for key in over.data:
        if key not in LAYERED_KEYS:
            data[key] = over.data[key]
            _copy(over.values, (key,), (key,), values)
    replaced = over.contact_replaced if "contact" in over.data else base.contact_replaced
    if "contact" in over.data and "contact" in base.data:
        replaced = base.values.get(("contact",), replaced)
    for key in LAYERED_KEYS:
        if key in base.data and key in over.data and key not in WHOLE_KEYS:
            data[key] = _merge(base, over, (key,), (key,), (key,), values)
        elif key in over.data:
            data[key] = over.data[key]
            _copy(over.values, (key,), (key,), values)
        elif key in base.data:
            data[key] = base.data[key]
            _copy(base.values, (key,), (key,), values)
    values.setdefault((), over.values.get((), Location(over.files[0], 1, 1)))
    return Layered(data, values, (*base.files, *over.files), replaced)


def _merge(
    base: Layered,
    over: Layered,
    base_path: DataPath,
    over_path: DataPath,
    out_path: DataPath,
    values: dict[DataPath, Location],
) -> Any:
    base_value = _get(base.data, base_path)
    over_value = _get(over.data, over_path)
    if out_path in SINGLE_PATHS and (lapsed_status(base_value) or lapsed_status(over_value)):
        # History never merges into a wish: the active side stands whole (pasted.py).
        layer, path = (
            (base, base_path) if _only_over_lapsed(base_value, over_value) else (over, over_path)
        )
        _copy(layer.values, path, out_path, values)
        return _get(layer.data, path)
    if out_path == ("plans",) and isinstance(base_value, dict) and isinstance(over_value, dict):
        return _merge_plans(base, over, base_path, over_path, values)
    if isinstance(base_value, dict) and isinstance(over_value, dict):
        return _merge_dicts(base, over, base_path, over_path, out_path, values)
    if out_path in LIST_PATHS and isinstance(base_value, list) and isinstance(over_value, list):
        return _merge_by_type(base, over, base_path, over_path, out_path, values)
    _copy(over.values, over_path, out_path, values)
    return over_value


def _merge_dicts(
    base: Layered,
    over: Layered,
    base_path: DataPath,
    over_path: DataPath,
    out_path: DataPath,
    values: dict[DataPath, Location],
) -> dict[str, Any]:
    base_value: dict[str, Any] = _get(base.data, base_path)
    over_value: dict[str, Any] = _get(over.data, over_path)
    _copy(over.values, over_path, out_path, values, deep=False)
    result: dict[str, Any] = {}
    for key in base_value:
        if key not in over_value:
            result[key] = base_value[key]
            _copy(base.values, (*base_path, key), (*out_path, key), values)
    for key in over_value:
        if key in base_value:
            sub_base, sub_over, sub_out = (*base_path, key), (*over_path, key), (*out_path, key)
            result[key] = _merge(base, over, sub_base, sub_over, sub_out, values)
        else:
            result[key] = over_value[key]
            _copy(over.values, (*over_path, key), (*out_path, key), values)
    return result


def _only_over_lapsed(base_value: Any, over_value: Any) -> bool:
    return lapsed_status(over_value) is not None and lapsed_status(base_value) is None


def _merge_plans(
    base: Layered,
    over: Layered,
    base_path: DataPath,
    over_path: DataPath,
    values: dict[DataPath, Location],
) -> dict[str, Any]:
    """`plans` merged key by key, except that a recording and its sibling status and dates
    come from one file: a template's `plan_recording_status: cancelled` must not lapse the
    account's own recording (and a pasted lapsed one must not hide the template's)."""
    base_plans: dict[str, Any] = _get(base.data, base_path)
    over_plans: dict[str, Any] = _get(over.data, over_path)
    if pasted.RECORDING not in base_plans or pasted.RECORDING not in over_plans:
        return _merge_dicts(base, over, base_path, over_path, ("plans",), values)
    keep_base = recording_lapsed(over_plans) is not None and recording_lapsed(base_plans) is None
    loser, loser_path = (over, over_path) if keep_base else (base, base_path)
    trimmed = {k: v for k, v in _get(loser.data, loser_path).items() if k not in RECORDING_KEYS}
    stand_in = Layered({"plans": trimmed}, loser.values, loser.files)
    if keep_base:
        return _merge_dicts(base, stand_in, base_path, ("plans",), ("plans",), values)
    return _merge_dicts(stand_in, over, ("plans",), over_path, ("plans",), values)


def _merge_by_type(
    base: Layered,
    over: Layered,
    base_path: DataPath,
    over_path: DataPath,
    out_path: DataPath,
    values: dict[DataPath, Location],
) -> list[Any]:
    base_list: list[Any] = _get(base.data, base_path)
    over_list: list[Any] = _get(over.data, over_path)
    _copy(over.values, over_path, out_path, values, deep=False)
    result: list[Any] = []
    sources: list[tuple[Layered, DataPath]] = []
    by_type: dict[str, int] = {}
    for index, entry in enumerate(base_list):
        # A lapsed entry (pasted history) is neither merged into nor merged with: kept beside.
        if (
            isinstance(entry, dict)
            and isinstance(entry.get("type"), str)
            and lapsed_status(entry) is None
        ):
            by_type.setdefault(entry["type"], len(result))
        result.append(entry)
        sources.append((base, (*base_path, index)))
    overridden: set[int] = set()
    for index, entry in enumerate(over_list):
        kind = entry.get("type") if isinstance(entry, dict) else None
        lapsed = lapsed_status(entry) is not None
        slot = by_type.get(kind) if isinstance(kind, str) and not lapsed else None
        if slot is not None and slot not in overridden:
            overridden.add(slot)
            base_entry_path = sources[slot][1]
            result[slot] = _merge(
                base, over, base_entry_path, (*over_path, index), (*out_path, slot), values
            )
            sources[slot] = (over, (*over_path, index))
            continue
        result.append(entry)
        sources.append((over, (*over_path, index)))
    for slot, (layer, path) in enumerate(sources):
        if slot not in overridden:
            _copy(layer.values, path, (*out_path, slot), values)
    return result


def _copy(
    source: Mapping[DataPath, Location],
    from_path: DataPath,
    to_path: DataPath,
    into: dict[DataPath, Location],
    *,
    deep: bool = True,
) -> None:
    size = len(from_path)
    for path, location in source.items():
        if path[:size] == from_path and (deep or len(path) == size):
            into[(*to_path, *path[size:])] = location


def _get(data: Any, path: DataPath) -> Any:
    for part in path:
        data = data[part]
    return data


def _as_dict(data: Any) -> dict[str, Any]:
    return data if isinstance(data, dict) else {}


def _error(at: Location, message: str) -> Problem:
    return Problem(at.file, at.line, at.column, "error", message)

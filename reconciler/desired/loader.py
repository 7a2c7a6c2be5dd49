"""`load_desired`: files and folders in, a `DesiredState` out, every problem located, never a raise.

Order of work: find the files; read each once (reader.py); resolve every `extends` chain, which
tells us which files are templates; check each account document against the schema, layer it,
run the rules; finally look for the same account_id declared twice. An account with any error
in its own document or its template chain is left out of `accounts`, so a planner can never act
on half-understood input even if a caller forgets to check `ok`.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from reconciler.collector import cycle_collector_paused
from reconciler.desired.layering import Layered, Layering
from reconciler.desired.model import (
    SUBSCRIBE_CONTACT_FIELDS,
    ContactOrigin,
    DesiredAccount,
    DesiredState,
    SourceMark,
)
from reconciler.desired.pasted import lapsed_entries, pasted_as_desired
from reconciler.desired.problems import Problem, excerpt
from reconciler.desired.reader import (
    DataPath,
    Document,
    Location,
    ReadResult,
    read_file,
)
from reconciler.desired.restrictor import LoadRestrictor
from reconciler.desired.rules import account_problems
from reconciler.desired.schema import missing_problems, schema_problems
from reconciler.escaping.terminal import has_acting, inert

_log = logging.getLogger(__name__)
YAML_SUFFIXES = (".yaml", ".yml")
MAX_MESSAGE = 400
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


class _FileCache:
    """Each file is read once, whether it is named on the command line or by `extends`."""

    def __init__(self) -> None:
        self._results: dict[str, ReadResult] = {}

    def read(self, path: Path, display: str, real: str | None = None) -> ReadResult:
        """`real`: the file's real path when the caller knows it already (find_files)."""
        real = real if real is not None else os.path.realpath(path)
        if real not in self._results:
            self._results[real] = read_file(path, display)
        return self._results[real]


def find_files(
    paths: Sequence[str | Path], restrictor: LoadRestrictor | None = None
) -> tuple[list[tuple[Path, str, str]], list[Problem]]:
    """The files to load (each with how it is shown and its real path), in a stable order;
    folders are searched recursively for YAML.

    A file named on the command line is read as named; a file found by searching a folder must
    stay inside the tree (a committed symlink to a file of the machine is refused, unread).
    """
    restrictor = restrictor if restrictor is not None else LoadRestrictor()
    found: list[tuple[Path, str, str]] = []
    problems: list[Problem] = []
    seen: set[str] = set()
    for given in paths:
        path = Path(given)
        display = str(given)
        if path.is_dir():
            inside = sorted(_yaml_files_in(path, restrictor.cwd))
            if not inside:
                problems.append(
                    Problem(
                        display,
                        1,
                        1,
                        "error",
                        f"no account files found under {display} (no *.yaml or *.yml files); "
                        "check the path",
                    )
                )
            candidates = []
            for file, real in inside:
                refusal = restrictor.walk_refusal(display, str(file), real)
                if refusal is None:
                    candidates.append((file, str(file), real))
                else:
                    problems.append(Problem(str(file), 1, 1, "error", refusal))
        elif path.exists():
            candidates = [(path, display, os.path.realpath(path))]
        else:
            problems.append(Problem(display, 1, 1, "error", "no such file or folder"))
            continue
        for file, shown, real in candidates:
            if real not in seen:
                seen.add(real)
                found.append((file, shown, real))
    return found, problems


def _yaml_files_in(folder: Path, cwd: str) -> list[tuple[Path, str]]:
    """Each YAML file under `folder` with its real path. A walked folder is never a link (the
    walk follows none), so a file that is no link either is its folder's real path and its
    name: one `lstat` instead of resolving every part of the path again, for each file."""
    files: list[tuple[Path, str]] = []
    for root, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        real_root = os.path.realpath(os.path.join(cwd, root))
        for name in names:
            if name.endswith(YAML_SUFFIXES):
                file = os.path.join(root, name)
                real = (
                    os.path.realpath(os.path.join(cwd, file))
                    if os.path.islink(file)
                    else os.path.join(real_root, name)
                )
                files.append((Path(root) / name, real))
    return files


def load_desired(
    paths: Sequence[str | Path],
    *,
    strict: bool = False,
    extends_roots: Sequence[str | Path] = (),
    today: date | None = None,
    extra_plan_types: Sequence[str] = (),
) -> DesiredState:
    """Load and check every desired-state document under `paths`.

    With `strict`, warnings (YAML 1.1 look-alikes, an incomplete contact) count as errors, as
    `validate --strict` promises. Accounts with errors are left out of the result. A plan
    type the catalogue does not list is an error unless `extra_plan_types` names it.
    `extends_roots` widens what `extends` may read beyond the git work tree holding each file
    (restrictor.py); nothing outside them is ever opened. `today` is the day a scheduled
    change must come after (default: today in UTC). The cycle collector is paused meanwhile
    (collector.py): loading makes many small containers and no cycles.
    """
    with cycle_collector_paused():
        return _load(paths, strict, extends_roots, today, frozenset(extra_plan_types))


def _load(
    paths: Sequence[str | Path],
    strict: bool,
    extends_roots: Sequence[str | Path],
    today: date | None,
    allowed: frozenset[str],
) -> DesiredState:
    restrictor = LoadRestrictor.widened_by(extends_roots)
    files, problems = find_files(paths, restrictor)
    named = [p.file for p in problems]
    cache = _FileCache()
    layering = Layering(cache.read, restrictor)
    read = [(display, real, cache.read(path, display, real)) for path, display, real in files]
    for display, _real, result in read:
        _log.info("read %s: %d document(s)", display, len(result.documents))

    resolved: dict[int, tuple[Layered, list[Problem], bool]] = {}
    for _display, _real, result in read:
        for document in result.documents:
            resolved[id(document)] = layering.resolve(document)
    templates = layering.template_files

    accounts: list[DesiredAccount] = []
    account_files: list[str] = []
    declared: dict[str, SourceMark] = {}
    twice: set[str] = set()  # declared more than once: ambiguous, so none of them is kept
    for display, real, result in read:
        if templates and real in templates:
            continue  # checked once, as a template, by the layering
        account_files.append(display)
        problems.extend(result.problems)
        file_ok = not any(p.severity == "error" or strict for p in result.problems)
        for document in result.documents:
            layered, chain_problems, chain_ok = resolved[id(document)]
            layers = isinstance(document.data, dict) and "extends" in document.data
            found = schema_problems(document, whole=not layers) + chain_problems
            if layers:
                found.extend(_required_problems(layered, document))
            found.extend(account_problems(layered, today=today, extra_plan_types=allowed))
            found.extend(_acting_text_problems(layered, document))
            account_id = (
                document.data.get("account_id") if isinstance(document.data, dict) else None
            )
            mark = SourceMark(document.file, document.line)
            if isinstance(account_id, str) and account_id:
                if account_id in declared:
                    at = document.at(("account_id",))
                    found.append(
                        Problem(
                            at.file,
                            at.line,
                            at.column,
                            "error",
                            f"account_id {excerpt(account_id)} is also declared at "
                            f"{declared[account_id]}; each account must be declared once",
                        )
                    )
                    twice.add(account_id)
                else:
                    declared[account_id] = mark
            problems.extend(found)
            errors = [p for p in found if p.severity == "error" or strict]
            if file_ok and chain_ok and not errors and isinstance(account_id, str):
                accounts.append(_account(account_id, mark, layered, document))
    problems.extend(layering.problems())
    if strict:
        problems = [_as_error(p) for p in problems]
    accounts = [a for a in accounts if a.account_id not in twice]
    _log.info("%d account(s) valid, %d problem(s)", len(accounts), len(problems))
    return DesiredState(
        accounts=accounts,
        problems=_ordered(problems, [*named, *(display for display, _, _ in read)]),
        files=tuple(account_files),
        templates=tuple(sorted(layering.template_files)),
    )


def _locator(layered: Layered, document: Document) -> Callable[[DataPath], Location]:
    def locate(path: DataPath) -> Location:
        return layered.at(path) or document.at(path)

    return locate


def _acting_text_problems(layered: Layered, document: Document) -> list[Problem]:
    """A name or label holding control characters (a newline, an escape sequence, a
    bidirectional override): every output shows them escaped, but such a name is a paste
    gone wrong or an attempt to forge the review, so validate says where it is."""
    data = layered.data
    labels = data.get("labels")
    found: list[tuple[DataPath, Any]] = [(("name",), data.get("name"))]
    if isinstance(labels, dict):
        found += [(("labels", key), value) for key, value in labels.items()]
    problems = []
    for path, value in found:
        if isinstance(value, str) and has_acting(value):
            at = _locator(layered, document)(path)
            what = ".".join(str(step) for step in path)
            said = f"{what} holds control characters ({inert(value)[:60]}); every output shows "
            said += "them escaped like this, remove them"
            problems.append(Problem(at.file, at.line, at.column, "warning", said))
    return problems


def _contact_at(layered: Layered, document: Document) -> Location:
    """The `contact:` key that won: the account's own, else the nearest template's."""
    if isinstance(document.data, dict) and "contact" in document.data:
        return document.key_at(("contact",))
    return layered.at(("contact",)) or document.at(("contact",))


def _required_problems(layered: Layered, document: Document) -> list[Problem]:
    """Required keys missing after layering. A contact that replaced a template's whole and
    lacks fields is a warning, not an error: it matters only if the account is subscribed,
    which only `plan` can know (it blocks that subscribe, naming the same fields)."""
    contact = layered.data.get("contact")
    replaced = layered.contact_replaced
    given = contact if isinstance(contact, dict) else {}
    missing = [name for name in SUBSCRIBE_CONTACT_FIELDS if name not in given]
    if replaced is None or not isinstance(contact, dict) or not missing:
        return missing_problems(layered.data, _locator(layered, document))
    data = {key: value for key, value in layered.data.items() if key != "contact"}
    problems = missing_problems(data, _locator(layered, document))
    at = _contact_at(layered, document)
    problems.append(
        Problem(
            at.file,
            at.line,
            at.column,
            "warning",
            f"contact lacks {', '.join(missing)}, which Zoom needs to subscribe: a contact is "
            "one unit across extends, so this one takes nothing from the contact at "
            f"{replaced.file}:{replaced.line}; complete it, or remove it to use that one "
            "(plan blocks a subscribe of this account until then)",
        )
    )
    return problems


def _contact_origin(layered: Layered, document: Document) -> ContactOrigin | None:
    contact = layered.data.get("contact")
    if not isinstance(contact, dict):
        return None
    at = _contact_at(layered, document)
    fields = []
    for name in contact:
        where = layered.values.get(("contact", name))
        if where is not None:
            fields.append((str(name), f"{where.file}:{where.line}"))
    replaced = layered.contact_replaced
    return ContactOrigin(
        f"{at.file}:{at.line}:{at.column}",
        tuple(fields),
        None if replaced is None else f"{replaced.file}:{replaced.line}",
    )


def _account(
    account_id: str, mark: SourceMark, layered: Layered, document: Document
) -> DesiredAccount:
    data = layered.data
    name = data.get("name")
    labels = data.get("labels") or {}
    contact = data.get("contact")
    options = data.get("subscription_options")
    plans = data.get("plans") or {}
    for lapsed in lapsed_entries(plans):
        at = layered.at(lapsed.path)
        _log.info(
            "%s: %s describes the past (Zoom keeps listing it until its paid period ends); "
            "ignored for planning",
            f"{at.file}:{at.line}" if at else str(mark),
            lapsed.describe(),
        )
    return DesiredAccount(
        account_id=account_id,
        source=mark,
        plans=pasted_as_desired(plans),
        name=name if isinstance(name, str) else None,
        labels=dict(labels),
        contact=dict(contact) if isinstance(contact, dict) else None,
        contact_origin=_contact_origin(layered, document),
        subscription_options=dict(options) if isinstance(options, dict) else None,
    )


def _as_error(problem: Problem) -> Problem:
    if problem.severity == "error":
        return problem
    return Problem(problem.file, problem.line, problem.column, "error", problem.message)


def _ordered(problems: list[Problem], file_order: list[str]) -> list[Problem]:
    """Files in the order they were named and read, then by line: stable across runs."""
    rank: dict[str, int] = {}
    for name in [*file_order, *(p.file for p in problems)]:
        rank.setdefault(name, len(rank))
    unique = dict.fromkeys(_printable(p) for p in problems)
    return sorted(unique, key=lambda p: (rank[p.file], p.line, p.column))


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _printable(problem: Problem) -> Problem:
    """One line per problem, whatever a key or value held: control characters escaped, and a
    message that quotes a huge value cut short (a terminal must never be driven by file data)."""
    message = _CONTROL.sub(_escape, problem.message)
    if len(message) > MAX_MESSAGE:
        message = message[: MAX_MESSAGE - 3] + "..."
    if message == problem.message:
        return problem
    return Problem(problem.file, problem.line, problem.column, problem.severity, message)

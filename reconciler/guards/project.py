"""zoomplans.yaml: the project file: the price list's path, default guard rails, extends_root.

Found in the current directory (or named by `--config FILE`), like a Terraform backend block:
settings a team agrees on once and reviews in git, instead of flags repeated in every CI job.
A flag on the command line always wins over the value here. Problems are located
(`file:line:column: message`) and stop the command before anything is read from Zoom.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

from reconciler.desired.problems import Problem, bounded_schema_message, excerpt
from reconciler.guards.money_limits import MonthlyLimit, checked_amount
from reconciler.pricing.currencies import UnknownCurrency, is_currency

if TYPE_CHECKING:
    from reconciler.desired.reader import Document

PROJECT_FILE = "zoomplans.yaml"
SCHEMA_FILE = "project.schema.json"


class ProjectError(Exception):
    """zoomplans.yaml (or --config FILE) cannot be used; `problems` are located."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) in the project file")


@dataclass(frozen=True)
class ProjectConfig:
    """What zoomplans.yaml says; every field may be absent."""

    source: str
    prices: Path | None = None
    extends_root: Path | None = None
    #: One per currency (`{USD: 500}`), or one bare amount (currency None); each names its
    #: `file:line:column`. Empty: not set.
    max_monthly_increase: tuple[MonthlyLimit, ...] = ()
    require_prices: bool = False
    max_accounts_changed: int | None = None
    max_seats_removed: int | None = None
    daily_heavy_budget: int | None = None
    journal_window: str | None = None  # how far back the journal's purchases count, e.g. 7d
    resend_after: str | None = None  # minimum age before a write in doubt is sent again
    #: A postgresql:// URL without a password: the team's journal when neither --journal nor
    #: ZOOMPLANS_JOURNAL_URL names one (a pull request can write this file: a default at most).
    journal: str | None = None
    #: Plan codes desired files may use although the catalogue does not list them.
    extra_plan_types: tuple[str, ...] = ()
    #: (setting name, `file:line`) of every key the file sets: the plan header lists them.
    origins: tuple[tuple[str, str], ...] = ()


#: Each setting zoomplans.yaml may hold, by the name the plan header shows, and its key path.
SETTING_KEYS: dict[str, tuple[str, ...]] = {
    **{key: (key,) for key in ("prices", "extends_root", "journal_window", "resend_after")},
    "extra_plan_types": ("extra_plan_types",),
    **{
        key: ("guard_rails", key)
        for key in (
            "max_monthly_increase",
            "require_prices",
            "max_accounts_changed",
            "max_seats_removed",
            "daily_heavy_budget",
        )
    },
}


def plan_types_allowed(project: ProjectConfig | None) -> tuple[str, ...]:
    """The codes zoomplans.yaml allows beyond the catalogue (none without a project file)."""
    return project.extra_plan_types if project is not None else ()


def _message(error: Any) -> str:
    path = "/".join(str(p) for p in error.absolute_path) or "(top)"
    if error.validator == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        allowed = ", ".join(sorted(error.schema.get("properties", {})))
        return f"{path}: unknown key {', '.join(extra)} (allowed: {allowed})"
    if error.validator == "pattern" and path == "journal":
        return (
            f"journal: {excerpt(error.instance)} is not a postgresql:// URL (a file journal is "
            "named with --journal only: a path here could be written by a pull request)"
        )
    if error.validator == "pattern":  # journal_window, resend_after
        return (
            f"{path}: {error.instance!r} is not a duration; write a number with s, m, h or d "
            "(e.g. 15m, 7d)"
        )
    if error.validator == "oneOf":
        return f"{path}: {excerpt(error.instance)} is not an amount; write a number >= 0, e.g. 500"
    if path == "guard_rails/require_prices":
        return f"{path}: must be true or false, got {excerpt(error.instance)}"
    if path == "guard_rails/max_monthly_increase":
        return (
            f"{path}: {excerpt(error.instance)} is not a limit; write an amount per currency, "
            "e.g. {USD: 500, EUR: 450}"
        )
    if error.validator in ("minimum", "type") and path.startswith("guard_rails/"):
        return f"{path}: must be a whole number >= 0 (or empty), got {excerpt(error.instance)}"
    top = not error.absolute_path
    return f"{path}: {bounded_schema_message(error.message, error.instance, top=top)}"


def _money_limits(document: Document, value: Any) -> tuple[list[MonthlyLimit], list[Problem]]:
    """`guard_rails.max_monthly_increase`: an amount per currency, or one bare amount; every
    value that is not a finite amount with its currency's decimals is a located problem."""
    key = ("guard_rails", "max_monthly_increase")
    entries = value.items() if isinstance(value, Mapping) else [(None, value)]
    limits: list[MonthlyLimit] = []
    problems: list[Problem] = []
    for currency, amount in entries:
        path = key if currency is None else (*key, currency)
        where = document.at(path)
        shown = "/".join(map(str, path))
        try:
            if currency is not None and not is_currency(currency):
                raise UnknownCurrency(str(currency))
            exact = checked_amount(amount, currency)
        except ValueError as exc:
            message = f"{shown}: {exc}; write an amount per currency, e.g. {{USD: 500, EUR: 450}}"
            problems.append(Problem(where.file, where.line, where.column, "error", message))
            continue
        limits.append(MonthlyLimit(exact, currency, f"{where.file}:{where.line}:{where.column}"))
    return limits, problems


def _url_has_password(url: str) -> bool:
    """A `journal:` URL holding a password (in its user part or a `password=` key); the same
    rule as ``reconciler.apply.journal_url.carries_password``, which this layer cannot import."""
    try:
        parts = urlsplit(url)
        in_query = any(key == "password" for key, _value in parse_qsl(parts.query))
        return bool(parts.password) or in_query
    except ValueError:
        return True  # unreadable: refuse rather than guess


def load_project(path: Path) -> ProjectConfig:
    """Read and check one project file; ProjectError with located problems otherwise."""
    # The YAML reader and the schema checks are imported only when a project file is there:
    # without one (most runs), `plan` asks for its token without loading them first.
    from reconciler.desired.packaged_schemas import packaged_schema_errors
    from reconciler.desired.reader import read_file
    from reconciler.guards.project_bounds import bound_problems, key_origins

    shown = str(path)
    read = read_file(path, shown)
    errors = [p for p in read.problems if p.severity == "error"]
    if errors:
        raise ProjectError(errors)
    if len(read.documents) != 1:
        raise ProjectError([Problem(shown, 1, 1, "error", "expected exactly one YAML document")])
    document = read.documents[0]
    data = document.data
    if data is None:
        return ProjectConfig(shown)
    problems = []
    for error in packaged_schema_errors(SCHEMA_FILE, data):
        where = document.at(tuple(error.absolute_path))
        problems.append(Problem(where.file, where.line, where.column, "error", _message(error)))
    if not problems:  # the bounds read values the schema has checked
        problems.extend(bound_problems(document, path))
    rails = data.get("guard_rails") if isinstance(data, Mapping) else None
    rails = rails if isinstance(rails, Mapping) else {}
    increase = rails.get("max_monthly_increase")
    money: list[MonthlyLimit] = []
    if isinstance(increase, Mapping | int | float | str) and not isinstance(increase, bool):
        money, more = _money_limits(document, increase)  # the schema lets every such value by
        problems += more
    journal = data.get("journal")
    if isinstance(journal, str) and _url_has_password(journal):
        where = document.at(("journal",))
        problems.append(
            Problem(where.file, where.line, where.column, "error", "journal: a URL here must "
                    "not hold a password (this file is in git; use PGPASSWORD or a .pgpass)")
        )  # fmt: skip
    if problems:
        raise ProjectError(sorted(problems))
    return ProjectConfig(
        source=shown,
        prices=(path.parent / data["prices"]) if data.get("prices") else None,
        extends_root=(path.parent / data["extends_root"]) if data.get("extends_root") else None,
        max_monthly_increase=tuple(money),
        require_prices=bool(rails.get("require_prices")),
        max_accounts_changed=rails.get("max_accounts_changed"),
        max_seats_removed=rails.get("max_seats_removed"),
        daily_heavy_budget=rails.get("daily_heavy_budget"),
        journal_window=data.get("journal_window"),
        resend_after=data.get("resend_after"),
        journal=journal,
        extra_plan_types=tuple(data.get("extra_plan_types") or ()),
        origins=key_origins(document, SETTING_KEYS),
    )


def find_project(config: Path | None, cwd: Path | None = None) -> ProjectConfig | None:
    """`--config FILE` if given (it must exist), else ./zoomplans.yaml if present, else None."""
    if config is not None:
        if not config.is_file():
            raise ProjectError(
                [Problem(str(config), 1, 1, "error", "--config names no readable file")]
            )
        return load_project(config)
    candidate = (cwd / PROJECT_FILE) if cwd is not None else Path(PROJECT_FILE)
    return load_project(candidate) if candidate.is_file() else None


def extends_roots(flag: str | None, project: ProjectConfig | None) -> list[str]:
    """The folders `extends` may read besides the files' own tree: the flag and zoomplans.yaml
    both widen it (neither narrows the other)."""
    roots = [flag] if flag else []
    if project is not None and project.extends_root is not None:
        roots.append(str(project.extends_root))
    return roots

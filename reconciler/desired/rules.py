"""Rules the schema cannot say: plan types against the catalogue, host ranges, duplicate add-ons,
scheduled dates (scheduled.py) and Zoom's preconditions (preconditions.py).

They run on an account after `extends` layering, because that is what Zoom will be asked for:
a duplicate add-on or an out-of-range base plan may only appear once a template is merged in.
Every rule reads the data defensively (the schema may already have rejected its shape) and
reports nothing about parts it cannot understand, so one typo gives one message.
"""

from __future__ import annotations

import difflib
from datetime import UTC, date, datetime
from typing import Any

from reconciler.desired import catalogue
from reconciler.desired.entries import PlanEntry, Reporter, plan_entries
from reconciler.desired.layering import Layered
from reconciler.desired.preconditions import check_preconditions
from reconciler.desired.problems import Problem, Severity, excerpt
from reconciler.desired.reader import DataPath, Location
from reconciler.desired.scheduled import check_dates
from reconciler.desired.schema import where
from reconciler.groups import table
from reconciler.groups.host_ceilings import CEILING_GROUPS, ceiling_broken, ceiling_rule

#: The second half of a host-rule warning. validate reads no Zoom answer, so it cannot tell a
#: state Zoom already holds (written by `import`: Zoom shows it, the file must be able to say it)
#: from a change Zoom would refuse; plan can, and blocks only calls that make the breach worse.
HELD_STATE = (
    "Zoom refuses a change into this state, so keep it only where Zoom shows it already: "
    "plan is then in sync and zoomplans will not make it worse"
)

#: How alike (difflib ratio) an unknown code must be to a listed one to be called a typo of it.
TYPO_CUTOFF = 0.9


def account_problems(
    account: Layered,
    *,
    today: date | None = None,
    extra_plan_types: frozenset[str] = frozenset(),
) -> list[Problem]:
    """Catalogue, wrong-group, base host range, duplicate add-on, scheduled-date and Zoom's
    precondition checks for one account. `extra_plan_types` are the codes zoomplans.yaml
    allows although the catalogue does not list them."""
    problems: list[Problem] = []
    seen: dict[str, PlanEntry] = {}

    def report(path: DataPath, message: str, severity: Severity = "error") -> None:
        at = account.at(path) or Location(account.files[-1], 1, 1)
        problems.append(Problem(at.file, at.line, at.column, severity, message))

    entries = list(plan_entries(account.data.get("plans")))
    for item in entries:
        type_path = item.path if item.entry is None else (*item.path, "type")
        _check_code(item, type_path, report, extra_plan_types)
        if item.group == table.BASE.key and item.entry is not None and not item.cancelled:
            _check_base_hosts(item, report)
        if item.group != table.BASE.key and table.group(item.group).manageable:
            # A read-only group (Contact Center's deprecated plan_package) mirrors an entry
            # of its successor in Zoom's answer: no duplicate, as no call reaches it.
            first = seen.get(item.plan_type)
            if first is not None:
                at = account.at(first.path)
                also = f"{at.file}:{at.line}" if at else where(first.path)
                report(
                    item.path,
                    f"add-on {excerpt(item.plan_type)} appears twice in this account "
                    f"(also at {also}); "
                    "keep one entry",
                )
            else:
                seen[item.plan_type] = item
    _check_ceilings(account, report, [item for item in entries if not item.cancelled])
    check_dates(account.data, report, today or datetime.now(UTC).date(), entries)
    check_preconditions(entries, account.data.get("plans"), report, account.at)
    return problems


def _check_code(
    item: PlanEntry, type_path: DataPath, report: Reporter, allowed: frozenset[str]
) -> None:
    """The code against the catalogue: listed, or allowed by name; in its group.

    An unlisted code is an error even when its prefix places it (`webinar500_montly` is a
    typo Zoom answers with 2100 only after the merge): the reviewer sees it green otherwise.
    Codes newer than the catalogue and legacy codes still billed are real, so zoomplans.yaml
    may allow them by name (`extra_plan_types`), where the plan header shows them.
    """
    if item.group == table.BASE.key and table.is_bundle_code(item.plan_type):
        return  # the schema has said where a bundle code goes (schema.py, _pattern_message)
    unmanageable = catalogue.unmanageable_section(item.plan_type)
    if unmanageable is not None:
        report(
            type_path,
            f"{excerpt(item.plan_type)} ({unmanageable}) is sold by Zoom but never shown by "
            "GET /plans: zoomplans cannot manage it",
        )
        return
    groups = catalogue.groups_of(item.plan_type)
    if not catalogue.is_known(item.plan_type) and item.plan_type not in allowed:
        report(
            type_path,
            f"unknown plan type {excerpt(item.plan_type)}{_spelling_hint(item)} (Zoom's "
            "catalogue does not list it; a code newer than the catalogue, or a legacy code "
            "still billed, can be allowed by name with extra_plan_types in zoomplans.yaml)",
        )
    if groups and item.group not in groups and table.group(item.group).manageable:
        report(
            type_path,
            f"{excerpt(item.plan_type)} is a {' or '.join(groups)} type; it cannot go under "
            f"{item.group}",
        )


def _whole_hosts(entry: dict[str, Any] | None) -> int | None:
    """The entry's hosts when they are a valid count (the schema reports any other value)."""
    hosts = entry.get("hosts") if entry is not None else None
    valid = isinstance(hosts, int) and not isinstance(hosts, bool) and 1 <= hosts <= 9999
    return hosts if valid else None


def _check_ceilings(account: Layered, report: Reporter, entries: list[PlanEntry]) -> None:
    """Add-on hosts Zoom refuses against the base plan's hosts, at the add-on's `hosts`: a
    warning (HELD_STATE), as Zoom may hold it already; the planner blocks making it worse.

    Checked on the layered account, so a template's base plan counts; a file that leaves
    the base plan's hosts out is checked by the planner against Zoom's live seats instead.
    Entries marked `state: cancelled` are on their way out and are not checked: `entries`
    are the account's others.
    """
    base = next((e for e in entries if e.group == table.BASE.key), None)
    base_hosts = _whole_hosts(base.entry) if base is not None else None
    if base is None or base_hosts is None:
        return
    at = account.at((*base.path, "hosts"))
    base_at = f"{at.file}:{at.line}" if at else where((*base.path, "hosts"))
    for item in entries:
        hosts = _whole_hosts(item.entry)
        if item.group not in CEILING_GROUPS or hosts is None:
            continue
        if ceiling_broken(item.group, hosts, base_hosts):
            report(
                (*item.path, "hosts"),
                f"{item.group} {item.plan_type}: hosts {hosts} {ceiling_rule(item.group)} the "
                f"base plan's hosts ({base_hosts}, at {base_at}); {HELD_STATE}",
                "warning",
            )


def _spelling_hint(item: PlanEntry) -> str:
    """`; did you mean 'webinar500_monthly'?` for a likely typo of a listed code of the group
    the entry sits in. The cutoff is high on purpose: Zoom's legacy codes (`business_yearly_c50`)
    are real, and must not be "corrected" to their modern neighbour."""
    close = difflib.get_close_matches(
        item.plan_type, catalogue.known_types(item.group), n=1, cutoff=TYPO_CUTOFF
    )
    return f": did you mean '{close[0]}'?" if close else ""


def _check_base_hosts(item: PlanEntry, report: Reporter) -> None:
    hosts = item.entry.get("hosts") if item.entry is not None else None
    family = catalogue.base_family(item.plan_type)
    if family is None or not isinstance(hosts, int) or isinstance(hosts, bool):
        return
    if not 1 <= hosts <= 9999:  # the schema has already said so
        return
    if not family.min_hosts <= hosts <= family.max_hosts:
        report(
            (*item.path, "hosts"),
            f"{family.name} base plans ({item.plan_type}) take {family.min_hosts} to "
            f"{family.max_hosts} hosts, not {hosts}; {HELD_STATE}",
            "warning",
        )

"""Zoom's preconditions: entries Zoom sells only beside others, and combinations it refuses.

Source: the preconditions of Zoom's plan catalogue (2026-02-07 snapshot): Business Plus is
bought with a Zoom Phone base plan; Node add-ons need the Node base plan, and Node needs a Phone
base plan; Contact Center add-ons need a Contact Center package; AI Expert Assist needs a
Contact Center basic plan and excludes the concurrent plans; the Power Pack needs a calling
plan; Video SDK recording (`zvsdkcr_*`) is only for accounts whose base plan is Video SDK. And
from Zoom's API: a base plan cannot be cancelled while add-ons are active (code 200), and a
subscribe cannot carry a base plan and a bundle together (code 2100).

`validate` is offline: what the account already has live is invisible to it. So how sure it is
decides the severity. A file that contradicts itself (it keeps a Node add-on and cancels the Node
base plan; it buys Video SDK recording on a Business base plan; it cancels the base plan and keeps
add-ons) is an **error**: Zoom would refuse, whatever the account has. A file that only does not
list what an entry needs is a **warning** at that entry (an error under `--strict`): the account
may have it already, and if not, Zoom refuses the purchase and apply reports Zoom's answer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from reconciler.desired import catalogue
from reconciler.desired.entries import PlanEntry, Reporter
from reconciler.desired.problems import excerpt
from reconciler.desired.reader import DataPath, Location
from reconciler.desired.schema import where
from reconciler.groups import table

Locate = Callable[[DataPath], Location | None]
EntryTest = Callable[[PlanEntry], bool]

PHONE_BASE = "plan_phone.plan_base"
NODE_BASE = "plan_znode.plan_znode_base"
PACKAGES = "plan_zcc.plan_package_lists"
#: Contact Center's deprecated single package, still shown by GET beside the list.
OLD_PACKAGE = "plan_zcc.plan_package"
AI_EXPERT_ASSIST = "Contact Center AI Expert Assist plans"
BASIC_PACKAGES = "Contact Center basic plans"
CONCURRENT_PACKAGES = "Contact Center Concurrent plans"


def _in_groups(*keys: str) -> EntryTest:
    """Entries of these groups; a key the table does not have fails at import (KeyError)."""
    rows = frozenset(table.group(key).key for key in keys)
    return lambda entry: entry.group in rows


def _in_section(section: str, prefix: str) -> EntryTest:
    """Listed codes of `section`, and unlisted codes of its family `prefix`."""

    def test(entry: PlanEntry) -> bool:
        found = catalogue.section_of(entry.plan_type)
        return found == section if found is not None else entry.plan_type.startswith(prefix)

    return test


def _both(first: EntryTest, second: EntryTest) -> EntryTest:
    return lambda entry: first(entry) and second(entry)


def _not(test: EntryTest) -> EntryTest:
    return lambda entry: not test(entry)


@dataclass(frozen=True)
class Requirement:
    """Zoom sells an entry that `applies` only to an account keeping an entry that `fits`."""

    applies: EntryTest
    fits: EntryTest
    #: What is needed, in words, with its place in a file.
    needs: str
    #: When the fitting entry can only be in this one-entry group, another entry there
    #: contradicts the file (a Business base plan is no Video SDK base plan).
    sole_group: str | None = None


_NODE_ADDONS = tuple(g.key for g in table.groups_in("plan_znode") if g.key != NODE_BASE)
_AI_BASIC = _in_section(AI_EXPERT_ASSIST, "ai_expert_assist_")
_VIDEO_SDK_BASE = _both(_in_groups(table.BASE.key), _in_section("Video SDK plans", "vsdk_"))

REQUIREMENTS: tuple[Requirement, ...] = (
    Requirement(
        _in_section("Zoom Workplace Business Plus", "zobp_"),
        _in_groups(PHONE_BASE),
        f"a Zoom Phone base plan ({PHONE_BASE})",
    ),
    Requirement(
        _in_groups(*_NODE_ADDONS), _in_groups(NODE_BASE), f"a Zoom Node base plan ({NODE_BASE})"
    ),
    Requirement(
        _in_groups(NODE_BASE), _in_groups(PHONE_BASE), f"a Zoom Phone base plan ({PHONE_BASE})"
    ),
    Requirement(
        _both(
            _in_groups(
                "plan_zcc.plan_ai_expert_assist",
                "plan_zcc.plan_usage",
                "plan_zcc.plan_phone_number",
            ),
            _not(_AI_BASIC),
        ),
        _in_groups(PACKAGES, OLD_PACKAGE),
        f"a Contact Center package ({PACKAGES})",
    ),
    Requirement(
        _both(_in_groups("plan_zcc.plan_ai_expert_assist"), _AI_BASIC),
        _both(_in_groups(PACKAGES, OLD_PACKAGE), _in_section(BASIC_PACKAGES, "zccp_")),
        f"a Contact Center basic plan ({PACKAGES}: zccp_*, zm_contact_center_elite_*, "
        "zm_contact_center_premium_*)",
    ),
    Requirement(
        _in_groups("plan_phone.plan_calling_addons"),
        _in_groups("plan_phone.plan_calling"),
        "a Zoom Phone calling plan (plan_phone.plan_calling)",
    ),
    Requirement(
        lambda entry: entry.plan_type.startswith("zvsdkcr_"),
        _VIDEO_SDK_BASE,
        "a Video SDK base plan (plan_base: vsdk_*)",
        sole_group=table.BASE.key,
    ),
)

#: Entries that may not be kept beside each other: (entry, excluded entry, why).
EXCLUSIONS: tuple[tuple[EntryTest, EntryTest, str], ...] = (
    (
        _both(_in_groups("plan_zcc.plan_ai_expert_assist"), _AI_BASIC),
        _both(_in_groups(PACKAGES, OLD_PACKAGE), _in_section(CONCURRENT_PACKAGES, "zcc_con_pkg_")),
        "AI Expert Assist excludes the Contact Center concurrent plans",
    ),
)


def check_preconditions(
    entries: list[PlanEntry], plans: object, report: Reporter, locate: Locate
) -> None:
    """Zoom's preconditions over one layered account's entries (cancelled ones included)."""
    active = [entry for entry in entries if not entry.cancelled]
    for entry in active:
        for requirement in REQUIREMENTS:
            if requirement.applies(entry):
                _check_requirement(entry, requirement, entries, report, locate)
        for applies, excluded, why in EXCLUSIONS:
            if applies(entry):
                for other in active:
                    if excluded(other):
                        report(
                            (*entry.path, "type") if entry.entry is not None else entry.path,
                            f"{_named(entry)}: {why}, and this account keeps "
                            f"{_named(other)} ({_at(other.path, locate)}); Zoom refuses the pair",
                        )
    _check_base_cancellation(active, entries, report, locate)
    if isinstance(plans, dict):
        _check_bundle(plans, report, locate)


def _check_requirement(
    entry: PlanEntry,
    requirement: Requirement,
    entries: list[PlanEntry],
    report: Reporter,
    locate: Locate,
) -> None:
    fitting = [other for other in entries if requirement.fits(other)]
    if any(not other.cancelled for other in fitting):
        return
    here = (*entry.path, "type") if entry.entry is not None else entry.path
    rival = next(
        (o for o in entries if o.group == requirement.sole_group and not o.cancelled), None
    )
    if rival is not None:
        report(
            here,
            f"{_named(entry)} needs {requirement.needs}, but this account's "
            f"{rival.group} is {excerpt(rival.plan_type)} ({_at(rival.path, locate)}); Zoom "
            "refuses it",
        )
    elif fitting:
        report(
            here,
            f"{_named(entry)} needs {requirement.needs}, but this file cancels "
            f"{excerpt(fitting[0].plan_type)} ({_at(fitting[0].path, locate)}); Zoom refuses "
            "an entry without what it needs",
        )
    else:
        report(
            here,
            f"{_named(entry)} needs {requirement.needs}, which this file does not list: Zoom "
            "refuses it unless the account already has one (validate cannot see the live "
            "account; declare it to make sure)",
            "warning",
        )


def _check_base_cancellation(
    active: list[PlanEntry], entries: list[PlanEntry], report: Reporter, locate: Locate
) -> None:
    """Zoom cancels a base plan only once every add-on is cancelled (code 200)."""
    base = next((e for e in entries if e.group == table.BASE.key and e.cancelled), None)
    if base is None:
        return
    kept = [entry for entry in active if entry.group != table.BASE.key]
    if not kept:
        return
    more = f", and {len(kept) - 1} more" if len(kept) > 1 else ""
    report(
        (*base.path, "state"),
        f"{where(base.path)} asks to cancel the base plan while this file keeps add-ons active "
        f"({_named(kept[0])} {_at(kept[0].path, locate)}{more}): Zoom refuses a base plan "
        "cancellation until every add-on is cancelled; mark them `state: cancelled` too",
    )


def _check_bundle(plans: dict[str, Any], report: Reporter, locate: Locate) -> None:
    """Zoom refuses a subscribe carrying both a base plan and a bundle (code 2100)."""
    bundle = plans.get(table.BUNDLE.key)
    if not bundle or table.BASE.key not in plans:
        return
    report(
        ("plans", table.BUNDLE.key),
        f"plans.{table.BUNDLE.key} cannot go with plans.{table.BASE.key} "
        f"({_at(('plans', table.BASE.key), locate)}): Zoom refuses a subscribe with both a base "
        "plan and a bundle (code 2100); the bundle brings its own plans",
    )


def _named(entry: PlanEntry) -> str:
    return f"{entry.group} {excerpt(entry.plan_type)}"


def _at(path: DataPath, locate: Locate) -> str:
    found = locate(path)
    return f"at {found.file}:{found.line}" if found is not None else f"at {where(path)}"

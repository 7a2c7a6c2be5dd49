"""The plan-type catalogue: which group(s) a Zoom plan type lives in, and base-plan host ranges.

Built from Zoom's 2026 plan catalogue (635 codes, committed in `reconciler.zoom_2026`) and the
table of plan groups: a catalogue row's section places its code in every group whose row
`claims` it, so a Business Plus code is valid in `plan_base` and in `plan_zoom_one`, and both
Virtual Agent groups take `zva_*`. A few codes of Zoom's older notes (2018) that the 2026
catalogue no longer lists but accounts still carry (`trial`, `webinar100_monthly`) stay known.

Zoom adds codes faster than any list, so the catalogue is open-ended: a code that is not listed
but starts like a family of the table (a legacy `business_yearly_c50`, a new
`webinar2000_monthly`) is placed by that family's prefix, and an unknown code is only a warning.
Codes of sections no group claims (Contact Center cloud storage, concurrent meetings, SIP trunks)
are sold by Zoom but never shown by GET /plans: zoomplans cannot manage them anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from reconciler.groups import table
from reconciler.zoom_2026 import catalogue_rows

#: Codes of Zoom's 2018 notes that the 2026 catalogue does not list; still seen on accounts.
LEGACY_CODES: dict[str, str] = {
    "trial": table.BASE.key,
    **{
        f"large{size}_{period}": "plan_large_meeting"
        for size in (100, 200, 300)
        for period in ("monthly", "yearly")
    },
    **{f"webinar100_{period}": "plan_webinar" for period in ("monthly", "yearly")},
}


@dataclass(frozen=True)
class BaseFamily:
    """A family of base plans and the licensed-host range Zoom accepts for it."""

    name: str
    min_hosts: int
    max_hosts: int


PRO = BaseFamily("Pro", 1, 9)
BUSINESS = BaseFamily("Business", 10, 49)
EDUCATION = BaseFamily("Education", 20, 149)
TRIAL = BaseFamily("Free trial", 1, 9999)
#: The catalogue sections whose base plans have a host range, and the prefixes of their legacy
#: codes (`business_yearly_c50`), longest first.
_FAMILY_SECTIONS = {
    "Zoom Workplace Pro": PRO,
    "Zoom Workplace Business": BUSINESS,
    "Education": EDUCATION,
}
_FAMILY_PREFIXES = (
    ("plan_business_", BUSINESS),
    ("plan_edu_", EDUCATION),
    ("plan_pro_", PRO),
    ("business_", BUSINESS),
    ("edu", EDUCATION),
)


@dataclass(frozen=True)
class _Prefixes:
    """The family prefixes, looked up by length: the longest one a code starts with is found
    with a handful of set lookups, not a test of every prefix (the catalogue is placed at the
    first load of every run: some 40,000 `startswith` calls before)."""

    words: frozenset[str]
    lengths: tuple[int, ...]  # longest first

    @classmethod
    def of(cls, prefixes: tuple[str, ...]) -> _Prefixes:
        return cls(frozenset(prefixes), tuple(sorted({len(p) for p in prefixes}, reverse=True)))

    def longest(self, code: str) -> str | None:
        """The longest prefix `code` starts with, or None."""
        for length in self.lengths:
            if code[:length] in self.words:
                return code[:length]
        return None


@dataclass(frozen=True)
class _Catalogue:
    """The catalogue read once: listed codes with their groups and section."""

    groups: dict[str, tuple[str, ...]]
    sections: dict[str, str]
    #: Listed codes of sections no group claims: code -> section.
    unclaimed: dict[str, str]
    #: A family prefix -> the groups its codes live in.
    families: dict[str, tuple[str, ...]]
    prefixes: _Prefixes


@cache
def _catalogue() -> _Catalogue:
    groups: dict[str, tuple[str, ...]] = {}
    sections: dict[str, str] = {}
    unclaimed: dict[str, str] = {}
    # The groups naming each section, in table order: a row asks only those whether they claim it.
    naming: dict[str, dict[table.PlanGroup, None]] = {}
    for group in table.GROUPS:
        for section in group.sections:
            naming.setdefault(section, {})[group] = None
    for row in catalogue_rows():
        sections[row.code] = row.section
        claimed = tuple(
            g.key for g in naming.get(row.section, ()) if g.claims(row.section, row.code)
        )
        if claimed:
            groups[row.code] = claimed
        else:
            unclaimed[row.code] = row.section
    for code, legacy_group in LEGACY_CODES.items():
        groups.setdefault(code, (legacy_group,))
    prefixes = _Prefixes.of(tuple(p for g in table.GROUPS for p in g.prefixes))
    families: dict[str, tuple[str, ...]] = {}
    for group in table.GROUPS:
        for prefix in group.prefixes:
            families[prefix] = (*families.get(prefix, ()), group.key)
    # A family's unlisted code goes where its listed codes go: `zo_edu_sch_cmp_plus_*` is sold
    # as a base plan and in its own group, although only the latter names the prefix.
    for code, placed in groups.items():
        family = prefixes.longest(code)
        if family is not None:
            families[family] = tuple(dict.fromkeys((*families[family], *placed)))
    return _Catalogue(groups, sections, unclaimed, families, prefixes)


def is_known(plan_type: str) -> bool:
    """True when `plan_type` is listed (not merely recognised by its prefix)."""
    listed = _catalogue()
    return plan_type in listed.groups or plan_type in listed.unclaimed


def groups_of(plan_type: str) -> tuple[str, ...]:
    """The groups a type may go in (`("plan_base", "plan_zoom_one")`), empty when unknown.

    Listed codes by their catalogue section; otherwise by the longest matching family prefix,
    because Zoom's legacy and new codes keep their family's prefix (`business_yearly_c50`).
    """
    listed = _catalogue()
    found = listed.groups.get(plan_type)
    if found is not None:
        return found
    if plan_type in listed.unclaimed:
        return ()
    prefix = listed.prefixes.longest(plan_type)
    return listed.families[prefix] if prefix is not None else ()


def section_of(plan_type: str) -> str | None:
    """The catalogue section listing `plan_type` (`Contact Center basic plans`), or None."""
    return _catalogue().sections.get(plan_type)


def unmanageable_section(plan_type: str) -> str | None:
    """The section of a listed code that no plan group shows (`SIP Trunk plans`), or None."""
    return _catalogue().unclaimed.get(plan_type)


def base_family(plan_type: str) -> BaseFamily | None:
    """The base-plan family of `plan_type` and its host range, or None when it has none."""
    if plan_type == "trial":
        return TRIAL
    section = section_of(plan_type)
    if section is not None:
        return _FAMILY_SECTIONS.get(section)
    for prefix, family in _FAMILY_PREFIXES:
        if plan_type.startswith(prefix):
            return family
    return None


def known_types(group: str | None = None) -> list[str]:
    """Every listed code, sorted; only those of `group` when given (spelling hints in rules)."""
    listed = _catalogue().groups
    return sorted(code for code, where in listed.items() if group is None or group in where)

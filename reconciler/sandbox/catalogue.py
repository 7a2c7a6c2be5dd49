"""The sandbox's own reading of Zoom's plan codes: which group (or base family) a code is.

Deliberately independent of the client's catalogue: the sandbox is a second reading, so a mistake
in one shows up as a failing test against the other. Which group a code belongs to comes from
the section Zoom's 2026 catalogue (the committed extract) files it under, read through
`SECTION_GROUPS` below (the catalogue names sections, not API keys: that mapping is this
reading's own), with a few code prefixes that Zoom files in a neighbouring section.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache

from reconciler.sandbox.layout import PlanGroup, reading
from reconciler.zoom_2026 import catalogue_rows


@dataclass(frozen=True)
class BaseFamily:
    """A base plan family with the host range Zoom accepts for it."""

    name: str
    min_hosts: int
    max_hosts: int
    hosts_optional: bool = False  # Video SDK plans need no host count


# Zoom refuses to sell more than this many hosts on any plan ("Buy hosts must equal or smaller
# than 9999.").
MAX_HOSTS = 9999

PRO = BaseFamily("pro", 1, 9)
BUSINESS = BaseFamily("business", 10, 49)
EDUCATION = BaseFamily("education", 20, 149)
ENTERPRISE = BaseFamily("enterprise", 1, MAX_HOSTS)
VIDEO_SDK = BaseFamily("video_sdk", 0, MAX_HOSTS, hosts_optional=True)
TRIAL = BaseFamily("trial", 1, MAX_HOSTS)
FAMILIES: dict[str, BaseFamily] = {
    f.name: f for f in (PRO, BUSINESS, EDUCATION, ENTERPRISE, VIDEO_SDK, TRIAL)
}

#: Zoom's catalogue section -> where its codes go: a group key, or `plan_base/<family>`.
#: Sections with no entry have no place in Zoom's GET answer (SIP Trunk, Concurrent Meeting,
#: Zoom Virtual Agents): the sandbox does not sell them (docs/sandbox.md).
SECTION_GROUPS: dict[str, str] = {
    "Zoom Workplace Pro": "plan_base/pro",
    "Zoom Workplace Business": "plan_base/business",
    "Zoom Workplace Business Plus": "plan_zoom_one",
    "Zoom Workplace Enterprise": "plan_base/enterprise",
    "Zoom Workplace Enterprise Plus": "plan_base/enterprise",
    "Zoom Workplace Enterprise Plus with Premier support": "plan_base/enterprise",
    "Zoom Workplace Enterprise Premier": "plan_zoom_one_premier",
    "Zoom Workplace Enterprise Essentials": "plan_base/enterprise",
    "Zoom Workplace for Education: School and Campus plans": "plan_base/education",
    "Zoom Workplace for Education: School and Campus Plus plans": (
        "plan_zoom_one_edu_school_campus_plus"
    ),
    "Zoom Workplace for Education: Enterprise Premier plans": "plan_zoom_one_edu_premier",
    "Zoom Workplace for Education: Enterprise Essentials plans": "plan_base/education",
    "Zoom Workplace for Education: Enterprise Plus plans": "plan_base/education",
    "Zoom Workplace for Education: Enterprise Higher Ed Student plans": (
        "plan_zoom_one_edu_student"
    ),
    "Education": "plan_base/education",
    "Video SDK plans": "plan_base/video_sdk",
    "Zoom Workspace Reservation": "plan_zwr",
    "Zoom Room plans": "plan_zoom_rooms",
    "Quality of Service Subscription (QSS) plans": "plan_qss",
    "Zoom Whiteboard plans": "plan_whiteboard",
    "Zoom Revenue Accelerator plans": "plan_zoom_iq",
    "Zoom Translation plans": "plan_ztransl",
    "Room Connector plans": "plan_room_connector",
    "Large Meeting plans": "plan_large_meeting",
    "Webinar plans": "plan_webinar",
    "Zoom Events plans": "plan_zoom_events",
    "Zoom Events (SaaS) plans": "plan_zoom_events",
    "Zoom Events consumption plans": "plan_zoom_events",
    "Zoom Sessions (SaaS) plans": "plan_zoom_sessions",
    "Zoom Sessions consumption plans": "plan_zoom_sessions",
    "Cloud Recording plans": "plan_recording",
    "Audio Conferencing plans": "plan_audio",
    "Video SDK Cloud Recording add-on plans": "plan_sdk_cmr",
    "Zoom Recording Connector plans": "plan_znode.plan_rchybrid",
    "Zoom Mesh plans": "plan_mesh",
    "Zoom Scheduler plans": "plan_zsched",
    "Zoom Workforce Management plans": "plan_workforce_management",
    "Zoom Visitor Management plans": "plan_visitor_management",
    "Zoom Phone base plans": "plan_phone.plan_base",
    "Zoom Phone base plan add-ons": "plan_phone.plan_calling",
    "Zoom Phone Power Pack": "plan_phone.plan_calling_addons",
    "Contact Center basic plans": "plan_zcc.plan_package_lists",
    "Contact Center Concurrent plans": "plan_zcc.plan_package_lists",
    "Contact Center usage plans": "plan_zcc.plan_usage",
    "Contact Center Virtual Service Phone Number and Toll Free plans": (
        "plan_zcc.plan_phone_number"
    ),
    "Contact Center Cloud Storage plans": "plan_zcc.plan_recording",
    "Contact Center AI Expert Assist plans": "plan_zcc.plan_ai_expert_assist",
    "Contact Center AI Expert Assist concurrent plans": "plan_zcc.plan_ai_expert_assist",
    "Zoom Node base plans": "plan_znode.plan_znode_base",
    "Zoom Node Hybrid Recording plans": "plan_znode.plan_cmrhybrid",
    "Zoom Node Team Chat Hybrid plans": "plan_znode.plan_tchybrid",
    "Zoom Phone Hybrid plans": "plan_znode.plan_zphybrid",
    "Zoom Meeting Hybrid plans": "plan_znode.plan_zmhybrid",
    "Zoom Meeting Connector plans": "plan_znode.plan_mchybrid",
    "Partner Premier plans": "plan_partner_premier_support",
}
#: Catalogue groups whose every section is a phone calling or number plan.
GROUP_OF_CATALOGUE_GROUP: dict[str, str] = {
    "Zoom Phone calling plans": "plan_phone.plan_calling",
    "Zoom Phone calling number plans": "plan_phone.plan_number",
}
#: Codes Zoom files in a neighbouring section: first matching prefix wins.
PREFIX_GROUPS: tuple[tuple[str, str], ...] = (
    ("zwb_plus_", "plan_whiteboard_plus"),  # in "Zoom Whiteboard plans"
    ("zoomaudio_unlimit_usca_", "plan_audio_us_ca"),  # in "Audio Conferencing plans"
    ("phone_number_", "plan_phone.plan_number"),  # Japan numbers sit among calling plans
)
#: Codes Zoom's 2018 notes sold and GET still shows, refused or limited today. Zoom's 2026
#: document names "Webinar100" as no longer supported (3261 when adding hosts).
LEGACY_CODES: dict[str, str] = {
    **{f"webinar100_{p}": "plan_webinar" for p in ("monthly", "yearly")},
    **{
        f"large{n}_{p}": "plan_large_meeting"
        for n in (100, 200, 300)
        for p in ("monthly", "yearly")
    },
    "trial": "plan_base/trial",
}
#: Pro plans for 25 or 50 participants: Zoom lists them and refuses to subscribe them (code 200).
LIMITED_PRO = frozenset({"monthly25", "yearly25", "monthly50", "yearly50"})


#: Group names in messages ("Invalid Webinar Plan Type: X"); others are made from the key.
class CatalogueError(ValueError):
    """A seed's `plan_types` entry that names no known group or family."""


@cache
def _zoom_codes() -> tuple[Mapping[str, PlanGroup], Mapping[str, BaseFamily], Mapping[str, str]]:
    """Zoom's codes: add-on code -> group, base code -> family, and every code's section."""
    groups = reading()
    addons: dict[str, PlanGroup] = {}
    bases: dict[str, BaseFamily] = {}
    sections: dict[str, str] = {}
    places = [
        (row.code, _place(row.group, row.section, row.code), row.section)
        for row in catalogue_rows()
    ]
    places += [(code, where, "legacy") for code, where in LEGACY_CODES.items()]
    for code, where, section in places:
        if where is None:
            continue
        sections[code] = section
        key, _, family = where.partition("/")
        if key == "plan_base":
            bases[code] = FAMILIES[family]
        else:
            group = groups.by_key(key)
            if group is None:  # the mapping names a group Zoom's document does not have
                raise CatalogueError(f"section {section!r} names unknown group {key!r}")
            addons[code] = group
    return addons, bases, sections


def _place(catalogue_group: str, section: str, code: str) -> str | None:
    for prefix, key in PREFIX_GROUPS:
        if code.startswith(prefix):
            return key
    return SECTION_GROUPS.get(section) or GROUP_OF_CATALOGUE_GROUP.get(catalogue_group)


def section_of(code: str) -> str | None:
    """The catalogue section Zoom files a code under ("legacy" for 2018 codes), or None."""
    return _zoom_codes()[2].get(code)


@dataclass(frozen=True)
class Catalogue:
    """The codes this fake Zoom accepts: Zoom's catalogue plus a seed's `plan_types`.

    Zoom adds codes faster than any list; a seed can teach the sandbox a new one
    (`webinar2000_monthly: plan_webinar`, `business_flex: plan_base/business`) so that tests can
    show what happens when Zoom knows a code the client's catalogue does not.
    """

    extra_addons: Mapping[str, PlanGroup] = field(default_factory=dict)
    extra_bases: Mapping[str, BaseFamily] = field(default_factory=dict)

    @classmethod
    def with_codes(cls, codes: Mapping[str, str]) -> Catalogue:
        """From `{code: "plan_webinar" | "plan_phone.plan_calling" | "plan_base/business"}`."""
        addons: dict[str, PlanGroup] = {}
        bases: dict[str, BaseFamily] = {}
        groups = reading()
        for code, where in codes.items():
            key, _, family = where.partition("/")
            group = groups.by_key(key)
            if key == "plan_base" and family in FAMILIES:
                bases[code] = FAMILIES[family]
            elif group is not None and not family:
                addons[code] = group
            else:
                choices = ", ".join(
                    [*(g.key for g in groups.groups), *(f"plan_base/{f}" for f in FAMILIES)]
                )
                raise CatalogueError(f"'{where}' is not one of: {choices}")
        return cls(addons, bases)

    def addon_group(self, plan_type: str) -> PlanGroup | None:
        """The group an add-on code belongs to, or None when Zoom would not know the code."""
        return self.extra_addons.get(plan_type) or _zoom_codes()[0].get(plan_type)

    def base_family(self, plan_type: str) -> BaseFamily | None:
        """The family of a base code Zoom accepts on writes; None for unknown or legacy codes."""
        return self.extra_bases.get(plan_type) or _zoom_codes()[1].get(plan_type)


def period_months(plan_type: str) -> int:
    """How long a billing period lasts, from the code (for a plausible next invoice date)."""
    for words, months in (
        (("three_year", "three_years"), 36),
        (("two_year", "two_years", "two_yearly"), 24),
        (("yearly", "one_year", "annual"), 12),
        (("quarterly", "quaterly"), 3),
    ):
        if any(word in plan_type for word in words):
            return months
    return 1

"""The sandbox's own reading of Zoom's plan type catalogue: which group a type code lives in.

This table is deliberately independent of `reconciler.desired`'s catalogue: the sandbox is a
second reading of Zoom's notes, so a mistake in one shows up as a failing test against the other.
Zoom decides the group of an add-on by its type code alone (there is one add-on endpoint for
all groups), and so do we.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum


class GroupShape(Enum):
    """How a group is laid out in a GET /plans answer."""

    SINGLE = "single"  # {type, hosts, ...}
    LIST = "list"  # [{type, hosts, ...}, ...]
    RECORDING = "recording"  # a plain string plus plan_recording_* sibling fields
    AUDIO = "audio"  # {type, tollfree_countries, premium_countries, callout_countries, ddi_numbers}
    PHONE_BASE = "phone_base"  # plan_phone.plan_base {type, callout_countries}


@dataclass(frozen=True)
class PlanGroup:
    """One add-on group: where it sits in the plan object and how Zoom names it in messages."""

    key: str  # "plan_webinar", or "plan_phone.plan_calling" for groups nested in plan_phone
    shape: GroupShape
    title: str  # used in "Invalid {title} Plan Type: X"

    @property
    def path(self) -> tuple[str, ...]:
        return tuple(self.key.split("."))


@dataclass(frozen=True)
class BaseFamily:
    """A base plan family with the host range Zoom accepts for it."""

    name: str
    min_hosts: int
    max_hosts: int


PRO = BaseFamily("pro", 1, 9)
BUSINESS = BaseFamily("business", 10, 49)
EDUCATION = BaseFamily("education", 20, 149)
TRIAL = BaseFamily("trial", 1, 9999)

# Zoom refuses to sell more than this many hosts on any plan ("Buy hosts must equal or smaller
# than 9999.").
MAX_HOSTS = 9999

BASE_TYPES: dict[str, BaseFamily] = {
    "trial": TRIAL,
    "monthly": PRO,
    "yearly": PRO,
    "plan_pro_three_years": PRO,
    "business_monthly": BUSINESS,
    "business_yearly": BUSINESS,
    "edu20": EDUCATION,
}

ZOOM_ROOMS = PlanGroup("plan_zoom_rooms", GroupShape.SINGLE, "Zoom Rooms")
ROOM_CONNECTOR = PlanGroup("plan_room_connector", GroupShape.SINGLE, "Room Connector")
LARGE_MEETING = PlanGroup("plan_large_meeting", GroupShape.LIST, "Large Meeting")
WEBINAR = PlanGroup("plan_webinar", GroupShape.LIST, "Webinar")
ZOOM_EVENTS = PlanGroup("plan_zoom_events", GroupShape.LIST, "Zoom Events")
RECORDING = PlanGroup("plan_recording", GroupShape.RECORDING, "Cloud Recording")
AUDIO = PlanGroup("plan_audio", GroupShape.AUDIO, "Audio")
PHONE_BASE = PlanGroup("plan_phone.plan_base", GroupShape.PHONE_BASE, "Phone Base")
PHONE_CALLING = PlanGroup("plan_phone.plan_calling", GroupShape.LIST, "Phone Calling")
PHONE_NUMBER = PlanGroup("plan_phone.plan_number", GroupShape.LIST, "Phone Number")

ADDON_GROUPS: tuple[PlanGroup, ...] = (
    ZOOM_ROOMS,
    ROOM_CONNECTOR,
    LARGE_MEETING,
    WEBINAR,
    ZOOM_EVENTS,
    RECORDING,
    AUDIO,
    PHONE_BASE,
    PHONE_CALLING,
    PHONE_NUMBER,
)

# Top-level keys of a subscribe body that carry plans (plus "contact").
TOP_LEVEL_PLAN_KEYS: frozenset[str] = frozenset(
    {"plan_base", "plan_phone"} | {g.path[0] for g in ADDON_GROUPS}
)


def _explicit_addon_types() -> dict[str, PlanGroup]:
    table: dict[str, PlanGroup] = {}
    for period in ("monthly", "yearly"):
        table[f"zroom_{period}"] = ZOOM_ROOMS
        table[f"roomconnector_{period}"] = ROOM_CONNECTOR
        for size in (100, 200, 300, 500):
            table[f"large{size}_{period}"] = LARGE_MEETING
        for size in (100, 500, 1000, 3000, 5000, 10000):
            table[f"webinar{size}_{period}"] = WEBINAR
    table["plan_large500_two_years"] = LARGE_MEETING
    table["zoomevents500_monthly"] = ZOOM_EVENTS
    table["zoomevents1000_monthly"] = ZOOM_EVENTS
    for size in (40, 100, 500):
        table[f"cmr_monthly_commitment_{size}"] = RECORDING
    table["tollfree_payongo"] = AUDIO
    for size in (100, 500):
        table[f"tollfree_monthly_commitment_{size}"] = AUDIO
    table["phone_payongo"] = PHONE_BASE
    return table


ADDON_TYPES: dict[str, PlanGroup] = _explicit_addon_types()


def addon_group(plan_type: str) -> PlanGroup | None:
    """The group an add-on type belongs to, or None when Zoom would not know the code.

    Phone calling and number plans are open-ended families in Zoom's samples
    (`phone_calling_usca_monthly_unlimited`, `phone_number_usca_monthly`), so they are
    recognised by prefix.
    """
    if plan_type in ADDON_TYPES:
        return ADDON_TYPES[plan_type]
    if plan_type.startswith("phone_calling_"):
        return PHONE_CALLING
    if plan_type.startswith("phone_number_"):
        return PHONE_NUMBER
    return None


def base_family(plan_type: str) -> BaseFamily | None:
    """The family of a base type Zoom accepts on writes; None for unknown or legacy codes."""
    return BASE_TYPES.get(plan_type)


FAMILIES: dict[str, BaseFamily] = {f.name: f for f in (PRO, BUSINESS, EDUCATION, TRIAL)}
GROUPS_BY_KEY: dict[str, PlanGroup] = {g.key: g for g in ADDON_GROUPS}


class CatalogueError(ValueError):
    """A seed's `plan_types` entry that names no known group or family."""


@dataclass(frozen=True)
class Catalogue:
    """The codes this fake Zoom accepts: the built-in table plus a seed's `plan_types`.

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
        for code, where in codes.items():
            key, _, family = where.partition("/")
            if key == "plan_base" and family in FAMILIES:
                bases[code] = FAMILIES[family]
            elif key in GROUPS_BY_KEY and not family:
                addons[code] = GROUPS_BY_KEY[key]
            else:
                choices = ", ".join([*GROUPS_BY_KEY, *(f"plan_base/{f}" for f in FAMILIES)])
                raise CatalogueError(f"'{where}' is not one of: {choices}")
        return cls(addons, bases)

    def addon_group(self, plan_type: str) -> PlanGroup | None:
        return self.extra_addons.get(plan_type) or addon_group(plan_type)

    def base_family(self, plan_type: str) -> BaseFamily | None:
        return self.extra_bases.get(plan_type) or base_family(plan_type)


def is_yearly(plan_type: str) -> bool:
    """Whether the plan bills yearly (used only to fill in a plausible next invoice date)."""
    return "yearly" in plan_type or "years" in plan_type

"""Zoom's plan groups, written down once: every other reading of a plan derives from this table.

Normalisation, the account JSON Schema, `extends` layering, pasted answers, import, the
planner's call bodies, costs and the catalogue's group checks all ask this table what a group
is, so adding a group Zoom starts to sell is one row here plus its catalogue entries.

Source: Zoom's Billing master API document of 2026 (the GET /plans answer schema, the four body
shapes of POST /plans/addons) and Zoom's plan catalogue of 2026, both extracted into
`reconciler/zoom_2026/`; `tests/groups/test_table_agrees_with_zoom.py` checks the table against
that extract group by group. The sandbox keeps its own, independent reading of the same
document, so a mistake here shows up as a disagreement there.

A group's `key` is its dotted path inside a GET /plans answer: `plan_webinar`,
`plan_phone.plan_calling`, `plan_zcc.plan_package_lists`, `plan_znode.plan_zphybrid`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from functools import cached_property

from reconciler.groups.sections import (
    BASE_SECTIONS,
    PHONE_CALLING_SECTIONS,
    PHONE_NUMBER_SECTIONS,
)


class Shape(Enum):
    """How a group holds its entries in a GET /plans answer."""

    OBJECT = "object"  # one entry: {type, hosts, status, dates}
    LIST = "list"  # entries keyed by `type`
    STRING = "string"  # plan_recording: a type code, status and dates in plan_recording_* keys


class Call(Enum):
    """Which of Zoom's calls manage a group's entries."""

    BASE = "base"  # POST /plans, PUT /plans/base, PATCH /plans/base/status
    ADDON = "addon"  # POST and PUT /plans/addons {type, hosts}; PATCH /plans/addons/status
    PHONE = "phone"  # POST /plans/addons {type: plan_phone, plan_details: {...}}
    CONTACT_CENTER = "contact_center"  # POST {type: plan_zcc, plan_zcc_details: {...}}
    NODE = "node"  # POST {type: plan_znode, plan_znode_details: {...}}
    BUNDLE = "bundle"  # only inside the subscribe POST; never in a GET answer
    READ_ONLY = "read_only"  # shown by GET; no documented call buys or changes it


#: The `type` Zoom expects at the top of a nested POST /plans/addons body, and the key that
#: holds the nested groups.
NESTED_BODIES: dict[Call, tuple[str, str]] = {
    Call.PHONE: ("plan_phone", "plan_details"),
    Call.CONTACT_CENTER: ("plan_zcc", "plan_zcc_details"),
    Call.NODE: ("plan_znode", "plan_znode_details"),
}


class UsageShape(Enum):
    """How GET /plans/usage reports a group (it differs from GET /plans for some)."""

    OBJECT = "object"
    LIST = "list"
    FLAT = "flat"  # Node: the nested keys appear at the top level of the usage answer


@dataclass(frozen=True)
class PlanGroup:
    """One plan group of Zoom's API, and everything the tool needs to know about it."""

    key: str
    title: str
    shape: Shape
    call: Call
    #: Fields a desired entry may set besides `type`, in the order bodies spell them.
    fields: tuple[str, ...] = ("hosts",)
    #: Catalogue sections whose codes live in this group (`billing_plans.tsv`'s `section`).
    sections: tuple[str, ...] = ()
    #: Only the codes of those sections that match (when one section feeds two groups).
    codes: str | None = None
    #: Family prefixes placing a code the catalogue does not list yet.
    prefixes: tuple[str, ...] = ()
    #: The group's name inside a nested POST body, when it is not the GET name.
    request_key: str | None = None
    #: GET /plans/usage's shape, when usage reports the group.
    usage: UsageShape | None = None
    #: Whether GET /plans shows `status` and the two dates on each entry.
    lifecycle: bool = True
    #: Whether POST /plans (subscribe) takes the group; if not, it is bought after subscribing.
    in_subscribe: bool = True
    #: Whether GET /plans has a place for the entries (if not, none is bought or cancelled blind).
    listed: bool = True
    #: What `hosts` counts, for messages (Zoom Virtual Agents count engagements).
    seat_noun: str = "hosts"
    #: Where the row's facts come from, when not the 2026 document alone.
    note: str = ""

    # Cached: normalisation asks these for every group of every answer (the 2 s CPU budget).
    @cached_property
    def path(self) -> tuple[str, ...]:
        return tuple(self.key.split("."))

    @cached_property
    def container(self) -> str | None:
        """`plan_phone` for `plan_phone.plan_calling`; None for a top-level group."""
        return self.path[0] if len(self.path) > 1 else None

    @cached_property
    def name(self) -> str:
        """The group's own key inside its container (`plan_calling`), or the top-level key."""
        return self.path[-1]

    @cached_property
    def wire_name(self) -> str:
        """The name a nested POST body uses for the group (`plan_package_list`)."""
        return self.request_key or self.name

    @property
    def one_per_account(self) -> bool:
        """An account keeps at most one entry here: another type is a type change."""
        return self.shape is not Shape.LIST

    @property
    def seats(self) -> bool:
        """Entries carry a seat count that PUT /plans/addons (or PUT /plans/base) changes."""
        return "hosts" in self.fields

    @property
    def manageable(self) -> bool:
        return self.call is not Call.READ_ONLY

    @property
    def in_get(self) -> bool:
        return self.call is not Call.BUNDLE

    @property
    def is_addon(self) -> bool:
        """Managed through the add-on endpoints (everything but the base plan and bundles)."""
        return self.call not in (Call.BASE, Call.BUNDLE, Call.READ_ONLY)

    @cached_property
    def _codes(self) -> re.Pattern[str] | None:
        return re.compile(self.codes) if self.codes else None

    def claims(self, section: str, code: str) -> bool:
        """Whether catalogue row (`section`, `code`) places the code in this group."""
        if section not in self.sections:
            return False
        return self._codes is None or self._codes.match(code) is not None


_AUDIO_FIELDS = ("tollfree_countries", "premium_countries", "callout_countries", "ddi_numbers")
_ZVA = (
    "added to GET on 2026-04-23 (changelog), after the 2026 document: its shape and its calls "
    "are not documented, so zoomplans reads and reports it but buys and changes nothing there"
)
_NO_LIFECYCLE = "GET /plans shows type and hosts only (no status, no dates)"


def _addon(
    key: str,
    title: str,
    sections: tuple[str, ...],
    *prefixes: str,
    shape: Shape = Shape.OBJECT,
    fields: tuple[str, ...] = ("hosts",),
    codes: str | None = None,
    usage: UsageShape | None = None,
    lifecycle: bool = True,
    in_subscribe: bool = True,
    seat_noun: str = "hosts",
    note: str = "",
) -> PlanGroup:
    """A simple add-on group: {type, hosts}, bought and changed through /plans/addons."""
    return PlanGroup(
        key,
        title,
        shape,
        Call.ADDON,
        fields=fields,
        sections=sections,
        codes=codes,
        prefixes=prefixes,
        usage=usage,
        lifecycle=lifecycle,
        in_subscribe=in_subscribe,
        seat_noun=seat_noun,
        note=note,
    )


def _node(name: str, title: str, section: str, *prefixes: str) -> PlanGroup:
    return PlanGroup(
        f"plan_znode.{name}",
        title,
        Shape.OBJECT,
        Call.NODE,
        sections=(section,),
        prefixes=prefixes,
        usage=UsageShape.FLAT,
    )


# fmt: off
#: Every plan group, in the order plans, files and renderers list them.
GROUPS: tuple[PlanGroup, ...] = (
    PlanGroup("plan_base", "Base plan", Shape.OBJECT, Call.BASE, fields=("hosts", "active_hosts"),
              sections=BASE_SECTIONS, usage=UsageShape.OBJECT,
              prefixes=("business_", "edu", "plan_pro_", "plan_business_", "plan_edu_", "zobp_",
                        "zoe_", "zoep_", "zm_one_ent_", "zo_edu_", "vsdk_", "zwr_")),
    _addon("plan_zoom_rooms", "Zoom Rooms", ("Zoom Room plans",), "zroom", "plan_zoomroom_",
           usage=UsageShape.OBJECT),
    _addon("plan_room_connector", "Room Connector", ("Room Connector plans",), "roomconnector",
           "plan_rc_", usage=UsageShape.LIST),
    _addon("plan_large_meeting", "Large Meetings", ("Large Meeting plans",), "large", "plan_large",
           shape=Shape.LIST, usage=UsageShape.LIST),
    _addon("plan_webinar", "Webinars", ("Webinar plans",), "webinar", "plan_webinar",
           shape=Shape.LIST, usage=UsageShape.LIST),
    _addon("plan_zoom_events", "Zoom Events",
           ("Zoom Events plans", "Zoom Events (SaaS) plans", "Zoom Events consumption plans"),
           "zoomevents", "ze_", shape=Shape.LIST, usage=UsageShape.LIST),
    PlanGroup("plan_recording", "Cloud Recording", Shape.STRING, Call.ADDON, fields=(),
              sections=("Cloud Recording plans",), prefixes=("cmr_", "zvsdkcr_"),
              usage=UsageShape.OBJECT),
    PlanGroup("plan_audio", "Audio Conferencing", Shape.OBJECT, Call.ADDON, fields=_AUDIO_FIELDS,
              sections=("Audio Conferencing plans",), codes=r"tollfree_", prefixes=("tollfree",)),
    _addon("plan_audio_us_ca", "Zoom Audio US/Canada", ("Audio Conferencing plans",),
           "zoomaudio_", codes=r"zoomaudio_"),
    PlanGroup("plan_phone.plan_base", "Zoom Phone base plan", Shape.OBJECT, Call.PHONE,
              fields=("callout_countries",), sections=("Zoom Phone base plans",),
              prefixes=("phone_",)),
    PlanGroup("plan_phone.plan_calling", "Zoom Phone calling plans", Shape.LIST, Call.PHONE,
              sections=PHONE_CALLING_SECTIONS, prefixes=("phone_calling_", "zp_comm_")),
    PlanGroup("plan_phone.plan_number", "Zoom Phone numbers", Shape.LIST, Call.PHONE,
              sections=PHONE_NUMBER_SECTIONS,
              prefixes=("phone_number_", "phone_toll_free_number_")),
    PlanGroup("plan_phone.plan_calling_addons", "Zoom Phone calling add-ons", Shape.LIST,
              Call.PHONE, sections=("Zoom Phone Power Pack",), prefixes=("zp_power_pack_",),
              listed=False, note="POST bodies and the 201 reply carry it; the 2026 GET schema "
                   "omits it (2026-facts: medium confidence): read where shown"),
    _addon("plan_sdk_cmr", "Video SDK Cloud Recording", ("Video SDK Cloud Recording add-on plans",),
           "vsdk_cmr_", fields=(), lifecycle=False),
    _addon("plan_whiteboard", "Whiteboard", ("Zoom Whiteboard plans",), "zwb_",
           codes=r"zwb_(?!plus_)", usage=UsageShape.OBJECT),
    _addon("plan_whiteboard_plus", "Whiteboard Plus", ("Zoom Whiteboard plans",), "zwb_plus_",
           codes=r"zwb_plus_", usage=UsageShape.OBJECT),
    _addon("plan_zoom_iq", "Revenue Accelerator", ("Zoom Revenue Accelerator plans",), "ziq_",
           lifecycle=False, usage=UsageShape.OBJECT, note=_NO_LIFECYCLE),
    _addon("plan_ztransl", "Translation", ("Zoom Translation plans",), "ztransl_",
           lifecycle=False, usage=UsageShape.OBJECT, note=_NO_LIFECYCLE),
    _addon("plan_zwr", "Workspace Reservation", ("Zoom Workspace Reservation",), "zwr_",
           usage=UsageShape.LIST),
    _addon("plan_zoom_one", "Workplace Business Plus", ("Zoom Workplace Business Plus",), "zobp_",
           shape=Shape.LIST, usage=UsageShape.LIST),
    _addon("plan_zoom_one_premier", "Workplace Enterprise Premier",
           ("Zoom Workplace Enterprise Premier",), "zoe_prem_", shape=Shape.LIST,
           usage=UsageShape.LIST),
    _addon("plan_zoom_one_edu_school_campus_plus", "Workplace for Education School and Campus Plus",
           ("Zoom Workplace for Education: School and Campus Plus plans",), "zo_edu_sch_cmp_plus_",
           shape=Shape.LIST, usage=UsageShape.LIST),
    _addon("plan_zoom_one_edu_premier", "Workplace for Education Enterprise Premier",
           ("Zoom Workplace for Education: Enterprise Premier plans",), "zo_edu_ent_prem_",
           shape=Shape.LIST, usage=UsageShape.LIST),
    _addon("plan_zoom_one_edu_student", "Workplace for Education Higher Ed Student",
           ("Zoom Workplace for Education: Enterprise Higher Ed Student plans",),
           "zo_edu_ent_hied_stu_", usage=UsageShape.OBJECT),
    PlanGroup("plan_zcc.plan_package", "Contact Center package (deprecated)", Shape.OBJECT,
              Call.READ_ONLY, fields=("callout_countries",),
              note="deprecated in the 2026 document; plan_package_lists replaces it"),
    PlanGroup("plan_zcc.plan_package_lists", "Contact Center packages", Shape.LIST,
              Call.CONTACT_CENTER, request_key="plan_package_list",
              sections=("Contact Center basic plans", "Contact Center Concurrent plans"),
              prefixes=("zccp_", "zm_contact_center_", "zcc_con_pkg_")),
    PlanGroup("plan_zcc.plan_ai_expert_assist", "Contact Center AI Expert Assist", Shape.OBJECT,
              Call.CONTACT_CENTER, fields=(),
              sections=("Contact Center AI Expert Assist plans",
                        "Contact Center AI Expert Assist concurrent plans"),
              prefixes=("ai_expert_assist_",),
              note="GET shows its type only, so only its type is managed"),
    PlanGroup("plan_zcc.plan_usage", "Contact Center usage", Shape.OBJECT, Call.CONTACT_CENTER,
              fields=(), sections=("Contact Center usage plans",),
              prefixes=("zcc_pay_as_you_go", "zcc_monthly_usage_"),
              note="the POST body has no hosts for it, so only its type is managed"),
    PlanGroup("plan_zcc.plan_phone_number", "Contact Center phone numbers", Shape.LIST,
              Call.CONTACT_CENTER,
              sections=("Contact Center Virtual Service Phone Number and Toll Free plans",),
              prefixes=("vspn_", "tollfree_phonenumber_")),
    _node("plan_znode_base", "Zoom Node", "Zoom Node base plans", "znode_"),
    _node("plan_zphybrid", "Zoom Phone Hybrid", "Zoom Phone Hybrid plans", "zph_"),
    _node("plan_zmhybrid", "Zoom Meeting Hybrid", "Zoom Meeting Hybrid plans", "zm_hybrid_"),
    _node("plan_mchybrid", "Zoom Meeting Connector", "Zoom Meeting Connector plans", "zmc_"),
    _node("plan_rchybrid", "Zoom Recording Connector", "Zoom Recording Connector plans", "zrc_"),
    _node("plan_cmrhybrid", "Zoom Node Hybrid Recording", "Zoom Node Hybrid Recording plans",
          "zm_node_hybrid_rec_"),
    _node("plan_tchybrid", "Zoom Node Team Chat Hybrid", "Zoom Node Team Chat Hybrid plans",
          "zn_tc_hybrid_"),
    _addon("plan_qss", "Quality of Service Subscription",
           ("Quality of Service Subscription (QSS) plans",), "quality_stream", shape=Shape.LIST,
           in_subscribe=False),
    _addon("plan_zoom_sessions", "Zoom Sessions",
           ("Zoom Sessions (SaaS) plans", "Zoom Sessions consumption plans"), "zs_",
           shape=Shape.LIST, in_subscribe=False),
    _addon("plan_zsched", "Scheduler", ("Zoom Scheduler plans",), "zsched_",
           usage=UsageShape.OBJECT),
    _addon("plan_mesh", "Mesh", ("Zoom Mesh plans",), "zmesh_"),
    _addon("plan_workforce_management", "Workforce Management",
           ("Zoom Workforce Management plans",), "zm_wf_mgt_", usage=UsageShape.OBJECT),
    _addon("plan_visitor_management", "Visitor Management", ("Zoom Visitor Management plans",),
           "zm_visitor_management_", usage=UsageShape.OBJECT),
    _addon("plan_partner_premier_support", "Partner Premier Support", ("Partner Premier plans",),
           "partner_premier_support_", fields=(), usage=UsageShape.OBJECT),
    _addon("plan_zoom_clips_plus", "Clips Plus", (), "zm_clips_plus_", fields=(),
           usage=UsageShape.OBJECT, note="no catalogue section lists its codes"),
    PlanGroup("plan_zva_voice", "Virtual Agent (voice)", Shape.OBJECT, Call.READ_ONLY,
              sections=("Zoom Virtual Agents plans",), prefixes=("zva_",), in_subscribe=False,
              seat_noun="engagements", usage=UsageShape.OBJECT, note=_ZVA),
    PlanGroup("plan_zva_chat", "Virtual Agent (chat)", Shape.OBJECT, Call.READ_ONLY,
              sections=("Zoom Virtual Agents plans",), prefixes=("zva_",), in_subscribe=False,
              seat_noun="engagements", usage=UsageShape.OBJECT, note=_ZVA),
    PlanGroup("plan_bundle", "Bundle", Shape.LIST, Call.BUNDLE, fields=(),
              note="POST /plans only (carrier-enabled partners); the account is then subscribed, "
                   "its base plan's type the bundle code"),
)
# fmt: on

BY_KEY: dict[str, PlanGroup] = {group.key: group for group in GROUPS}
BASE = BY_KEY["plan_base"]
RECORDING = BY_KEY["plan_recording"]
BUNDLE = BY_KEY["plan_bundle"]
#: Groups nested one level inside a container key of the answer.
CONTAINERS: tuple[str, ...] = tuple(
    dict.fromkeys(g.container for g in GROUPS if g.container is not None)
)
#: Every key a GET /plans answer may hold at its top level (containers, groups, siblings).
TOP_LEVEL_KEYS: frozenset[str] = frozenset(
    {*CONTAINERS, *(g.key for g in GROUPS if g.container is None)}
    | {
        f"{RECORDING.key}_{suffix}"
        for suffix in ("status", "next_invoice_date", "service_effective_date")
    }
)
#: Keys only GET /plans/usage shows; understood, never reported as unknown.
USAGE_ONLY_KEYS: frozenset[str] = frozenset({"plan_united", "plan_zva"})
#: Keys only POST /plans's 201 reply shows.
REPLY_ONLY_KEYS: frozenset[str] = frozenset({"plan_cloud_recording"})
#: Groups managed through the add-on endpoints, in table order.
ADDON_GROUPS: tuple[PlanGroup, ...] = tuple(g for g in GROUPS if g.is_addon)


def is_bundle_code(plan_type: str) -> bool:
    """Zoom's bundle codes contain "-" (`ACT-ENT-LMT_500-WBN_500-T_1-monthly`); none of the
    catalogue's codes does (a test holds it). A live base plan of such a type is a bundle."""
    return "-" in plan_type


#: Base plan codes without seats: Zoom's 2026 PUT /plans/base needs no hosts "for Video SDK
#: plans", and GET shows a Video SDK base plan with minutes and prices but no hosts.
SEATLESS_BASE_PREFIXES: tuple[str, ...] = ("vsdk_",)


def base_needs_hosts(plan_type: str) -> bool:
    """A base plan is bought and resized with hosts, but for the seatless Video SDK plans."""
    return not plan_type.startswith(SEATLESS_BASE_PREFIXES)


def group(key: str) -> PlanGroup:
    """The row of `key` (KeyError for a key Zoom's API does not have)."""
    return BY_KEY[key]


def groups_in(container: str) -> tuple[PlanGroup, ...]:
    """The groups nested in `plan_phone`, `plan_zcc` or `plan_znode`, in table order."""
    return tuple(g for g in GROUPS if g.container == container)


_ORDER: dict[str, int] = {row.key: index for index, row in enumerate(GROUPS)}
_UNKNOWN_LAST = len(GROUPS)


def order_of(key: str) -> int:
    """A group's place in the table, for stable listings (unknown keys last)."""
    return _ORDER.get(key, _UNKNOWN_LAST)

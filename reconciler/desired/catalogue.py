"""The plan-type catalogue: which group a Zoom plan type lives in, and base-plan host ranges.

Built from Zoom's notes (shared/zoom-api/README.md). Zoom adds codes faster than any list, so the
catalogue is open-ended: an unknown code is only a warning, and a code that is not listed but
starts like a known family (a legacy `business_yearly_c50`, a new `webinar2000_monthly`) is
placed by its prefix. The planner uses `group_of` to route a type to the right endpoint body.
"""

from __future__ import annotations

from dataclasses import dataclass

BASE = "plan_base"
ZOOM_ROOMS = "plan_zoom_rooms"
ROOM_CONNECTOR = "plan_room_connector"
LARGE_MEETING = "plan_large_meeting"
WEBINAR = "plan_webinar"
ZOOM_EVENTS = "plan_zoom_events"
RECORDING = "plan_recording"
AUDIO = "plan_audio"
PHONE_BASE = "plan_phone.plan_base"
PHONE_CALLING = "plan_phone.plan_calling"
PHONE_NUMBER = "plan_phone.plan_number"

#: Every group a plan type can live in, as a dotted path inside `plans`.
GROUPS: tuple[str, ...] = (
    BASE,
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

#: Groups that hold a list of add-ons keyed by `type` (the others hold one entry).
LIST_GROUPS: frozenset[str] = frozenset(
    {LARGE_MEETING, WEBINAR, ZOOM_EVENTS, PHONE_CALLING, PHONE_NUMBER}
)


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


def _expand(template: str, *choices: tuple[str, ...]) -> list[str]:
    codes = [template]
    for options in choices:
        codes = [code.replace("{}", option, 1) for code in codes for option in options]
    return codes


_PERIODS = ("monthly", "yearly")

_KNOWN: dict[str, str] = {
    **dict.fromkeys(
        ["trial", "monthly", "yearly", "business_monthly", "business_yearly", "edu20"], BASE
    ),
    "plan_pro_three_years": BASE,
    **dict.fromkeys(_expand("zroom_{}", _PERIODS), ZOOM_ROOMS),
    **dict.fromkeys(_expand("roomconnector_{}", _PERIODS), ROOM_CONNECTOR),
    **dict.fromkeys(_expand("large{}_{}", ("100", "200", "300", "500"), _PERIODS), LARGE_MEETING),
    "plan_large500_two_years": LARGE_MEETING,
    **dict.fromkeys(
        _expand("webinar{}_{}", ("100", "500", "1000", "3000", "5000", "10000"), _PERIODS),
        WEBINAR,
    ),
    **dict.fromkeys(["zoomevents500_monthly", "zoomevents1000_monthly"], ZOOM_EVENTS),
    **dict.fromkeys(_expand("cmr_monthly_commitment_{}", ("40", "100", "500")), RECORDING),
    **dict.fromkeys(
        ["tollfree_payongo", "tollfree_monthly_commitment_100", "tollfree_monthly_commitment_500"],
        AUDIO,
    ),
    "phone_payongo": PHONE_BASE,
    "phone_calling_usca_monthly_unlimited": PHONE_CALLING,
    "phone_number_usca_monthly": PHONE_NUMBER,
}

# Prefixes for codes the catalogue does not list. Longest first wins, so `phone_calling_`
# beats `phone_`, and `plan_large` (Zoom's multi-year large meeting codes) beats nothing else.
_PREFIXES: tuple[tuple[str, str], ...] = (
    ("phone_calling_", PHONE_CALLING),
    ("phone_number_", PHONE_NUMBER),
    ("phone_", PHONE_BASE),
    ("roomconnector", ROOM_CONNECTOR),
    ("zroom", ZOOM_ROOMS),
    ("plan_large", LARGE_MEETING),
    ("large", LARGE_MEETING),
    ("webinar", WEBINAR),
    ("plan_webinar", WEBINAR),
    ("zoomevents", ZOOM_EVENTS),
    ("cmr_", RECORDING),
    ("tollfree", AUDIO),
    ("business_", BASE),
    ("edu", BASE),
    ("plan_pro_", BASE),
)


def is_known(plan_type: str) -> bool:
    """True when `plan_type` is listed in Zoom's notes (not merely recognised by its prefix)."""
    return plan_type in _KNOWN


def group_of(plan_type: str) -> str | None:
    """The group a type belongs in (`plan_webinar`, `plan_phone.plan_calling`...), or None.

    Listed codes first; otherwise the longest matching family prefix, because Zoom's legacy and
    new codes keep their family's prefix (`business_yearly_c50`).
    """
    if plan_type in _KNOWN:
        return _KNOWN[plan_type]
    matches = [(prefix, group) for prefix, group in _PREFIXES if plan_type.startswith(prefix)]
    if not matches:
        return None
    return max(matches, key=lambda match: len(match[0]))[1]


def base_family(plan_type: str) -> BaseFamily | None:
    """The base-plan family of `plan_type` and its host range, or None when it is not known."""
    if plan_type == "trial":
        return TRIAL
    if plan_type in ("monthly", "yearly") or plan_type.startswith("plan_pro_"):
        return PRO
    if plan_type.startswith("business_"):
        return BUSINESS
    if plan_type.startswith("edu"):
        return EDUCATION
    return None


def known_types(group: str | None = None) -> list[str]:
    """Every listed code, sorted; only those of `group` when given (spelling hints in rules)."""
    return sorted(code for code, where in _KNOWN.items() if group is None or where == group)

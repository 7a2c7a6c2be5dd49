"""Zoom's rule tying some add-ons' seats to the base plan's seats.

Source: the preconditions of Zoom's plan catalogue page (snapshot 2026-02-07, summarised in
the project's notes on Zoom's 2026 Billing API): webinar hosts may not exceed the base plan's
(meeting) hosts, nor may Zoom Events hosts, and large-meeting hosts must stay below them.
Zoom refuses a call that would break it, so `validate` reports it in the YAML and the planner
never plans a call that would break it at its step, keeping every other call of the account
from being bought before the refused one.
"""

from __future__ import annotations

#: Add-on groups whose hosts may equal the base plan's hosts at most.
AT_MOST_BASE = frozenset({"plan_webinar", "plan_zoom_events"})
#: Add-on groups whose hosts must stay strictly below the base plan's hosts.
BELOW_BASE = frozenset({"plan_large_meeting"})
#: Every group the rule binds.
CEILING_GROUPS = AT_MOST_BASE | BELOW_BASE


def ceiling_broken(group: str, addon_hosts: int, base_hosts: int) -> bool:
    """True when `addon_hosts` of `group` break the rule against `base_hosts`."""
    if group in AT_MOST_BASE:
        return addon_hosts > base_hosts
    if group in BELOW_BASE:
        return addon_hosts >= base_hosts
    return False


def ceiling_rule(group: str) -> str:
    """The rule in words, for messages: `may not exceed` or `must stay below`."""
    return "must stay below" if group in BELOW_BASE else "may not exceed"

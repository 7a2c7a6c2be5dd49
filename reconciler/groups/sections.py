"""Zoom's catalogue sections that feed one plan group each, named as the catalogue names them.

Kept apart from `table.py` because they are long lists of Zoom's headings, not facts about a
group; `tests/groups/test_table_agrees_with_zoom.py` checks every name against the catalogue.
"""

from __future__ import annotations

#: Sections whose codes are base plans (POST /plans `plan_base`, PUT /plans/base).
BASE_SECTIONS: tuple[str, ...] = (
    "Zoom Workplace Pro",
    "Zoom Workplace Business",
    "Zoom Workplace Business Plus",
    "Zoom Workplace Enterprise",
    "Zoom Workplace Enterprise Plus",
    "Zoom Workplace Enterprise Plus with Premier support",
    "Zoom Workplace Enterprise Premier",
    "Zoom Workplace Enterprise Essentials",
    "Zoom Workplace for Education: School and Campus plans",
    "Zoom Workplace for Education: School and Campus Plus plans",
    "Zoom Workplace for Education: Enterprise Premier plans",
    "Zoom Workplace for Education: Enterprise Essentials plans",
    "Zoom Workplace for Education: Enterprise Plus plans",
    "Zoom Workplace for Education: Enterprise Higher Ed Student plans",
    "Education",
    "Video SDK plans",
    "Zoom Workspace Reservation",
)
#: Sections whose codes go in `plan_phone.plan_calling`.
PHONE_CALLING_SECTIONS: tuple[str, ...] = (
    "Zoom Phone base plan add-ons",
    "Zoom Phone US/Canada Metered Calling Named User",
    "Zoom Phone US/Canada Unlimited Calling",
    "Zoom Phone AU/NZ Metered Calling",
    "Zoom Phone AU/NZ Unlimited Calling",
    "Zoom Phone UK/IL Metered Calling",
    "Zoom Phone UK/IL Unlimited Calling",
    "Zoom Phone Japan Unlimited Calling Named User",
    "Zoom Phone Japan Metered Calling Named User",
    "Zoom Phone Pro Unlimited Global Select",
    "Zoom Phone Pro Global Select Metered",
    "Zoom Phone Pro Unlimited",
    "Zoom Phone International Calling Add-on",
    "Zoom Phone Common Area",
)
#: Sections whose codes go in `plan_phone.plan_number`.
PHONE_NUMBER_SECTIONS: tuple[str, ...] = (
    "Zoom Phone Japan Phone Numbers",
    "Zoom Phone US/Canada Toll-Free Numbers Only",
    "Zoom Phone US/Canada Phone Number Only",
    "Zoom Phone AU Toll-Free Numbers",
    "Zoom Phone NZ Toll-Free Numbers",
    "Zoom Phone AU/NZ Phone Numbers",
    "Zoom Phone UK/IL Toll-Free Numbers",
    "Zoom Phone UK/IL Phone Numbers",
    "Zoom Phone Global Select Phone Numbers",
    "Zoom Phone Premium Phone Numbers",
    "Zoom Phone Reserved Phone Numbers",
)

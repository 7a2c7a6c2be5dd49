"""Scheduled changes: an entry, or the subscribe options, that say when they take effect.

Zoom's add-on, base-plan and subscribe calls take `paid_period_start_date` and
`service_effective_date`, which "must be the same date and must be in future". A file writes
`paid_period_start_date` (zoomplans sends it as both); it may also write
`service_effective_date`, which must then be the same day. An entry with only
`service_effective_date` is a pasted GET answer, whose date is history: accepted and ignored.
A date that has passed would be refused by Zoom, so it is refused here first, at its line.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import Any

from reconciler.desired.entries import PlanEntry, Reporter, plan_entries
from reconciler.desired.problems import excerpt
from reconciler.desired.reader import DataPath
from reconciler.desired.schema import where
from reconciler.desired.schema_plans import EFFECTIVE_KEY, SCHEDULE_KEY

OPTIONS_KEY = "subscription_options"
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def check_dates(
    data: dict[str, Any],
    report: Reporter,
    today: date,
    entries: Sequence[PlanEntry] | None = None,
) -> None:
    """Every scheduled date of a layered account: a real day, in the future, pairs equal.
    `entries`: the account's plan entries when the caller has them already."""
    for item in plan_entries(data.get("plans")) if entries is None else entries:
        if item.entry is None or SCHEDULE_KEY not in item.entry:
            continue
        if item.cancelled:
            report(
                (*item.path, SCHEDULE_KEY),
                f"{where((*item.path, SCHEDULE_KEY))} cannot go with `state: cancelled`: Zoom's "
                "cancel call takes no date (a cancellation ends the plan at its paid period's end)",
            )
            continue
        _check_pair(item.entry, item.path, report, today, alone_ok=True)
    options = data.get(OPTIONS_KEY)
    if isinstance(options, dict) and (SCHEDULE_KEY in options or EFFECTIVE_KEY in options):
        _check_pair(options, (OPTIONS_KEY,), report, today, alone_ok=False)


def _check_pair(
    holder: dict[str, Any], at: DataPath, report: Reporter, today: date, *, alone_ok: bool
) -> None:
    start = _day(holder, SCHEDULE_KEY, at, report, today)
    if EFFECTIVE_KEY not in holder:
        return
    if SCHEDULE_KEY not in holder:
        if not alone_ok:
            report(
                (*at, EFFECTIVE_KEY),
                f"{where((*at, EFFECTIVE_KEY))} needs {SCHEDULE_KEY} beside it, the same day "
                "(Zoom takes both or neither)",
            )
        return
    effective = _day(holder, EFFECTIVE_KEY, at, report, today)
    if start is not None and effective is not None and start != effective:
        report(
            (*at, EFFECTIVE_KEY),
            f"{where((*at, EFFECTIVE_KEY))} {effective.isoformat()} differs from "
            f"{SCHEDULE_KEY} {start.isoformat()}: Zoom needs both to be the same day",
        )


def _day(
    holder: dict[str, Any], key: str, at: DataPath, report: Reporter, today: date
) -> date | None:
    """The date written under `key`, reported when it is no real day or not in the future."""
    value = holder.get(key)
    if not isinstance(value, str):
        return None  # absent, or a shape the schema has already reported
    name = where((*at, key))
    if not _DAY.fullmatch(value):
        # The schema checks the shape everywhere but on an entry's service_effective_date,
        # which is any text in a pasted answer and a day only beside paid_period_start_date.
        if key == EFFECTIVE_KEY and at[0] == "plans":
            report((*at, key), f"{name} must be a date written YYYY-MM-DD, got {excerpt(value)}")
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        report((*at, key), f"{name} {excerpt(value)} is not a day of the calendar")
        return None
    if day <= today:
        report(
            (*at, key),
            f"{name} {value} is not in the future (today is {today.isoformat()}, UTC): Zoom "
            "takes a scheduled change only for a later day",
        )
    return day

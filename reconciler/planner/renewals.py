"""Each account's next renewal in the plan: read once per run, shown to the reviewer, and used
to schedule removals for the renewal (`--at-renewal`).

A plan reads GET /accounts/billing/renewals once (interval 90, every page) and attaches to each
account the list returns its next renewal date, whether it renews automatically and for how
much. Two things follow from it:

- a seat decrease or cancellation that takes effect within ``notice_days`` before a renewal
  that does not renew automatically, or one on an annual or longer cycle, carries a
  `renewal_notice` for the reviewer (a display threshold: it never blocks or allows a call);
- with `--at-renewal` a decrease or cancellation is scheduled for the renewal date by Zoom's
  two dates (`paid_period_start_date`, `service_effective_date`) where Zoom's request body
  takes them, and is blocked with a sentence where it does not (a cancellation: PATCH .../status
  has no date), or where the account has no known renewal date.

A refused or failing read never stops a plan: the plan says once that renewal dates are
unknown, and why.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING, Protocol

from reconciler.groups.operations import Effect, spec_of
from reconciler.planner.bodies import dates, entry_type, scheduled_date
from reconciler.planner.renewal_record import Renewal, RenewalReading
from reconciler.zoom.billing import RENEWAL_INTERVAL_DAYS, AccountRenewal
from reconciler.zoom.errors import MissingScope, ZoomError
from reconciler.zoom_2026 import operation

if TYPE_CHECKING:  # read while Zoom is: the plan model is imported once reads have started
    from reconciler.planner.model import Action

#: The flag's default: how many days before a renewal a removal is flagged.
DEFAULT_NOTICE_DAYS = 14
RENEWALS_SCOPE = "billing:read:list_upcoming_renewal_accounts:master"
RENEWALS_READ = "GET /accounts/billing/renewals"
#: Billing cycles of a year or longer, as the renewals list names them.
LONG_CYCLES = ("Annual", "Two years", "Three years")


class RenewalsReader(Protocol):
    """The one read of the renewals list (`reconciler.zoom.ZoomClient.list_renewals`)."""

    async def list_renewals(self, interval_days: int = ...) -> list[AccountRenewal]: ...


@dataclass(frozen=True, kw_only=True)
class Renewals:
    """One run's reading of the renewals list: each listed account's renewal, or why none is
    known; and the notice window the plan flags removals within."""

    by_account: Mapping[str, Renewal] = field(default_factory=dict, hash=False)
    #: Why renewal dates are unknown (None: the list was read).
    unknown: str | None = None
    notice_days: int = DEFAULT_NOTICE_DAYS

    def reading(self) -> RenewalReading:
        """What the plan records of it for the whole run."""
        return RenewalReading(
            interval_days=RENEWAL_INTERVAL_DAYS, notice_days=self.notice_days, unknown=self.unknown
        )


def renewal_of(row: AccountRenewal) -> Renewal:
    """The plan's record of one row of the list."""
    cycles = tuple(sorted({s.billing_cycle for s in row.subscriptions}))
    return Renewal(
        next_renewal_date=row.next_renewal_date,
        auto_renew=row.auto_renew,
        total_renewal_amount=row.total_renewal_amount,
        billing_cycles=cycles,
    )


async def read_renewals(client: RenewalsReader, notice_days: int = DEFAULT_NOTICE_DAYS) -> Renewals:
    """Every page of the list, once; a refusal or failure is kept as the reason dates are
    unknown (the plan goes on without them)."""
    try:
        rows = await client.list_renewals(RENEWAL_INTERVAL_DAYS)
    except MissingScope:
        why = (
            f"the credential lacks the scope {RENEWALS_SCOPE} ({RENEWALS_READ}); add it to the "
            "app to see renewal dates"
        )
        return Renewals(unknown=why, notice_days=notice_days)
    except ZoomError as exc:
        return Renewals(unknown=f"{RENEWALS_READ} failed: {exc}", notice_days=notice_days)
    return Renewals(
        by_account={row.account_id: renewal_of(row) for row in rows}, notice_days=notice_days
    )


def is_removal(op: str, klass: str) -> bool:
    """A cancellation, or a seat change that lowers seats (by the op table's classes)."""
    spec = spec_of(op)
    if spec.effect is Effect.END:
        return True
    return spec.effect is Effect.SET and klass == spec.decrease.klass != spec.increase.klass


def takes_dates(method: str, path: str) -> bool:
    """Does Zoom's 2026 request body of this call have `paid_period_start_date`?"""
    schema = operation(method, path).request_schema or {}
    return "paid_period_start_date" in (schema.get("properties") or {})


def _what(action: Action) -> str:
    named = entry_type(action.body)
    return f"{action.group or action.op} {named}".strip()


def at_renewal(
    action: Action, renewal: Renewal | None, today: date
) -> tuple[Action, tuple[str, str] | None]:
    """`--at-renewal`: a removal scheduled for the account's next renewal date, or blocked with
    a sentence; other calls, and removals the file already dates, are left as they are."""
    if not is_removal(action.op, action.klass) or scheduled_date(action.body):
        return action, None
    what = _what(action)
    if renewal is None:
        return action, (
            "renewal_date_unknown",
            f"{what}: --at-renewal needs this account's next renewal date, and "
            f"{RENEWALS_READ} gave none (no renewal within {RENEWAL_INTERVAL_DAYS} days, or "
            "renewal dates are unknown); run without --at-renewal, or date it with "
            "paid_period_start_date in the file",
        )
    day = renewal.next_renewal_date.isoformat()
    if not takes_dates(action.method, action.path):
        return action, (
            "at_renewal_not_supported",
            f"{what}: Zoom's call for it ({action.method} {action.path}) takes no date, so it "
            f"cannot wait for the renewal on {day}; run it without --at-renewal on that day",
        )
    if renewal.next_renewal_date <= today:
        return action, (
            "renewal_not_in_future",
            f"{what}: the renewal on {day} is not after today ({today.isoformat()} UTC) and Zoom "
            "takes only a future date; run without --at-renewal",
        )
    return replace(action, body={**action.body, **dates(day)}), None


def renewal_notice(
    action: Action, renewal: Renewal | None, today: date, notice_days: int
) -> str | None:
    """Why the reviewer should look twice at this removal's timing (None: nothing to say)."""
    if renewal is None or not is_removal(action.op, action.klass):
        return None
    when = scheduled_date(action.body)
    effective = date.fromisoformat(when) if when else today
    days = (renewal.next_renewal_date - effective).days
    if not 0 < days <= notice_days:
        return None
    reasons = []
    if not renewal.auto_renew:
        reasons.append("it does not renew automatically")
    long = [cycle for cycle in renewal.billing_cycles if cycle in LONG_CYCLES]
    if long:
        reasons.append(f"it is billed {', '.join(long)}")
    if not reasons:
        return None
    day = renewal.next_renewal_date.isoformat()
    instead = (
        "--at-renewal makes it at the renewal"
        if takes_dates(action.method, action.path)
        else f"its call takes no date: to make it at the renewal, run it on {day}"
    )
    return (
        f"{_what(action)}: takes effect {days} day(s) before this account's renewal on {day} "
        f"({' and '.join(reasons)}); {instead}"
    )


def with_notices(
    actions: tuple[Action, ...], renewal: Renewal | None, today: date, notice_days: int
) -> tuple[Action, ...]:
    """The actions, each removal near the renewal carrying its `renewal_notice`."""
    return tuple(
        replace(action, renewal_notice=notice)
        if (notice := renewal_notice(action, renewal, today, notice_days))
        else action
        for action in actions
    )

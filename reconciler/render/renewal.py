"""What a reviewer reads about renewals, written once for text, Markdown and HTML.

Three things: once per plan, that renewal dates are unknown and why (a missing scope, a failed
read); per account the list names, its next renewal (date, automatic or not, amount, cycles);
per removal near a renewal, its notice (`planner/renewals.py` writes it). The sentences hold
values from Zoom (a failed read's message): each renderer escapes them for its output. This
module only reads the Plan.
"""

from __future__ import annotations

from dataclasses import dataclass

from reconciler.planner.model import AccountPlan, Action, Plan
from reconciler.planner.renewal_record import Renewal

#: The sign of a notice line in text and Markdown: look here before approving.
NOTICE_SIGN = "!"


@dataclass(frozen=True)
class RenewalRow:
    """One account's renewal as every format lists it."""

    account_id: str
    name: str | None
    date: str
    automatic: str
    amount: str
    cycles: str
    #: How many of its calls carry a renewal notice.
    notices: int

    def cells(self) -> tuple[str, ...]:
        """Its cells, in the order of the Markdown and HTML tables' columns."""
        return (
            self.account_id, self.name or "", self.date, self.automatic, self.amount,
            self.cycles, str(self.notices),
        )  # fmt: skip


def unknown_sentence(plan: Plan) -> str | None:
    """`Renewal dates are unknown: WHY ...` once per plan, or None when the list was read."""
    reading = plan.renewals
    if reading is None or reading.unknown is None:
        return None
    return (
        f"Renewal dates are unknown: {reading.unknown}. The plan goes on without them: no "
        "removal is flagged near a renewal, and --at-renewal blocks every removal."
    )


def automatic(renewal: Renewal) -> str:
    return "renews automatically" if renewal.auto_renew else "does NOT renew automatically"


def amount(renewal: Renewal) -> str:
    """Zoom's amount with thousands separators (the list names no currency)."""
    return f"{renewal.total_renewal_amount:,}"


def renewal_phrase(renewal: Renewal) -> str:
    """`2027-01-05, renews automatically, amount 1,200 (Annual)`."""
    cycles = f" ({', '.join(renewal.billing_cycles)})" if renewal.billing_cycles else ""
    return (
        f"{renewal.next_renewal_date.isoformat()}, {automatic(renewal)}, "
        f"amount {amount(renewal)}{cycles}"
    )


def notice_line(action: Action) -> tuple[str, str] | None:
    """The (sign, text) line under a call near a renewal."""
    if not action.renewal_notice:
        return None
    return NOTICE_SIGN, f"renewal notice: {action.renewal_notice}"


def rows(plan: Plan) -> list[RenewalRow]:
    """Every account with a known renewal: those with a notice first, then by date."""
    found = [(a, a.renewal) for a in plan.accounts if a.renewal is not None]
    listed = [
        RenewalRow(
            account_id=account.account_id,
            name=account.name,
            date=renewal.next_renewal_date.isoformat(),
            automatic="yes" if renewal.auto_renew else "no",
            amount=amount(renewal),
            cycles=", ".join(renewal.billing_cycles) or "-",
            notices=_notices(account),
        )
        for account, renewal in found
    ]
    return sorted(listed, key=lambda r: (-r.notices, r.date, r.account_id))


def _notices(account: AccountPlan) -> int:
    return sum(1 for action in account.actions if action.renewal_notice)


def heading(plan: Plan) -> str:
    """`Renewals within 90 days (3 accounts; 1 removal flagged):`."""
    listed = rows(plan)
    days = plan.renewals.interval_days if plan.renewals is not None else 90
    flagged = sum(r.notices for r in listed)
    notices = f"; {flagged} removal(s) flagged near a renewal" if flagged else ""
    return f"Renewals within {days} days ({len(listed)} account(s){notices})"

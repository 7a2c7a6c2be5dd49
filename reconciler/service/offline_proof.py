"""A saved plan proved from its own ``live`` snapshots, before any read: apply's pipeline.

``apply --plan`` used to prove the file by reading every account from Zoom and planning it
again before its first call, then read each account a second time (or reuse that read) at its
compare-and-swap: two phases in series, the proof's reads (N / 60 s at Medium) and then the
writes (N / 40 s at Heavy). Here the proof needs no read at all for an account whose calls the
file planned from a recorded ``live``:

1. the file's ``live`` (the normalised live plans the plan was made from) must hash to the
   file's ``live_sha256`` (otherwise the file was edited: the whole plan is refused);
2. the account is planned again from that ``live`` with apply's own desired files, opt-ins,
   limits and prices (``own_options``); any difference in status, blocked items or calls
   refuses the whole plan, as a difference found from a fresh read does, with nothing sent
   and nothing read;
3. at the account's turn, the executor's compare-and-swap read is the rest of the proof: only
   a fresh read (with the journal's own writes laid over it) that hashes to ``live_sha256``
   lets the calls go, and the planner reads nothing of an answer but its normalised form, so
   those calls are exactly what a fresh plan of that read gives. Any other read makes the
   account stale (or resumed and planned again there), as before.

The file's ``live`` is untrusted, but it is only a hypothesis that the fresh read checks before
any call: a forged ``live`` with a matching forged ``live_sha256`` gives calls planned from a
state Zoom is not in, and the compare-and-swap read then makes that account stale. A file
whose ``live`` is missing (older plans), not exactly a live reading's form, or whose proof
needs what only Zoom can say now (seats in use for an allowed decrease, the billing contact
compared), and every account the file does not plan calls for, is proved from a fresh read
before anything is sent, as before (``apply_run._saved_run``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from reconciler.desired.model import DesiredAccount
from reconciler.groups.canonical import canonical_sha256
from reconciler.groups.normalise import PlanShapeError, normalise_plans
from reconciler.groups.normalised import live_from_canonical
from reconciler.planner.core import plan_from_reading
from reconciler.planner.model import AccountPlan, PlanOptions
from reconciler.planner.renewals import Renewals
from reconciler.planner.usage_reads import needs_usage_of
from reconciler.service.saved_plan import account_differences


@dataclass(frozen=True)
class OfflineProof:
    """What the file's own snapshots proved, and what is left to prove from fresh reads."""

    #: Each difference found, one sentence per account (any one refuses the whole plan).
    differences: tuple[str, ...] = ()
    #: Accounts planned again from their snapshot with the same calls: id -> number of calls.
    proven: dict[str, int] = field(default_factory=dict)
    #: The desired accounts still to be proved from a fresh read, in the file's order.
    to_read: tuple[DesiredAccount, ...] = ()


def prove_offline(
    saved: Sequence[AccountPlan],
    selected: Sequence[DesiredAccount],
    options: PlanOptions,
    *,
    today: date | None = None,
    renewals: Renewals | None = None,
) -> OfflineProof:
    """Prove each account of ``saved`` that can be proved from its snapshot (see the module).

    ``selected``: the desired accounts the files declare, chosen with the file's recorded
    selection (an account the file lists that they lack is named by the caller); ``renewals``:
    the renewals list as this run read it, which ``--at-renewal`` dates removals by.
    """
    by_id = {account.account_id: account for account in selected}
    found: list[str] = []
    proven: dict[str, int] = {}
    to_read: list[DesiredAccount] = []
    for account in saved:
        wanted = by_id.get(account.account_id)
        if wanted is None:
            continue
        if account.live is not None and canonical_sha256(account.live) != account.live_sha256:
            found.append(
                f"{account.account_id}: the file's live plans do not hash to its live_sha256 "
                f"{str(account.live_sha256)[:12]}"
            )
            continue
        again = _planned_from_snapshot(account, wanted, options, today, renewals)
        if again is None:
            to_read.append(wanted)
            continue
        differs = account_differences(account, again)
        found += differs
        if not differs:
            proven[account.account_id] = len(account.actions)
    return OfflineProof(tuple(found), proven, tuple(to_read))


def _planned_from_snapshot(
    account: AccountPlan,
    wanted: DesiredAccount,
    options: PlanOptions,
    today: date | None,
    renewals: Renewals | None,
) -> AccountPlan | None:
    """The account planned again from its ``live``, or None when that cannot prove it."""
    if account.status != "changes" or not account.actions:
        return None
    have = live_from_canonical(account.live)
    if have is None or (wanted.contact and have.subscribed):
        return None  # no usable snapshot, or the billing contact must be read and compared
    try:
        want = normalise_plans(wanted.plans)
    except PlanShapeError:
        return None  # planned from a fresh read, which reports it on the account
    if options.allow_decrease and needs_usage_of(want, have):
        return None  # seats in use are read now, as `plan` read them
    return plan_from_reading(wanted, want, have, options, today=today, renewals=renewals)

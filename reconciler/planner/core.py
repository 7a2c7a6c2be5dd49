"""Desired + live -> the ordered calls that make Zoom match, or the reason they cannot be made.

Safety first: nothing that removes seats or cancels a plan is planned without its opt-in
(`--allow-decrease`, `--allow-cancel`, `--allow-cancel-base`), absence never cancels (a live
add-on the YAML does not mention is *unmanaged*), and a change no API call can make is blocked
with a sentence saying so, never approximated (a bundle account's base plan, which Zoom changes
and cancels for no call, among them). Inside one account the calls follow SPEC section
6's order: base seat increase, new add-ons, add-on increases, add-on decreases, cancellations,
base seat decrease, and the base plan's cancellation after all of them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, timedelta

from reconciler.collector import cycle_collector_paused
from reconciler.desired.model import DesiredAccount
from reconciler.groups import table
from reconciler.groups.normalise import (
    AmbiguousEntries,
    NormalisedPlans,
    PlanShapeError,
    canonical_sha256,
    normalise_plans,
)
from reconciler.planner.addons import plan_addons, unreadable_seats
from reconciler.planner.base_cancel import plan_base_cancel
from reconciler.planner.base_plan import bundle_is_live, plan_base, plan_bundle
from reconciler.planner.changes import actions_with_changes
from reconciler.planner.contact import plan_contact
from reconciler.planner.draft import AccountDraft
from reconciler.planner.fast_instances import in_sync
from reconciler.planner.fingerprints import (
    desired_fingerprint,
    live_fingerprint,
)
from reconciler.planner.model import (
    DEFAULT_TTL,
    AccountPlan,
    AccountStatus,
    BlockedItem,
    Plan,
    PlanOptions,
    UnmanagedItem,
)
from reconciler.planner.renewal_record import Renewal
from reconciler.planner.renewals import Renewals, with_notices
from reconciler.planner.seats import block_above_base
from reconciler.planner.subscribe import contact_from, plan_subscribe
from reconciler.zoom.contact_reads import ContactRead
from reconciler.zoom.errors import AccountNotFound, SelfPayAccount
from reconciler.zoom.live import LivePlans

#: Groups GET /plans does not list: a cancellation there is never seen done (a block).
_UNLISTED = frozenset(row.key for row in table.GROUPS if not row.listed)


def _cheaply_equal(want: NormalisedPlans, have: NormalisedPlans) -> bool:
    """Most accounts are in sync: decide that without building any diff."""
    return (
        (want.base == have.base or bundle_is_live(want, have))
        and want.addons == have.addons
        and want.unknown == have.unknown
        and not (want.cancelled & have.addons.keys())
        and not (want.bundle and have.base is None)
        and not any(group in _UNLISTED for group, _ in want.cancelled)
    )


def _plan_unknown_groups(draft: AccountDraft, have: NormalisedPlans) -> None:
    """Live plan groups zoomplans does not know are reported, never touched.

    A desired file cannot name such a group (schemas/account.schema.json lists every group it
    accepts), so there is never a desired side to compare them with.
    """
    for group in sorted(have.unknown):
        draft.unmanaged.append(
            UnmanagedItem(
                group=group,
                type=None,
                detail="plan group unknown to zoomplans; reported, left as is",
            )
        )


def _error_plan(desired: DesiredAccount, live: LivePlans) -> AccountPlan:
    error = live.error
    source = str(desired.source)
    if isinstance(error, (SelfPayAccount, AccountNotFound)):
        code = "self_pay" if isinstance(error, SelfPayAccount) else "account_not_found"
        return AccountPlan(
            account_id=desired.account_id,
            source=source,
            status="blocked",
            live_sha256=None,
            blocked=(BlockedItem(reason_code=code, message=str(error)),),
            name=desired.name,
        )
    return AccountPlan(
        account_id=desired.account_id,
        source=source,
        status="error",
        live_sha256=None,
        error=str(error),
        name=desired.name,
    )


def plan_account(
    desired: DesiredAccount,
    live: LivePlans,
    options: PlanOptions,
    *,
    today: date | None = None,
    contact: ContactRead | None = None,
    renewal: Renewal | None = None,
) -> AccountPlan:
    """Plan one account. Apply calls it again after writing: converged means no actions.
    ``contact``: its billing contact as read (None: the contact is not compared);
    ``renewal``: its next renewal, as this run read it (--at-renewal dates removals by it)."""
    day = today or datetime.now(UTC).date()
    read = Renewals(by_account={desired.account_id: renewal} if renewal else {})
    return _plan_account(desired, live, options, day, contact, read)


def _unplannable(
    desired: DesiredAccount, live: LivePlans, why: str, *, code: str | None = None
) -> AccountPlan:
    """An account whose live answer was read but cannot be planned: an error, fingerprinted
    exactly (compare-and-swap still sees every entry of the answer)."""
    return AccountPlan(
        account_id=desired.account_id,
        source=str(desired.source),
        status="error",
        live_sha256=live_fingerprint(live.plans),
        error=f"{desired.account_id}: {why}",
        name=desired.name,
        error_code=code,
    )


def _plan_plans(
    draft: AccountDraft,
    desired: DesiredAccount,
    want: NormalisedPlans,
    have: NormalisedPlans,
    live: LivePlans,
) -> None:
    """The plan calls of an account whose plans differ from its file."""
    odd = unreadable_seats(have)
    if odd:
        draft.block(
            "unreadable_seats",
            f"{'; '.join(odd)}: Zoom's answer gives seats that are not a whole number; nothing "
            "is planned from it (check the account in Zoom's console, then plan again)",
        )
        return
    if have.subscribed:
        plan_base(draft, want, have, live)
        plan_bundle(draft, want, have)
        plan_addons(draft, want, have, live.usage)
        plan_base_cancel(draft, want, have)
    else:
        plan_subscribe(draft, desired, want, have, live.usage)
    block_above_base(draft, have)
    _plan_unknown_groups(draft, have)


def _plan_account(
    desired: DesiredAccount,
    live: LivePlans,
    options: PlanOptions,
    today: date,
    contact: ContactRead | None = None,
    renewals: Renewals | None = None,
) -> AccountPlan:
    """One account's plan, its actions with their field-level changes (`plan_account`)."""
    if live.error is not None:
        return _error_plan(desired, live)
    try:
        have = normalise_plans(live.plans)
    except AmbiguousEntries as exc:
        return _unplannable(desired, live, f"{exc.code}: {exc}", code=exc.code)
    except PlanShapeError as exc:
        return _unplannable(desired, live, f"Zoom's answer cannot be read: {exc}")
    try:
        want = normalise_plans(desired.plans)
    except PlanShapeError as exc:  # rare: the same fingerprint, recomputed from the answer
        return _unplannable(desired, live, f"the desired plans cannot be read: {exc}")
    return _plan_normalised(desired, want, have, live, options, today, contact, renewals)


def plan_read_account(
    desired: DesiredAccount,
    live: LivePlans,
    options: PlanOptions,
    today: date,
    renewals: Renewals | None,
) -> AccountPlan:
    """One account exactly as :func:`build_plan` plans it when its billing contact is not
    compared: `make_plan` plans each such account as soon as it is read, while the rate limit
    holds the other reads back, and hands the result to :func:`build_plan`."""
    return _plan_account(desired, live, options, today, None, renewals)


def plan_from_reading(
    desired: DesiredAccount,
    want: NormalisedPlans,
    have: NormalisedPlans,
    options: PlanOptions,
    *,
    today: date | None = None,
    renewals: Renewals | None = None,
) -> AccountPlan:
    """`plan_account` from both sides already normalised (``want``: the desired plans;
    ``have``: a saved plan's recorded ``live``), without seats in use or a billing contact:
    the caller plans only accounts that need neither (see :func:`needs_usage_of`). The planner
    reads nothing of an answer but its normalised form, so this is the plan any answer with
    the same ``live_sha256`` gives. ``renewals``: the renewals list as this run read it
    (--at-renewal dates removals by it)."""
    day = today or datetime.now(UTC).date()
    live = LivePlans(desired.account_id, None)
    return _plan_normalised(desired, want, have, live, options, day, renewals=renewals)


def _plan_normalised(
    desired: DesiredAccount,
    want: NormalisedPlans,
    have: NormalisedPlans,
    live: LivePlans,
    options: PlanOptions,
    today: date,
    contact: ContactRead | None = None,
    renewals: Renewals | None = None,
) -> AccountPlan:
    """The calls for `want` over `have`; `live` gives only the seats in use it carries."""
    renewal = None if renewals is None else renewals.by_account.get(desired.account_id)
    source = str(desired.source)
    canonical = have.to_canonical()
    fingerprint = canonical_sha256(canonical)
    plans_equal = _cheaply_equal(want, have)
    if plans_equal and contact is None:
        return in_sync(desired.account_id, source, fingerprint, desired.name, renewal)
    draft = AccountDraft(desired.account_id, options, today, renewal=renewal)
    if not plans_equal:
        _plan_plans(draft, desired, want, have, live)
    if have.subscribed:
        plan_contact(draft, desired.contact, contact)
    actions = draft.actions()
    if renewal is not None:  # a notice needs the account's renewal
        notice_days = (renewals or Renewals()).notice_days
        actions = with_notices(actions, renewal, today, notice_days)
    actions, blocked = actions_with_changes(actions), draft.blocked_items()
    status: AccountStatus = "blocked" if blocked else "changes" if actions else "in_sync"
    return AccountPlan(
        account_id=desired.account_id,
        source=source,
        status=status,
        live_sha256=fingerprint,
        actions=actions,
        blocked=blocked,
        unmanaged=tuple(draft.unmanaged),
        error=None,
        name=desired.name,
        usage_read=live.usage is not None,
        contact_from=contact_from(desired, actions),
        live=canonical if actions else None,
        renewal=renewal,
    )


def build_plan(
    desired_accounts: Iterable[DesiredAccount],
    lives: Mapping[str, LivePlans],
    options: PlanOptions,
    *,
    now: datetime | None = None,
    ttl: timedelta = DEFAULT_TTL,
    git_commit: str | None = None,
    contacts: Mapping[str, ContactRead] | None = None,
    renewals: Renewals | None = None,
    planned: Mapping[str, AccountPlan] | None = None,
    desired_sha256: str | None = None,
) -> Plan:
    """Plan every account (accounts are independent) into one Plan, in account_id order.
    ``contacts``: the billing contacts read (`planner.contact`), by account id; ``renewals``:
    the run's reading of the renewals list (None: not read); ``planned``: accounts already
    planned by :func:`plan_read_account` from the same readings, options and day;
    ``desired_sha256``: `desired_fingerprint` of the same accounts, when already taken."""
    with cycle_collector_paused():
        selected = sorted(desired_accounts, key=lambda a: a.account_id)
        created = now or datetime.now(UTC)
        day = created.astimezone(UTC).date()
        read_contacts = contacts or {}
        early = planned or {}
        accounts = []
        for desired in selected:
            if (ready := early.get(desired.account_id)) is not None:
                accounts.append(ready)
                continue
            live = lives.get(desired.account_id)
            if live is None:
                accounts.append(
                    AccountPlan(
                        account_id=desired.account_id,
                        source=str(desired.source),
                        status="error",
                        live_sha256=None,
                        error=f"{desired.account_id}: live plans were not read",
                        name=desired.name,
                    )
                )
                continue
            contact = read_contacts.get(desired.account_id)
            accounts.append(_plan_account(desired, live, options, day, contact, renewals))
        return Plan(
            created_at=created,
            expires_at=created + ttl,
            git_commit=git_commit,
            desired_sha256=desired_sha256 or desired_fingerprint(selected),
            options=options,
            accounts=tuple(accounts),
            renewals=None if renewals is None else renewals.reading(),
        )

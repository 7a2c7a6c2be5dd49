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

from reconciler.desired import catalogue
from reconciler.desired.model import DesiredAccount
from reconciler.groups import table
from reconciler.groups.normalise import (
    AmbiguousEntries,
    NormalisedPlans,
    PlanShapeError,
    canonical_sha256,
    normalise_plans,
)
from reconciler.groups.operations import Op
from reconciler.planner.addons import (
    below_usage,
    decrease_block,
    describe_fields,
    plan_addons,
    schedule_block,
    seat_count,
    usage_row,
)
from reconciler.planner.base_cancel import plan_base_cancel
from reconciler.planner.base_range import base_range_block
from reconciler.planner.bodies import seat_body
from reconciler.planner.calls import call_of
from reconciler.planner.changes import actions_with_changes
from reconciler.planner.collector import cycle_collector_paused
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
    Action,
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


def _bundle_is_live(want: NormalisedPlans, have: NormalisedPlans) -> bool:
    """The account is subscribed to a bundle the file declares (no `plan_base` in the file):
    Zoom lists a bundle subscription with the bundle code as its base plan's type."""
    return want.base is None and have.base is not None and have.base["type"] in want.bundle


#: Groups GET /plans does not list: a cancellation there is never seen done (a block).
_UNLISTED = frozenset(row.key for row in table.GROUPS if not row.listed)


def _cheaply_equal(want: NormalisedPlans, have: NormalisedPlans) -> bool:
    """Most accounts are in sync: decide that without building any diff."""
    return (
        (want.base == have.base or _bundle_is_live(want, have))
        and want.addons == have.addons
        and want.unknown == have.unknown
        and not (want.cancelled & have.addons.keys())
        and not (want.bundle and have.base is None)
        and not any(group in _UNLISTED for group, _ in want.cancelled)
    )


def _plan_base(
    draft: AccountDraft, want: NormalisedPlans, have: NormalisedPlans, live: LivePlans
) -> None:
    if want.base is None or have.base is None or want.base == have.base:
        return
    account_id = draft.account_id
    new_type, old_type = want.base["type"], have.base["type"]
    if table.is_bundle_code(old_type):
        draft.block(
            "bundle_base_change",
            f"plan_base: {account_id} is subscribed to the bundle {old_type}, and Zoom refuses "
            'every base-plan change of a bundle account (code 2100, "Cannot makes updates when '
            f'account is subscribed to a bundle plan"): declare plan_bundle: [{{type: {old_type}'
            "}] instead of plan_base, or change the subscription with Zoom",
            group="plan_base",
        )
        return
    body = {"type": new_type, "hosts": want.base.get("hosts", have.base.get("hosts"))}
    if new_type != old_type:
        draft.blocked.append(
            BlockedItem(
                reason_code="base_type_change",
                message=f"plan_base: type {old_type} -> {new_type} cannot be made through Zoom's "
                "API (PUT /plans/base must keep the current type); change it with Zoom, "
                "then update the YAML",
                op=Op.UPDATE_BASE.value,
                body=body,
                klass=None,
                path=call_of(Op.UPDATE_BASE, account_id)[1],
                group="plan_base",
            )
        )
        return
    others = {
        k: v for k, v in want.base.items() if k not in ("type", "hosts") and have.base.get(k) != v
    }
    if others:
        draft.block(
            "unsupported_change",
            f"plan_base {new_type}: {describe_fields(others)} cannot be changed: "
            "no Zoom API call sets these fields",
            group="plan_base",
        )
    if "hosts" not in want.base:
        return
    new, old = seat_count(want.base), seat_count(have.base)
    if new == old:
        return
    when = want.scheduled.get(("plan_base", old_type))
    action = Action.for_call(
        Op.UPDATE_BASE,
        account_id,
        increase=new > old,
        body=seat_body(old_type, new, when),
        before={"hosts": old},
        after={"hosts": new},
        group="plan_base",
    )
    what = f"plan_base {old_type}"
    block = (
        schedule_block(draft, "plan_base", what, when)
        or _unsold_base(draft, old_type)
        or base_range_block(old_type, old, new)
    )
    if new < old:
        block = block or decrease_block(draft.options, what, old, new)
        if block is None:
            block = below_usage(what, new, usage_row(live.usage, "plan_base", old_type))
    draft.call(action, block)


def _unsold_base(draft: AccountDraft, base_type: str) -> tuple[str, str] | None:
    """Zoom answers GET with base types it no longer sells (`business_yearly_c50`) and refuses
    a PUT naming one (400, code 2100, "Invalid Base Plan Type"): blocked, unless zoomplans.yaml
    allows the code by name (Zoom still takes it for some accounts)."""
    if catalogue.is_known(base_type) or base_type in draft.options.extra_plan_types:
        return None
    return (
        "base_type_not_sold",
        f"plan_base {base_type}: Zoom no longer sells this base plan type and refuses a seat "
        'change naming it (HTTP 400, code 2100, "Invalid Base Plan Type"); move the account to '
        "a current base type with Zoom (no API call changes the type), then update the YAML; "
        f"if Zoom still accepts {base_type} for this account, list it under extra_plan_types "
        "in zoomplans.yaml",
    )


def _plan_bundle(draft: AccountDraft, want: NormalisedPlans, have: NormalisedPlans) -> None:
    """A subscribed account whose file declares a bundle (and no base plan): in sync when the
    live base plan is that bundle; otherwise no call can make it one (a bundle is bought only
    by subscribing, and Zoom changes no base type), so the account is blocked."""
    if not want.bundle or want.base is not None or have.base is None:
        return
    if _bundle_is_live(want, have):
        return
    live = have.base["type"]
    what = "the bundle" if table.is_bundle_code(live) else "the base plan"
    draft.block(
        "bundle_not_live",
        f"plan_bundle: the YAML subscribes {', '.join(want.bundle)}, but {draft.account_id} is "
        f"already subscribed to {what} {live}; a bundle is bought only by subscribing an "
        "account without a subscription, and no Zoom API call changes a live base plan into "
        "it: change it with Zoom, then update the YAML",
        group=table.BUNDLE.key,
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
    if have.subscribed:
        _plan_base(draft, want, have, live)
        _plan_bundle(draft, want, have)
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
) -> Plan:
    """Plan every account (accounts are independent) into one Plan, in account_id order.
    ``contacts``: the billing contacts read (`planner.contact`), by account id; ``renewals``:
    the run's reading of the renewals list (None: not read)."""
    with cycle_collector_paused():
        selected = sorted(desired_accounts, key=lambda a: a.account_id)
        created = now or datetime.now(UTC)
        day = created.astimezone(UTC).date()
        read_contacts = contacts or {}
        accounts = []
        for desired in selected:
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
            desired_sha256=desired_fingerprint(selected),
            options=options,
            accounts=tuple(accounts),
            renewals=None if renewals is None else renewals.reading(),
        )

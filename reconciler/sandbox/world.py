"""The sandbox's world: every sub-account's plans, and Zoom's rules for changing them.

Each write validates against the newest state (the truth) and stores a new version with the time
it was written. GET answers (plans, usage, the account list) show each account as it was
`read_lag_s` seconds ago: the newest version written at or before `now - read_lag_s`. That is how
the sandbox imitates Zoom's eventual consistency, where an accepted write can stay invisible in GET
for a while. All access goes through one lock because tests change the world from their own
thread while the server thread answers requests.
"""

from __future__ import annotations

import copy
import math
import threading
import time
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime
from typing import Any

from reconciler.sandbox import billing, bodies, operations
from reconciler.sandbox import plan_object as po
from reconciler.sandbox.catalogue import Catalogue
from reconciler.sandbox.errors import (
    ZoomApiError,
    account_missing,
    no_subscription,
    self_pay,
)
from reconciler.sandbox.read_lag import read_lag
from reconciler.sandbox.seed import AccountSeed, check_plans
from reconciler.sandbox.usage import usage_answer

Plans = dict[str, Any]


class _Account:
    """One sub-account's mutable record; only the World touches it, under its lock."""

    __slots__ = (
        "account_type",
        "contacts",
        "created_at",
        "id",
        "loses_writes",
        "name",
        "owner_email",
        "renewal",
        "self_pay",
        "usage",
        "versions",
        "zuora_missing",
    )

    def __init__(self, seed: AccountSeed, plans: Plans | None) -> None:
        self.id = seed.account_id
        self.name = seed.name
        self.self_pay = seed.self_pay
        self.owner_email = seed.owner_email
        self.created_at = seed.created_at
        self.account_type = seed.account_type
        self.zuora_missing = seed.zuora_missing
        self.loses_writes = seed.loses_accepted_writes
        self.usage = copy.deepcopy(seed.usage)
        # (written_at on the world's clock, plans or None for "no subscription"), oldest first;
        # the seed was written "forever ago", so it is visible at once whatever the lag.
        self.versions: list[tuple[float, Plans | None]] = [(-math.inf, plans)]
        # The billing contact trails its writes the same way (None: none given yet).
        self.contacts: list[tuple[float, dict[str, str] | None]] = [(-math.inf, seed.billing)]
        self.renewal = seed.renewal

    @property
    def newest(self) -> Plans | None:
        return self.versions[-1][1]


class World:
    """Zoom's plan rules over a set of sub-accounts; answers are GET-shaped dicts (copies)."""

    def __init__(
        self,
        accounts: Iterable[AccountSeed],
        *,
        read_lag_s: float = 0.0,
        visibility_delay_ms: float = 0,
        on_change: Callable[[dict[str, dict[str, Any]]], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
        today: Callable[[], date] | None = None,
        catalogue: Catalogue | None = None,
        carrier_partner: bool = False,
    ) -> None:
        self.catalogue = catalogue or Catalogue()
        self._carrier_partner = carrier_partner  # the master may sell bundles (plan_bundle)
        self._lock = threading.RLock()
        self._lag_s = read_lag(read_lag_s, visibility_delay_ms)
        self._on_change = on_change
        self._clock = clock
        self._today = today or (lambda: datetime.now(UTC).date())
        self._accounts: dict[str, _Account] = {}
        for seed in accounts:
            plans = po.fill_in(copy.deepcopy(seed.plans), self._today()) if seed.plans else None
            self._accounts[seed.account_id] = _Account(seed, plans)

    @property
    def read_lag_s(self) -> float:
        """How far GET trails the writes; fixed for the world's life, which keeps reads exact."""
        return self._lag_s

    # ----- reads -------------------------------------------------------------------------

    def account_ids(self) -> list[str]:
        with self._lock:
            return list(self._accounts)

    def account_summaries(self) -> list[dict[str, Any]]:
        """Rows of GET /accounts, in seed order."""
        with self._lock:
            return [self._summary(account) for account in self._accounts.values()]

    def _summary(self, account: _Account) -> dict[str, Any]:
        plans = self._visible(account) or {}  # seats and dates trail writes like GET /plans
        base = plans.get("plan_base") if isinstance(plans.get("plan_base"), dict) else None
        family = self.catalogue.base_family(str(base.get("type"))) if base else None
        kind = "Basic" if base is None else (family.name.title() if family else "Business")
        kind = account.account_type or kind
        return {
            "id": account.id,
            "account_name": account.name,
            "owner_email": account.owner_email,
            "account_type": kind,
            "seats": base.get("hosts", 0) if base else 0,
            "subscription_start_time": base.get("service_effective_date", "") if base else "",
            "subscription_end_time": base.get("next_invoice_date", "") if base else "",
            "created_at": account.created_at,
        }

    def visible_plans(self, account_id: str) -> Plans:
        """What GET /plans answers now: the account as it was `read_lag_s` seconds ago."""
        with self._lock:
            account = self._plan_account(account_id)
            return copy.deepcopy(po.visible(self._visible(account) or {}))

    def _visible(self, account: _Account) -> Plans | None:
        """The newest version written at or before now - lag; the lag never changes, so older
        versions can never be seen again and are dropped here."""
        horizon = self._clock() - self._lag_s
        for index in range(len(account.versions) - 1, -1, -1):
            written_at, plans = account.versions[index]
            if written_at <= horizon:
                del account.versions[:index]
                return plans
        # Unreachable while the first version is the seed (-inf) or a pruned visible one.
        return account.versions[0][1]

    def newest_plans(self, account_id: str) -> Plans:
        """The plans as they are after every accepted write (the truth), ignoring the read lag."""
        with self._lock:
            if account_id not in self._accounts:
                raise account_missing(account_id)
            return copy.deepcopy(po.visible(self._accounts[account_id].newest or {}))

    def held_plans(self, account_id: str) -> Plans:
        """The truth including what GET never lists (Power Pack, Contact Center storage, a
        bundle), for tests."""
        with self._lock:
            if account_id not in self._accounts:
                raise account_missing(account_id)
            return copy.deepcopy(self._accounts[account_id].newest or {})

    def usage(self, account_id: str) -> dict[str, Any]:
        """GET /plans/usage: seats bought and in use (visible plans plus the seeded usage)."""
        with self._lock:
            account = self._plan_account(account_id)
            plans = self._visible(account)
            if not _subscribed(plans):
                raise ZoomApiError(400, 200, "Only available for paid account.")
            assert plans is not None
            return usage_answer(plans, account.usage)

    # ----- the billing contact and renewals ----------------------------------------------

    def billing_contact(self, account_id: str) -> dict[str, str]:
        """GET /billing: the contact as it was `read_lag_s` seconds ago."""
        with self._lock:
            account = self._billing_account(account_id)
            horizon = self._clock() - self._lag_s
            contact = next(c for at, c in reversed(account.contacts) if at <= horizon)
            if contact is None:
                if not _subscribed(self._visible(account)):
                    return billing.empty_contact()
                contact = billing.made_up_contact(account.id, account.owner_email)
            return {**billing.empty_contact(), **contact}

    def update_billing(self, account_id: str, body: dict[str, Any]) -> None:
        """PATCH /billing: any subset of the contact's fields, once the account subscribed."""
        with self._lock:
            account = self._billing_account(account_id)
            if not _subscribed(account.newest):
                raise ZoomApiError(400, 200, "Please subscribe a plan for this sub account first.")
            refusal = billing.update_refusal(body)
            current = account.contacts[-1][1] or billing.made_up_contact(
                account.id, account.owner_email
            )
            contact = {**current, **{str(k): str(v) for k, v in body.items()}}
            refusal = refusal or billing.place_refusal(contact)
            if refusal is not None:
                raise refusal
            self._store_contact(account, contact)
            self._changed()

    def renewal_rows(self, interval_days: int) -> list[dict[str, Any]]:
        """The renewals list: accounts renewing from today to `interval_days` ahead."""
        today = self._today()
        with self._lock:
            rows = []
            for account in self._accounts.values():
                renewal = account.renewal
                if renewal is None or account.self_pay:
                    continue
                days = (date.fromisoformat(renewal["next_renewal_date"]) - today).days
                if 0 <= days <= interval_days:
                    rows.append(
                        billing.renewal_row(account.id, account.name, account.owner_email, renewal)
                    )
            return rows

    def _billing_account(self, account_id: str) -> _Account:
        account = self._accounts.get(account_id)
        if account is None:
            raise account_missing(account_id)
        if account.self_pay:
            raise billing.self_pay_contact()
        return account

    def _store_contact(self, account: _Account, contact: dict[str, str]) -> None:
        if account.loses_writes:  # answered as accepted, kept nowhere (seed: never shows)
            return
        account.contacts.append((self._clock(), contact))
        horizon = self._clock() - self._lag_s
        while len(account.contacts) > 1 and account.contacts[1][0] <= horizon:
            del account.contacts[0]  # versions no read can show any more

    def export(self) -> dict[str, dict[str, Any]]:
        """Every account in seed shape (newest plans), for the state file; a deep copy."""
        with self._lock:
            return copy.deepcopy(self._shared_export())

    def _shared_export(self) -> dict[str, dict[str, Any]]:
        """Like export, but sharing the stored dicts: cheap, valid only while the lock is held.

        Stored plans are never edited in place (every write stores a new copy), so serialising
        them under the lock is safe without copying a thousand accounts on every write.
        """
        return {
            account.id: {
                "name": account.name,
                "self_pay": account.self_pay,
                "owner_email": account.owner_email,
                "created_at": account.created_at,
                "account_type": account.account_type,
                "zuora_missing": account.zuora_missing,
                "loses_accepted_writes": account.loses_writes,
                "usage": account.usage,
                "plans": account.newest,
                "billing": account.contacts[-1][1],
                "renewal": account.renewal,
            }
            for account in self._accounts.values()
        }

    # ----- changes from tests ------------------------------------------------------------

    def set_plans(self, account_id: str, plans: Plans | None) -> None:
        """Replace an account's plans at once (drift, a stale plan); creates the account."""
        with self._lock:
            account = self._accounts.get(account_id)
            if account is None:
                seed = AccountSeed(account_id, account_id, None)
                account = self._accounts[account_id] = _Account(seed, None)
            value = po.fill_in(check_plans(plans), self._today()) if plans else None
            # A change made "long ago" (before any lag window): GET shows it at once.
            account.versions = [(-math.inf, value)]
            self._changed()

    # ----- Zoom's write endpoints --------------------------------------------------------

    def _context(self, account_id: str) -> operations.Context:
        return operations.Context(
            account_id, self._today(), self.catalogue, carrier_partner=self._carrier_partner
        )

    def subscribe(self, account_id: str, body: dict[str, Any]) -> Any:
        """POST /plans: the first paid subscription, base plan and add-ons in one call."""
        ctx = self._context(account_id)
        bodies.raise_if(
            bodies.subscribe_problems(body)
            + operations.base_hosts_problem(body.get("plan_base"), ctx, "plan_base.")
        )
        with self._lock:
            account = self._plan_account(account_id)
            if _subscribed(account.newest):
                raise ZoomApiError(
                    400, 200, "One account only can have one active billing subscription."
                )
            plans, answer = operations.subscribe(copy.deepcopy(account.newest or {}), body, ctx)
            # The subscribe's contact is who receives the invoices from now on.
            self._store_contact(account, {k: str(v) for k, v in body["contact"].items()})
            self._store(account, plans)
            return answer

    def update_base(self, account_id: str, body: dict[str, Any]) -> None:
        """PUT /plans/base: same type only, absolute hosts (or Zoom's relative increasing_hosts)."""
        ctx = self._context(account_id)
        bodies.raise_if(
            bodies.base_update_problems(body) + operations.base_hosts_problem(body, ctx, "")
        )
        with self._lock:
            account = self._plan_account(account_id)
            plans = self._subscribed_copy(account, no_subscription())
            operations.update_base(plans, body, ctx)
            self._store(account, plans)

    def add_addon(self, account_id: str, body: dict[str, Any]) -> Any:
        """POST /plans/addons: buy add-ons (simple, Phone, Contact Center or Node shape)."""
        shape, problems = bodies.addon_problems(body)
        bodies.raise_if(problems)
        with self._lock:
            account = self._plan_account(account_id)
            plans = self._subscribed_copy(
                account,
                ZoomApiError(
                    400, 2100, "Cannot update Additional plan for a subaccount under free plan."
                ),
            )
            answer = operations.add_addon(plans, body, shape, self._context(account_id))
            self._store(account, plans)
            return answer

    def update_addon(self, account_id: str, body: dict[str, Any]) -> None:
        """PUT /plans/addons: new absolute hosts (or countries for audio and phone)."""
        bodies.raise_if(bodies.addon_update_problems(body))
        with self._lock:
            account = self._plan_account(account_id)
            if account.zuora_missing:
                raise ZoomApiError(
                    404, 3200, f"Cannot find Zuora subscription for account:{account_id}."
                )
            plans = self._subscribed_copy(
                account, ZoomApiError(400, 3261, "Must subscribe to a major plan first.")
            )
            operations.update_addon(plans, body, self._context(account_id))
            self._store(account, plans)

    def cancel_addon(self, account_id: str, body: dict[str, Any]) -> None:
        """PATCH /plans/addons/status: the entry stays listed, with status "cancelled"."""
        bodies.raise_if(bodies.cancel_problems(body, needs_type=True))
        with self._lock:
            account = self._plan_account(account_id)
            plans = self._subscribed_copy(
                account,
                ZoomApiError(
                    400,
                    200,
                    "You cannot cancel an add-on plan for a sub account that is under a Free plan.",
                ),
            )
            operations.cancel_addon(plans, body, self._context(account_id))
            self._store(account, plans)

    def cancel_base(self, account_id: str, body: dict[str, Any]) -> None:
        """PATCH /plans/base/status: only once every add-on is cancelled."""
        bodies.raise_if(bodies.cancel_problems(body, needs_type=False))
        with self._lock:
            account = self._plan_account(account_id)
            plans = self._subscribed_copy(
                account, ZoomApiError(400, 200, "You don't have a major subscription yet.")
            )
            operations.cancel_base(plans)
            self._store(account, plans)

    # ----- internals ---------------------------------------------------------------------

    def _plan_account(self, account_id: str) -> _Account:
        account = self._accounts.get(account_id)
        if account is None:
            raise account_missing(account_id)
        if account.self_pay:
            raise self_pay(account_id)
        return account

    def _subscribed_copy(self, account: _Account, refusal: ZoomApiError) -> Plans:
        """A private copy of the plans to edit; `refusal` (each call's own) without a
        subscription."""
        if not _subscribed(account.newest):
            raise refusal
        return copy.deepcopy(account.newest)  # type: ignore[arg-type]

    def _store(self, account: _Account, plans: Plans) -> None:
        if account.loses_writes:  # answered as accepted, kept nowhere (seed: never shows)
            return
        account.versions.append((self._clock(), plans))
        if self._lag_s == 0:
            del account.versions[:-1]  # zero lag: GET always shows the newest, as before
        self._changed()

    def _changed(self) -> None:
        if self._on_change is not None:
            self._on_change(self._shared_export())


def _subscribed(plans: Plans | None) -> bool:
    """An account whose base plan (or partner's bundle) is missing, cancelled or expired has
    no subscription."""
    return po.entry_is_live((plans or {}).get("plan_base")) or po.bundle_is_live(plans or {})

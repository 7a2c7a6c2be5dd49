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

from reconciler.sandbox import bodies, rules
from reconciler.sandbox import plan_object as po
from reconciler.sandbox.catalogue import Catalogue, GroupShape
from reconciler.sandbox.errors import (
    FieldProblem,
    ZoomApiError,
    account_missing,
    invalid_plan_type,
    no_subscription,
    self_pay,
    validation_failed,
)
from reconciler.sandbox.read_lag import read_lag
from reconciler.sandbox.seed import AccountSeed, check_plans

Plans = dict[str, Any]


class _Account:
    """One sub-account's mutable record; only the World touches it, under its lock."""

    __slots__ = (
        "account_type",
        "created_at",
        "id",
        "name",
        "owner_email",
        "self_pay",
        "usage",
        "versions",
    )

    def __init__(self, seed: AccountSeed, plans: Plans | None) -> None:
        self.id = seed.account_id
        self.name = seed.name
        self.self_pay = seed.self_pay
        self.owner_email = seed.owner_email
        self.created_at = seed.created_at
        self.account_type = seed.account_type
        self.usage = copy.deepcopy(seed.usage)
        # (written_at on the world's clock, plans or None for "no subscription"), oldest first;
        # the seed was written "forever ago", so it is visible at once whatever the lag.
        self.versions: list[tuple[float, Plans | None]] = [(-math.inf, plans)]

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
    ) -> None:
        self.catalogue = catalogue or Catalogue()
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
            return copy.deepcopy(self._visible(account) or {})

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
            return copy.deepcopy(self._accounts[account_id].newest or {})

    def usage(self, account_id: str) -> dict[str, Any]:
        """GET /plans/usage: seats bought and in use (visible plans plus the seeded usage)."""
        with self._lock:
            account = self._plan_account(account_id)
            plans = self._visible(account)
            if not _subscribed(plans):
                raise no_subscription()
            assert plans is not None
            return po.usage_answer(plans, account.usage)

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
                "usage": account.usage,
                "plans": account.newest,
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

    def subscribe(self, account_id: str, body: dict[str, Any]) -> Plans:
        """POST /plans: the first paid subscription, base plan and add-ons in one call."""
        bodies.raise_if_subscribe_body_bad(body)
        with self._lock:
            account = self._plan_account(account_id)
            if _subscribed(account.newest):
                raise ZoomApiError(
                    400, 200, "One zuora account only can have one active billing subscription."
                )
            today = self._today()
            base = body["plan_base"]
            rules.check_base_hosts(
                rules.writable_family(base["type"], self.catalogue), base["hosts"]
            )
            # A lapsed base plan leaves its add-ons listed, and active until their period
            # ends: they stay, and buying one of them again is refused as on POST /plans/addons.
            plans: Plans = copy.deepcopy(account.newest or {})
            plans["plan_base"] = po.dated({"type": base["type"], "hosts": base["hosts"]}, today)
            bought: set[tuple[str, str]] = set()
            for group, entry in bodies.subscribe_addon_entries(body):
                if self.catalogue.addon_group(str(entry.get("type"))) is not group:
                    raise invalid_plan_type(group.title, entry.get("type"))
                if (group.key, entry["type"]) in bought:
                    problem = FieldProblem(group.key, f"type {entry['type']} is listed twice")
                    raise validation_failed(problem)
                bought.add((group.key, entry["type"]))
                rules.refuse_if_active(plans, group, entry["type"])
                if group.shape is GroupShape.RECORDING:
                    po.put_recording(plans, entry["type"], today)
                    continue
                po.put_entry(plans, group, rules.new_entry(group, entry, today))
            rules.check_host_ceilings(plans)
            self._store(account, plans)
            return copy.deepcopy(plans)

    def update_base(self, account_id: str, body: dict[str, Any]) -> None:
        """PUT /plans/base: same type only, absolute hosts (or Zoom's relative increasing_hosts)."""
        bodies.raise_if(bodies.base_problems(body))
        with self._lock:
            account = self._plan_account(account_id)
            plans = self._subscribed_copy(account)
            current = plans["plan_base"]
            # Zoom answers GET with legacy types (business_yearly_c50) that it refuses on PUT.
            family = rules.writable_family(body["type"], self.catalogue)
            if body["type"] != current.get("type"):
                raise ZoomApiError(
                    400,
                    300,
                    f"Plan types do not match, oldPlanType: {current.get('type')} "
                    f"newPlanType: {body['type']}.",
                )
            hosts = body["hosts"]
            if body.get("increasing_hosts") is not None:  # relative; the client must never use it
                hosts = int(current.get("hosts", 0)) + body["increasing_hosts"]
            rules.check_base_hosts(family, hosts)
            decrease = hosts < int(current.get("hosts", 0))
            current["hosts"] = hosts
            if decrease:
                rules.check_host_ceilings(plans)
            self._store(account, plans)

    def add_addon(self, account_id: str, body: dict[str, Any]) -> dict[str, Any]:
        """POST /plans/addons: buy an add-on, or re-activate a cancelled one of the same type."""
        group = bodies.addon_body_group(body, self.catalogue)
        with self._lock:
            account = self._plan_account(account_id)
            plans = self._subscribed_copy(account)
            plan_type = body["type"]
            holder = po.occupant(plans, group)
            live_entry = (
                po.find(plans, group, plan_type)
                if group.shape is not GroupShape.RECORDING
                else None
            )
            if holder is not None or (
                live_entry and po.is_live(live_entry.get("status", "active"))
            ):
                raise ZoomApiError(
                    400,
                    300,
                    f"The account already has an active {group.title} plan: {holder or plan_type}.",
                )
            today = self._today()
            if group.shape is GroupShape.RECORDING:
                po.put_recording(plans, plan_type, today)
                answer: dict[str, Any] = {"type": plan_type, "status": "active"}
            else:
                answer = rules.new_entry(group, body, today)
                po.put_entry(plans, group, answer)
                rules.check_host_ceilings(plans, {plan_type})
            self._store(account, plans)
            return copy.deepcopy(answer)

    def update_addon(self, account_id: str, body: dict[str, Any]) -> None:
        """PUT /plans/addons: new absolute hosts (or countries for audio and phone)."""
        group = bodies.addon_body_group(body, self.catalogue)
        with self._lock:
            account = self._plan_account(account_id)
            plans = self._subscribed_copy(account)
            plan_type = body["type"]
            if group.shape is GroupShape.RECORDING:
                if not po.recording_is_live(plans, plan_type):
                    raise rules.addon_absent(group, plan_type)
                return  # a recording plan has nothing to resize
            entry = po.find(plans, group, plan_type)
            if entry is None or not po.is_live(entry.get("status", "active")):
                raise rules.addon_absent(group, plan_type)
            if group.shape in (GroupShape.SINGLE, GroupShape.LIST):
                rules.check_addon_hosts(group, body["hosts"])
                entry["hosts"] = body["hosts"]
                rules.check_host_ceilings(plans, {plan_type})
            else:
                rules.check_countries(body)
                for key in (*bodies.AUDIO_COUNTRY_FIELDS, "ddi_numbers"):
                    present = body.get(key) is not None
                    if present and (key in entry or group.shape is GroupShape.AUDIO):
                        entry[key] = body[key]
            self._store(account, plans)

    def cancel_addon(self, account_id: str, body: dict[str, Any]) -> None:
        """PATCH /plans/addons/status: the entry stays listed, with status "cancelled"."""
        bodies.raise_if(bodies.cancel_problems(body, needs_type=True))
        group = self.catalogue.addon_group(body["type"])
        if group is None:
            raise invalid_plan_type("Addon", body["type"])
        with self._lock:
            account = self._plan_account(account_id)
            plans = self._subscribed_copy(account)
            if group.shape is GroupShape.RECORDING:
                if not po.recording_is_live(plans, body["type"]):
                    raise rules.addon_absent(group, body["type"])
                plans["plan_recording_status"] = "cancelled"
            else:
                entry = po.find(plans, group, body["type"])
                if entry is None or not po.is_live(entry.get("status", "active")):
                    raise rules.addon_absent(group, body["type"])
                entry["status"] = "cancelled"
            self._store(account, plans)

    def cancel_base(self, account_id: str, body: dict[str, Any]) -> None:
        """PATCH /plans/base/status: only once every add-on is cancelled."""
        bodies.raise_if(bodies.cancel_problems(body, needs_type=False))
        with self._lock:
            account = self._plan_account(account_id)
            plans = self._subscribed_copy(account)
            remaining = po.live_addons(plans)
            if remaining:
                raise ZoomApiError(
                    400,
                    300,
                    "Cancel all add-on plans before the base plan; still active: "
                    + ", ".join(remaining)
                    + ".",
                )
            plans["plan_base"]["status"] = "cancelled"
            self._store(account, plans)

    # ----- internals ---------------------------------------------------------------------

    def _plan_account(self, account_id: str) -> _Account:
        account = self._accounts.get(account_id)
        if account is None:
            raise account_missing(account_id)
        if account.self_pay:
            raise self_pay(account_id)
        return account

    def _subscribed_copy(self, account: _Account) -> Plans:
        if not _subscribed(account.newest):
            raise no_subscription()
        return copy.deepcopy(account.newest)  # type: ignore[arg-type]

    def _store(self, account: _Account, plans: Plans) -> None:
        account.versions.append((self._clock(), plans))
        if self._lag_s == 0:
            del account.versions[:-1]  # zero lag: GET always shows the newest, as before
        self._changed()

    def _changed(self) -> None:
        if self._on_change is not None:
            self._on_change(self._shared_export())


def _subscribed(plans: Plans | None) -> bool:
    """An account whose base plan is missing, cancelled or expired has no subscription."""
    base = (plans or {}).get("plan_base")
    return isinstance(base, dict) and po.is_live(base.get("status", "active"))

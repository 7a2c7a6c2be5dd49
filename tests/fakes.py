"""The one in-memory Zoom of the unit tests (the sandbox, reconciler/sandbox/, stays the
end-to-end fake: real HTTP over loopback, as strict as Zoom).

Three test packages used to carry a Zoom of their own (apply's writer, the planner's reader,
import's lister), each with its own idea of a path and of an unknown account; a new operation
had to be taught to each. This one implements the client seams the code depends on, so a test
hands it to the code exactly where a `ZoomClient` goes:

- `reconciler.zoom.live.PlanAndUsageReader` (`get_plans`, `get_usage`): planning's reads;
- `reconciler.apply.seams.PlanWriter` (`get_plans`, `write(op, account_id, body)`): apply's calls;
- `list_sub_accounts`: import's listing; `get_billing`
  (`reconciler.zoom.contact_reads.ContactReader`): import's read of each billing contact.

The contract it keeps (the Protocols' contracts, over a dict instead of the network):

- `get_plans(id)` returns a deep copy of `plans[id]` (so code under test cannot edit the live
  state by accident); raises `errors[id]` when one is set, `AccountNotFound` (HTTP 404, code
  2001, as Zoom answers) for an id it holds neither plans nor an error for. It changes nothing.
- `get_usage(id)` returns `usage[id]`; asking for usage the test did not give fails the test.
- `write(op, id, body)` takes its method and path from the op table
  (`reconciler.groups.operations`), applies the body to `plans[id]` as Zoom would (subscribe
  replaces the subscription, the PUTs set hosts, the cancels mark the entry cancelled) and
  returns status 201 for a POST, 204 otherwise. An op the fake does not know fails the test.
- `list_sub_accounts()` lists the ids of `names` with their names, in that order (without
  `names`: every id of `plans` and `errors`, each named by its id).
- `get_billing(id)` returns a copy of `contacts[id]`, or raises it when it is an exception; an
  account without one answers every field empty (Zoom's answer for a contact never set).

Every call is recorded (`calls` in order, `reads` for the ids of `get_plans`, `writes`), and a
test can inject the faults the executor must survive: lose an answer before or after the change
is applied, reject a call, pause every call, keep answering an old state for some reads (Zoom's
eventual consistency), or fail every read after some number of reads.
"""

from __future__ import annotations

import asyncio
import copy
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reconciler.groups.operations import BY_OP, Op
from reconciler.zoom import SubAccount
from reconciler.zoom.billing import AccountRenewal
from reconciler.zoom.errors import AccountNotFound, AmbiguousWriteError, NetworkError, ZoomError

#: op -> (method, path template with ``{id}``), read from the op table.
PATHS: dict[str, tuple[str, str]] = {
    op.value: (spec.method, spec.path) for op, spec in BY_OP.items()
}


@dataclass(frozen=True)
class FakeWrite:
    """A `WriteOutcome`: the answer's status and how long the call took."""

    status: int
    duration_ms: float
    data: dict[str, Any] | None = None


@dataclass
class InFlight:
    """Calls of one kind in flight now, and the most at once (a test's concurrency bound)."""

    now: int = 0
    most: int = 0

    async def pause(self, seconds: float) -> None:
        self.now += 1
        self.most = max(self.most, self.now)
        try:
            await asyncio.sleep(seconds)
        finally:
            self.now -= 1


def _group_of(kind: str) -> str:
    if kind.startswith("webinar"):
        return "plan_webinar"
    if kind.startswith("large"):
        return "plan_large_meeting"
    if kind.startswith("zroom"):
        return "plan_zoom_rooms"
    if kind.startswith("tollfree"):
        return "plan_audio"
    raise AssertionError(f"the fake does not know add-on {kind}")


class FakeZoom:
    """Zoom over a dict of live plans; see the module docstring for its contract."""

    def __init__(
        self,
        plans: Mapping[str, Any],
        usage: Mapping[str, Any] | None = None,
        errors: Mapping[str, Exception] | None = None,
        *,
        names: Mapping[str, str] | None = None,
        listing_error: ZoomError | None = None,
        journal_path: Path | None = None,
        read_pause_s: float | None = None,
        contacts: Mapping[str, Mapping[str, str] | ZoomError] | None = None,
        renewals: list[AccountRenewal] | None = None,
    ) -> None:
        #: The renewals list's rows (GET /accounts/billing/renewals), or a ZoomError it raises.
        self.renewals: list[AccountRenewal] | ZoomError = list(renewals or [])
        self.plans: dict[str, Any] = {k: copy.deepcopy(v) for k, v in plans.items()}
        self.contacts = dict(contacts or {})
        self.usage = dict(usage or {})
        self.errors = dict(errors or {})
        self.names = dict(names or {})
        self.listing_error = listing_error
        #: When set, each write records the journal's last line at the moment of the call.
        self.journal_path = journal_path
        self.journal_last_line_at_write: list[dict[str, Any]] = []
        self.calls: list[tuple[str, str]] = []
        self.reads: list[str] = []
        self.writes: list[tuple[str, str, dict[str, Any]]] = []
        # Faults, keyed by (account id, op) for writes and by account id for reads.
        self.lose_after_apply: dict[tuple[str, str], int] = {}
        self.lose_before_apply: dict[tuple[str, str], int] = {}
        self.reject: dict[tuple[str, str], ZoomError] = {}
        self.stale_reads: dict[str, int] = {}
        self.snapshot: dict[str, dict[str, Any]] = {}  # the old state a stale read answers
        self.reads_left: dict[str, int] = {}  # reads that work before every read fails
        #: The pause in every write, and in every read (None: none; 0: a yield to other tasks).
        self.delay_s = 0.0
        self.read_pause_s = read_pause_s
        self.writes_in_flight = InFlight()
        self.reads_in_flight = InFlight()

    @property
    def max_active(self) -> int:
        """The most writes in flight at once."""
        return self.writes_in_flight.most

    @property
    def max_reads_in_flight(self) -> int:
        return self.reads_in_flight.most

    async def list_sub_accounts(self) -> list[SubAccount]:
        self.calls.append(("list_sub_accounts", ""))
        if self.listing_error is not None:
            raise self.listing_error
        ids = list(self.names) or [*self.plans, *(i for i in self.errors if i not in self.plans)]
        return [SubAccount(id=i, account_name=self.names.get(i, i)) for i in ids]

    async def get_billing(self, account_id: str) -> dict[str, Any]:
        self.calls.append(("get_billing", account_id))
        contact = self.contacts.get(account_id, {})
        if isinstance(contact, ZoomError):
            raise contact
        return dict(contact)

    async def get_plans(self, account_id: str) -> dict[str, Any]:
        self.calls.append(("get_plans", account_id))
        self.reads.append(account_id)
        if self.read_pause_s is not None:
            await self.reads_in_flight.pause(self.read_pause_s)
        path = f"/accounts/{account_id}/plans"
        if account_id in self.errors:
            raise self.errors[account_id]
        if account_id in self.reads_left:
            if self.reads_left[account_id] <= 0:
                raise NetworkError("connection refused", path=path)
            self.reads_left[account_id] -= 1
        if self.stale_reads.get(account_id, 0) > 0 and account_id in self.snapshot:
            self.stale_reads[account_id] -= 1
            return copy.deepcopy(self.snapshot[account_id])
        if account_id not in self.plans:
            raise AccountNotFound("Account does not exist", status=404, code=2001, path=path)
        return copy.deepcopy(self.plans[account_id])  # type: ignore[no-any-return]

    async def list_renewals(self, interval_days: int = 90) -> list[AccountRenewal]:
        self.calls.append(("list_renewals", str(interval_days)))
        if isinstance(self.renewals, ZoomError):
            raise self.renewals
        return list(self.renewals)

    async def get_usage(self, account_id: str) -> dict[str, Any]:
        self.calls.append(("get_usage", account_id))
        if account_id not in self.usage:
            raise AssertionError(f"usage of {account_id} was not wanted (the test gave none)")
        return self.usage[account_id]  # type: ignore[no-any-return]

    async def write(self, op: str, account_id: str, body: Mapping[str, Any]) -> FakeWrite:
        """The one write call of apply's `PlanWriter` seam."""
        if self.journal_path is not None:
            lines = self.journal_path.read_text().splitlines()
            self.journal_last_line_at_write.append(json.loads(lines[-1]))
        self.writes.append((str(op), account_id, copy.deepcopy(dict(body))))
        await self.writes_in_flight.pause(self.delay_s)
        key = (account_id, op)
        method, path = PATHS[op]
        facts = {"method": method, "path": path.format(id=account_id)}
        if key in self.reject:
            raise self.reject[key]
        if self.lose_before_apply.get(key, 0) > 0:
            self.lose_before_apply[key] -= 1
            raise AmbiguousWriteError("read timed out", **facts)
        self.snapshot.setdefault(account_id, copy.deepcopy(self.plans[account_id]))
        self._apply(Op(op), self.plans[account_id], body)
        if self.lose_after_apply.get(key, 0) > 0:
            self.lose_after_apply[key] -= 1
            raise AmbiguousWriteError("connection reset", status=None, **facts)
        return FakeWrite(201 if method == "POST" else 204, 12.5)

    @classmethod
    def _apply(cls, op: Op, live: dict[str, Any], body: Mapping[str, Any]) -> None:
        match op:
            case Op.SUBSCRIBE:
                live.clear()
                live.update({k: copy.deepcopy(v) for k, v in body.items() if k != "contact"})
                live["plan_base"]["status"] = "active"
            case Op.UPDATE_BASE:
                live["plan_base"]["hosts"] = body["hosts"]
            case Op.ADD_ADDON:
                cls._add(live, body)
            case Op.UPDATE_ADDON:
                cls._find(live, body["type"])["hosts"] = body["hosts"]
            case Op.CANCEL_ADDON:
                if live.get("plan_recording") == body["type"]:
                    live["plan_recording_status"] = "cancelled"
                else:
                    cls._find(live, body["type"])["status"] = "cancelled"
            case Op.CANCEL_BASE:
                live["plan_base"]["status"] = "cancelled"
            case _:
                raise AssertionError(f"the fake does not apply {op} yet")

    @staticmethod
    def _add(live: dict[str, Any], body: Mapping[str, Any]) -> None:
        kind = body["type"]
        if kind.startswith("cmr"):
            live["plan_recording"] = kind
            live["plan_recording_status"] = "active"
            return
        entry = {**body, "status": "active"}
        group = _group_of(kind)
        if group in ("plan_webinar", "plan_large_meeting"):
            items = [e for e in live.get(group, []) if e["type"] != kind]
            live[group] = [*items, entry]
        else:
            live[group] = entry

    @staticmethod
    def _find(live: dict[str, Any], kind: str) -> dict[str, Any]:
        group = live[_group_of(kind)]
        for entry in group if isinstance(group, list) else [group]:
            if entry["type"] == kind:
                return entry  # type: ignore[no-any-return]
        raise AssertionError(f"no {kind}")

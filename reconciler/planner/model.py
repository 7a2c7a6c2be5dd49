"""The plan as data: frozen model, its versioned JSON form (SPEC section 7), hashes and expiry.

The planner builds a `Plan`; renderers and apply only read it. The JSON form is pinned for CI
scripts and for `apply --plan`, so `to_json`/`from_json` round-trip exactly and refuse a file of
an unknown `format_version`. Safety that belongs to the plan itself (too many accounts changed,
expiry) lives here too, raised as named errors carrying the measured facts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, Literal

from reconciler.groups.canonical import canonical_sha256
from reconciler.groups.operations import Op, spec_of
from reconciler.planner.calls import OPS
from reconciler.planner.field_change import FieldChange as FieldChange
from reconciler.planner.findings import BlockedItem as BlockedItem
from reconciler.planner.findings import UnmanagedItem as UnmanagedItem
from reconciler.planner.header import GitState, Setting, provenance_lines
from reconciler.planner.options import PlanOptions as PlanOptions
from reconciler.planner.plan_schema import schema_problems
from reconciler.planner.provenance import DEFAULT_TTL as DEFAULT_TTL
from reconciler.planner.renewal_record import Renewal, RenewalReading
from reconciler.pricing.money import Cost, CostTotals

FORMAT_VERSION = 1

AccountStatus = Literal["in_sync", "changes", "blocked", "error"]


class PlanFormatError(ValueError):
    """A plan file this version cannot read: unknown format_version or a broken structure."""


@dataclass(frozen=True, kw_only=True)
class Action:
    """One API call, exactly as apply will send it, with the fields it changes."""

    op: str
    klass: str
    method: str
    path: str
    body: dict[str, Any]
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    group: str | None = None
    cost: Cost | None = None  # None: no price list was given; else known or unknown
    #: The journal holds this write as sent and not yet shown by Zoom (intent_id, run_id,
    #: sent_at, outcome): apply never sends it again, and it is not a new purchase.
    in_flight: dict[str, Any] | None = None
    #: The fields this call changes (reconciler.planner.changes); None only in a plan file
    #: written before plans recorded them (format_version 1 keeps reading those).
    changes: tuple[FieldChange, ...] | None = None
    #: Why its timing near the account's renewal deserves a look (planner/renewals.py).
    renewal_notice: str | None = None

    @classmethod
    def for_call(
        cls, op: Op, account_id: str, *, increase: bool = True, body: dict[str, Any], **rest: Any
    ) -> Action:
        """The action of `op` on one account: its method, path and change class (by whether it
        raises seats or lowers them) come from the op table, never spelled at the call site."""
        spec = spec_of(op)
        method, path = spec.call(account_id)
        klass = spec.step(increase=increase).klass
        return cls(op=spec.op.value, klass=klass, method=method, path=path, body=body, **rest)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "op": self.op,
            "class": self.klass,
            "method": self.method,
            "path": self.path,
            "body": self.body,
            "before": self.before,
            "after": self.after,
            "group": self.group,
            "cost": None if self.cost is None else self.cost.to_json(),
        }
        if self.in_flight is not None:  # optional: plans without it read as before
            data["in_flight"] = dict(self.in_flight)
        if self.changes is not None:
            data["changes"] = [change.to_json() for change in self.changes]
        if self.renewal_notice is not None:
            data["renewal_notice"] = self.renewal_notice
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Action:
        changes = data.get("changes")
        return cls(
            op=data["op"],
            klass=data["class"],
            method=data["method"],
            path=data["path"],
            body=dict(data["body"]),
            before=data.get("before"),
            after=data.get("after"),
            group=data.get("group"),
            cost=Cost.from_json(data.get("cost")),
            in_flight=dict(data["in_flight"]) if data.get("in_flight") else None,
            changes=None if changes is None else tuple(FieldChange.from_json(c) for c in changes),
            renewal_notice=data.get("renewal_notice"),
        )


@dataclass(frozen=True, kw_only=True)
class AccountPlan:
    """What one sub-account needs; `actions` are in the order they must be sent."""

    account_id: str
    source: str | None
    status: AccountStatus
    live_sha256: str | None
    actions: tuple[Action, ...] = ()
    blocked: tuple[BlockedItem, ...] = ()
    unmanaged: tuple[UnmanagedItem, ...] = ()
    error: str | None = None
    name: str | None = None
    usage_read: bool = False  # GET /plans/usage (a Heavy call) was read to plan a decrease
    #: (field, `file:line`) of the billing contact a subscribe sends: shown to the reviewer.
    contact_from: tuple[tuple[str, str], ...] = ()
    error_code: str | None = None  # a stable code for an error status (`ambiguous_entries`)
    #: The normalised live plans `live_sha256` hashes, kept for accounts with calls, so a stale
    #: account's message can list the fields that changed since (planner/live_diff.py).
    live: Mapping[str, Any] | None = field(default=None, hash=False)
    #: Its next renewal, when the renewals list names the account (planner/renewals.py).
    renewal: Renewal | None = None

    @property
    def awaiting_zoom(self) -> bool:
        """A call of this account is in flight: apply sends nothing to it (its later calls may
        depend on that one), so none of its calls is pending."""
        return any(action.in_flight for action in self.actions)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "account_id": self.account_id,
            "name": self.name,
            "source": self.source,
            "status": self.status,
            "live_sha256": self.live_sha256,
            "actions": [a.to_json() for a in self.actions],
            "blocked": [b.to_json() for b in self.blocked],
            "unmanaged": [u.to_json() for u in self.unmanaged],
            "error": self.error,
            "usage_read": self.usage_read,
            "error_code": self.error_code,
            "renewal": None if self.renewal is None else self.renewal.to_json(),
        }
        if self.contact_from:
            data["contact_from"] = dict(self.contact_from)
        if self.live is not None:
            data["live"] = self.live
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> AccountPlan:
        return cls(
            account_id=data["account_id"],
            name=data.get("name"),
            source=data.get("source"),
            status=data["status"],
            live_sha256=data.get("live_sha256"),
            actions=tuple(Action.from_json(a) for a in data.get("actions", [])),
            blocked=tuple(BlockedItem.from_json(b) for b in data.get("blocked", [])),
            unmanaged=tuple(UnmanagedItem.from_json(u) for u in data.get("unmanaged", [])),
            error=data.get("error"),
            usage_read=bool(data.get("usage_read", False)),
            contact_from=tuple(
                (str(name), str(where)) for name, where in (data.get("contact_from") or {}).items()
            ),
            error_code=data.get("error_code"),
            live=data["live"] if isinstance(data.get("live"), Mapping) else None,
            renewal=Renewal.from_json(data.get("renewal")),
        )


@dataclass(frozen=True, kw_only=True)
class Plan:
    """A whole run: every selected account, in account_id order, plus provenance and expiry."""

    created_at: datetime
    expires_at: datetime
    git_commit: str | None
    desired_sha256: str
    options: PlanOptions = field(default_factory=PlanOptions)
    accounts: tuple[AccountPlan, ...] = ()
    format_version: int = FORMAT_VERSION
    #: A file read differs from git_commit or is untracked (None: not in git); the paths.
    git_dirty: bool | None = None
    git_changed_files: tuple[str, ...] = ()
    #: Every setting that differs from its default, with its origin (planner/header.py).
    settings: tuple[Setting, ...] = ()
    #: Whether the renewals list was read (None: a plan made without reading it).
    renewals: RenewalReading | None = None

    def with_provenance(self, git: GitState, settings: tuple[Setting, ...]) -> Plan:
        """This plan with the git tree's state and the settings it was made with."""
        return replace(
            self,
            git_commit=git.commit,
            git_dirty=git.dirty,
            git_changed_files=git.changed_files,
            settings=settings,
        )

    def header_lines(self) -> list[str]:
        """The sentences every format shows near the top: uncommitted changes, settings."""
        git = GitState(self.git_commit, self.git_dirty, self.git_changed_files)
        return provenance_lines(git, self.settings)

    def renewals_by_account(self) -> dict[str, Renewal]:
        """Each account's renewal as this plan read it (apply's re-plans date removals by it)."""
        return {a.account_id: a.renewal for a in self.accounts if a.renewal is not None}

    def by_status(self, status: str) -> list[AccountPlan]:
        return [a for a in self.accounts if a.status == status]

    @property
    def pending(self) -> bool:
        """True when apply would send at least one call (an action in flight is not sent)."""
        return bool(self.sent_actions())

    def in_flight_actions(self) -> list[Action]:
        """Actions of `changes` accounts whose write the journal holds as awaiting Zoom."""
        return [a for acc in self.by_status("changes") for a in acc.actions if a.in_flight]

    @property
    def failed(self) -> bool:
        """True when some account is blocked or could not be read: `plan` exits 1."""
        return any(a.status in ("blocked", "error") for a in self.accounts)

    def summary(self) -> dict[str, Any]:
        """Counts per status, per op, Heavy calls and cost over the accounts apply would change."""
        ops = dict.fromkeys(OPS, 0)
        for action in self.sent_actions():
            ops[action.op] = ops.get(action.op, 0) + 1
        totals = self.cost_totals()
        in_flight = len(self.in_flight_actions())
        return {
            "accounts": len(self.accounts),
            "in_sync": len(self.by_status("in_sync")),
            "changes": len(self.by_status("changes")),
            "blocked": len(self.by_status("blocked")),
            "errors": len(self.by_status("error")),
            "actions": ops,
            "heavy_calls": self.heavy_calls(),
            "cost": None if totals is None else totals.to_json(),
            **({"in_flight": in_flight} if in_flight else {}),
        }

    def sent_actions(self) -> list[Action]:
        """The calls apply would send: those of `changes` accounts not awaiting Zoom."""
        return [
            action
            for account in self.by_status("changes")
            if not account.awaiting_zoom
            for action in account.actions
        ]

    def heavy_calls(self) -> int:
        """Heavy calls this plan needs: every write, plus each usage read made to plan it."""
        return len(self.sent_actions()) + sum(1 for a in self.accounts if a.usage_read)

    def cost_totals(self) -> CostTotals | None:
        """Monthly cost change per currency of the calls apply would send; None if unpriced."""
        if self.options.prices is None:
            return None
        return CostTotals.of(a.cost for a in self.sent_actions())

    @property
    def plan_sha256(self) -> str:
        """sha256 of the canonical calls (account, op, method, path, body, in plan order) and
        the options: what a reviewer approves. Every format shows it, apply prints it and
        ``apply --expect-sha256`` holds apply to it, so an edited call or opt-in shows."""
        calls = [
            [account.account_id, action.op, action.method, action.path, action.body]
            for account in self.accounts
            for action in account.actions
        ]
        return canonical_sha256({"calls": calls, "options": self.options.to_json()})

    def is_expired(self, now: datetime | None = None) -> bool:
        """Past `expires_at`: apply --plan refuses it (the live plans may have moved since)."""
        return (now or datetime.now(UTC)) >= self.expires_at

    def to_json(self) -> dict[str, Any]:
        return {
            "format_version": self.format_version,
            "created_at": _iso(self.created_at),
            "expires_at": _iso(self.expires_at),
            "ttl_seconds": int((self.expires_at - self.created_at).total_seconds()),
            "git_commit": self.git_commit,
            "git_dirty": self.git_dirty,
            "git_changed_files": list(self.git_changed_files),
            "settings": [setting.to_json() for setting in self.settings],
            "desired_sha256": self.desired_sha256,
            "plan_sha256": self.plan_sha256,
            "options": self.options.to_json(),
            "accounts": [a.to_json() for a in self.accounts],
            "renewals": None if self.renewals is None else self.renewals.to_json(),
            "summary": self.summary(),
        }

    @classmethod
    def from_json(cls, data: Any) -> Plan:
        """Read a plan file's JSON; PlanFormatError says what is wrong, never a KeyError."""
        if not isinstance(data, Mapping):
            raise PlanFormatError("a plan file must hold a JSON object")
        version = data.get("format_version")
        if version != FORMAT_VERSION:
            raise PlanFormatError(
                f"plan format_version {version!r} is not supported (this zoomplans reads "
                f"format_version {FORMAT_VERSION}); make the plan again with this version"
            )
        problems = schema_problems(data)
        if problems:
            raise PlanFormatError("not a valid plan file: " + "; ".join(problems[:5]))
        try:
            return cls(
                format_version=version,
                created_at=_parse_iso(data["created_at"]),
                expires_at=_parse_iso(data["expires_at"]),
                git_commit=data.get("git_commit"),
                desired_sha256=data["desired_sha256"],
                options=PlanOptions.from_json(data.get("options") or {}),
                accounts=tuple(AccountPlan.from_json(a) for a in data["accounts"]),
                git_dirty=data.get("git_dirty"),
                git_changed_files=tuple(data.get("git_changed_files") or ()),
                settings=tuple(Setting.from_json(s) for s in data.get("settings") or ()),
                renewals=RenewalReading.from_json(data.get("renewals")),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise PlanFormatError(f"not a valid plan file: {exc}") from None


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _parse_iso(text: str) -> datetime:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError(f"timestamp without a time zone: {text}")
    return moment

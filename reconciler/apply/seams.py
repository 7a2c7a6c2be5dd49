"""What apply works with: the client calls it makes, the hooks a run plugs in, its timing.

Kept apart from the executor so the seams are readable in one place: ``PlanWriter`` is the part
of ``reconciler.zoom.ZoomClient`` apply uses (tests hand in a tiny fake with the same calls);
``Converged`` and ``Confirm`` are how a run verifies an account and proves a saved plan.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from reconciler.apply.in_flight import InFlightRules
from reconciler.apply.preflight import PlannedAccount
from reconciler.apply.reading import LivePlansDict
from reconciler.apply.report import AccountState

Fingerprint = Callable[[LivePlansDict], str]
Converged = Callable[[PlannedAccount, LivePlansDict], bool]
#: Before the first write: None when the saved actions are confirmed, else the account's
#: state (``mismatch`` or ``blocked``) and why.
Confirm = Callable[[PlannedAccount, LivePlansDict], Awaitable[tuple[AccountState, str] | None]]
Progress = Callable[[str], None]


class WriteOutcome(Protocol):
    """``reconciler.zoom.WriteResult`` as apply reads it."""

    @property
    def status(self) -> int: ...
    @property
    def duration_ms(self) -> float: ...


class PlanWriter(Protocol):
    """The calls of ``reconciler.zoom.ZoomClient`` that apply makes (a fake has the same)."""

    async def get_plans(self, account_id: str) -> dict[str, Any]: ...
    async def subscribe(self, account_id: str, body: Mapping[str, Any]) -> WriteOutcome: ...
    async def update_base(self, account_id: str, body: Mapping[str, Any]) -> WriteOutcome: ...
    async def add_addon(self, account_id: str, body: Mapping[str, Any]) -> WriteOutcome: ...
    async def update_addon(self, account_id: str, body: Mapping[str, Any]) -> WriteOutcome: ...
    async def cancel_addon(self, account_id: str, body: Mapping[str, Any]) -> WriteOutcome: ...
    async def cancel_base(self, account_id: str, body: Mapping[str, Any]) -> WriteOutcome: ...


@dataclass(frozen=True)
class ApplySettings:
    """Timing knobs; the defaults suit Zoom, tests shrink them."""

    parallelism: int = 16
    #: After a POST/PATCH whose answer was lost (or a 5xx), reading back with patience gives up
    #: after this long: the call is then journaled ``unknown`` and never resent in this run.
    settle_timeout_s: float = 60.0
    #: Reading after an account's calls until it has converged gives up after this long.
    verify_timeout_s: float = 5.0
    #: The first pause between reads; each next pause is twice as long.
    first_pause_s: float = 0.25
    #: How far back the journal is searched for earlier purchases, and the minimum age before
    #: a write in doubt may be sent again (``reconciler.apply.in_flight``).
    rules: InFlightRules = field(default_factory=InFlightRules)
    #: How long to wait for another apply holding the journal's lock (0: fail at once).
    lock_timeout_s: float = 0.0

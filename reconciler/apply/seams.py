"""What apply works with: the client calls it makes, the hooks a run plugs in, its timing.

Kept apart from the executor so the seams are readable in one place: ``PlanWriter`` is the part
of ``reconciler.zoom.ZoomClient`` apply uses (tests hand in a tiny fake with the same calls);
``Converged`` and ``Confirm`` are how a run verifies an account and proves a saved plan. Each
is a Protocol whose docstring is its contract: what an implementation must do and must not.
"""

from __future__ import annotations

from collections.abc import Awaitable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from reconciler.apply.in_flight import InFlightRules

if TYPE_CHECKING:  # annotations only: `plan` builds ApplySettings before its first read
    from reconciler.apply.reading import LivePlansDict
    from reconciler.apply.report import AccountState
    from reconciler.groups.operations import Op
    from reconciler.planner.model import AccountPlan


class Fingerprint(Protocol):
    """The compare-and-swap hash of a raw GET /plans answer.

    Must be a pure function of the answer's meaning: equal for two reads that show the same
    plans (dates and invoice fields left out), different for any change a call could make, and
    the same function that wrote ``live_sha256`` into the plan
    (``reconciler.planner.fingerprints.live_fingerprint``): a mismatch stops the account before
    anything is sent to it.
    """

    def __call__(self, live: LivePlansDict, /) -> str: ...


class Converged(Protocol):
    """Has the account reached what the plan asked for, in this fresh read?

    Called after the account's calls, again on every read until it says yes or the verify time
    runs out (Zoom's reads trail its writes). It only reads: it sends nothing and must not
    raise for an answer it cannot explain (that is "not yet", False). The default is
    ``reconciler.apply.effects.all_calls_visible``; a saved plan's run plans the account again
    (``reconciler.apply.replan.replan_converged``).
    """

    def __call__(self, account: AccountPlan, live: LivePlansDict, /) -> bool: ...


class Confirm(Protocol):
    """Before an account's first write: are its saved actions still the right ones?

    Returns None when they are (the calls are sent), else the account's state (``mismatch``
    or ``blocked``) and a sentence saying why, and then nothing is sent to the account. It may
    read (usage, for a decrease) but never writes, and it is awaited once per account.
    """

    def __call__(
        self, account: AccountPlan, live: LivePlansDict, /
    ) -> Awaitable[tuple[AccountState, str] | None]: ...


class Progress(Protocol):
    """Where a run says what it is doing, one line at a time (a terminal, a log, a list).

    Called from the event loop between calls: it must return at once, never raise, and never
    be handed a secret (the lines name accounts, ops, paths and Zoom's messages).
    """

    def __call__(self, line: str, /) -> None: ...


class WriteOutcome(Protocol):
    """``reconciler.zoom.WriteResult`` as apply reads it."""

    @property
    def status(self) -> int: ...
    @property
    def duration_ms(self) -> float: ...


class PlanWriter(Protocol):
    """The calls of ``reconciler.zoom.ZoomClient`` that apply makes (a test fake has the same).

    The contract a writer keeps, which the executor relies on for never paying twice:

    - ``get_plans`` returns the raw GET /accounts/{id}/plans answer (a dict), or raises a
      ``ZoomError``; it changes nothing.
    - ``write`` sends ``body`` unchanged as the op table's method and path for ``op`` on
      ``account_id`` (``reconciler.groups.operations``), exactly once: it never retries a POST
      or PATCH itself. It returns the answer's status and duration when Zoom accepted the call;
      it raises ``AmbiguousWriteError`` when the call may or may not have happened (a timeout, a
      reset, a 5xx), which the executor then reads back and never resends in the run, and any
      other ``ZoomError`` when Zoom refused it (nothing happened).
    - ``get_billing`` returns the raw GET /accounts/{id}/billing answer; it is called only to
      verify an ``update_contact`` call (a plan without one never reads it).
    """

    async def get_plans(self, account_id: str) -> dict[str, Any]: ...
    async def get_billing(self, account_id: str) -> dict[str, Any]: ...
    async def write(self, op: Op, account_id: str, body: Mapping[str, Any]) -> WriteOutcome: ...


@dataclass(frozen=True)
class ApplySettings:
    """Timing knobs; the defaults suit Zoom, tests shrink them."""

    parallelism: int = 16
    #: After a POST/PATCH whose answer was lost (or a 5xx), reading back with patience gives up
    #: after this long: the call is then journaled ``unknown`` and never resent in this run.
    settle_timeout_s: float = 60.0
    #: Reading after an account's calls until it has converged gives up after this long.
    verify_timeout_s: float = 5.0
    #: The read a plan was made or proved from serves as an account's compare-and-swap read
    #: for this long; an older one is read again (``reconciler.apply.recent_reads``).
    reuse_read_s: float = 60.0
    #: The first pause between reads; each next pause is twice as long.
    first_pause_s: float = 0.25
    #: How far back the journal is searched for earlier purchases, and the minimum age before
    #: a write in doubt may be sent again (``reconciler.apply.in_flight``).
    rules: InFlightRules = field(default_factory=InFlightRules)
    #: How long to wait for another apply holding the journal's lock (0: fail at once).
    lock_timeout_s: float = 0.0

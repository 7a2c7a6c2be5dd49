"""What `plan` and `apply` are asked to do, as frozen values the command line builds once.

The opt-ins travel as one set of :class:`OptIn` (never as loose booleans appended to
signatures) and the limits as typed :class:`Limits`, so a new opt-in or limit is one member
here, not a new parameter in four functions.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import timedelta
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reconciler.apply.journal import DEFAULT_JOURNAL_PATH
from reconciler.apply.seams import ApplySettings
from reconciler.guards.project import plan_types_allowed
from reconciler.planner.options import PlanOptions
from reconciler.planner.provenance import DEFAULT_TTL
from reconciler.planner.renewals import DEFAULT_NOTICE_DAYS
from reconciler.zoom.config import ZoomConfig

if TYPE_CHECKING:  # annotations only: a request is built before `plan`'s first read
    from reconciler.apply.journal_store import JournalTarget
    from reconciler.guards.money_limits import MonthlyLimit
    from reconciler.guards.project import ProjectConfig
    from reconciler.planner.header import Setting
    from reconciler.pricing.prices import PriceList

#: How old a saved plan apply accepts, counted from its created_at (``--max-plan-age``).
DEFAULT_MAX_PLAN_AGE = timedelta(hours=24)


class OptIn(StrEnum):
    """An opt-in to a kind of call that removes something; the value is its flag."""

    ALLOW_DECREASE = "--allow-decrease"
    ALLOW_CANCEL = "--allow-cancel"
    ALLOW_CANCEL_BASE = "--allow-cancel-base"
    #: Not a removal of its own, but it changes the calls (dates in their bodies): a saved
    #: plan made with it is applied only with it, like the opt-ins above.
    AT_RENEWAL = "--at-renewal"

    @property
    def option(self) -> str:
        """Its field in ``PlanOptions`` (``allow_cancel``)."""
        return self.value.removeprefix("--").replace("-", "_")


OptIns = frozenset[OptIn]


def opt_ins_of(options: PlanOptions) -> OptIns:
    """The opt-ins a plan's options record."""
    return frozenset(opt_in for opt_in in OptIn if getattr(options, opt_in.option))


def opt_in_options(opt_ins: OptIns) -> PlanOptions:
    """Plan options recording ``opt_ins`` and nothing else (:func:`opt_ins_of` reads them
    back; a test holds the two to every OptIn). Field by field, so the types are checked."""
    return PlanOptions(
        allow_decrease=OptIn.ALLOW_DECREASE in opt_ins,
        allow_cancel=OptIn.ALLOW_CANCEL in opt_ins,
        allow_cancel_base=OptIn.ALLOW_CANCEL_BASE in opt_ins,
        at_renewal=OptIn.AT_RENEWAL in opt_ins,
    )


@dataclass(frozen=True, kw_only=True)
class Limits:
    """The guard-rail limits given on the command line (None: not given, so zoomplans.yaml's
    value or the built-in default applies)."""

    max_accounts_changed: int | None = None
    max_seats_removed: int | None = None
    #: One per currency (``500USD``), or a bare amount for the price list's one currency.
    max_monthly_increase: tuple[MonthlyLimit, ...] = ()
    #: ``--require-prices``: a call of unknown cost refuses the plan.
    require_prices: bool = False

    def by_name(self) -> dict[str, Any]:
        """As ``reconciler.guards.thresholds.with_limits`` reads them (None: not given)."""
        return {
            "max_accounts_changed": self.max_accounts_changed,
            "max_seats_removed": self.max_seats_removed,
            "max_monthly_increase": self.max_monthly_increase,
            "require_prices": self.require_prices or None,
        }


@dataclass(frozen=True, kw_only=True)
class Selection:
    """Which desired files, and which of their accounts (``--account``, ``--select``)."""

    paths: tuple[str, ...] = ("accounts/",)
    account_ids: tuple[str, ...] = ()
    selectors: tuple[str, ...] = ()
    extends_root: str | None = None


@dataclass(frozen=True, kw_only=True)
class Guards:
    """The opt-ins, the limits, and the project file and price list they are read with."""

    opt_ins: OptIns = frozenset()
    limits: Limits = field(default_factory=Limits)
    project: ProjectConfig | None = None
    prices: PriceList | None = None
    #: --daily-heavy-budget (None: zoomplans.yaml's, else Zoom's cap for the rate tier).
    daily_heavy_budget: int | None = None
    #: --renewal-notice-days: a display threshold only (a removal this close before a
    #: renewal is flagged); it never allows or blocks a call.
    renewal_notice_days: int = DEFAULT_NOTICE_DAYS

    def plan_options(self, selection: Selection) -> PlanOptions:
        """The options before limits: opt-ins and selection (``with_limits`` adds the rest)."""
        return replace(
            opt_in_options(self.opt_ins),
            accounts=selection.account_ids,
            select=selection.selectors,
            extra_plan_types=plan_types_allowed(self.project),
        )


@dataclass(frozen=True, kw_only=True)
class SavedPlanRequest:
    """``apply --plan FILE``: the file, and what apply holds it to."""

    path: Path
    #: ``--expect-sha256``: the plan_sha256 the reviewer approved.
    expect_sha256: str | None = None
    #: ``--max-plan-age``: created_at + this is the latest moment the plan may be applied.
    max_age: timedelta = DEFAULT_MAX_PLAN_AGE


@dataclass(frozen=True, kw_only=True)
class ApplyRequest:
    """Everything one `zoomplans apply` run was asked for."""

    selection: Selection = field(default_factory=Selection)
    guards: Guards = field(default_factory=Guards)
    saved: SavedPlanRequest | None = None
    journal_path: JournalTarget = DEFAULT_JOURNAL_PATH
    #: False only with --no-journal-lock: apply where the journal cannot be locked.
    journal_lock: bool = True
    #: Parallelism, timeouts and the journal's in-flight rules.
    settings: ApplySettings = field(default_factory=ApplySettings)
    auto_approve: bool = False
    #: Whether a person can answer the confirmation (stdin is a terminal).
    interactive: bool = False
    zoom: ZoomConfig = field(default_factory=ZoomConfig)
    #: Every setting off its default, with its origin, for the plan header (planner/header.py).
    shown_settings: tuple[Setting, ...] = ()
    #: `--allow-dirty`, and whether CI=true: apply in CI runs only committed files.
    allow_dirty: bool = False
    in_ci: bool = False


@dataclass(frozen=True, kw_only=True)
class PlanRequest:
    """Everything one `zoomplans plan` run was asked for (what to print is the command's)."""

    selection: Selection = field(default_factory=Selection)
    guards: Guards = field(default_factory=Guards)
    ttl: timedelta = DEFAULT_TTL
    journal_path: JournalTarget = DEFAULT_JOURNAL_PATH
    settings: ApplySettings = field(default_factory=ApplySettings)
    zoom: ZoomConfig = field(default_factory=ZoomConfig)
    #: Every setting off its default, with its origin, for the plan header (planner/header.py).
    shown_settings: tuple[Setting, ...] = ()

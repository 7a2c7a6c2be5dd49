"""Guard rails: a plan bigger than intended is refused, and says by how much and how to accept it.

octoDNS style: the plan knows when it is unsafe. Three thresholds (accounts changed, seats
removed, gross monthly cost increase) each raise a named exception carrying the measured value,
the limit, where the limit came from and the one flag that accepts it. A flag acknowledges only its
own threshold: there is no global --force. `plan` exits 1 and `apply` sends nothing while any
threshold trips. The daily Heavy-call budget is checked the same way before apply sends
(`reconciler.apply.budget`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from decimal import Decimal
from typing import Any

from reconciler.groups.operations import Effect, spec_of
from reconciler.guards.project import ProjectConfig
from reconciler.planner.model import Plan, PlanOptions
from reconciler.pricing.money import format_money, to_cents

#: Without prices nothing can be measured in money; with them, this much per month per currency.
DEFAULT_MAX_MONTHLY_INCREASE = Decimal("5000")
#: A typo that removes more seats than this must be acknowledged.
DEFAULT_MAX_SEATS_REMOVED = 100

FLAGS = {
    "max_accounts_changed": "--max-accounts-changed",
    "max_seats_removed": "--max-seats-removed",
    "max_monthly_increase": "--max-monthly-increase",
}
FLAG_SOURCE, PROJECT_SOURCE, DEFAULT_SOURCE = "flag", "project", "default"


class GuardRailTripped(Exception):
    """A threshold the plan is over; the message names measured value, limit and flag."""

    threshold = ""

    def __init__(self, what: str, measured: Any, limit: Any, source: str, accept: str) -> None:
        self.measured = measured
        self.limit = limit
        self.source = source
        flag = FLAGS[self.threshold]
        where = {
            FLAG_SOURCE: "set on the command line",
            DEFAULT_SOURCE: "built-in default",
        }.get(source, f"{self.threshold} in {source}")
        super().__init__(
            f"{what}, more than {flag} {limit} ({where}); re-run with {flag} {accept} to accept"
        )


class AccountsChangedOverLimit(GuardRailTripped):
    """More accounts change than --max-accounts-changed allows."""

    threshold = "max_accounts_changed"


class TooManySeatsRemoved(GuardRailTripped):
    """Seat decreases and cancellations remove more seats than --max-seats-removed allows."""

    threshold = "max_seats_removed"


class MonthlyIncreaseOverLimit(GuardRailTripped):
    """The plan's gross increase (in one currency) is over --max-monthly-increase.

    Gross, not net: every call that costs more is added up and savings are not subtracted, so
    +9,000 of new seats cannot hide behind -5,000 of cancellations. The message shows both.
    """

    threshold = "max_monthly_increase"


class MoneyLimitWithoutPrices(ValueError):
    """A monthly-increase limit was asked for, but no price list says what anything costs."""

    def __init__(self, source: str) -> None:
        super().__init__(
            f"a monthly-increase limit ({source}) needs a price list to measure anything: give "
            "--prices FILE or `prices:` in zoomplans.yaml, or remove the limit"
        )


def seats_removed(plan: Plan) -> int:
    """Seats apply would take away: each decrease's drop plus each cancelled add-on's hosts
    and a cancelled base plan's hosts."""
    removed = 0
    for action in plan.sent_actions():
        before = (action.before or {}).get("hosts")
        after = (action.after or {}).get("hosts")
        if not isinstance(before, int) or isinstance(before, bool):
            continue
        if action.klass == "seat_decrease" and isinstance(after, int):
            removed += before - after
        elif spec_of(action.op).effect is Effect.END:
            removed += before
    return removed


def _source(options: PlanOptions, name: str) -> str:
    return dict(options.limit_sources).get(name, FLAG_SOURCE)


def tripped_guard_rails(plan: Plan) -> list[GuardRailTripped]:
    """Every threshold the plan is over, in a stable order (empty when it is safe)."""
    options = plan.options
    tripped: list[GuardRailTripped] = []
    changed = len(plan.by_status("changes"))
    limit = options.max_accounts_changed
    if limit is not None and changed > limit:
        tripped.append(
            AccountsChangedOverLimit(
                f"the plan changes {changed} accounts",
                changed,
                limit,
                _source(options, "max_accounts_changed"),
                str(changed),
            )
        )
    removed = seats_removed(plan)
    limit = options.max_seats_removed
    if limit is not None and removed > limit:
        tripped.append(
            TooManySeatsRemoved(
                f"the plan removes {removed} seats",
                removed,
                limit,
                _source(options, "max_seats_removed"),
                str(removed),
            )
        )
    money = options.max_monthly_increase
    totals = plan.cost_totals()
    if money is not None and totals is not None:
        for currency, gross in totals.increases:
            if gross > money:
                net = format_money(totals.increase(currency), currency)
                tripped.append(
                    MonthlyIncreaseOverLimit(
                        f"the plan's gross increase is {format_money(gross, currency)}/month in "
                        f"{currency} (every increase added up, savings not subtracted; net "
                        f"{net}/month)",
                        gross,
                        to_cents(money),
                        _source(options, "max_monthly_increase"),
                        str(to_cents(gross)),
                    )
                )
    return tripped


def unpriced_warning(plan: Plan) -> str | None:
    """A money limit cannot see calls of unknown cost: say so, and what would make them known
    (a price for the types named, or one currency for a subscription's plans)."""
    totals = plan.cost_totals()
    if totals is None or not totals.unknown or plan.options.max_monthly_increase is None:
        return None
    notes = []
    if totals.unpriced:
        types = f" ({', '.join(totals.unknown_types)})" if totals.unknown_types else ""
        notes.append(
            f"{totals.unpriced} call(s) have no known cost{types}; --max-monthly-increase "
            "counts only priced calls: add their prices to the price list"
        )
    if totals.several_currencies:
        notes.append(
            f"{totals.several_currencies} subscription(s) buy plans priced in several "
            "currencies, which are not added together; --max-monthly-increase does not count "
            "them: price the plans one subscription buys in one currency"
        )
    return "; ".join(notes)


def with_limits(
    options: PlanOptions,
    flags: Mapping[str, Any],
    project: ProjectConfig | None,
    *,
    priced: bool,
) -> PlanOptions:
    """The options with each threshold from its flag, else zoomplans.yaml, else the default.

    `flags` maps threshold names to the values given on the command line (None: not given).
    """
    defaults: dict[str, Any] = {
        "max_accounts_changed": None,
        "max_seats_removed": DEFAULT_MAX_SEATS_REMOVED,
        "max_monthly_increase": DEFAULT_MAX_MONTHLY_INCREASE if priced else None,
    }
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    if not priced and flags.get("max_monthly_increase") is not None:
        raise MoneyLimitWithoutPrices("--max-monthly-increase")
    if not priced and project is not None and project.max_monthly_increase is not None:
        raise MoneyLimitWithoutPrices(f"max_monthly_increase in {project.source}")
    for name, default in defaults.items():
        given = flags.get(name)
        configured = getattr(project, name) if project is not None else None
        if given is not None:
            values[name], sources[name] = given, FLAG_SOURCE
        elif configured is not None:
            values[name], sources[name] = configured, project.source if project else PROJECT_SOURCE
        elif default is not None:
            values[name], sources[name] = default, DEFAULT_SOURCE
        else:
            values[name] = None
    return replace(options, **values, limit_sources=tuple(sorted(sources.items())))


def with_apply_flags(options: PlanOptions, flags: Mapping[str, Any]) -> PlanOptions:
    """A saved plan's recorded limits, with the ones apply was given in their place.

    A flag given to apply is an explicit acknowledgement of its own threshold only.
    """
    given = {name: value for name, value in flags.items() if value is not None}
    if options.prices is None and "max_monthly_increase" in given:
        raise MoneyLimitWithoutPrices("--max-monthly-increase; the plan file has no costs")
    if not given:
        return options
    sources = dict(options.limit_sources) | dict.fromkeys(given, FLAG_SOURCE)
    return replace(options, **given, limit_sources=tuple(sorted(sources.items())))

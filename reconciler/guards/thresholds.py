"""Guard rails: a plan bigger than intended is refused, and says by how much and how to accept it.

octoDNS style: the plan knows when it is unsafe. Three thresholds (accounts changed, seats
removed, gross monthly cost increase per currency) each raise a named exception carrying the
measured value, the limit, where the limit came from and the one flag that accepts it; with
--require-prices a call of unknown cost is refused too. A flag acknowledges only its own
threshold (and a money limit only its own currency): there is no global --force. `plan` exits 1
and `apply` sends nothing while any threshold trips. The daily Heavy-call budget is checked the
same way before apply sends (`reconciler.apply.budget`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from reconciler.groups.operations import Effect, spec_of
from reconciler.guards.money_limits import (
    DEFAULT_CURRENCY,
    FLAG,
    MonthlyLimit,
    bind,
    default_limit,
)
from reconciler.guards.project import ProjectConfig
from reconciler.pricing.money import format_money

if TYPE_CHECKING:
    from reconciler.planner.model import Plan, PlanOptions
    from reconciler.pricing.prices import PriceList

#: Without prices nothing can be measured in money; with them, this much per month in USD (any
#: other currency needs a limit of its own: `reconciler.guards.money_limits`).
DEFAULT_MAX_MONTHLY_INCREASE = default_limit().amount
#: A typo that removes more seats than this must be acknowledged.
DEFAULT_MAX_SEATS_REMOVED = 100
MONEY = "max_monthly_increase"

FLAGS = {
    "max_accounts_changed": "--max-accounts-changed",
    "max_seats_removed": "--max-seats-removed",
    MONEY: FLAG,
    "require_prices": "--require-prices",
}
FLAG_SOURCE, PROJECT_SOURCE, DEFAULT_SOURCE = "flag", "project", "default"


def _where(threshold: str, source: str) -> str:
    return {
        FLAG_SOURCE: "set on the command line",
        DEFAULT_SOURCE: "built-in default",
    }.get(source, f"{threshold} in {source}")


class GuardRailTripped(Exception):
    """A threshold the plan is over; the message names measured value, limit and flag."""

    threshold = ""

    def __init__(self, what: str, measured: Any, limit: Any, source: str, accept: str) -> None:
        self.measured = measured
        self.limit = limit
        self.source = source
        flag = FLAGS[self.threshold]
        where = _where(self.threshold, source)
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
    """The plan's gross increase in one currency is over that currency's limit.

    Gross, not net: every call that costs more is added up and savings are not subtracted, so
    +9,000 of new seats cannot hide behind -5,000 of cancellations. The message shows both.
    """

    threshold = MONEY


class MonthlyIncreaseWithoutLimit(MonthlyIncreaseOverLimit):
    """The plan increases cost in a currency that has no limit of its own: refused, since no
    other currency's limit can be compared with it (and the built-in one is in USD only)."""

    def __init__(self, what: str, measured: Decimal, accept: str, currency: str) -> None:
        self.measured, self.limit, self.source = measured, None, DEFAULT_SOURCE
        Exception.__init__(
            self,
            f"{what}, and {currency} has no {FLAG} limit of its own (the built-in one is for "
            f"{DEFAULT_CURRENCY} only); re-run with {FLAG} {accept} to accept, or set "
            f"`max_monthly_increase: {{{currency}: AMOUNT}}` under guard_rails in zoomplans.yaml",
        )


class UnpricedCalls(GuardRailTripped):
    """--require-prices: some call apply would send has no known cost, so no money limit can
    see it; refused rather than let through unmeasured."""

    threshold = "require_prices"

    def __init__(self, count: int, reasons: list[str], source: str) -> None:
        self.measured, self.limit, self.source = count, 0, source
        Exception.__init__(
            self,
            f"{count} call(s) have no known cost ({'; '.join(reasons)}) and --require-prices "
            f"is on ({_where(self.threshold, source)}): add their prices to the price list",
        )


class MoneyLimitWithoutPrices(ValueError):
    """A monthly-increase limit was asked for, but no price list says what anything costs."""

    def __init__(self, source: str, what: str = "a monthly-increase limit") -> None:
        super().__init__(
            f"{what} ({source}) needs a price list to measure anything: give "
            "--prices FILE or `prices:` in zoomplans.yaml, or remove it"
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
    tripped += _money_tripped(plan)
    return tripped


def _money_tripped(plan: Plan) -> list[GuardRailTripped]:
    """Per currency, a gross increase over that currency's limit, or in a currency with none;
    then, with --require-prices, the calls of unknown cost."""
    totals = plan.cost_totals()
    if totals is None:
        return []
    options = plan.options
    limits = dict(options.max_monthly_increase)
    tripped: list[GuardRailTripped] = []
    for currency, gross in totals.increases:
        net = format_money(totals.increase(currency), currency)
        what = (
            f"the plan's gross increase is {format_money(gross, currency)}/month in {currency} "
            f"(every increase added up, savings not subtracted; net {net}/month)"
        )
        accept = f"{gross:f}{currency}"
        limit = limits.get(currency)
        if limit is None:
            tripped.append(MonthlyIncreaseWithoutLimit(what, gross, accept, currency))
        elif gross > limit:
            source = _source(options, f"{MONEY}.{currency}")
            tripped.append(
                MonthlyIncreaseOverLimit(what, gross, f"{limit:f}{currency}", source, accept)
            )
    if options.require_prices and totals.unknown:
        tripped.append(
            UnpricedCalls(
                totals.unknown, _unknown_reasons(plan), _source(options, "require_prices")
            )
        )
    return tripped


def _unknown_reasons(plan: Plan) -> list[str]:
    """Why each call of unknown cost has none, once per reason, with its account."""
    reasons: dict[str, list[str]] = {}
    for account in plan.by_status("changes"):
        for action in () if account.awaiting_zoom else account.actions:  # as sent_actions
            if action.cost is not None and not action.cost.known:
                reason = action.cost.reason or "no price"
                reasons.setdefault(reason, []).append(account.account_id)
    return [f"{reason}: {', '.join(sorted(set(ids)))}" for reason, ids in sorted(reasons.items())]


def unpriced_warning(plan: Plan) -> str | None:
    """A money limit cannot see calls of unknown cost: say so, and what would make them known
    (a price for the types named) or refuse them (--require-prices)."""
    totals = plan.cost_totals()
    if totals is None or not totals.unknown or plan.options.require_prices:
        return None
    types = f" ({', '.join(totals.unknown_types)})" if totals.unknown_types else ""
    return (
        f"{totals.unknown} call(s) have no known cost{types}; {FLAG} counts only priced calls: "
        "add their prices to the price list, or give --require-prices to refuse such a plan"
    )


def _money_limits(
    flags: Mapping[str, Any], project: ProjectConfig | None, prices: PriceList | None
) -> tuple[dict[str, MonthlyLimit], bool]:
    """Each currency's limit from its flag, else zoomplans.yaml, else the built-in default
    (USD only, and only when the price list prices in USD); and whether prices are required.

    Raises MonthlyLimitError for a bare amount beside several currencies (or one given twice),
    MoneyLimitWithoutPrices for a limit or --require-prices with no price list.
    """
    given: tuple[MonthlyLimit, ...] = tuple(flags.get(MONEY) or ())
    configured = project.max_monthly_increase if project is not None else ()
    required = bool(flags.get("require_prices")) or bool(project and project.require_prices)
    if prices is None:
        if given:
            raise MoneyLimitWithoutPrices(FLAG)
        if configured:
            raise MoneyLimitWithoutPrices(f"{MONEY} in {configured[0].source}")
        if required:
            where = "--require-prices" if flags.get("require_prices") else "require_prices"
            raise MoneyLimitWithoutPrices(where, "requiring prices")
        return {}, False
    currencies = prices.currencies
    defaults = {DEFAULT_CURRENCY: default_limit()} if DEFAULT_CURRENCY in currencies else {}
    return defaults | bind(configured, currencies) | bind(given, currencies), required


def with_limits(
    options: PlanOptions,
    flags: Mapping[str, Any],
    project: ProjectConfig | None,
    *,
    prices: PriceList | None,
) -> PlanOptions:
    """The options with each threshold from its flag, else zoomplans.yaml, else the default.

    `flags` maps threshold names to the values given on the command line (None: not given;
    money: a tuple of `MonthlyLimit`). Money limits are layered per currency.
    """
    defaults: dict[str, Any] = {
        "max_accounts_changed": None,
        "max_seats_removed": DEFAULT_MAX_SEATS_REMOVED,
    }
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    money, required = _money_limits(flags, project, prices)
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
    for currency, limit in money.items():
        sources[f"{MONEY}.{currency}"] = limit.source
    if required:
        from_flag = bool(flags.get("require_prices"))
        sources["require_prices"] = FLAG_SOURCE if from_flag or project is None else project.source
    return replace(
        options,
        **values,
        max_monthly_increase=tuple(sorted((cur, lim.amount) for cur, lim in money.items())),
        require_prices=required,
        limit_sources=tuple(sorted(sources.items())),
    )

"""The guard-rail model on hand-built plans: what is measured, and where each limit comes from."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from reconciler.guards.money_limits import MonthlyLimit, MonthlyLimitError, parse_flag
from reconciler.guards.project import ProjectConfig
from reconciler.guards.thresholds import (
    DEFAULT_MAX_MONTHLY_INCREASE,
    DEFAULT_MAX_SEATS_REMOVED,
    AccountsChangedOverLimit,
    MonthlyIncreaseOverLimit,
    TooManySeatsRemoved,
    seats_removed,
    tripped_guard_rails,
    with_limits,
)
from reconciler.planner.model import AccountPlan, Action, Plan, PlanOptions
from reconciler.pricing.money import Cost
from reconciler.pricing.prices import Price, PriceList

NOW = datetime(2026, 11, 22, tzinfo=UTC)
P = "/accounts/a/plans"


def plan_of(*accounts: AccountPlan, **options: object) -> Plan:
    return Plan(
        created_at=NOW,
        expires_at=NOW + timedelta(hours=1),
        git_commit=None,
        desired_sha256="0" * 64,
        options=PlanOptions(**options),  # type: ignore[arg-type]
        accounts=accounts,
    )


def decrease(old: int, new: int, cost: Cost | None = None) -> Action:
    body = {"type": "business_monthly", "hosts": new}
    return Action(
        op="update_base",
        klass="seat_decrease",
        method="PUT",
        path=f"{P}/base",
        body=body,
        before={"hosts": old},
        after={"hosts": new},
        group="plan_base",
        cost=cost,
    )


def cancel(hosts: int) -> Action:
    return Action(
        op="cancel_addon", klass="addon_cancelled", method="PATCH", path=f"{P}/addons/status",
        body={"action": "cancel", "type": "webinar500_monthly"},
        before={"type": "webinar500_monthly", "hosts": hosts}, after=None, group="plan_webinar",
    )  # fmt: skip


def test_seats_removed_counts_decreases_and_cancelled_hosts_of_changing_accounts() -> None:
    plan = plan_of(
        AccountPlan(
            account_id="a",
            source=None,
            status="changes",
            live_sha256=None,
            actions=(decrease(40, 15), cancel(3)),
        ),
        AccountPlan(
            account_id="b",
            source=None,
            status="blocked",
            live_sha256=None,
            actions=(decrease(40, 0),),
        ),  # never sent: not counted
    )
    assert seats_removed(plan) == 28


def test_every_tripped_threshold_is_reported_with_its_own_flag() -> None:
    costly = Action(
        op="add_addon",
        klass="addon_added",
        method="POST",
        path=f"{P}/addons",
        body={"type": "x", "hosts": 1},
        before=None,
        after={"hosts": 1},
        group="plan_webinar",
        cost=Cost.of("EUR", Decimal("900")),
    )
    plan = plan_of(
        AccountPlan(
            account_id="a",
            source=None,
            status="changes",
            live_sha256=None,
            actions=(decrease(40, 15), costly),
        ),
        AccountPlan(
            account_id="b", source=None, status="changes", live_sha256=None, actions=(cancel(3),)
        ),
        max_accounts_changed=1,
        max_seats_removed=10,
        max_monthly_increase=(("EUR", Decimal("500")),),
        prices="prices.yaml",
        limit_sources=(
            ("max_seats_removed", "zoomplans.yaml"),
            ("max_monthly_increase.EUR", "default"),
        ),
    )
    tripped = tripped_guard_rails(plan)
    assert [type(t) for t in tripped] == [
        AccountsChangedOverLimit,
        TooManySeatsRemoved,
        MonthlyIncreaseOverLimit,
    ]
    assert [t.measured for t in tripped] == [2, 28, Decimal("900.00")]
    text = [str(t) for t in tripped]
    assert text[0].endswith(
        "(set on the command line); re-run with --max-accounts-changed 2 to accept"
    )
    assert "(max_seats_removed in zoomplans.yaml)" in text[1]
    assert text[2] == (
        "the plan's gross increase is +€900.00/month in EUR (every increase added up, savings "
        "not subtracted; net +€900.00/month), more than --max-monthly-increase 500EUR "
        "(built-in default); re-run with --max-monthly-increase 900.00EUR to accept"
    )


def test_a_plan_that_only_saves_never_trips_the_money_limit() -> None:
    cheaper = decrease(40, 15, Cost.of("USD", Decimal("-500")))
    plan = plan_of(
        AccountPlan(
            account_id="a", source=None, status="changes", live_sha256=None, actions=(cheaper,)
        ),
        max_monthly_increase=(("USD", Decimal("0")),),
        prices="prices.yaml",
    )
    assert tripped_guard_rails(plan) == []


def added(currency: str, monthly: str) -> Action:
    return Action(
        op="add_addon",
        klass="addon_added",
        method="POST",
        path=f"{P}/addons",
        body={"type": "x", "hosts": 1},
        before=None,
        after={"hosts": 1},
        group="plan_webinar",
        cost=Cost.of(currency, Decimal(monthly)),
    )


def test_the_money_limit_measures_the_gross_increase_per_currency() -> None:
    """+9,000 of new seats beside -5,000 of cuts is a 9,000 increase, not a 4,000 one; and
    a saving in one currency does not offset an increase in another."""
    plan = plan_of(
        AccountPlan(
            account_id="a",
            source=None,
            status="changes",
            live_sha256=None,
            actions=(added("USD", "6000"), decrease(40, 15)),
        ),
        AccountPlan(
            account_id="b",
            source=None,
            status="changes",
            live_sha256=None,
            actions=(added("USD", "3000"), decrease(9, 5, Cost.of("USD", Decimal("-5000")))),
        ),
        AccountPlan(
            account_id="c",
            source=None,
            status="changes",
            live_sha256=None,
            actions=(added("EUR", "100"), decrease(9, 5, Cost.of("EUR", Decimal("-7000")))),
        ),
        AccountPlan(
            account_id="d",
            source=None,
            status="blocked",
            live_sha256=None,
            actions=(added("EUR", "90000"),),
        ),  # never sent
        max_monthly_increase=(("EUR", Decimal("5000")), ("USD", Decimal("5000"))),
        prices="prices.yaml",
    )
    totals = plan.cost_totals()
    assert totals is not None
    assert dict(totals.monthly) == {"USD": Decimal("4000.00"), "EUR": Decimal("-6900.00")}
    assert dict(totals.increases) == {"USD": Decimal("9000.00"), "EUR": Decimal("100.00")}
    tripped = tripped_guard_rails(plan)
    assert [(type(t), t.measured) for t in tripped] == [
        (MonthlyIncreaseOverLimit, Decimal("9000.00"))
    ]
    assert str(tripped[0]) == (
        "the plan's gross increase is +$9,000.00/month in USD (every increase added up, "
        "savings not subtracted; net +$4,000.00/month), more than --max-monthly-increase "
        "5000USD (set on the command line); re-run with --max-monthly-increase 9000.00USD to "
        "accept"
    )
    nine = (("USD", Decimal("9000")),)
    net_only = plan_of(*plan.accounts[:2], max_monthly_increase=nine, prices="p")
    assert tripped_guard_rails(net_only) == []  # at the limit is not over it


def price_list(*currencies: str) -> PriceList:
    """A price list pricing one plan type in each of `currencies`."""
    return PriceList(
        {f"t{cur}": Price(f"t{cur}", Decimal(1), True, "month", cur) for cur in currencies},
        "prices.yaml",
    )


NONE = {"max_accounts_changed": None, "max_seats_removed": None, "max_monthly_increase": ()}


def test_limits_come_from_the_flag_then_the_project_then_the_default() -> None:
    project = ProjectConfig("zoomplans.yaml", max_seats_removed=5, max_accounts_changed=9)
    options = with_limits(PlanOptions(), NONE, project, prices=price_list("USD"))
    assert (options.max_accounts_changed, options.max_seats_removed) == (9, 5)
    assert options.max_monthly_increase == (("USD", DEFAULT_MAX_MONTHLY_INCREASE),)
    assert dict(options.limit_sources) == {
        "max_accounts_changed": "zoomplans.yaml",
        "max_seats_removed": "zoomplans.yaml",
        "max_monthly_increase.USD": "default",
    }
    flagged = with_limits(PlanOptions(), {**NONE, "max_seats_removed": 50}, project, prices=None)
    assert flagged.max_seats_removed == 50 and flagged.max_monthly_increase == ()
    assert dict(flagged.limit_sources)["max_seats_removed"] == "flag"
    bare = with_limits(PlanOptions(), NONE, None, prices=None)
    assert (bare.max_accounts_changed, bare.max_seats_removed) == (None, DEFAULT_MAX_SEATS_REMOVED)


def test_money_limits_are_layered_per_currency() -> None:
    """The flag wins for its own currency only; the file's other currencies stay; the built-in
    default is for USD alone, so a JPY price list has no limit until one is given."""
    project = ProjectConfig(
        "zoomplans.yaml",
        max_monthly_increase=(
            MonthlyLimit(Decimal("500.00"), "USD", "zoomplans.yaml:3:30"),
            MonthlyLimit(Decimal("450.00"), "EUR", "zoomplans.yaml:3:40"),
        ),
    )
    flags = {**NONE, "max_monthly_increase": (parse_flag("100000JPY"), parse_flag("600EUR"))}
    options = with_limits(PlanOptions(), flags, project, prices=price_list("USD", "EUR", "JPY"))
    assert options.max_monthly_increase == (
        ("EUR", Decimal("600.00")),
        ("JPY", Decimal("100000")),
        ("USD", Decimal("500.00")),
    )
    assert dict(options.limit_sources) == {
        "max_monthly_increase.EUR": "flag",
        "max_monthly_increase.JPY": "flag",
        "max_monthly_increase.USD": "zoomplans.yaml:3:30",
        "max_seats_removed": "default",
    }
    yen = with_limits(PlanOptions(), NONE, None, prices=price_list("JPY"))
    assert yen.max_monthly_increase == ()
    bare = {**NONE, "max_monthly_increase": (parse_flag("5000"),)}
    one = with_limits(PlanOptions(), bare, None, prices=price_list("JPY"))
    assert one.max_monthly_increase == (("JPY", Decimal("5000")),)


def test_a_bare_limit_beside_several_currencies_names_the_form() -> None:
    bare = {**NONE, "max_monthly_increase": (parse_flag("500"),)}
    with pytest.raises(MonthlyLimitError) as caught:
        with_limits(PlanOptions(), bare, None, prices=price_list("USD", "EUR"))
    assert caught.value.usage
    assert "has no currency, and the price list prices in EUR, USD" in str(caught.value)
    assert "--max-monthly-increase 500USD" in str(caught.value)
    in_file = ProjectConfig(
        "zoomplans.yaml", max_monthly_increase=(MonthlyLimit(Decimal(5), None, "z.yaml:4:25"),)
    )
    with pytest.raises(MonthlyLimitError) as located:
        with_limits(PlanOptions(), NONE, in_file, prices=price_list("USD", "EUR"))
    assert not located.value.usage
    assert str(located.value).startswith("z.yaml:4:25: max_monthly_increase 5 has no currency")
    twice = {**NONE, "max_monthly_increase": (parse_flag("1USD"), parse_flag("2USD"))}
    with pytest.raises(MonthlyLimitError, match="USD is given twice"):
        with_limits(PlanOptions(), twice, None, prices=price_list("USD"))


def test_options_round_trip_through_json() -> None:
    options = PlanOptions(
        max_seats_removed=7,
        max_monthly_increase=(("JPY", Decimal("12000")), ("USD", Decimal("12.50"))),
        require_prices=True,
        limit_sources=(("max_seats_removed", "flag"),),
        prices="p.yaml",
    )
    assert options.to_json()["max_monthly_increase"] == {"JPY": "12000", "USD": "12.50"}
    assert PlanOptions.from_json(options.to_json()) == options


def test_a_money_limit_or_required_prices_need_a_price_list() -> None:
    from reconciler.guards.thresholds import MoneyLimitWithoutPrices

    with pytest.raises(MoneyLimitWithoutPrices, match=r"\(--max-monthly-increase\)"):
        limit = {**NONE, "max_monthly_increase": (parse_flag("1USD"),)}
        with_limits(PlanOptions(), limit, None, prices=None)
    project = ProjectConfig(
        "zoomplans.yaml", max_monthly_increase=(MonthlyLimit(Decimal(5), "USD", "z.yaml:3:3"),)
    )
    with pytest.raises(MoneyLimitWithoutPrices, match=r"max_monthly_increase in z\.yaml:3:3"):
        with_limits(PlanOptions(), NONE, project, prices=None)
    with pytest.raises(MoneyLimitWithoutPrices, match=r"requiring prices \(--require-prices\)"):
        with_limits(PlanOptions(), {**NONE, "require_prices": True}, None, prices=None)

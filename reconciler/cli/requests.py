"""The one place `plan` and `apply` turn their parsed options into a service request.

click hands each command its options as keyword arguments; this module reads them by name
once (and the project file, the price list and the journal rules they point at), so a
command's function has no parameter list to grow and no policy to hold.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from reconciler.apply.clean_tree import in_ci
from reconciler.cli.exit_codes import EXIT_USAGE, fail
from reconciler.cli.guard_options import project_and_prices
from reconciler.cli.journal_options import (
    JournalRuleError,
    in_flight_rules,
    journal_duration,
    journal_target,
)
from reconciler.cli.options import zoom_config_from
from reconciler.cli.settings_shown import settings_of

if TYPE_CHECKING:  # imported when used, so `zoomplans --help` stays quick
    from reconciler.service.requests import ApplyRequest, Guards, PlanRequest, Selection


def _selection(options: dict[str, Any]) -> Selection:
    from reconciler.service.requests import Selection

    return Selection(
        paths=tuple(options.pop("paths")) or Selection().paths,
        account_ids=tuple(options.pop("account_ids")),
        selectors=tuple(options.pop("selectors")),
        extends_root=options.pop("extends_root"),
    )


def _guards(options: dict[str, Any], budget: int | None = None) -> Guards:
    from reconciler.service.requests import Guards, Limits, OptIn

    project, prices = project_and_prices(options.pop("config_file"), options.pop("prices_file"))
    return Guards(
        opt_ins=frozenset(opt_in for opt_in in OptIn if options.pop(opt_in.option)),
        limits=Limits(
            max_accounts_changed=options.pop("max_accounts_changed"),
            max_seats_removed=options.pop("max_seats_removed"),
            max_monthly_increase=tuple(options.pop("max_monthly_increase")),
            require_prices=options.pop("require_prices"),
        ),
        project=project,
        prices=prices,
        daily_heavy_budget=budget,
        renewal_notice_days=options.pop("renewal_notice_days"),
    )


def _settings(options: dict[str, Any], guards: Guards, **timing: Any) -> Any:
    from reconciler.apply.seams import ApplySettings

    try:
        rules = in_flight_rules(
            options.pop("journal_window"), options.pop("resend_after"), guards.project
        )
        if "lock_timeout" in options:  # apply only: plan never takes the lock
            waiting = journal_duration(
                options.pop("lock_timeout"), what="lock timeout", zero_ok=True
            )
            timing["lock_timeout_s"] = waiting.total_seconds()
    except JournalRuleError as exc:
        fail(str(exc), EXIT_USAGE)
    return ApplySettings(rules=rules, **timing)


def _say(line: str) -> None:
    click.echo(line, err=True)


def apply_request(options: dict[str, Any], *, interactive: bool) -> ApplyRequest:
    """`zoomplans apply`'s options as an ApplyRequest (a bad project file or journal rule
    stops here, before anything is read from Zoom)."""
    from reconciler.service.requests import ApplyRequest, SavedPlanRequest

    options = dict(options)
    zoom = zoom_config_from(options)
    selection = _selection(options)
    guards = _guards(options, options.pop("budget"))
    plan_file: Path | None = options.pop("plan_file")
    expect, max_age = options.pop("expect_sha256"), options.pop("max_plan_age")
    settings = _settings(
        options,
        guards,
        parallelism=options.pop("parallelism"),
        verify_timeout_s=options.pop("verify_timeout"),
        settle_timeout_s=options.pop("settle_timeout"),
    )
    return ApplyRequest(
        selection=selection,
        guards=guards,
        saved=None
        if plan_file is None
        else SavedPlanRequest(path=plan_file, expect_sha256=expect, max_age=max_age),
        journal_path=journal_target(options.pop("journal_path"), guards.project, _say),
        journal_lock=not options.pop("no_journal_lock"),
        settings=settings,
        auto_approve=options.pop("auto_approve"),
        interactive=interactive,
        zoom=zoom,
        shown_settings=settings_of(click.get_current_context(), guards.project),
        allow_dirty=options.pop("allow_dirty"),
        in_ci=in_ci(os.environ),
    )


def plan_request(options: dict[str, Any]) -> PlanRequest:
    """`zoomplans plan`'s options as a PlanRequest; what to print and write stays with the
    command (``format``, ``out``, ``html``, ``detailed_exitcode`` are left in ``options``)."""
    from reconciler.service.requests import PlanRequest

    zoom = zoom_config_from(options)
    selection = _selection(options)
    guards = _guards(options)
    return PlanRequest(
        selection=selection,
        guards=guards,
        ttl=options.pop("ttl"),
        journal_path=journal_target(options.pop("journal_path"), guards.project, _say),
        settings=_settings(options, guards),
        zoom=zoom,
        shown_settings=settings_of(click.get_current_context(), guards.project),
    )

"""The settings a plan header lists: every option given by a flag or the environment, and every
key zoomplans.yaml sets that no flag overrides, each with where it came from (the service puts
them in the plan header: reconciler/service/planning.py).

Read from click's own record of where each value came from (`Context.get_parameter_source`),
so a new option is listed without being named here. Left out: the credentials (never shown),
what to plan (PATH, `--account`, `--select`: the plan lists its accounts) and what only shapes
the output (`--format`, `--out`, `--html`, `-v`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import click
from click.core import ParameterSource

from reconciler.planner.header import Setting

if TYPE_CHECKING:
    from reconciler.guards.project import ProjectConfig

#: Options never listed: secrets, the selection, output only.
_NOT_SETTINGS = frozenset(
    {
        "client_id",
        "client_secret",
        "access_token",
        "zoom_account_id",
        "paths",
        "account_ids",
        "selectors",
        "output_format",
        "out_file",
        "html_file",
        "plan_file",
        "verbose",
        "detailed_exitcode",
        "auto_approve",
        "config_file",
    }
)
#: zoomplans.yaml keys and the option that overrides each (extends_root widens instead).
_OVERRIDDEN_BY = {
    "prices": "prices_file",
    "journal_window": "journal_window",
    "resend_after": "resend_after",
    "max_monthly_increase": "max_monthly_increase",
    "max_accounts_changed": "max_accounts_changed",
    "max_seats_removed": "max_seats_removed",
    "daily_heavy_budget": "budget",
}


@dataclass(frozen=True)
class _Given:
    param: str  # click's name (`prices_file`)
    name: str  # as the header shows it: the flag's, `prices`
    shown: str
    origin: str


def _shown(value: object) -> str:
    shown = getattr(value, "shown", None)  # a money limit: `500USD`
    if callable(shown):
        return str(shown())
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return ", ".join(_shown(v) for v in value)
    return str(value)


def _from_command_line(ctx: click.Context) -> list[_Given]:
    given: list[_Given] = []
    for param in ctx.command.params:
        name = param.name
        if name is None or name in _NOT_SETTINGS:
            continue
        source = ctx.get_parameter_source(name)
        value = ctx.params.get(name)
        if value is None or value == param.default or value in ((), False):
            continue
        flag = max(param.opts, key=len) if param.opts else name
        shown_name = flag.lstrip("-").replace("-", "_")
        if source == ParameterSource.COMMANDLINE:
            given.append(_Given(name, shown_name, _shown(value), flag))
        elif source == ParameterSource.ENVIRONMENT:
            variable = getattr(param, "envvar", None)
            given.append(_Given(name, shown_name, _shown(value), f"environment {variable}"))
    return given


def settings_of(ctx: click.Context, project: ProjectConfig | None) -> tuple[Setting, ...]:
    """Every non-default setting of this command, flags and environment first, then the
    zoomplans.yaml keys no flag overrides."""
    given = _from_command_line(ctx)
    flags = {g.param for g in given}
    settings = [Setting(name=g.name, value=g.shown, origin=g.origin) for g in given]
    if project is not None:
        lines = dict(project.origins)
        for key, origin in lines.items():
            if _OVERRIDDEN_BY.get(key) in flags:
                continue
            value = getattr(project, key, None)
            settings.append(Setting(name=key, value=_shown(value), origin=origin))
    return tuple(settings)

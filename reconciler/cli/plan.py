"""`zoomplans plan` (placeholder until its issue lands)."""

from __future__ import annotations

import click

from reconciler.cli.options import verbose_option


@click.command("plan")
@verbose_option
def plan_command() -> None:
    """Not built yet."""
    raise click.ClickException("'plan' is not built yet")

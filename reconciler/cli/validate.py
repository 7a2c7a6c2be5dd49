"""`zoomplans validate` (placeholder until its issue lands)."""

from __future__ import annotations

import click

from reconciler.cli.options import verbose_option


@click.command("validate")
@verbose_option
def validate_command() -> None:
    """Not built yet."""
    raise click.ClickException("'validate' is not built yet")

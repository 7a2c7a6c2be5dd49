"""`zoomplans apply` (placeholder until its issue lands)."""

from __future__ import annotations

import click

from reconciler.cli.options import verbose_option


@click.command("apply")
@verbose_option
def apply_command() -> None:
    """Not built yet."""
    raise click.ClickException("'apply' is not built yet")

"""`zoomplans sandbox` (placeholder until its issue lands)."""

from __future__ import annotations

import click

from reconciler.cli.options import verbose_option


@click.command("sandbox")
@verbose_option
def sandbox_command() -> None:
    """Not built yet."""
    raise click.ClickException("'sandbox' is not built yet")

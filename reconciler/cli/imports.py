"""`zoomplans import` (placeholder until its issue lands)."""

from __future__ import annotations

import click

from reconciler.cli.options import verbose_option


@click.command("import")
@verbose_option
def import_command() -> None:
    """Not built yet."""
    raise click.ClickException("'import' is not built yet")

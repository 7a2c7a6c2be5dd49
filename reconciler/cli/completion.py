"""`zoomplans completion bash|zsh|fish`: print the shell's completion script.

Click already completes commands, options and choices when the shell calls `zoomplans` with
`_ZOOMPLANS_COMPLETE=<shell>_source`; this command prints that same script, so the install
line is one a user can remember (`eval "$(zoomplans completion bash)"`) and docs/completion.md
can show it. The script is generated from the running command tree, so it never drifts.
"""

from __future__ import annotations

import click
from click.shell_completion import get_completion_class

from reconciler.cli.epilogs import COMPLETION_EPILOG

#: The shells Click ships completion for.
SHELLS = ("bash", "zsh", "fish")
#: The variable the generated script sets when it asks `zoomplans` for completions.
COMPLETE_VAR = "_ZOOMPLANS_COMPLETE"


@click.command("completion", epilog=COMPLETION_EPILOG)
@click.argument("shell", type=click.Choice(SHELLS))
@click.pass_context
def completion_command(ctx: click.Context, shell: str) -> None:
    """Print the completion script for SHELL (bash, zsh or fish) on stdout."""
    found = get_completion_class(shell)
    if found is None:  # pragma: no cover - SHELLS lists only shells Click knows
        raise click.UsageError(f"no completion for {shell}")
    root = ctx.find_root()
    script = found(root.command, {}, root.info_name or "zoomplans", COMPLETE_VAR).source()
    click.echo(script, nl=not script.endswith("\n"))

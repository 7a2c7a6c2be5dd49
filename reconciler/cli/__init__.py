"""The `zoomplans` command line: parse, call, render, exit code. Nothing else lives here.

Exit codes are part of the pinned interface (SPEC section 4): 0 success, 1 any error,
2 "success, actions pending" (only with --detailed-exitcode), 64 usage error. Click's own
usage errors exit 2, which CI would mistake for "changes present", so `main` maps them to 64.
"""

from __future__ import annotations

import logging
import platform
import sys

import click

from reconciler.cli.apply import apply_command
from reconciler.cli.completion import completion_command
from reconciler.cli.exit_codes import EXIT_ERROR, EXIT_USAGE
from reconciler.cli.imports import import_command
from reconciler.cli.options import verbose_option
from reconciler.cli.plan import plan_command
from reconciler.cli.sandbox import sandbox_command
from reconciler.cli.validate import validate_command
from reconciler.escaping.terminal import inert

log = logging.getLogger("reconciler.cli")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@verbose_option
@click.version_option(
    package_name="zoom-plan-reconciler",
    prog_name="zoomplans",
    # The release (from the git tag it was built from) and the interpreter running it: the
    # two facts a bug report needs first.
    message=f"%(prog)s %(version)s (Python {platform.python_version()})",
)
def cli() -> None:
    """Reconcile the paid plans of Zoom sub-accounts with YAML files kept in git."""


cli.add_command(validate_command)
cli.add_command(plan_command)
cli.add_command(apply_command)
cli.add_command(import_command)
cli.add_command(sandbox_command)
cli.add_command(completion_command)


def main(argv: list[str] | None = None) -> None:
    """Run the CLI and turn every way it can end into one of the pinned exit codes."""
    try:
        code = cli.main(args=argv, prog_name="zoomplans", standalone_mode=False)
    except click.UsageError as exc:
        exc.show()
        sys.exit(EXIT_USAGE)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(EXIT_ERROR)
    except click.ClickException as exc:
        exc.show()
        sys.exit(EXIT_ERROR)
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        sys.exit(130)
    except Exception as exc:  # the last line of defence: a clear line, never a traceback
        click.echo(inert(f"zoomplans: internal error: {type(exc).__name__}: {exc}"), err=True)
        if log.isEnabledFor(logging.INFO):
            # Only with -v: the traceback is for the bug report, not for every user.
            log.info("traceback of the internal error", exc_info=exc)
            click.echo("Please report this, with the traceback above.", err=True)
        else:
            click.echo("Please report this; run with -v to see its traceback.", err=True)
        sys.exit(EXIT_ERROR)
    sys.exit(code if isinstance(code, int) else 0)

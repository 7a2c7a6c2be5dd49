"""The pinned exit codes (SPEC section 4), and the one way a command exits with an error."""

from typing import NoReturn

import click

from reconciler.escaping.terminal import inert

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_PENDING = 2  # only with --detailed-exitcode: success, and actions are pending
EXIT_USAGE = 64
EXIT_INTERRUPTED = 130  # Ctrl-C (128 + SIGINT)
EXIT_TERMINATED = 143  # SIGTERM, a cancelled CI job (128 + SIGTERM)


def fail(message: str, code: int = EXIT_ERROR) -> NoReturn:
    """Print ``zoomplans: error: MESSAGE`` on stderr and exit with ``code``."""
    click.echo(f"zoomplans: error: {inert(message)}", err=True)
    raise click.exceptions.Exit(code)

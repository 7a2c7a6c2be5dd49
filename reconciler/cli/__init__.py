"""The `zoomplans` command line: parse, call, render, exit code. Nothing else lives here.

Exit codes are part of the pinned interface (SPEC section 4): 0 success, 1 any error,
2 "success, actions pending" (only with --detailed-exitcode), 64 usage error. Click's own
usage errors exit 2, which CI would mistake for "changes present", so `main` maps them to 64.
"""

from __future__ import annotations

import gc
import logging
import sys

import click

from reconciler.cli.exit_codes import EXIT_ERROR, EXIT_USAGE
from reconciler.cli.lazy_group import LazyCommand, LazyGroup
from reconciler.cli.options import verbose_option
from reconciler.escaping.terminal import inert

log = logging.getLogger("reconciler.cli")

#: Every command, by name: where it lives and its one line for `zoomplans --help` and completion.
#: A module is imported only when its command runs or shows its --help (docs/ARCHITECTURE.md,
#: "Start-up"); tests/cli/test_lazy_commands.py keeps each line equal to the command's own.
#: A new command is one line here.
COMMANDS: dict[str, LazyCommand] = {
    "validate": LazyCommand(
        "reconciler.cli.validate",
        "validate_command",
        "Check desired-state files offline, every problem at once (default PATH: accounts/).",
    ),
    "plan": LazyCommand(
        "reconciler.cli.plan",
        "plan_command",
        "Show the ordered API calls that would make Zoom match the YAML (PATH default accounts/).",
    ),
    "apply": LazyCommand(
        "reconciler.cli.apply",
        "apply_command",
        "Make the calls that bring Zoom to the YAML (PATH default accounts/), or those of --plan.",
    ),
    "import": LazyCommand(
        "reconciler.cli.imports",
        "import_command",
        "Write one YAML file per live sub-account into --out, ready for review and `plan`.",
    ),
    "prices": LazyCommand(
        "reconciler.cli.prices",
        "prices_command",
        "Write the price list `plan --prices` reads, from what Zoom will next invoice.",
    ),
    "sandbox": LazyCommand(
        "reconciler.cli.sandbox",
        "sandbox_command",
        "Serve a fake Zoom master-account plan API for demos, tests and CI.",
    ),
    "journal": LazyCommand(
        "reconciler.cli.journal",
        "journal_command",
        "Read the journal of apply's calls, and settle what apply will not decide alone.",
    ),
    "completion": LazyCommand(
        "reconciler.cli.completion",
        "completion_command",
        "Print the completion script for SHELL (bash, zsh or fish) on stdout.",
    ),
}


@click.group(
    cls=LazyGroup,
    registry=COMMANDS,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@verbose_option
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=lambda ctx, _param, value: _show_version(ctx, value),
    help="Show the version and exit.",
)
def cli() -> None:
    """Reconcile the paid plans of Zoom sub-accounts with YAML files kept in git."""


def release() -> str:
    """The installed release, from the git tag it was built from.

    setuptools-scm writes it into `reconciler/_version.py` at build and install time; reading
    that module costs nothing, where `importlib.metadata` is a third of `--version`'s start-up.
    A tree used without installing (no such file) asks the package metadata instead.
    """
    try:
        from reconciler._version import version
    except ImportError:
        from importlib.metadata import PackageNotFoundError
        from importlib.metadata import version as installed_version

        try:
            return installed_version("zoom-plan-reconciler")
        except PackageNotFoundError:
            return "0.0.0+unknown"
    return str(version)


def _show_version(ctx: click.Context, value: bool) -> None:
    """`zoomplans --version`: the release and the interpreter running it, the two facts a bug
    report needs first (sys.version's first word is platform.python_version(), without
    importing platform)."""
    if not value or ctx.resilient_parsing:
        return
    click.echo(f"zoomplans {release()} (Python {sys.version.split()[0]})", color=ctx.color)
    ctx.exit()


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


def run() -> None:
    """The `zoomplans` program (the console script and ``python -m reconciler``): :func:`main`,
    with the cyclic garbage collector frozen before the interpreter exits.

    Python's exit makes one last full collection over every object still alive (the modules,
    the HTTP stack, every answer read): 50-80 ms after a 600-account plan, spent once the work
    is done, by a process about to give all its memory back. Frozen objects are left out of it;
    nothing else changes (atexit handlers, flushing and closing files run as before). Not in
    :func:`main` itself: tests call that many times in one long-lived process, where garbage
    frozen along the way would never be collected.
    """
    try:
        main()
    finally:
        gc.freeze()

"""`zoomplans validate`: check desired-state files offline, every problem at once.

Text output is one `file:line:column: severity: message` line per problem (the format editors and
CI annotators understand), then one summary line; JSON output is the list of problems only, so a
script can consume it without parsing prose. Exit 0 when valid, 1 when not (SPEC section 4).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from reconciler.cli.epilogs import VALIDATE_EPILOG
from reconciler.cli.exit_codes import EXIT_ERROR, EXIT_OK
from reconciler.cli.options import extends_root_option, verbose_option

if TYPE_CHECKING:  # imported when the command runs, so `validate --help` stays quick
    from reconciler.desired import DesiredState

DEFAULT_PATH = "accounts/"


def summary_line(paths: tuple[str, ...], state: DesiredState, files: int) -> str:
    """`examples/accounts: 7 accounts in 6 files, valid (1 warning)`."""
    where = ", ".join(p.rstrip("/") or p for p in paths)
    accounts = len(state.accounts)
    errors, warnings = len(state.errors), len(state.warnings)
    counts = []
    if errors:
        counts.append(_plural(errors, "error"))
    if warnings:
        counts.append(_plural(warnings, "warning"))
    verdict = "valid" if state.ok else "invalid"
    tail = f" ({', '.join(counts)})" if counts else ""
    return f"{where}: {_plural(accounts, 'account')} in {_plural(files, 'file')}, {verdict}{tail}"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


@click.command("validate", epilog=VALIDATE_EPILOG)
@click.argument("paths", nargs=-1, metavar="[PATH]...", type=click.Path(path_type=str))
@click.option(
    "--strict",
    is_flag=True,
    help="Treat warnings (YAML 1.1 look-alikes, an incomplete contact, an add-on whose "
    "prerequisite the file does not list) as errors.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text: one line per problem and a summary; json: a list of problems.",
)
@click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Project file whose extends_root and extra_plan_types are used (default: "
    "./zoomplans.yaml when present).",
)
@extends_root_option
@verbose_option
def validate_command(
    paths: tuple[str, ...],
    strict: bool,
    output_format: str,
    config_file: Path | None,
    extends_root: str | None,
) -> None:
    """Check desired-state files offline, every problem at once (default PATH: accounts/).

    Folders are searched for *.yaml and *.yml. Exit 0 when valid (warnings allowed unless
    --strict), 1 when not.
    """
    from reconciler.desired import load_desired
    from reconciler.guards.project import (
        ProjectError,
        extends_roots,
        find_project,
        plan_types_allowed,
    )

    chosen = paths or (DEFAULT_PATH,)
    try:
        project = find_project(config_file)
    except ProjectError as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        click.echo("zoomplans: error: the project file cannot be used", err=True)
        raise click.exceptions.Exit(EXIT_ERROR) from None
    roots = extends_roots(extends_root, project)
    state = load_desired(
        list(chosen),
        strict=strict,
        extends_roots=roots,
        extra_plan_types=plan_types_allowed(project),
    )
    if output_format == "json":
        click.echo(json.dumps([p.to_json() for p in state.problems], indent=2))
    else:
        for problem in state.problems:
            click.echo(str(problem))
        click.echo(summary_line(chosen, state, len(state.files)))
    raise click.exceptions.Exit(EXIT_OK if state.ok else EXIT_ERROR)

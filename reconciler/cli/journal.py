"""`zoomplans journal`: the journal as an audit trail, and moving a file journal into a database.

- `journal export --format jsonl`: every line, oldest first, exactly as written (a database
  journal reads like the file journal: one JSON object per line). An auditor's copy, or the way
  back from a database to a file.
- `journal import FILE`: a file journal (FILE and its month files) into the database journal
  `--journal`/`ZOOMPLANS_JOURNAL_URL`/zoomplans.yaml names, once: the same file again adds
  nothing; a file some of whose lines are already there is refused (nothing is added twice).
"""

from __future__ import annotations

from pathlib import Path
from typing import NoReturn

import click

from reconciler.apply.journal import JournalError
from reconciler.apply.journal_months import file_lines
from reconciler.apply.journal_store import JournalTarget
from reconciler.cli.epilogs import JOURNAL_EXPORT_EPILOG, JOURNAL_IMPORT_EPILOG
from reconciler.cli.exit_codes import EXIT_ERROR, EXIT_USAGE
from reconciler.cli.guard_options import project_and_prices
from reconciler.cli.journal_options import journal_target


def _fail(message: str, code: int = EXIT_ERROR) -> NoReturn:
    click.echo(f"zoomplans: error: {message}", err=True)
    raise click.exceptions.Exit(code)


def _say(line: str) -> None:
    click.echo(line, err=True)


_JOURNAL = click.option(
    "--journal",
    "journal_flag",
    metavar="FILE|URL",
    help="The journal: a JSON-lines file or a postgresql:// URL (default "
    "ZOOMPLANS_JOURNAL_URL, else `journal` in zoomplans.yaml, else .zoomplans/journal.jsonl).",
)
_CONFIG = click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Project file (default ./zoomplans.yaml when present).",
)


def _chosen(journal_flag: str | None, config_file: Path | None) -> JournalTarget:
    project, _prices = project_and_prices(config_file, None)
    return journal_target(journal_flag, project, _say)


@click.group("journal")
def journal_group() -> None:
    """Read the journal of calls made to Zoom, or move a file journal into a database."""


@journal_group.command("export", epilog=JOURNAL_EXPORT_EPILOG)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["jsonl"]),
    default="jsonl",
    show_default=True,
    help="JSON lines, one journal line each, exactly as written.",
)
@click.option(
    "--out",
    "out_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file instead of stdout.",
)
@_JOURNAL
@_CONFIG
def export_command(
    output_format: str, out_file: Path | None, journal_flag: str | None, config_file: Path | None
) -> None:
    """Write the journal's whole audit trail, oldest line first."""
    del output_format  # one format today; the option names it so scripts stay explicit
    target = _chosen(journal_flag, config_file)
    try:
        lines = target.lines() if not isinstance(target, Path) else file_lines(target)
        with click.open_file(str(out_file) if out_file else "-", "w", encoding="utf-8") as out:
            count = 0
            for _where, text in lines:
                out.write(text + "\n")
                count += 1
    except JournalError as exc:
        _fail(str(exc))
    except OSError as exc:
        _fail(f"cannot export: {exc.strerror or exc}")
    _say(f"zoomplans: exported {count} line(s) of the journal {target}")


@journal_group.command("import", epilog=JOURNAL_IMPORT_EPILOG)
@click.argument("file_journal", metavar="FILE", type=click.Path(dir_okay=False, path_type=Path))
@_JOURNAL
@_CONFIG
def import_command(file_journal: Path, journal_flag: str | None, config_file: Path | None) -> None:
    """Move the file journal FILE (and its month files) into the database journal, once."""
    target = _chosen(journal_flag, config_file)
    if isinstance(target, Path):
        _fail(
            "journal import moves a file journal into a database: name it with --journal "
            "postgresql://... or ZOOMPLANS_JOURNAL_URL",
            EXIT_USAGE,
        )
    if not file_journal.is_file():
        _fail(f"{file_journal}: no such journal file")
    try:
        texts = [text for _where, text in file_lines(file_journal)]
    except OSError as exc:
        _fail(f"{file_journal}: cannot read: {exc.strerror or exc}")
    from reconciler.apply.journal_postgres import PostgresJournalStore

    if not isinstance(target, PostgresJournalStore):
        _fail(f"journal import does not know how to import into {target}", EXIT_USAGE)
    try:
        result = target.import_lines(str(file_journal), texts)
    except JournalError as exc:
        _fail(str(exc))
    if result.imported_before is not None:
        when = result.imported_before.strftime("%Y-%m-%d %H:%M")
        click.echo(f"{file_journal} was imported into {target} on {when} UTC; nothing added.")
        return
    click.echo(f"Imported {result.added} line(s) of {file_journal} into {target}.")

"""`zoomplans journal`: list the calls apply made, verify every line, settle what a run cannot;
export the audit trail, and move a file journal into a database once.

Thin on purpose: parse, call ``reconciler.apply.journal_review`` (or the database store), print,
exit code. Exit 0 when done (verify: every line can be trusted), 1 when not, 64 usage. Every
command takes the journal `plan` and `apply` use: `--journal FILE|URL`, else
`ZOOMPLANS_JOURNAL_URL`, else `journal:` in zoomplans.yaml, else `.zoomplans/journal.jsonl`.
`journal import FILE` moves a file journal (FILE and its month files) into the database journal
once: the same file again adds nothing; a file some of whose lines are already there is refused.
"""

from __future__ import annotations

from pathlib import Path

import click

from reconciler.apply.journal import JournalError
from reconciler.apply.journal_file import FileJournalStore
from reconciler.apply.journal_store import JournalStore, JournalTarget
from reconciler.cli.epilogs import (
    JOURNAL_ACKNOWLEDGE_EPILOG,
    JOURNAL_EXPORT_EPILOG,
    JOURNAL_IMPORT_EPILOG,
    JOURNAL_LIST_EPILOG,
    JOURNAL_RESOLVE_EPILOG,
    JOURNAL_VERIFY_EPILOG,
)
from reconciler.cli.exit_codes import EXIT_ERROR, EXIT_OK, EXIT_USAGE, fail
from reconciler.cli.guard_options import project_and_prices
from reconciler.cli.journal_options import journal_target

_JOURNAL = click.option(
    "--journal",
    "journal_path",
    metavar="FILE|URL",
    help="The journal apply writes: a JSON-lines file (earlier months are read beside it) or a "
    "postgresql:// URL (default ZOOMPLANS_JOURNAL_URL, else `journal` in zoomplans.yaml, else "
    ".zoomplans/journal.jsonl).",
)
_CONFIG = click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Project file to read `journal` from (default ./zoomplans.yaml when present).",
)


def _say(line: str) -> None:
    click.echo(line, err=True)


def _chosen(flag: str | None, config_file: Path | None = None) -> JournalTarget:
    project, _prices = project_and_prices(config_file, None)
    return journal_target(flag, project, _say)


def _store(flag: str | None, *, require_lock: bool = True) -> JournalStore:
    target = _chosen(flag)
    if isinstance(target, Path):
        return FileJournalStore(target, require_lock=require_lock)
    return target


_NO_LOCK = click.option(
    "--no-journal-lock",
    is_flag=True,
    help="Write even where the journal cannot be locked (a file system without flock); only "
    "when you are sure no apply runs meanwhile.",
)
_REASON = click.option(
    "--reason", required=True, metavar="TEXT", help="Why: journaled with your name."
)


@click.group("journal")
def journal_command() -> None:
    """Read the journal of apply's calls, and settle what apply will not decide alone.

    \b
    Examples:
      zoomplans journal list --unsettled
      zoomplans journal list --account sub_123
      zoomplans journal verify
      zoomplans journal resolve 3f2a... --not-applied --reason "not on the invoice (ticket 42)"
      zoomplans journal acknowledge .zoomplans/journal.jsonl:17 --reason "cut by a power cut"
    """


@journal_command.command("list", epilog=JOURNAL_LIST_EPILOG)
@_JOURNAL
@click.option(
    "--unsettled",
    is_flag=True,
    help="Only calls a later run must still decide: in doubt, or purchases Zoom accepted that "
    "no read has shown.",
)
@click.option("--account", "account_id", metavar="ID", help="Only the calls to this account.")
def list_command(journal_path: str | None, unsettled: bool, account_id: str | None) -> None:
    """Every call apply made (oldest first): when, intent id, account, call, fate, run, line.

    A fate is in_doubt, accepted (not shown by a read yet), shown, refused or absent.
    """
    from reconciler.apply.journal import read_journal
    from reconciler.apply.journal_review import list_calls

    try:
        contents = read_journal(_chosen(journal_path))
    except JournalError as exc:
        fail(str(exc))
    rows = list_calls(contents, unsettled_only=unsettled, account_id=account_id)
    for row in rows:
        click.echo(row.text())
    which = "unsettled call(s)" if unsettled else "call(s)"
    click.echo(f"{len(rows)} {which} in {_chosen(journal_path)}", err=True)
    if contents.problems:
        click.echo(
            f"zoomplans: {len(contents.problems)} line(s) cannot be trusted; "
            "`zoomplans journal verify` lists them",
            err=True,
        )


@journal_command.command("verify", epilog=JOURNAL_VERIFY_EPILOG)
@_JOURNAL
def verify_command(journal_path: str | None) -> None:
    """Check that every line parses and no time lies in the future; each bad line is printed as
    `file:line: problem`. Exit 1 if any (apply then sends nothing until each is settled)."""
    from reconciler.apply.journal_review import verify

    try:
        good, problems = verify(_store(journal_path))
    except JournalError as exc:
        fail(str(exc))
    for problem in problems:
        click.echo(problem)
    verdict = "every line can be trusted" if not problems else f"{len(problems)} bad line(s)"
    click.echo(f"{_chosen(journal_path)}: {good} line(s) read, {verdict}", err=True)
    raise click.exceptions.Exit(EXIT_ERROR if problems else EXIT_OK)


@journal_command.command("resolve", epilog=JOURNAL_RESOLVE_EPILOG)
@click.argument("intent_id")
@click.option(
    "--applied/--not-applied",
    default=None,
    help="What Zoom's console shows: --applied settles the call (never sent again); "
    "--not-applied says it did not happen (the next run sends it again if the files still "
    "want it).",
)
@_REASON
@_JOURNAL
@_NO_LOCK
def resolve_command(
    intent_id: str,
    applied: bool | None,
    reason: str,
    journal_path: str | None,
    no_journal_lock: bool,
) -> None:
    """Settle INTENT_ID (from `journal list --unsettled` or apply's report) as you found it."""
    from reconciler.apply.journal_review import ReviewRefused, resolve

    if applied is None:
        raise click.UsageError("give --applied or --not-applied")
    store = _store(journal_path, require_lock=not no_journal_lock)
    try:
        message = resolve(store, intent_id, applied=applied, reason=reason)
    except (ReviewRefused, JournalError) as exc:
        fail(str(exc))
    click.echo(f"{intent_id}: {message}")


@journal_command.command("acknowledge", epilog=JOURNAL_ACKNOWLEDGE_EPILOG)
@click.argument("location", metavar="FILE:LINE")
@_REASON
@_JOURNAL
@_NO_LOCK
def acknowledge_command(
    location: str, reason: str, journal_path: str | None, no_journal_lock: bool
) -> None:
    """Record that you looked at the damaged line FILE:LINE (as `journal verify` names it), so
    apply goes on: the line is skipped, or a time in the future counts as just sent."""
    from reconciler.apply.journal_review import ReviewRefused, acknowledge

    store = _store(journal_path, require_lock=not no_journal_lock)
    try:
        message = acknowledge(store, location, reason=reason)
    except (ReviewRefused, JournalError) as exc:
        fail(str(exc))
    click.echo(message)


@journal_command.command("export", epilog=JOURNAL_EXPORT_EPILOG)
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
    output_format: str, out_file: Path | None, journal_path: str | None, config_file: Path | None
) -> None:
    """Write the journal's whole audit trail, oldest line first."""
    del output_format  # one format today; the option names it so scripts stay explicit
    target = _chosen(journal_path, config_file)
    try:
        store = FileJournalStore(target) if isinstance(target, Path) else target
        with click.open_file(str(out_file) if out_file else "-", "w", encoding="utf-8") as out:
            count = 0
            for _where, text in store.lines():
                out.write(text if text.endswith("\n") else text + "\n")
                count += 1
    except JournalError as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"cannot export: {exc.strerror or exc}")
    _say(f"zoomplans: exported {count} line(s) of the journal {target}")


@journal_command.command("import", epilog=JOURNAL_IMPORT_EPILOG)
@click.argument("file_journal", metavar="FILE", type=click.Path(dir_okay=False, path_type=Path))
@_JOURNAL
@_CONFIG
def import_command(file_journal: Path, journal_path: str | None, config_file: Path | None) -> None:
    """Move the file journal FILE (and its month files) into the database journal, once."""
    from reconciler.apply.journal_postgres import PostgresJournalStore

    target = _chosen(journal_path, config_file)
    if not isinstance(target, PostgresJournalStore):
        fail(
            "journal import moves a file journal into a database: name it with --journal "
            "postgresql://... or ZOOMPLANS_JOURNAL_URL",
            EXIT_USAGE,
        )
    if not file_journal.is_file():
        fail(f"{file_journal}: no such journal file")
    try:
        lines = FileJournalStore(file_journal).lines()
        texts = [text.removesuffix("\n") for _where, text in lines]
        result = target.import_lines(str(file_journal), texts)
    except JournalError as exc:
        fail(str(exc))
    if result.imported_before is not None:
        when = result.imported_before.strftime("%Y-%m-%d %H:%M")
        click.echo(f"{file_journal} was imported into {target} on {when} UTC; nothing added.")
        return
    click.echo(f"Imported {result.added} line(s) of {file_journal} into {target}.")

"""`zoomplans journal`: list the calls apply made, verify every line, settle what a run cannot.

Thin on purpose: parse, call ``reconciler.apply.journal_review``, print, exit code. Exit 0 when
done (verify: every line can be trusted), 1 when not, 64 usage.
"""

from __future__ import annotations

from pathlib import Path

import click

from reconciler.apply.journal import DEFAULT_JOURNAL_PATH
from reconciler.cli.epilogs import (
    JOURNAL_ACKNOWLEDGE_EPILOG,
    JOURNAL_LIST_EPILOG,
    JOURNAL_RESOLVE_EPILOG,
    JOURNAL_VERIFY_EPILOG,
)
from reconciler.cli.exit_codes import EXIT_ERROR, EXIT_OK, fail

_JOURNAL = click.option(
    "--journal",
    "journal_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=str(DEFAULT_JOURNAL_PATH),
    show_default=True,
    help="The journal apply writes (this month's file; earlier months are read beside it).",
)
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
def list_command(journal_path: Path, unsettled: bool, account_id: str | None) -> None:
    """Every call apply made (oldest first): when, intent id, account, call, fate, run, line.

    A fate is in_doubt, accepted (not shown by a read yet), shown, refused or absent.
    """
    from reconciler.apply.journal import JournalError, read_journal
    from reconciler.apply.journal_review import list_calls

    try:
        contents = read_journal(journal_path)
    except JournalError as exc:
        fail(str(exc))
    rows = list_calls(contents, unsettled_only=unsettled, account_id=account_id)
    for row in rows:
        click.echo(row.text())
    which = "unsettled call(s)" if unsettled else "call(s)"
    click.echo(f"{len(rows)} {which} in {journal_path}", err=True)
    if contents.problems:
        click.echo(
            f"zoomplans: {len(contents.problems)} line(s) cannot be trusted; "
            "`zoomplans journal verify` lists them",
            err=True,
        )


@journal_command.command("verify", epilog=JOURNAL_VERIFY_EPILOG)
@_JOURNAL
def verify_command(journal_path: Path) -> None:
    """Check that every line parses and no time lies in the future; each bad line is printed as
    `file:line: problem`. Exit 1 if any (apply then sends nothing until each is settled)."""
    from reconciler.apply.journal import JournalError
    from reconciler.apply.journal_file import FileJournalStore
    from reconciler.apply.journal_review import verify

    try:
        good, problems = verify(FileJournalStore(journal_path))
    except JournalError as exc:
        fail(str(exc))
    for problem in problems:
        click.echo(problem)
    verdict = "every line can be trusted" if not problems else f"{len(problems)} bad line(s)"
    click.echo(f"{journal_path}: {good} line(s) read, {verdict}", err=True)
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
    intent_id: str, applied: bool | None, reason: str, journal_path: Path, no_journal_lock: bool
) -> None:
    """Settle INTENT_ID (from `journal list --unsettled` or apply's report) as you found it."""
    from reconciler.apply.journal import JournalError
    from reconciler.apply.journal_file import FileJournalStore
    from reconciler.apply.journal_review import ReviewRefused, resolve

    if applied is None:
        raise click.UsageError("give --applied or --not-applied")
    store = FileJournalStore(journal_path, require_lock=not no_journal_lock)
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
    location: str, reason: str, journal_path: Path, no_journal_lock: bool
) -> None:
    """Record that you looked at the damaged line FILE:LINE (as `journal verify` names it), so
    apply goes on: the line is skipped, or a time in the future counts as just sent."""
    from reconciler.apply.journal import JournalError
    from reconciler.apply.journal_file import FileJournalStore
    from reconciler.apply.journal_review import ReviewRefused, acknowledge

    store = FileJournalStore(journal_path, require_lock=not no_journal_lock)
    try:
        message = acknowledge(store, location, reason=reason)
    except (ReviewRefused, JournalError) as exc:
        fail(str(exc))
    click.echo(message)

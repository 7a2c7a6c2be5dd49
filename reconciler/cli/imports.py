"""`zoomplans import`: write one desired-state file per live sub-account (issue 6).

The command only parses options, runs `reconciler.importing.import_accounts` through a
`ZoomClient`, prints what happened to each file and picks the exit code:

- 0: every account that could be read has its file (written, overwritten, unchanged, or an
  existing file left alone); self-pay accounts, which the master account cannot manage, are
  listed without failing the run.
- 1: the sub-accounts could not be listed, an account could not be read or its file not
  written, a run-wide error (credentials, daily limit) stopped the reads, an `--account` id
  does not exist, or a written file does not load clean.
"""

from __future__ import annotations

import asyncio
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

import click

from reconciler.cli.epilogs import IMPORT_EPILOG
from reconciler.cli.exit_codes import EXIT_ERROR, EXIT_OK
from reconciler.cli.options import verbose_option, zoom_config_from, zoom_options
from reconciler.escaping.terminal import inert
from reconciler.importing import ImportReport, ImportRequest, ImportStopped, import_accounts
from reconciler.importing.check import check_written, unlisted_codes
from reconciler.importing.run import FileResult, NoteKind
from reconciler.zoom import ZoomClient, ZoomConfig, ZoomError

_LABELS = {
    "written": "written",
    "overwritten": "overwritten",
    "unchanged": "unchanged",
    "skipped": "exists, skipped",
    "failed": "FAILED",
}
_NOTE_LABELS: dict[NoteKind, str] = {
    "self_pay": "self-pay",
    "missing": "missing",
    "unreadable": "unreadable",
}
# The summary's file counts, in this order, each labelled by its own name.
_COUNTED: tuple[FileResult, ...] = ("written", "overwritten", "unchanged", "skipped", "failed")


class _Progress:
    """`reading plans [####----] 120/700` on stderr, only when stderr is a terminal."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.enabled = stream.isatty()
        self.total = 0
        self.done = 0

    def start(self, total: int) -> None:
        self.total = total

    def step(self) -> None:
        self.done += 1
        if not self.enabled or not (self.done == self.total or self.done % 10 == 0):
            return
        width = 30
        filled = width * self.done // max(self.total, 1)
        bar = "#" * filled + "-" * (width - filled)
        self.stream.write(f"\rreading plans [{bar}] {self.done}/{self.total}")
        if self.done == self.total:
            self.stream.write("\n")
        self.stream.flush()


async def _run(config: ZoomConfig, request: ImportRequest, progress: _Progress) -> ImportReport:
    async with ZoomClient(config) as zoom:
        return await import_accounts(zoom, request, on_listed=progress.start, on_read=progress.step)


def _account_ids(
    _ctx: click.Context, _param: click.Parameter, value: tuple[str, ...]
) -> tuple[str, ...]:
    """An empty id would silently widen the import to every account: refuse it."""
    if any(not item.strip() for item in value):
        raise click.BadParameter("an account id cannot be empty")
    return value


def _shown(path: Path) -> str:
    """Paths relative to the working folder when they are under it: shorter and copyable."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _print_schema(report: ImportReport) -> None:
    """Say where the editor schema came from when this run wrote it or could not."""
    schema = report.schema
    if schema is None or schema.result == "found":
        return
    if schema.result == "written":
        click.echo(
            f"{'schema written':<16} {_shown(schema.path)} (for editors: the first line of each "
            "file points at it; commit it with the files)"
        )
        return
    click.echo(
        f"zoomplans import: could not write the editor schema {_shown(schema.path)}: "
        f"{schema.detail} (the account files are written; only editor hints are missing)",
        err=True,
    )


def _print_report(report: ImportReport) -> None:
    for outcome in report.files:
        label = _LABELS[outcome.result]
        detail = f" ({outcome.detail})" if outcome.detail else ""
        click.echo(inert(f"{label:<16} {_shown(outcome.path)}{detail}"))
    _print_schema(report)
    if report.unsubscribed:
        click.echo("")
        click.echo("No active paid plan (file written without plans):")
        for account_id in report.unsubscribed:
            click.echo(inert(f"  {account_id}"))
    if report.left_out:
        click.echo("")
        click.echo(
            "Left out of the files (zoomplans cannot manage it; plan lists it as unmanaged):"
        )
        for account_id, item in report.left_out:
            click.echo(inert(f"  {account_id}: {item}"))
    if report.contact_notes:
        click.echo("")
        click.echo("Written without a billing contact:")
        for account_id, why in report.contact_notes:
            click.echo(inert(f"  {why}" if account_id == "*" else f"  {account_id}: {why}"))
    if report.not_imported:
        click.echo("")
        click.echo("Not imported:")
        for note in report.not_imported:
            named = f" ({note.name})" if note.name else ""
            click.echo(
                inert(f"  {_NOTE_LABELS[note.kind]:<11} {note.account_id}{named}: {note.message}")
            )
    click.echo("")
    counts = ", ".join(f"{report.count(result)} {result}" for result in _COUNTED)
    notes = ", ".join(f"{len(report.notes(kind))} {label}" for kind, label in _NOTE_LABELS.items())
    total = len(report.files) + len(report.not_imported)
    click.echo(f"Import: {total} accounts; files: {counts}; not imported: {notes}.")
    if report.count("written") + report.count("overwritten") == 0:
        click.echo("No file changed.")
    if report.stopped:
        click.echo(inert(f"zoomplans import: reads stopped early: {report.stopped}"), err=True)


@click.command("import", epilog=IMPORT_EPILOG)
@verbose_option
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("accounts"),
    show_default=True,
    help="Folder the account files are written to (created if missing).",
)
@click.option(
    "--account",
    "account_ids",
    multiple=True,
    metavar="ID",
    callback=_account_ids,
    help="Import only this sub-account id (repeatable). Default: every sub-account.",
)
@click.option(
    "--force",
    is_flag=True,
    help="Overwrite an existing file that differs from Zoom (labels and contact are kept).",
)
@click.option(
    "--with-contact",
    is_flag=True,
    help="Write the billing contact's phone number and postal address too. Without it they are "
    "left out (with a comment): files go to git, and every output masks those fields.",
)
@zoom_options
def import_command(
    out_dir: Path, account_ids: tuple[str, ...], force: bool, with_contact: bool, **kwargs: Any
) -> None:
    """Write one YAML file per live sub-account into --out, ready for review and `plan`.

    Existing files are never overwritten without --force; a file that already says what Zoom
    says is reported "unchanged" and left untouched.
    """
    ctx = click.get_current_context()
    try:
        config = zoom_config_from(kwargs)
        request = ImportRequest(
            out_dir=out_dir,
            source=config.api_base_url,
            now=datetime.now(UTC),
            account_ids=tuple(a.strip() for a in account_ids),
            force=force,
            with_contact=with_contact,
        )
        report = asyncio.run(_run(config, request, _Progress(sys.stderr)))
    except (ZoomError, ImportStopped) as exc:
        click.echo(inert(f"zoomplans import: {exc}"), err=True)
        ctx.exit(EXIT_ERROR)
    _print_report(report)
    problems = check_written(report.written_paths)
    unlisted = unlisted_codes(report.written_paths)
    if unlisted:
        click.echo("", err=True)
        click.echo(
            "Plan types Zoom's catalogue does not list (legacy, or newer than this zoomplans): "
            "written as Zoom spells them; validate and plan refuse them until zoomplans.yaml "
            "allows them by name (extra_plan_types: [code, ...]):",
            err=True,
        )
        for code, account_id in unlisted:
            click.echo(f"  note: {account_id}: {code}", err=True)
    if problems:
        click.echo("", err=True)
        click.echo("Written files that do not load clean (please report this):", err=True)
        for problem in problems:
            click.echo(f"  {problem}", err=True)
    ctx.exit(EXIT_ERROR if report.failed or problems else EXIT_OK)

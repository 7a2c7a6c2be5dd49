"""`zoomplans apply`: parse the options into an ApplyRequest, call the service, print, exit.

Nothing is decided here: ``reconciler.service.apply_run.apply_changes`` refuses, plans or
proves a saved plan, asks through the hooks below and returns the report this command prints
(as octoDNS's ``cmds/sync.py`` does over ``Manager.sync``). Exit codes (SPEC section 4): 0
every account applied or already in sync; 1 anything refused, stale, mismatched, blocked or
failed; 64 usage; 130 interrupted (Ctrl-C); 143 stopped by SIGTERM. The preview and the results
go to stdout; progress and the confirmation prompt to stderr.

Signals: Ctrl-C ends the run at once (a call it cuts is in doubt, and the next run settles it).
SIGTERM, what CI sends to a cancelled job, is a stop: no new call is started, the calls in
flight finish and are journaled, the report is printed, exit 143; a second SIGTERM exits at
once (the journal already holds every call's intent).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from reconciler.apply.journal_store import JournalTarget
from reconciler.cli.epilogs import APPLY_EPILOG
from reconciler.cli.exit_codes import EXIT_INTERRUPTED, EXIT_TERMINATED
from reconciler.cli.guard_options import guard_rail_options
from reconciler.cli.journal_options import journal_lock_option, journal_options
from reconciler.cli.options import (
    duration_option,
    extends_root_option,
    selection_options,
    verbose_option,
    zoom_options,
)

if TYPE_CHECKING:  # imported lazily at run time, so `zoomplans --help` stays quick
    from reconciler.apply.report import ApplyReport
    from reconciler.apply.stop import RunControl
    from reconciler.planner.model import Plan
    from reconciler.service.requests import ApplyRequest


def _say(line: str) -> None:
    click.echo(line, err=True)


class TerminalHooks:
    """The service's hooks for a terminal or a CI log: progress on stderr, the preview on
    stdout, Terraform's question on stderr."""

    def say(self, line: str) -> None:
        _say(line)

    def show_plan(self, plan: Plan) -> None:
        from reconciler.render.text import render_text

        colour = sys.stdout.isatty() and "NO_COLOR" not in os.environ
        click.echo(render_text(plan, colour=colour), nl=False)

    async def confirm(self) -> bool:
        """Only the exact word ``yes`` approves. The answer is read on a daemon thread, so
        Ctrl-C at the prompt ends the run at once (no thread to wait for)."""
        for line in ("", "Do you want to perform these actions?", "  zoomplans will send "
                     "exactly the calls shown above; each may change what you pay.",
                     "  Only 'yes' will be accepted to approve.", ""):  # fmt: skip
            _say(line)
        click.echo("  Enter a value: ", err=True, nl=False)
        loop = asyncio.get_running_loop()
        answer: asyncio.Future[str] = loop.create_future()

        def answered(line: str) -> None:
            if not answer.done():
                answer.set_result(line)

        def read() -> None:
            line = sys.stdin.readline()
            with contextlib.suppress(RuntimeError):  # the run ended (Ctrl-C) while we waited
                loop.call_soon_threadsafe(answered, line)

        threading.Thread(target=read, name="confirm", daemon=True).start()
        text = await answer
        _say("")
        return text.strip() == "yes"


def _interrupted(journal_path: JournalTarget, sending: bool) -> NoReturn:
    """Ctrl-C: before sending began (planning, the question), say nothing was sent; after,
    say which calls were in flight and how the next run settles them. Exit 130."""
    from reconciler.apply.report import NOTHING_SENT
    from reconciler.apply.saved import interruption_report

    lines = (
        ["", f"zoomplans: interrupted before any call was sent; {NOTHING_SENT}."]
        if not sending
        else interruption_report(journal_path)
    )
    for line in lines:
        _say(line)
    raise click.exceptions.Exit(EXIT_INTERRUPTED)


def run_with_signals(request: ApplyRequest, control: RunControl) -> ApplyReport:
    """Run the service with SIGTERM as a stop request (a second SIGTERM exits at once)."""
    from reconciler.service.apply_run import apply_changes

    async def whole_run() -> ApplyReport:
        loop = asyncio.get_running_loop()

        def on_sigterm() -> None:
            if control.stopping:
                _say("zoomplans: SIGTERM again: exiting now; the journal holds every call sent")
                os._exit(EXIT_TERMINATED)
            control.request_stop("SIGTERM")
            _say(
                "zoomplans: SIGTERM: no new call is started; the calls in flight finish and "
                "are journaled (send it again to exit at once)"
            )

        with contextlib.suppress(NotImplementedError, RuntimeError):  # no signals on Windows
            loop.add_signal_handler(signal.SIGTERM, on_sigterm)
        try:
            return await apply_changes(request, TerminalHooks(), control)
        finally:
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.remove_signal_handler(signal.SIGTERM)

    return asyncio.run(whole_run())


@click.command("apply", epilog=APPLY_EPILOG)
@verbose_option
@selection_options
@click.option(
    "--plan",
    "plan_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Apply exactly this saved plan (from `zoomplans plan --out`), after planning again "
    "from the files at PATH and Zoom with apply's own flags, limits and prices: only calls "
    "equal to the saved ones are sent. Refuses --select (the plan records its selection).",
)
@click.option(
    "--expect-sha256",
    metavar="HEX",
    help="With --plan: refuse the file unless its plan_sha256 (shown by `plan` in every "
    "format) is HEX, the one that was reviewed.",
)
@duration_option(
    "--max-plan-age",
    default="24h",
    help="With --plan: the oldest plan apply accepts, counted from its created_at (e.g. 30m, "
    "24h, 7d); an expires_at later than created_at + this is refused.",
)
@click.option("--auto-approve", is_flag=True, help="Do not ask for confirmation (for CI).")
@click.option(
    "--parallelism",
    type=click.IntRange(min=1, max=64),
    metavar="N",
    default=16,
    show_default=True,
    help="Accounts worked on at once (each account's calls stay in order).",
)
@click.option(
    "--verify-timeout",
    type=click.FloatRange(min=0),
    metavar="SECONDS",
    default=5.0,
    show_default=True,
    help="Seconds to keep reading an account after its calls until the changes show.",
)
@click.option(
    "--settle-timeout",
    type=click.FloatRange(min=0),
    metavar="SECONDS",
    default=60.0,
    show_default=True,
    help="Seconds to keep reading back, after a POST/PATCH whose answer was lost (or a 5xx), "
    "before leaving it in doubt: it is never sent again in the same run.",
)
@click.option(
    "--daily-heavy-budget",
    "budget",
    type=click.IntRange(min=0),
    metavar="N",
    help="Heavy calls per 24 hours this master account may use (default Zoom's cap: 60,000, "
    "or 30,000 with --rate-tier pro); apply refuses a plan that needs more than is left.",
)
@click.option(
    "--lock-timeout",
    metavar="DURATION",
    default="0s",
    show_default=True,
    help="How long to wait for another apply holding the journal's lock (the database's "
    "lock per master account, or the file's) before giving up; 0s fails at once, naming "
    "the run that holds it.",
)
@click.option(
    "--allow-dirty",
    is_flag=True,
    help="Under CI=true, apply even when a file read (desired file, template, price list, "
    "zoomplans.yaml) differs from the git commit or is untracked (refused otherwise).",
)
@extends_root_option
@journal_options
@journal_lock_option
@guard_rail_options
@zoom_options
def apply_command(**options: Any) -> None:
    """Make the calls that bring Zoom to the YAML (PATH default accounts/), or those of --plan."""
    from reconciler.apply.stop import RunControl
    from reconciler.cli.requests import apply_request

    request = apply_request(options, interactive=sys.stdin.isatty())
    control = RunControl()
    try:
        report = run_with_signals(request, control)
    except KeyboardInterrupt:
        _interrupted(request.journal_path, control.sending)
    if report.accounts:
        click.echo("")
    for line in report.lines():
        click.echo(line)
    for line in report.error_lines():
        _say(line)
    raise click.exceptions.Exit(report.exit_code)

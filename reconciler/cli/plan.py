"""`zoomplans plan`: load the YAML, read Zoom, print the ordered calls; CI decides on the exit code.

Thin on purpose: parse the options into a PlanRequest, call
`reconciler.service.plan_run.make_plan_for`, write and render, exit code. Exit codes
(SPEC section 4): 0 nothing pending (or pending without --detailed-exitcode), 1 any error
(bad YAML, unreadable account, blocked item, over --max-accounts-changed), 2 with
--detailed-exitcode when calls are pending, 64 usage errors. A call the journal holds as
awaiting Zoom is shown as in flight and is not pending (apply would not send it).
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import click

from reconciler.cli.epilogs import PLAN_EPILOG
from reconciler.cli.exit_codes import fail
from reconciler.cli.guard_options import guard_rail_options
from reconciler.cli.journal_options import journal_options
from reconciler.cli.options import (
    duration_option,
    extends_root_option,
    selection_options,
    verbose_option,
    zoom_options,
)
from reconciler.escaping.terminal import inert
from reconciler.planner.model import Plan


def write_plan_file(plan: Plan, out: Path) -> None:
    """Write the JSON plan atomically: a reader never sees half a plan file."""
    out = out.expanduser()
    directory = out.parent if str(out.parent) else Path(".")
    directory.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            # One write: json.dump would make one per token (30,000 for 600 accounts).
            handle.write(json.dumps(plan.to_json(), indent=2, sort_keys=False) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _render(plan: Plan, output_format: str) -> str:
    import io

    from reconciler.render.formats import renderer_for

    colour = output_format == "text" and sys.stdout.isatty() and "NO_COLOR" not in os.environ
    out = io.StringIO()
    renderer_for(output_format, colour=colour).render(plan, out)
    return out.getvalue()


def _write(plan: Plan, out_file: Path | None, html_file: Path | None) -> None:
    """--out and --html, whatever --format prints."""
    if out_file is not None:
        try:
            write_plan_file(plan, out_file)
        except OSError as exc:
            fail(f"cannot write the plan file {out_file}: {exc.strerror or exc}")
    if html_file is not None:
        try:
            from reconciler.render.html import write_html_report

            write_html_report(plan, html_file)
        except OSError as exc:
            fail(f"cannot write the HTML report {html_file}: {exc.strerror or exc}")


@click.command("plan", epilog=PLAN_EPILOG)
@verbose_option
@selection_options
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "markdown", "html"]),
    default="text",
    show_default=True,
    metavar="FORMAT",
    help="What to print on stdout: text, json, markdown or html.",
)
@click.option(
    "--out",
    "out_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the JSON plan to this file (for `apply --plan`), whatever --format prints.",
)
@click.option(
    "--html",
    "html_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the self-contained HTML report to this file, whatever --format prints.",
)
@click.option(
    "--detailed-exitcode", is_flag=True, help="Exit 2 when calls are pending (0 when in sync)."
)
@duration_option(
    "--ttl",
    default="24h",
    help="How long the plan file stays valid for apply --plan (e.g. 30m, 24h, 7d; at most 365d).",
)
@extends_root_option
@journal_options
@guard_rail_options
@zoom_options
def plan_command(**options: Any) -> None:
    """Show the ordered API calls that would make Zoom match the YAML (PATH default accounts/)."""
    from reconciler.cli.requests import plan_request
    from reconciler.service.plan_run import PlanRefused, make_plan_for

    options = dict(options)
    request = plan_request(options)

    def say(line: str) -> None:
        click.echo(inert(line), err=True)

    try:
        result = asyncio.run(make_plan_for(request, say))
    except PlanRefused as exc:
        fail(str(exc), exc.exit_code)
    _write(result.plan, options["out_file"], options["html_file"])
    click.echo(_render(result.plan, options["output_format"]), nl=False)
    for error in result.errors:
        say(f"zoomplans: error: {error}")
    if result.failed:
        say(f"zoomplans: {result.failed}")
    raise click.exceptions.Exit(result.exit_code(detailed=options["detailed_exitcode"]))

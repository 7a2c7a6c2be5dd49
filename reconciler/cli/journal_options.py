"""The journal options `plan` and `apply` share: where the journal is, how far back it counts.

Both commands read the journal the same way (``reconciler.apply.in_flight``): `apply` never
sends a purchase the journal holds as awaiting Zoom, and `plan` shows it as in flight. So the
window and the minimum age before a write in doubt may be sent again are spelt once, here,
with their `zoomplans.yaml` keys (`journal_window`, `resend_after`); a flag wins over the key.

Which journal (``journal_target``): `--journal` (a file, or a `postgresql://` URL), else
`ZOOMPLANS_JOURNAL_URL`, else `journal:` in zoomplans.yaml (a URL only, without a password:
a pull request can write that file), else the file `.zoomplans/journal.jsonl`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from reconciler.cli.exit_codes import EXIT_USAGE, fail
from reconciler.cli.options import stacked

if TYPE_CHECKING:  # imported when used, so `zoomplans --help` stays quick
    from reconciler.apply.in_flight import InFlightRules
    from reconciler.apply.journal_store import JournalTarget
    from reconciler.guards.project import ProjectConfig

#: reconciler.apply.journal.DEFAULT_JOURNAL_PATH, spelt here so that `plan --help` does not
#: import the apply package (tests/test_lazy_commands.py keeps the two equal).
DEFAULT_JOURNAL_FILE = ".zoomplans/journal.jsonl"

F = TypeVar("F", bound=Callable[..., Any])

JOURNAL_URL_VARIABLE = "ZOOMPLANS_JOURNAL_URL"
_DURATION = re.compile(r"^\s*(\d+)\s*([smhd])\s*$")
_UNIT = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


class JournalRuleError(ValueError):
    """A journal window or minimum age that is not a duration."""


def journal_duration(text: str, *, what: str, zero_ok: bool) -> timedelta:
    """`90s`, `15m`, `24h`, `7d` -> timedelta (at most 3650 days)."""
    match = _DURATION.match(text or "")
    if match is None or (int(match.group(1)) == 0 and not zero_ok):
        smallest = "0 or more" if zero_ok else "a positive number"
        raise JournalRuleError(
            f"{what} {text!r} is not a duration; use {smallest} with s, m, h or d (e.g. 15m, 7d)"
        )
    moment = timedelta(**{_UNIT[match.group(2)]: int(match.group(1))})
    if moment > timedelta(days=3650):
        raise JournalRuleError(f"{what} {text!r} is too long (at most 3650d)")
    return moment


def journal_options(func: F) -> F:
    """--journal, --journal-window, --resend-after."""
    options = [
        click.option(
            "--journal",
            "journal_path",
            metavar="FILE|URL",
            help="Append-only record of every call apply makes: a JSON-lines file (default "
            f"{DEFAULT_JOURNAL_FILE}) or a postgresql:// URL (one journal for every machine; "
            f"password from PGPASSWORD). Default {JOURNAL_URL_VARIABLE}, else `journal` in "
            "zoomplans.yaml. apply writes it and reads it to never send a purchase twice; plan "
            "reads it to show calls in flight.",
        ),
        click.option(
            "--journal-window",
            metavar="DURATION",
            help="How far back the journal's earlier purchases count (default "
            "`journal_window` in zoomplans.yaml, else 7d).",
        ),
        click.option(
            "--resend-after",
            metavar="DURATION",
            help="Minimum age before a write whose answer was lost (or a 5xx) may be sent again "
            "by a later run, if Zoom still does not show it (default `resend_after` in "
            "zoomplans.yaml, else 15m).",
        ),
    ]
    return stacked(options, func)


def journal_target(
    flag: str | None, project: ProjectConfig | None, say: Callable[[str], None]
) -> JournalTarget:
    """The journal `--journal`, the environment or zoomplans.yaml names (see the module's
    docstring); a URL becomes a PostgreSQL store (nothing is connected yet)."""
    from reconciler.apply.journal_url import is_database_url

    if flag:
        return _target(flag, "--journal")
    from_env = os.environ.get(JOURNAL_URL_VARIABLE, "").strip()
    if from_env:
        if not is_database_url(from_env):
            fail(f"{JOURNAL_URL_VARIABLE} must be a postgresql:// URL", EXIT_USAGE)
        return _target(from_env, JOURNAL_URL_VARIABLE)
    if project is not None and project.journal:
        target = _target(project.journal, project.source)
        say(f"zoomplans: journal {target} (from {project.source})")
        return target
    return Path(DEFAULT_JOURNAL_FILE)


def _target(text: str, origin: str) -> JournalTarget:
    from reconciler.apply.journal_url import carries_password, is_database_url

    if not is_database_url(text):
        return Path(text)
    if origin.endswith((".yaml", ".yml")) and carries_password(text):
        fail(f"{origin}: journal: a URL there must not hold a password", EXIT_USAGE)
    from reconciler.apply.journal_postgres import PostgresJournalStore

    return PostgresJournalStore(text)


def journal_lock_option(func: F) -> F:
    """--no-journal-lock (apply only: plan never writes the journal)."""
    return click.option(
        "--no-journal-lock",
        is_flag=True,
        help="Apply even where the journal cannot be locked (a file system without flock, "
        "some network mounts). Without it apply refuses there, because two runs at once could "
        "both send the same charge; give it only when no other apply can run meanwhile.",
    )(func)


def in_flight_rules(
    window: str | None, resend_after: str | None, project: ProjectConfig | None
) -> InFlightRules:
    """The rules from the flags, else zoomplans.yaml, else the defaults; JournalRuleError."""
    from reconciler.apply.in_flight import DEFAULT_RESEND_AFTER, DEFAULT_WINDOW, InFlightRules

    window = window or (project.journal_window if project is not None else None)
    resend_after = resend_after or (project.resend_after if project is not None else None)
    return InFlightRules(
        window=DEFAULT_WINDOW
        if window is None
        else journal_duration(window, what="journal window", zero_ok=False),
        resend_after=DEFAULT_RESEND_AFTER
        if resend_after is None
        else journal_duration(resend_after, what="resend-after", zero_ok=True),
    )

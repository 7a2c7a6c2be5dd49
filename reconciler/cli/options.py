"""Options shared by several commands: verbosity, the Zoom connection, and what to plan.

`-v` is accepted before or after the command name (SPEC section 4), so it is declared on the
group and on every command, and both only raise the log level. `plan` and `apply` share PATH,
`--account`, `--select`, the opt-ins and `--max-accounts-changed`: each is declared once here so
both commands spell and explain them the same way in `--help`.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Any, TypeVar

import click

from reconciler.escaping.terminal import inert
from reconciler.zoom.config import DEFAULT_API_BASE_URL, DEFAULT_OAUTH_TOKEN_URL, ZoomConfig

F = TypeVar("F", bound=Callable[..., Any])


def stacked(options: Sequence[Callable[[Any], Any]], func: F) -> F:
    """Apply click decorators as if written above ``func`` in this order (first outermost)."""
    for option in reversed(options):
        func = option(func)
    return func


class _InertFormatter(logging.Formatter):
    """Log lines quote account names, file values and Zoom's messages: each line is made inert
    like every other output (a traceback, appended after it, keeps its own lines)."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        return inert(super().formatMessage(record))


def _set_verbose(ctx: click.Context, _param: click.Parameter, value: int) -> int:
    if value:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(_InertFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        logging.basicConfig(
            level=logging.DEBUG if value > 1 else logging.INFO, handlers=[handler], force=True
        )
    return value


def verbose_option(func: F) -> F:
    """`-v`/`--verbose`, repeatable; logs go to stderr and never carry a secret."""
    return click.option(
        "-v",
        "--verbose",
        count=True,
        expose_value=False,
        is_eager=True,
        callback=_set_verbose,
        help="Say more on stderr (repeat for debug detail); never prints a secret.",
    )(func)


def zoom_options(func: F) -> F:
    """The Zoom connection: every option also reads its pinned environment variable."""
    options = [
        click.option(
            "--api-base-url",
            envvar="ZOOM_API_BASE_URL",
            default=DEFAULT_API_BASE_URL,
            show_default=True,
            help="Zoom API base URL (env ZOOM_API_BASE_URL).",
        ),
        click.option(
            "--oauth-token-url",
            envvar="ZOOM_OAUTH_TOKEN_URL",
            default=DEFAULT_OAUTH_TOKEN_URL,
            show_default=True,
            help="Server-to-Server OAuth token URL (env ZOOM_OAUTH_TOKEN_URL).",
        ),
        click.option(
            "--zoom-account-id",
            envvar="ZOOM_ACCOUNT_ID",
            help="Master account id (env ZOOM_ACCOUNT_ID).",
        ),
        click.option(
            "--client-id", envvar="ZOOM_CLIENT_ID", help="OAuth client id (env ZOOM_CLIENT_ID)."
        ),
        click.option(
            "--client-secret",
            envvar="ZOOM_CLIENT_SECRET",
            help="OAuth client secret (env ZOOM_CLIENT_SECRET; prefer the variable).",
        ),
        click.option(
            "--access-token",
            envvar="ZOOM_ACCESS_TOKEN",
            help="A ready access token; skips OAuth (env ZOOM_ACCESS_TOKEN).",
        ),
        click.option(
            "--rate-tier",
            envvar="ZOOM_RATE_TIER",
            type=click.Choice(["pro", "business"]),
            default="business",
            show_default=True,
            help="Which of Zoom's rate-limit tables to pace for (env ZOOM_RATE_TIER).",
        ),
        click.option(
            "--timeout",
            "timeout_s",
            envvar="ZOOM_TIMEOUT_S",
            type=click.FloatRange(min=0, min_open=True),
            metavar="SECONDS",
            default=30.0,
            show_default=True,
            help="Seconds to wait for one HTTP answer (env ZOOM_TIMEOUT_S).",
        ),
    ]
    return stacked(options, func)


def zoom_config_from(kwargs: dict[str, Any]) -> ZoomConfig:
    """Pop the zoom_options values out of a command's kwargs and build the client config."""
    return ZoomConfig(
        api_base_url=kwargs.pop("api_base_url"),
        oauth_token_url=kwargs.pop("oauth_token_url"),
        account_id=kwargs.pop("zoom_account_id"),
        client_id=kwargs.pop("client_id"),
        client_secret=kwargs.pop("client_secret"),
        access_token=kwargs.pop("access_token"),
        rate_tier=kwargs.pop("rate_tier"),
        timeout_s=kwargs.pop("timeout_s"),
    )


def _selector(
    _ctx: click.Context, _param: click.Parameter, value: tuple[str, ...]
) -> tuple[str, ...]:
    for item in value:
        key, sep, _ = item.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"{item!r} is not KEY=VALUE (e.g. --select tier=gold)")
    return value


def selection_options(func: F) -> F:
    """PATH..., --account, --select, --allow-decrease, --allow-cancel, --allow-cancel-base,
    --at-renewal, --renewal-notice-days, --max-accounts-changed."""
    options = [
        click.argument("paths", nargs=-1, type=click.Path(), metavar="[PATH]..."),
        click.option(
            "--account",
            "account_ids",
            multiple=True,
            metavar="ID",
            help="Only this account id (repeat for more).",
        ),
        click.option(
            "--select",
            "selectors",
            multiple=True,
            metavar="KEY=VALUE",
            callback=_selector,
            help="Only accounts whose label KEY equals VALUE (repeat: all must match).",
        ),
        click.option(
            "--allow-decrease", is_flag=True, help="Allow seat decreases (never below usage)."
        ),
        click.option(
            "--allow-cancel",
            is_flag=True,
            help="Allow cancelling add-ons the YAML marks state: cancelled.",
        ),
        click.option(
            "--allow-cancel-base",
            is_flag=True,
            help="Allow cancelling a base plan the YAML marks state: cancelled (after every "
            "add-on of that account is cancelled).",
        ),
        click.option(
            "--at-renewal",
            is_flag=True,
            help="Schedule seat decreases and cancellations for each account's next renewal "
            "date (blocked where Zoom's call takes no date or the date is unknown).",
        ),
        click.option(
            "--renewal-notice-days",
            type=click.IntRange(min=0, max=90),
            default=14,
            show_default=True,
            metavar="N",
            help="Flag a seat decrease or cancellation taking effect within N days before a "
            "renewal that is not automatic or is billed yearly or longer (display only).",
        ),
        click.option(
            "--max-accounts-changed",
            type=click.IntRange(min=0),
            metavar="N",
            help="Refuse a plan that changes more accounts than N (plan exits 1, apply sends "
            "nothing).",
        ),
    ]
    return stacked(options, func)


def extends_root_option(func: F) -> F:
    """`--extends-root DIR`: the one way (with `extends_root` in zoomplans.yaml) to let
    `extends` read templates outside the git work tree holding the desired files."""
    return click.option(
        "--extends-root",
        "extends_root",
        type=click.Path(file_okay=False, path_type=str),
        metavar="DIR",
        help="Also let `extends` read templates under DIR (default: only inside the git work "
        "tree holding the files, or the current directory outside git).",
    )(func)


def _duration(_ctx: click.Context, _param: click.Parameter, value: str) -> timedelta:
    from reconciler.planner.provenance import DurationError, parse_duration

    try:
        return parse_duration(value)
    except DurationError as exc:
        raise click.BadParameter(str(exc)) from None


def duration_option(name: str, *, default: str, help: str) -> Callable[[F], F]:
    """A ``--name DURATION`` option (30m, 24h, 7d; at most 365d) parsed to a timedelta."""
    return click.option(
        name, default=default, show_default=True, metavar="DURATION", callback=_duration, help=help
    )

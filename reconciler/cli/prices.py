"""`zoomplans prices --from-zoom`: write the price list from what Zoom will next invoice.

Thin on purpose: check the options, run `reconciler.pricing.from_zoom.read_zoom_prices` through
a `ZoomClient`, write the YAML (to --out or stdout), list on stderr what could not be priced,
exit. Exit codes: 0 the price list was written (subscriptions it could not match are listed as
warnings: a partial list still prices what it can, and `plan --require-prices` refuses a call
it leaves unknown); 1 Zoom could not be read, nothing could be priced (no renewal within 90
days, or none matched) or the file could not be written; 64 usage errors (no --from-zoom, a
currency that is not ISO 4217's).
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import click

from reconciler.cli.epilogs import PRICES_EPILOG
from reconciler.cli.exit_codes import EXIT_USAGE, fail
from reconciler.cli.options import verbose_option, zoom_config_from, zoom_options
from reconciler.escaping.terminal import inert
from reconciler.pricing.currencies import UnknownCurrency, is_currency

if TYPE_CHECKING:  # the command imports the reading (httpx, the catalogue) only when it runs
    from reconciler.pricing.from_zoom import ZoomPrices


def _summary(found: ZoomPrices) -> str:
    own = sum(len(prices) for prices in found.accounts.values())
    return (
        f"Prices: {len(found.prices)} plan codes priced, {own} account-specific price(s) for "
        f"{len(found.accounts)} account(s); {len(found.unmatched)} subscription(s) not priced."
    )


@click.command("prices", epilog=PRICES_EPILOG)
@verbose_option
@click.option(
    "--from-zoom",
    is_flag=True,
    help="Read the prices from Zoom's renewals list (90 days, every page); required.",
)
@click.option(
    "--out",
    "out_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the price list to FILE (atomically). Default: print it on stdout.",
)
@click.option(
    "--currency",
    default="USD",
    show_default=True,
    metavar="CODE",
    help="ISO 4217 currency of the master account's invoices (Zoom's list does not say it).",
)
@zoom_options
def prices_command(from_zoom: bool, out_file: Path | None, currency: str, **kwargs: Any) -> None:
    """Write the price list `plan --prices` reads, from what Zoom will next invoice.

    Each plan code's unit price is a renewing subscription's next invoice amount over its
    quantity, per its billing cycle; an account billed another price for a code keeps its own
    under `accounts:`. Subscriptions that match no catalogue code are listed on stderr.
    """
    from reconciler.importing.files import ImportFileError, replace_file
    from reconciler.pricing.from_zoom import PriceListBroken, checked_yaml, read_zoom_prices
    from reconciler.zoom import ZoomClient, ZoomError

    if not from_zoom:
        fail("prices needs --from-zoom (Zoom's renewals list is its only source)", EXIT_USAGE)
    if not is_currency(currency):
        fail(f"--currency: {UnknownCurrency(currency)}", EXIT_USAGE)
    config = zoom_config_from(kwargs)
    now = datetime.now(UTC)
    where = urlsplit(config.api_base_url)  # never a user or password a URL may carry
    api = f"{where.scheme}://{where.netloc.rpartition('@')[2]}{where.path}"
    source = f"Zoom's renewals list (GET /accounts/billing/renewals) of {api}"

    async def read() -> ZoomPrices:
        async with ZoomClient(config) as zoom:
            return await read_zoom_prices(zoom, currency=currency, source=source, day=now.date())

    try:
        found = asyncio.run(read())
    except ZoomError as exc:
        fail(f"prices: {exc}")
    for item in found.unmatched:
        click.echo(
            inert(
                f"zoomplans prices: warning: not priced: {item.account_id}: "
                f"{item.plan_name!r} ({item.billing_cycle}): {item.reason}"
            ),
            err=True,
        )
    click.echo(_summary(found), err=True)
    if not found.prices:
        fail(
            "prices: nothing to price: no subscription renewing within 90 days matched a plan "
            "code of Zoom's catalogue; no price list written"
        )
    try:
        text = checked_yaml(found, str(out_file or "<stdout>"))
    except PriceListBroken as exc:
        fail(f"prices: the price list would not load, not written (please report this): {exc}")
    if out_file is None:
        click.echo(text, nl=False)
        return
    try:
        out_file.expanduser().parent.mkdir(parents=True, exist_ok=True)
        replace_file(out_file.expanduser(), text)
    except (ImportFileError, OSError) as exc:
        fail(f"prices: cannot write {out_file}: {exc}")
    click.echo(inert(f"written {out_file}"), err=True)

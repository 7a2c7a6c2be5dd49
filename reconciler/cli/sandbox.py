"""`zoomplans sandbox`: serve the embedded fake Zoom API on loopback (SPEC sections 4 and 9).

Prints exactly two lines on stdout once the port accepts connections, so scripts can
`eval`/`source` them or read them from a pipe; everything else goes to stderr. Runs until
SIGINT or SIGTERM, then stops cleanly.
"""

from __future__ import annotations

import ipaddress
import logging
import signal
import sys
import threading
from pathlib import Path
from types import FrameType
from typing import Any

import click

from reconciler.cli.epilogs import SANDBOX_EPILOG
from reconciler.cli.options import verbose_option
from reconciler.sandbox import (
    RateLimitSpecError,
    SandboxError,
    SandboxServer,
    parse_rate_limits,
)

DEFAULT_SEED = Path("examples/sandbox-seed.yaml")
# The same demo seed ships inside the package, so `zoomplans sandbox` works outside a checkout.
PACKAGED_SEED = Path(__file__).resolve().parents[1] / "sandbox" / "demo-seed.yaml"
DEFAULT_PORT = 8765


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _rate_limits(
    _ctx: click.Context, _param: click.Parameter, value: str | None
) -> dict[str, int] | None:
    if value is None:
        return None
    try:
        return parse_rate_limits(value)
    except RateLimitSpecError as exc:
        raise click.BadParameter(str(exc)) from None


def _request_log_to_stderr() -> None:
    """One line per request on stderr (method, path, status, Zoom code); never a header."""
    logger = logging.getLogger("reconciler.sandbox")
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s sandbox: %(message)s"))
        logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False


@click.command("sandbox", epilog=SANDBOX_EPILOG)
@verbose_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=DEFAULT_PORT,
    show_default=True,
    help="Port to listen on; 0 picks a free port.",
)
@click.option(
    "--seed",
    "seed_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Seed YAML: credentials and sub-accounts with their plans "
    "[default: examples/sandbox-seed.yaml if present, else the packaged demo seed].",
)
@click.option(
    "--state",
    "state_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Keep the world in this JSON file (loaded if present, saved after every write).",
)
@click.option(
    "--latency-ms",
    type=click.FloatRange(0, 60_000),
    default=0,
    show_default=True,
    help="Delay every answer by this many milliseconds.",
)
@click.option(
    "--fault-rate",
    type=click.FloatRange(0, 1),
    default=0.0,
    show_default=True,
    help="Answer this fraction of API calls with a 5xx (nothing is applied).",
)
@click.option(
    "--rate-limit",
    "rate_limit",
    callback=_rate_limits,
    metavar="light=N,medium=N,heavy=N",
    help="Requests per second per rate label (default light=80,medium=60,heavy=40).",
)
@click.option(
    "--daily-limit",
    type=click.IntRange(1),
    default=60_000,
    show_default=True,
    help="Heavy calls allowed per UTC day before the daily-limit 429.",
)
@click.option(
    "--write-error-rate",
    type=click.FloatRange(0, 1),
    default=0.0,
    show_default=True,
    help="Apply this fraction of successful plan writes, then answer them with a 503.",
)
@click.option(
    "--read-lag",
    "read_lag_s",
    type=click.FloatRange(0, 3600),
    default=0.0,
    show_default=True,
    metavar="SECONDS",
    help="GET answers show each account as it was this many seconds ago; writes act on "
    "the true state (Zoom's eventual consistency).",
)
@click.option(
    "--clock-offset",
    "clock_offset_s",
    type=click.FloatRange(-10 * 365 * 86_400, 10 * 365 * 86_400),
    default=0.0,
    show_default=True,
    metavar="SECONDS",
    help="Shift the Date header of every answer by this many seconds (negative: earlier), "
    "to play a run long after the last one (Zoom's clock, which apply ages its journal on). "
    "Example: --clock-offset 691200 (8 days).",
)
@click.option(
    "--visibility-delay-ms",
    type=click.FloatRange(0, 600_000),
    default=0,
    show_default=True,
    help="Older name of --read-lag, in milliseconds.",
)
@click.option(
    "--headerless-429-rate",
    type=click.FloatRange(0, 1),
    default=0.0,
    show_default=True,
    help="Share of per-second 429s sent without any rate-limit headers, as Zoom sometimes does.",
)
@click.option(
    "--token-ttl",
    type=click.IntRange(1, 86_400),
    default=3600,
    show_default=True,
    help="Lifetime of access tokens in seconds (expires_in).",
)
@click.option(
    "--revoke-tokens-every",
    "revoke_every_s",
    type=click.FloatRange(0, 86_400),
    metavar="SECONDS",
    default=0,
    show_default=True,
    help="Revoke every access token this often (0: never), as a rotated secret does.",
)
@click.option("--rng-seed", type=int, help="Seed for injected faults, so a run can be repeated.")
@click.option(
    "--allow-remote",
    is_flag=True,
    help="Allow a --host that is not loopback (the sandbox has no real security).",
)
def sandbox_command(**options: Any) -> None:
    """Serve a fake Zoom master-account plan API for demos, tests and CI.

    Prints ZOOM_API_BASE_URL=... and ZOOM_OAUTH_TOKEN_URL=... on stdout once it is ready.
    """
    host, seed_file, state_file = options["host"], options["seed_file"], options["state_file"]
    read_lag_s, visibility_delay_ms = options["read_lag_s"], options["visibility_delay_ms"]
    if not _is_loopback(host) and not options["allow_remote"]:
        raise click.UsageError(
            f"--host {host} is not a loopback address; the sandbox accepts demo credentials "
            "from anyone who can reach it. Add --allow-remote if you really mean it."
        )
    if read_lag_s and visibility_delay_ms:
        raise click.UsageError("give --read-lag or --visibility-delay-ms, not both")
    if seed_file is None:
        seed_file = DEFAULT_SEED if DEFAULT_SEED.exists() else PACKAGED_SEED
    if not seed_file.exists():
        raise click.ClickException(
            f"seed file {seed_file} not found; pass --seed FILE (see examples/sandbox-seed.yaml)"
        )
    _request_log_to_stderr()
    try:
        server = SandboxServer(
            seed_file,
            latency_ms=options["latency_ms"],
            fault_rate=options["fault_rate"],
            rate_limits=options["rate_limit"],
            state_file=state_file,
            read_lag_s=read_lag_s,
            visibility_delay_ms=visibility_delay_ms,
            write_error_rate=options["write_error_rate"],
            daily_limits={"heavy": options["daily_limit"]},
            seed_rng=options["rng_seed"],
            headerless_429_rate=options["headerless_429_rate"],
            token_ttl_s=options["token_ttl"],
            revoke_every_s=options["revoke_every_s"],
            clock_offset_s=options["clock_offset_s"],
            host=host,
            port=options["port"],
        )
        server.start()
    except SandboxError as exc:
        raise click.ClickException(str(exc)) from None
    stop = threading.Event()

    def _on_signal(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, _on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        env = server.env()
        click.echo(f"ZOOM_API_BASE_URL={env['ZOOM_API_BASE_URL']}")
        click.echo(f"ZOOM_OAUTH_TOKEN_URL={env['ZOOM_OAUTH_TOKEN_URL']}")
        sys.stdout.flush()
        _print_hints(server, seed_file, state_file)
        while not stop.wait(0.5):
            pass
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        server.stop()
    click.echo("sandbox: stopped", err=True)


def _print_hints(server: SandboxServer, seed_file: Path, state_file: Path | None) -> None:
    env = server.env()
    accounts = len(server.world.account_ids())
    where = f"state {state_file}" if state_file else f"seed {seed_file} (in memory only)"
    click.echo(f"sandbox: serving {accounts} sub-accounts from {where}", err=True)
    if server.read_lag_s:
        click.echo(f"sandbox: GET answers trail writes by {server.read_lag_s:g} s", err=True)
    if server.app.options.clock_offset_s:
        offset = server.app.options.clock_offset_s
        click.echo(f"sandbox: the Date of every answer is shifted by {offset:g} s", err=True)
    click.echo("sandbox: credentials for the client (from the seed):", err=True)
    click.echo(f"  ZOOM_ACCOUNT_ID={env['ZOOM_ACCOUNT_ID']}", err=True)
    click.echo(f"  ZOOM_CLIENT_ID={env['ZOOM_CLIENT_ID']}", err=True)
    # Never the secret itself, not even the demo one: logs of a seeded CI job must stay clean.
    click.echo(f"  ZOOM_CLIENT_SECRET=<credentials.client_secret in {seed_file}>", err=True)
    click.echo(f"sandbox: request log at {server.origin}/_sandbox/requests; Ctrl-C stops", err=True)

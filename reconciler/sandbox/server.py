"""SandboxServer: the fake Zoom API on a loopback port, in a background thread.

Tests and benchmarks use it in process (`with SandboxServer(seed) as sb: ...`); the
`zoomplans sandbox` command uses the same class and just waits for a signal. uvicorn runs its
own event loop in the thread, so slow answers (latency) never block the caller.
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import socket
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import uvicorn

from reconciler.sandbox.app import AppOptions, SandboxApp
from reconciler.sandbox.errors import SandboxError
from reconciler.sandbox.faults import FaultScript
from reconciler.sandbox.limits import RateLimiter
from reconciler.sandbox.oauth import TokenIssuer
from reconciler.sandbox.requestlog import LoggedRequest, RequestLog
from reconciler.sandbox.seed import Seed, load_seed
from reconciler.sandbox.state_file import load_state, save_state
from reconciler.sandbox.world import World

START_TIMEOUT_S = 10.0


class SandboxStartError(SandboxError):
    """The server did not come up (port taken, thread died)."""


class _QuietDroppedResponses(logging.Filter):
    """uvicorn complains when a response is cut short; for a scripted drop that is the point."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "returned without completing response" not in record.getMessage()


class _QuickStopServer(uvicorn.Server):
    """uvicorn polls for shutdown every 100 ms and then sleeps another 100 ms before closing.

    Test suites start a sandbox per test, so this polls every 10 ms and closes idle
    connections at once; requests still in flight get up to two seconds to finish.
    """

    async def main_loop(self) -> None:
        counter = 0
        while not await self.on_tick(counter):
            counter = (counter + 1) % 864000
            await asyncio.sleep(0.01)

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        for server in self.servers:
            server.close()
        for connection in list(self.server_state.connections):
            connection.shutdown()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 2.0
        while self.server_state.tasks and loop.time() < deadline:
            await asyncio.sleep(0.005)
        for task in list(self.server_state.tasks):
            task.cancel()
        for server in self.servers:
            await server.wait_closed()


def _install_quiet_filter() -> None:
    logger = logging.getLogger("uvicorn.error")
    if not any(isinstance(f, _QuietDroppedResponses) for f in logger.filters):
        logger.addFilter(_QuietDroppedResponses())


class SandboxServer:
    """A faithful fake of Zoom's master-account plan API, served on 127.0.0.1."""

    def __init__(
        self,
        seed: Mapping[str, Any] | str | os.PathLike[str],
        *,
        latency_ms: float = 0,
        fault_rate: float = 0.0,
        rate_limits: Mapping[str, int] | None = None,
        state_file: str | os.PathLike[str] | None = None,
        read_lag_s: float = 0.0,
        visibility_delay_ms: float = 0,
        token_ttl_s: int = 3600,
        daily_limits: Mapping[str, int] | None = None,
        seed_rng: int | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        headerless_429_rate: float = 0.0,
        drop_rate: float = 0.0,
        revoke_every_s: float = 0.0,
        write_error_rate: float = 0.0,
        clock_offset_s: float = 0.0,
    ) -> None:
        loaded: Seed = load_seed(seed)
        self._credentials = loaded.credentials
        self._state_path = Path(state_file) if state_file is not None else None
        accounts = loaded.accounts
        if self._state_path is not None:
            saved = load_state(self._state_path)
            if saved is not None:
                accounts = saved
        self.world = World(
            accounts,
            read_lag_s=read_lag_s,
            visibility_delay_ms=visibility_delay_ms,
            on_change=self._persist if self._state_path is not None else None,
            catalogue=loaded.catalogue,
            carrier_partner=loaded.master.carrier_partner,
        )
        if self._state_path is not None and not self._state_path.exists():
            self._persist(self.world.export())
        rng = random.Random(seed_rng)
        self._issuer = TokenIssuer(loaded.credentials, ttl_s=token_ttl_s)
        self._limiter = RateLimiter(rate_limits, daily_limits)
        self._log = RequestLog()
        self.faults = FaultScript(
            fault_rate=fault_rate,
            rng=rng,
            force_daily_limit=self._limiter.force_daily_limit,
            revoke=self._issuer.revoke_all,
            drop_rate=drop_rate,
            write_error_rate=write_error_rate,
        )
        self.app = SandboxApp(
            self.world,
            self._issuer,
            self._limiter,
            self.faults,
            self._log,
            AppOptions(
                latency_ms=latency_ms,
                headerless_429_rate=headerless_429_rate,
                clock_offset_s=clock_offset_s,
            ),
            rng,
            master=loaded.master,
        )
        self._host = host
        self._port = port
        #: Revoke every token this often (0: never), as a second job asking for a token or a
        #: rotated secret does to a long run; benchmarks and tests measure what it costs.
        self._revoke_every_s = revoke_every_s
        self._revoker: threading.Thread | None = None
        self._stop_revoking = threading.Event()
        self.revocations = 0
        self._server: _QuickStopServer | None = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None

    # ----- lifecycle -----------------------------------------------------------------------

    def start(self) -> SandboxServer:
        """Bind, serve in a thread, and return once the port accepts connections."""
        if self._server is not None:
            return self
        family = socket.AF_INET6 if ":" in self._host else socket.AF_INET
        # IPPROTO_TCP explicitly: asyncio only sets TCP_NODELAY on sockets that name it, and
        # without it every keep-alive answer waits 40 ms for a delayed ACK (Nagle).
        sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((self._host, self._port))
        except OSError as exc:
            sock.close()
            raise SandboxStartError(
                f"cannot listen on {self._host}:{self._port}: {exc.strerror}"
            ) from None
        sock.listen(2048)
        sock.setblocking(False)
        self._socket = sock
        _install_quiet_filter()
        config = uvicorn.Config(
            self.app,
            log_config=None,
            log_level="warning",
            access_log=False,
            lifespan="off",
            timeout_keep_alive=30,
            backlog=2048,
            date_header=False,  # the app sends its own Date (Zoom's clock, --clock-offset)
        )
        server = _QuickStopServer(config)
        self._server = server
        self._thread = threading.Thread(
            target=server.run, kwargs={"sockets": [sock]}, name="zoom-sandbox", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + START_TIMEOUT_S
        while not server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise SandboxStartError("the sandbox server did not start")
            time.sleep(0.005)
        if self._revoke_every_s > 0:
            self._stop_revoking.clear()
            self._revoker = threading.Thread(
                target=self._revoke_on_timer, name="zoom-sandbox-revoker", daemon=True
            )
            self._revoker.start()
        return self

    def _revoke_on_timer(self) -> None:
        while not self._stop_revoking.wait(self._revoke_every_s):
            self.faults.revoke_tokens()
            self.revocations += 1

    def stop(self) -> None:
        """Stop serving and wait for the thread; safe to call twice."""
        server, thread = self._server, self._thread
        self._stop_revoking.set()
        if self._revoker is not None:
            self._revoker.join(timeout=10)
            self._revoker = None
        if server is not None:
            server.should_exit = True
        if thread is not None:
            thread.join(timeout=10)
        if self._socket is not None:
            self._socket.close()
        self._server = self._thread = self._socket = None

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    # ----- addresses and credentials -------------------------------------------------------

    @property
    def port(self) -> int:
        """The port actually bound (the OS picks one for port 0)."""
        if self._socket is None:
            raise SandboxStartError("the sandbox is not running")
        return int(self._socket.getsockname()[1])

    @property
    def origin(self) -> str:
        host = f"[{self._host}]" if ":" in self._host else self._host
        return f"http://{host}:{self.port}"

    @property
    def api_base_url(self) -> str:
        return f"{self.origin}/v2"

    @property
    def oauth_token_url(self) -> str:
        return f"{self.origin}/oauth/token"

    @property
    def account_id(self) -> str:
        """The master account id of the seed (the OAuth `account_id`)."""
        return self._credentials.account_id

    def env(self) -> dict[str, str]:
        """The ZOOM_* variables a CLI subprocess needs to talk to this sandbox."""
        return {
            "ZOOM_API_BASE_URL": self.api_base_url,
            "ZOOM_OAUTH_TOKEN_URL": self.oauth_token_url,
            "ZOOM_ACCOUNT_ID": self._credentials.account_id,
            "ZOOM_CLIENT_ID": self._credentials.client_id,
            "ZOOM_CLIENT_SECRET": self._credentials.client_secret,
        }

    # ----- what tests look at and change ---------------------------------------------------

    @property
    def requests(self) -> list[LoggedRequest]:
        """Every request so far, in arrival order (a snapshot)."""
        return self._log.snapshot()

    def writes(self) -> list[LoggedRequest]:
        """Only POST/PUT/PATCH on plan endpoints (including failed and dropped ones)."""
        return [entry for entry in self._log.snapshot() if entry.is_plan_write]

    @property
    def max_concurrent_requests(self) -> int:
        """The most requests ever answered at the same moment (latency must not serialise)."""
        return self.app.max_in_flight

    def issued_tokens(self) -> list[str]:
        """Every access token this sandbox has issued: a secrets audit searches output for them."""
        return self._issuer.issued()

    def clear_requests(self) -> None:
        """Forget the request log so far (e.g. after a test's setup calls)."""
        self._log.clear()

    def plans(self, account_id: str) -> dict[str, Any]:
        """The truth: what GET /plans would answer now if there were no read lag."""
        return self.world.newest_plans(account_id)

    def held_plans(self, account_id: str) -> dict[str, Any]:
        """The truth including what GET never lists (Power Pack, Contact Center cloud storage,
        a partner's bundle)."""
        return self.world.held_plans(account_id)

    def visible_plans(self, account_id: str) -> dict[str, Any]:
        """What GET /plans answers now: the account as it was `read_lag_s` seconds ago."""
        return self.world.visible_plans(account_id)

    @property
    def read_lag_s(self) -> float:
        """How far GET answers trail the writes, in seconds (0: they never do)."""
        return self.world.read_lag_s

    def set_plans(self, account_id: str, plans: Mapping[str, Any] | None) -> None:
        """Change the world behind the client's back (drift, a stale plan); None unsubscribes."""
        self.world.set_plans(account_id, dict(plans) if plans is not None else None)

    def _persist(self, accounts: dict[str, dict[str, Any]]) -> None:
        if self._state_path is not None:
            save_state(self._state_path, accounts)

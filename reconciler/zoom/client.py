"""ZoomClient: the master-account plan endpoints as typed async calls.

This is the seam the planner, live reader and apply code against (docs/ARCHITECTURE.md, "The
client"). It owns one ``httpx.AsyncClient``, one token source and one pacer; nothing is global,
so tests and parallel runs build their own. Bodies are sent exactly as given (JSON): building
them from the desired state is the planner's job, and the wire contract says what they hold.
"""

from __future__ import annotations

import contextlib
import logging
import ssl
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import Any
from urllib.parse import quote

import httpcore  # noqa: F401
import httpx

# httpx imports httpcore when a client is made, and httpcore imports anyio's asyncio backend at
# the first request: both are imported here, with httpx, rather than then. `plan` loads the
# desired files in a thread from the moment it makes its client: imported then, they would
# take turns with that thread for the GIL and push the token request back by 0.03-0.05 s.
with contextlib.suppress(ImportError):  # anyio's own layout; another only loses the head start
    import anyio._backends._asyncio  # noqa: F401

from reconciler.groups.operations import Op, spec_of
from reconciler.zoom.auth import TokenSource
from reconciler.zoom.billing import (
    RENEWAL_INTERVAL_DAYS,
    RENEWALS_PAGE_SIZE,
    AccountRenewal,
)
from reconciler.zoom.bodies import check_body
from reconciler.zoom.config import ZoomConfig
from reconciler.zoom.errors import UnexpectedAnswer, ZoomError
from reconciler.zoom.pacing import Pacer, RateLabel
from reconciler.zoom.session import Answer, RetryPolicy, ZoomSession
from reconciler.zoom.zoom_time import ZoomTime

#: Zoom's maximum page size for GET /accounts.
PAGE_SIZE = 300
#: A guard against a server that keeps returning a next_page_token forever.
MAX_PAGES = 10_000


@dataclass(frozen=True)
class SubAccount:
    """One entry of GET /accounts (fields Zoom does not send are None)."""

    id: str
    account_name: str | None = None
    owner_email: str | None = None
    account_type: str | None = None
    seats: int | None = None
    subscription_start_time: str | None = None
    subscription_end_time: str | None = None
    created_at: str | None = None

    @classmethod
    def from_json(cls, item: dict[str, Any]) -> SubAccount:
        def text(key: str) -> str | None:
            value = item.get(key)
            return None if value is None else str(value)

        seats = item.get("seats")
        return cls(
            id=str(item["id"]),
            account_name=text("account_name"),
            owner_email=text("owner_email"),
            account_type=text("account_type"),
            seats=seats if isinstance(seats, int) and not isinstance(seats, bool) else None,
            subscription_start_time=text("subscription_start_time"),
            subscription_end_time=text("subscription_end_time"),
            created_at=text("created_at"),
        )


@dataclass(frozen=True)
class WriteResult:
    """What a write returned: HTTP status, time taken, and the JSON echo if Zoom sent one."""

    status: int
    duration_ms: float
    data: dict[str, Any] | None


def _account_path(account_id: str, tail: str = "") -> str:
    # Quote the id so a strange id can never change the path it addresses.
    return f"/accounts/{quote(account_id, safe='')}/plans{tail}"


def _billing_path(account_id: str) -> str:
    return f"/accounts/{quote(account_id, safe='')}/billing"


def _silence_httpx_request_log() -> None:
    """httpx logs every request at INFO with its URL; our own line replaces it."""
    for name in ("httpx", "httpcore"):
        logger = logging.getLogger(name)
        if logger.level < logging.WARNING:
            logger.setLevel(logging.WARNING)


def certificates_for(config: ZoomConfig) -> ssl.SSLContext | bool:
    """httpx's default (Zoom's certificate checked against certifi's roots, or
    ``SSL_CERT_FILE``) when any URL is https. A client whose every URL is plain http (the
    sandbox: `require_safe_urls` allows http to loopback only) gets a context that trusts no
    certificate at all instead of loading some 150 roots for connections it never makes
    (25-40 ms of every sandbox run's start); an https connection through it would fail closed.
    """
    return True if config.uses_https else ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)


class ZoomClient:
    """Async client for Zoom's master-account plan API. Use as ``async with ZoomClient(cfg)``."""

    def __init__(
        self,
        config: ZoomConfig,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        retry: RetryPolicy | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        config.require_safe_urls()
        config.require_credentials()
        #: Zoom's clock, from every answer's ``Date`` (apply ages its journal lines on it).
        self.zoom_time = ZoomTime(clock)
        _silence_httpx_request_log()
        self.config = config
        self._http = httpx.AsyncClient(
            base_url=config.api_base_url.rstrip("/") + "/",
            transport=transport,
            timeout=httpx.Timeout(config.timeout_s),
            headers={"Accept": "application/json", "User-Agent": "zoomplans"},
            follow_redirects=False,
            event_hooks={"response": [self._note_date]},
            verify=certificates_for(config),
        )
        retry = retry or RetryPolicy()
        self.pacer = Pacer(config.rate_tier, clock=clock)
        self.tokens = TokenSource(config, self._http, clock=clock)
        self._session = ZoomSession(self._http, self.tokens, self.pacer, retry, clock=clock)

    def __repr__(self) -> str:
        return f"ZoomClient({self.config!r})"

    async def _note_date(self, response: httpx.Response) -> None:
        self.zoom_time.saw(response.headers.get("date"))

    async def zoom_now(self) -> datetime | None:
        """Zoom's time now. Before Zoom's first answer, the access token is asked for first
        (the call every run makes anyway) so its ``Date`` is known; None without OAuth
        (``ZOOM_ACCESS_TOKEN``) before any answer, or when the token cannot be had (the first
        real call then meets that refusal and reports it as it always does)."""
        if self.zoom_time.now() is None:
            try:
                await self.tokens.token()
            except ZoomError:
                return None
        return self.zoom_time.now()

    async def __aenter__(self) -> ZoomClient:
        await self._http.__aenter__()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self._http.__aexit__(exc_type, exc, tb)

    async def aclose(self) -> None:
        await self._http.aclose()

    # Reads -----------------------------------------------------------------------------------

    async def list_sub_accounts(self) -> list[SubAccount]:
        """Every sub-account of the master account, following ``next_page_token``."""
        accounts: list[SubAccount] = []
        token = ""
        for _ in range(MAX_PAGES):
            params: dict[str, str | int] = {"page_size": PAGE_SIZE}
            if token:
                params["next_page_token"] = token
            answer = await self._session.call("GET", "/accounts", RateLabel.MEDIUM, params=params)
            page = self._object(answer, "GET", "/accounts")
            items = page.get("accounts") or []
            if not isinstance(items, list):
                raise UnexpectedAnswer(
                    "GET /accounts answer has no accounts list", method="GET", path="/accounts"
                )
            accounts.extend(
                SubAccount.from_json(item)
                for item in items
                if isinstance(item, dict) and "id" in item
            )
            token = str(page.get("next_page_token") or "")
            if not token:
                return accounts
        raise UnexpectedAnswer(
            f"GET /accounts kept paging after {MAX_PAGES} pages", method="GET", path="/accounts"
        )

    async def get_plans(self, account_id: str) -> dict[str, Any]:
        """The raw GET /accounts/{id}/plans answer."""
        path = _account_path(account_id)
        answer = await self._session.call("GET", path, RateLabel.MEDIUM)
        return self._object(answer, "GET", path)

    async def get_usage(self, account_id: str) -> dict[str, Any]:
        """The raw GET /accounts/{id}/plans/usage answer (Heavy in Zoom's notes)."""
        path = _account_path(account_id, "/usage")
        answer = await self._session.call("GET", path, RateLabel.HEAVY)
        return self._object(answer, "GET", path)

    async def get_billing(self, account_id: str) -> dict[str, Any]:
        """The raw GET /accounts/{id}/billing answer: the sub-account's billing contact."""
        path = _billing_path(account_id)
        answer = await self._session.call("GET", path, RateLabel.MEDIUM)
        return self._object(answer, "GET", path)

    async def list_renewals(
        self, interval_days: int = RENEWAL_INTERVAL_DAYS
    ) -> list[AccountRenewal]:
        """Every sub-account renewing within `interval_days` (30, 60 or 90), all pages of
        GET /accounts/billing/renewals (one Medium call per 50 accounts)."""
        path = "/accounts/billing/renewals"
        renewals: list[AccountRenewal] = []
        token = ""
        for _ in range(MAX_PAGES):
            params: dict[str, str | int] = {
                "interval": interval_days,
                "page_size": RENEWALS_PAGE_SIZE,
            }
            if token:
                params["next_page_token"] = token
            answer = await self._session.call("GET", path, RateLabel.MEDIUM, params=params)
            page = self._object(answer, "GET", path)
            renewals.extend(AccountRenewal.page_from_json(page))
            token = str(page.get("next_page_token") or "")
            if not token:
                return renewals
        raise UnexpectedAnswer(
            f"GET {path} kept paging after {MAX_PAGES} pages", method="GET", path=path
        )

    # Writes: each sends its body exactly as given -------------------------------------------

    async def write(self, op: Op, account_id: str, body: Mapping[str, Any]) -> WriteResult:
        """Send one write: its method and path are the op table's (`groups.operations`)."""
        spec = spec_of(op)
        path = spec.path.format(id=quote(account_id, safe=""))
        check_body(spec.op, spec.method, path, body)
        answer = await self._session.call(spec.method, path, RateLabel.HEAVY, body=dict(body))
        data = answer.data if isinstance(answer.data, dict) else None
        return WriteResult(status=answer.status, duration_ms=answer.duration_ms, data=data)

    async def subscribe(self, account_id: str, body: Mapping[str, Any]) -> WriteResult:
        """POST /accounts/{id}/plans: first paid plan (contact, plan_base, add-on groups)."""
        return await self.write(Op.SUBSCRIBE, account_id, body)

    async def update_base(self, account_id: str, body: Mapping[str, Any]) -> WriteResult:
        """PUT /accounts/{id}/plans/base: ``{type, hosts}`` with absolute hosts."""
        return await self.write(Op.UPDATE_BASE, account_id, body)

    async def add_addon(self, account_id: str, body: Mapping[str, Any]) -> WriteResult:
        """POST /accounts/{id}/plans/addons: one new add-on."""
        return await self.write(Op.ADD_ADDON, account_id, body)

    async def update_addon(self, account_id: str, body: Mapping[str, Any]) -> WriteResult:
        """PUT /accounts/{id}/plans/addons: ``{type, hosts}`` with absolute hosts."""
        return await self.write(Op.UPDATE_ADDON, account_id, body)

    async def cancel_addon(self, account_id: str, body: Mapping[str, Any]) -> WriteResult:
        """PATCH /accounts/{id}/plans/addons/status: ``{action: "cancel", type}``."""
        return await self.write(Op.CANCEL_ADDON, account_id, body)

    async def cancel_base(self, account_id: str, body: Mapping[str, Any]) -> WriteResult:
        """PATCH /accounts/{id}/plans/base/status: ``{action: "cancel", reason, comment}``."""
        return await self.write(Op.CANCEL_BASE, account_id, body)

    async def update_billing(self, account_id: str, body: Mapping[str, Any]) -> WriteResult:
        """PATCH /accounts/{id}/billing: only the contact fields that change (`update_contact`)."""
        return await self.write(Op.UPDATE_CONTACT, account_id, body)

    @staticmethod
    def _object(answer: Answer, method: str, path: str) -> dict[str, Any]:
        if not isinstance(answer.data, dict):
            raise UnexpectedAnswer(
                "Zoom's answer is not a JSON object", status=answer.status, method=method, path=path
            )
        return answer.data

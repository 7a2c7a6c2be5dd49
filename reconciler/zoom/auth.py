"""Server-to-Server OAuth for the master account, with one cached token per client.

Zoom issues no refresh token: the client asks for a new one a minute before the old one
expires. Many concurrent calls share one token request (a lock), and a 401 from the API makes
exactly one fresh request even when many calls saw the same stale token at once.
The token and the client secret never appear in a repr, a log line or an error message.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

from reconciler.zoom.config import ENV_ACCESS_TOKEN, ZoomConfig
from reconciler.zoom.errors import AuthError, NetworkError, ServerError, parse_error_body

log = logging.getLogger("reconciler.zoom")

#: Ask for a new token this long before Zoom says the old one expires.
EXPIRY_MARGIN_S = 60.0
TOKEN_FETCH_ATTEMPTS = 3


@dataclass(frozen=True)
class AccessToken:
    """A bearer token and when (monotonic clock) we stop using it."""

    value: str = field(repr=False)
    use_until: float


class TokenSource:
    """Gives the current bearer token; fetches, caches and renews it as needed."""

    def __init__(
        self,
        config: ZoomConfig,
        http: httpx.AsyncClient,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._config = config
        self._http = http
        self._clock = clock
        self._lock = asyncio.Lock()
        self._token: AccessToken | None = None
        self.fetch_count = 0

    def __repr__(self) -> str:
        return f"TokenSource(oauth={self.can_renew}, fetched={self.fetch_count})"

    @property
    def can_renew(self) -> bool:
        """False when a ready access token was given: a 401 then is final."""
        return self._config.uses_oauth

    async def token(self) -> str:
        """The token to send now (fetching one if none is valid)."""
        if not self._config.uses_oauth:
            return self._config.access_token or ""
        current = self._token
        if current is not None and self._clock() < current.use_until:
            return current.value
        async with self._lock:
            current = self._token
            if current is None or self._clock() >= current.use_until:
                self._token = current = await self._fetch()
            return current.value

    async def renew(self, rejected: str) -> str:
        """After a 401 with ``rejected``: fetch once, unless another caller already did."""
        if not self._config.uses_oauth:
            raise AuthError(
                f"Zoom refused the access token given in {ENV_ACCESS_TOKEN} "
                "(expired or revoked?); set a fresh one or use OAuth credentials",
                status=401,
            )
        async with self._lock:
            current = self._token
            if current is None or current.value == rejected:
                self._token = current = await self._fetch()
            return current.value

    async def _fetch(self) -> AccessToken:
        config = self._config
        form = {"grant_type": "account_credentials", "account_id": config.account_id or ""}
        auth = (config.client_id or "", config.client_secret or "")
        last: Exception | None = None
        for attempt in range(1, TOKEN_FETCH_ATTEMPTS + 1):
            started = self._clock()
            try:
                response = await self._http.post(config.oauth_token_url, data=form, auth=auth)
            except httpx.TransportError as exc:
                log.info(
                    "POST oauth token -> network error %s attempt %d", type(exc).__name__, attempt
                )
                last = NetworkError(
                    f"cannot reach the Zoom OAuth endpoint {config.oauth_token_url}: "
                    f"{type(exc).__name__}",
                    method="POST",
                )
                await asyncio.sleep(0.2 * attempt)
                continue
            ms = (self._clock() - started) * 1000
            log.info("POST oauth token -> %d %.0f ms attempt %d", response.status_code, ms, attempt)
            self.fetch_count += 1
            if response.status_code == 200:
                return self._parse(response)
            code, message = parse_error_body(
                response.text, response.headers.get("content-type", "")
            )
            if response.status_code >= 500 or response.status_code == 429:
                last = ServerError(
                    f"Zoom OAuth endpoint failed: {message}", status=response.status_code, code=code
                )
                await asyncio.sleep(0.2 * attempt)
                continue
            raise AuthError(
                f"Zoom refused the OAuth credentials ({message}); check ZOOM_ACCOUNT_ID, "
                "ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET",
                status=response.status_code,
                code=code,
                method="POST",
            )
        assert last is not None
        raise last

    def _parse(self, response: httpx.Response) -> AccessToken:
        try:
            payload = response.json()
        except ValueError:
            payload = None
        if not isinstance(payload, dict) or not isinstance(payload.get("access_token"), str):
            raise AuthError("the Zoom OAuth answer carries no access_token", status=200)
        expires_in = payload.get("expires_in", 3600)
        if not isinstance(expires_in, int | float) or isinstance(expires_in, bool):
            expires_in = 3600
        lifetime = max(0.0, float(expires_in) - EXPIRY_MARGIN_S)
        return AccessToken(value=payload["access_token"], use_until=self._clock() + lifetime)

"""Server-to-Server OAuth for the master account, with one cached token per client.

Zoom issues no refresh token: the client asks for a new one a minute before the old one
expires. Many concurrent calls share one token request (a lock), and a 401 from the API makes
exactly one fresh request even when many calls saw the same dead token at once: the first 401
drops the dead token, and the next call that holds a rate slot fetches the new one while the
others wait for it. A token endpoint that still fails after its retries, or refuses the
credentials, fails every later call at once: without a token nothing can be sent.
The token and the client secret never appear in a repr, a log line or an error message.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

from reconciler.zoom.config import ENV_ACCESS_TOKEN, ZoomConfig
from reconciler.zoom.errors import AuthError, TokenEndpointUnavailable, parse_error_body

log = logging.getLogger("reconciler.zoom")

#: Ask for a new token this long before Zoom says the old one expires.
EXPIRY_MARGIN_S = 60.0
TOKEN_FETCH_ATTEMPTS = 4


def token_backoff(attempt: int) -> float:
    """Seconds before the next token request after failed attempt ``attempt`` (0.25, 0.5, 1)."""
    return 0.25 * 2.0 ** (attempt - 1)


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
        backoff: Callable[[int], float] = token_backoff,
    ) -> None:
        self._config = config
        self._http = http
        self._clock = clock
        self._backoff = backoff
        self._lock = asyncio.Lock()
        self._token: AccessToken | None = None
        #: Tokens Zoom answered a call for: a later 401 on one of them means it was revoked.
        self._accepted: set[str] = set()
        #: Set when the endpoint failed through its retries or refused the credentials.
        self._failure: AuthError | None = None
        #: The fetch started at a 401 (:meth:`discard`), ahead of the next call's need.
        self._ahead: asyncio.Future[None] | None = None
        self.fetch_count = 0

    def __repr__(self) -> str:
        return f"TokenSource(oauth={self.can_renew}, fetched={self.fetch_count})"

    @property
    def can_renew(self) -> bool:
        """False when a ready access token was given: a 401 then is final."""
        return self._config.uses_oauth

    async def token(self) -> str:
        """The token to send now (fetching one if none is valid).

        Call it only when the request is about to leave (holding its rate slot): a token taken
        before queueing may be revoked while the call waits, and is then paid with a 401.
        """
        if not self._config.uses_oauth:
            return self._config.access_token or ""
        current = self._token
        if current is not None and self._clock() < current.use_until:
            return current.value
        async with self._lock:
            if self._failure is not None:
                raise self._failure
            current = self._token
            if current is None or self._clock() >= current.use_until:
                try:
                    self._token = current = await self._fetch()
                except AuthError as exc:
                    self._failure = exc
                    raise
            return current.value

    def accepted(self, token: str) -> None:
        """Zoom answered a call sent with ``token`` (anything but a 401): it was valid then."""
        self._accepted.add(token)

    def was_accepted(self, token: str) -> bool:
        """Whether Zoom ever answered a call made with ``token``: a 401 on it means revoked,
        while a 401 on a fresh token that never worked means the app itself is refused."""
        return token in self._accepted

    def discard(self, rejected: str) -> None:
        """After a 401 with ``rejected``: forget it, so the next :meth:`token` fetches a new one.

        Calls that saw the same dead token find it gone already (or replaced) and do nothing,
        so a burst of 401s costs one token request.
        """
        if not self._config.uses_oauth:
            raise AuthError(
                f"Zoom refused the access token given in {ENV_ACCESS_TOKEN} "
                "(expired or revoked?); set a fresh one or use OAuth credentials",
                status=401,
            )
        current = self._token
        if current is not None and current.value == rejected:
            self._token = None
            self._fetch_ahead()

    def _fetch_ahead(self) -> None:
        """Ask for the new token at once, in the background: the next call to hold a rate slot
        finds it on its way (or here) instead of asking only then, up to one paced interval
        later. A failure is kept for that call to meet, as :meth:`token` keeps it."""
        if self._ahead is not None and not self._ahead.done():
            return
        self._ahead = asyncio.ensure_future(self._token_quietly())

    async def _token_quietly(self) -> None:
        # A failure is kept in self._failure, or met again by the call that needs the token.
        with contextlib.suppress(Exception):
            await self.token()

    async def renew(self, rejected: str) -> str:
        """After a 401 with ``rejected``: a new token, fetched once however many callers ask."""
        self.discard(rejected)
        return await self.token()

    async def _fetch(self) -> AccessToken:
        config = self._config
        form = {"grant_type": "account_credentials", "account_id": config.account_id or ""}
        auth = (config.client_id or "", config.client_secret or "")
        where = f"the Zoom OAuth endpoint {config.oauth_token_url}"
        reason = "no answer"
        status: int | None = None
        code: int | None = None
        for attempt in range(1, TOKEN_FETCH_ATTEMPTS + 1):
            if attempt > 1:
                await asyncio.sleep(self._backoff(attempt - 1))
            started = self._clock()
            try:
                response = await self._http.post(config.oauth_token_url, data=form, auth=auth)
            except httpx.HTTPError as exc:
                # Any httpx failure (unreachable, timeout, cut answer, undecodable body).
                log.info(
                    "POST oauth token -> network error %s attempt %d", type(exc).__name__, attempt
                )
                reason, status, code = f"unreachable ({type(exc).__name__})", None, None
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
                reason, status = message, response.status_code
                continue
            raise AuthError(
                f"Zoom refused the OAuth credentials ({message}); check ZOOM_ACCOUNT_ID, "
                "ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET",
                status=response.status_code,
                code=code,
                method="POST",
            )
        raise TokenEndpointUnavailable(
            f"cannot get an access token from {where}: {reason}; gave up after "
            f"{TOKEN_FETCH_ATTEMPTS} attempts",
            status=status,
            code=code,
        )

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

"""One Zoom API call, end to end: token, pacing, retries, error mapping and the log line.

The retry rules are about money. GET and PUT (absolute values) are idempotent, so they are
retried on 429, 5xx and network errors. POST and PATCH are resent only when Zoom said it did
not process them (429) or when nothing was sent (connection refused): after a timeout, a cut
connection or a 5xx the call may have happened, so :class:`AmbiguousWriteError` goes to the
caller, who reads the live plans before any resend.

A 401 is a clean refusal for every method (Zoom did not act on the call), so the call is resent
with a fresh token. The token is taken only once the call holds its rate slot, right before it
leaves: a token revoked mid-run then costs at most one 401 per call in flight, not one per call
waiting in the queue.
"""

from __future__ import annotations

import asyncio
import email.utils
import logging
import math
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from reconciler.zoom.auth import TokenSource
from reconciler.zoom.errors import (
    AmbiguousWriteError,
    AuthError,
    ConfigError,
    DailyLimitReached,
    NetworkError,
    RateLimited,
    ServerError,
    UnexpectedAnswer,
    ZoomError,
    classify,
    parse_error_body,
)
from reconciler.zoom.pacing import Pacer, RateLabel
from reconciler.zoom.scopes import is_scope_refusal

log = logging.getLogger("reconciler.zoom")

IDEMPOTENT_METHODS = frozenset({"GET", "PUT"})
#: New tokens one call may ask for after 401s on tokens that had worked (revoked mid-run).
MAX_RENEWALS = 3
#: Failures that happen before a byte of the request left: safe to retry for any method.
NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try. Backoff is "full jitter": uniform(0, min(cap, base * 2**n))."""

    max_attempts: int = 6
    base_delay_s: float = 0.5
    max_delay_s: float = 8.0
    #: A Retry-After longer than this is not waited out: RateLimited is raised instead.
    max_retry_after_s: float = 120.0
    rng: random.Random = field(default_factory=random.Random, repr=False, compare=False)

    def backoff(self, attempt: int) -> float:
        ceiling = min(self.max_delay_s, self.base_delay_s * (2 ** (attempt - 1)))
        return self.rng.uniform(ceiling / 2, ceiling)


@dataclass(frozen=True)
class Answer:
    """A successful answer: status, parsed JSON (None when the body is empty), time taken."""

    status: int
    data: Any
    duration_ms: float


def retry_after_seconds(value: str | None, now: datetime) -> float | None:
    """Retry-After as seconds, or as an HTTP date or ISO date-time (Zoom's daily limit)."""
    if not value or not value.strip():
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        pass
    else:
        return max(0.0, seconds) if math.isfinite(seconds) else None
    when = parse_when(value)
    if when is None:
        return None
    try:
        return max(0.0, (when - now).total_seconds())
    except OverflowError:
        return None


def parse_when(value: str | None) -> datetime | None:
    """An ISO 8601 or RFC 7231 date as an aware datetime (UTC assumed when no zone)."""
    if not value:
        return None
    value = value.strip()
    when: datetime | None
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when


def _label_named(category: str | None, expected: RateLabel) -> RateLabel:
    """The rate label Zoom's `X-RateLimit-Category` names, or the one we expected."""
    for label in RateLabel:
        if category is not None and category.strip().lower() == label.value.lower():
            return label
    return expected


def _header_int(headers: Mapping[str, str], name: str) -> int | None:
    raw = headers.get(name, "").strip()
    return int(raw) if raw.isdigit() else None


class ZoomSession:
    """Sends calls for one :class:`ZoomClient`; holds its HTTP client, token and pacer."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        tokens: TokenSource,
        pacer: Pacer,
        retry: RetryPolicy,
        *,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._http = http
        self._tokens = tokens
        self._pacer = pacer
        self._retry = retry
        self._clock = clock
        self._wall_clock = wall_clock

    async def call(
        self,
        method: str,
        path: str,
        label: RateLabel,
        *,
        body: Any = None,
        params: Mapping[str, str | int] | None = None,
    ) -> Answer:
        """Send one call with every rule of this module; return the 2xx answer or raise."""
        idempotent = method in IDEMPOTENT_METHODS
        facts: dict[str, Any] = {"method": method, "path": path}
        attempt = 0
        renewals = 0
        #: 401s on tokens that never worked for any call: two mean the app itself is refused.
        unproven = 0
        while True:
            attempt += 1
            started = self._clock()
            try:
                async with self._pacer.slot(label) as paced:
                    # The token is taken only now, holding the slot: a token revoked while this
                    # call queued costs nothing, one revoked in flight costs this one 401.
                    token = await self._tokens.token()
                    started = self._clock()
                    response = await self._http.request(
                        method,
                        path.lstrip("/"),
                        json=body,
                        params=dict(params) if params else None,
                        headers={"Authorization": f"Bearer {token}"},
                    )
                    # Refused for its token: no account to count it against, so no budget.
                    paced.counted = response.status_code != 401
            except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
                # Nothing was sent: the URL itself cannot be used (a configuration problem).
                raise ConfigError(
                    f"cannot send {method} {path}: the URL is not usable ({type(exc).__name__}); "
                    "check ZOOM_API_BASE_URL"
                ) from exc
            except httpx.HTTPError as exc:
                ms = (self._clock() - started) * 1000
                log.info(
                    "%s %s -> %s %.0f ms attempt %d", method, path, type(exc).__name__, ms, attempt
                )
                reason = self._network_reason(exc, self._address())
                if not idempotent and not isinstance(exc, NOT_SENT):
                    raise AmbiguousWriteError(reason, body=body, cause=exc, **facts) from exc
                if attempt >= self._retry.max_attempts:
                    raise NetworkError(
                        f"{reason}; gave up after {attempt} attempts", **facts
                    ) from exc
                await asyncio.sleep(self._retry.backoff(attempt))
                continue
            ms = (self._clock() - started) * 1000
            status = response.status_code
            if status != 429:
                self._pacer.on_answer(label)
            if 200 <= status < 300:
                self._tokens.accepted(token)
                log.info("%s %s -> %d %.0f ms attempt %d", method, path, status, ms, attempt)
                return Answer(status, self._json(response, facts), ms)
            code, message = parse_error_body(
                response.text, response.headers.get("content-type", "")
            )
            shown_code = "-" if code is None else code
            log.info(
                "%s %s -> %d code %s %.0f ms attempt %d",
                method,
                path,
                status,
                shown_code,
                ms,
                attempt,
            )
            if status == 401 and not is_scope_refusal(status, code, message):
                unproven += not self._tokens.was_accepted(token)
                self._refuse_401(renewals, unproven, code, message, facts)
                # A fresh token (fetched once for every call that saw this one die) and one
                # more try, not counted as an attempt: Zoom did not act on a refused call.
                renewals += 1
                attempt -= 1
                self._tokens.discard(token)
                continue
            self._tokens.accepted(token)
            if status == 429:
                delay = self._after_rate_limit(response, label, code, message, attempt, facts)
            elif status >= 500:
                delay = self._after_server_error(status, code, message, attempt, body, facts)
            else:
                raise classify(status, code, message, method, path)
            await asyncio.sleep(delay)

    def _refuse_401(
        self, renewals: int, unproven: int, code: int | None, message: str, facts: dict[str, Any]
    ) -> None:
        """Raise AuthError when a 401 is final: a given token, a second fresh token refused
        before it ever worked (the app is refused, not revoked), or a call that already
        renewed too often.

        A token revoked moments after it was issued (before any answer proved it) is one such
        401, not two, so a revocation racing a renewal does not stop the run."""
        if not self._tokens.can_renew:
            raise AuthError(
                f"Zoom refused the access token given in ZOOM_ACCESS_TOKEN ({message}); "
                "set a fresh one, or use the OAuth credentials instead",
                status=401,
                code=code,
                **facts,
            )
        if unproven >= 2:
            raise AuthError(
                f"Zoom refused a freshly issued access token ({message}); check that the "
                "Server-to-Server OAuth app is activated and has the billing:master scope",
                status=401,
                code=code,
                **facts,
            )
        if renewals >= MAX_RENEWALS:
            raise AuthError(
                f"Zoom revoked {renewals + 1} access tokens in a row while this call was being "
                f"sent ({message}); is another job rotating the app's credentials?",
                status=401,
                code=code,
                **facts,
            )

    def _after_server_error(
        self,
        status: int,
        code: int | None,
        message: str,
        attempt: int,
        body: Any,
        facts: dict[str, Any],
    ) -> float:
        """A 5xx: ambiguous for POST/PATCH, retried (bounded) for GET/PUT."""
        if facts["method"] not in IDEMPOTENT_METHODS:
            raise AmbiguousWriteError(
                f"Zoom answered HTTP {status} ({message}); a 5xx does not prove that "
                "nothing happened",
                body=body,
                cause=ServerError(message, status=status, code=code, **facts),
                status=status,
                code=code,
                **facts,
            )
        if attempt >= self._retry.max_attempts:
            raise ServerError(
                f"{message}; gave up after {attempt} attempts", status=status, code=code, **facts
            )
        return self._retry.backoff(attempt)

    def _after_rate_limit(
        self,
        response: httpx.Response,
        label: RateLabel,
        code: int | None,
        message: str,
        attempt: int,
        facts: dict[str, Any],
    ) -> float:
        """Decide what a 429 means: stop now (daily limit, too many tries) or wait how long."""
        headers = response.headers
        now = self._wall_clock()
        kind = headers.get("x-ratelimit-type", "").lower()
        category = headers.get("x-ratelimit-category") or label.value
        if "daily" in kind or "daily" in message.lower():
            raw = headers.get("retry-after", "").strip()
            # Zoom sends the reset as an ISO date-time; a digits-only value means seconds.
            if raw.isdigit():
                reset_at: datetime | None = now + timedelta(seconds=int(raw))
            else:
                reset_at = parse_when(raw)
            raise DailyLimitReached(
                message,
                reset_at=reset_at,
                category=category,
                limit=_header_int(headers, "x-ratelimit-limit"),
                status=429,
                code=code,
                **facts,
            )
        # Zoom names the label it counted; trust it over ours (an endpoint may be relabelled).
        limited = _label_named(headers.get("x-ratelimit-category"), label)
        self._pacer.on_rate_limited(limited, _header_int(headers, "x-ratelimit-limit"))
        if attempt >= self._retry.max_attempts:
            raise RateLimited(
                f"{message}; still rate limited after {attempt} attempts",
                status=429,
                code=code,
                **facts,
            )
        asked = retry_after_seconds(headers.get("retry-after"), now)
        if asked is None:
            return self._retry.backoff(attempt)
        if asked > self._retry.max_retry_after_s:
            raise RateLimited(
                f"{message}; Zoom asks to wait {asked:.0f} s before retrying",
                status=429,
                code=code,
                **facts,
            )
        return asked + self._retry.rng.uniform(0, 0.1)

    def _address(self) -> str:
        """`https://api.zoom.us` of the base URL: where a refused connection went (never any
        user or password part of the URL, and no path or query)."""
        url = self._http.base_url
        port = f":{url.port}" if url.port is not None else ""
        return f"{url.scheme}://{url.host}{port}"

    @staticmethod
    def _network_reason(exc: httpx.HTTPError, address: str) -> str:
        if isinstance(exc, NOT_SENT):
            return f"could not connect to Zoom at {address} ({type(exc).__name__})"
        if isinstance(exc, httpx.TimeoutException):
            return f"no answer from Zoom in time ({type(exc).__name__})"
        if isinstance(exc, httpx.DecodingError):
            return f"Zoom's answer could not be decoded ({type(exc).__name__})"
        return f"the connection failed during the call ({type(exc).__name__})"

    @staticmethod
    def _json(response: httpx.Response, facts: dict[str, Any]) -> Any:
        if not response.content.strip():
            return None
        try:
            return response.json()
        except ValueError as exc:
            if facts["method"] != "GET":
                # The write succeeded (2xx); failing it now would invite a second charge.
                return None
            raise UnexpectedAnswer(
                "Zoom's answer is not JSON", status=response.status_code, **facts
            ) from exc


__all__ = ["Answer", "RetryPolicy", "ZoomError", "ZoomSession"]

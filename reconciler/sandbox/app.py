"""The sandbox as a raw ASGI application: OAuth, Zoom's plan endpoints, and /_sandbox/ extras.

Order of checks on /v2 follows what a client of Zoom experiences: bearer token (401 / 124), the
token's scopes (400 / 4700), then the per-second and daily rate limits (429), then injected
faults (5xx, nothing applied), a master with bulk licences (400 / 2100 on every plan write),
then the endpoint itself. Latency is an `await asyncio.sleep`, so slow answers never serialise
requests.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import random
import secrets
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from reconciler.sandbox import routes
from reconciler.sandbox.billing import RenewalPages
from reconciler.sandbox.bodies import not_a_json_object, parse_json_object
from reconciler.sandbox.errors import (
    FieldProblem,
    ZoomApiError,
    bulk_licenses,
    validation_failed,
)
from reconciler.sandbox.faults import FaultScript
from reconciler.sandbox.limits import RateLimiter, Verdict
from reconciler.sandbox.oauth import TokenIssuer
from reconciler.sandbox.requestlog import LoggedRequest, RequestLog
from reconciler.sandbox.scopes import scope_refusal
from reconciler.sandbox.seed import MasterSeed
from reconciler.sandbox.wire import (
    Answer,
    Receive,
    Scope,
    Send,
    lifespan,
    loggable,
    read_body,
    send_answer,
)
from reconciler.sandbox.world import World

log = logging.getLogger("reconciler.sandbox")

PAGE_TOKEN_TTL_S = 15 * 60
PER_SECOND_MESSAGE = (
    "You have reached the maximum per-second rate limit for this API. Try again later."
)
DAILY_MESSAGE = (
    "You have reached the maximum daily rate limit for this API. "
    "Refer to the response header for details on when you can make another call."
)


def _error(err: ZoomApiError) -> Answer:
    return Answer(err.status, err.body())


@dataclass(frozen=True)
class AppOptions:
    """How answers are shaped beyond Zoom's rules: added latency and header-less 429s."""

    latency_ms: float = 0.0
    headerless_429_rate: float = 0.0
    #: Seconds added to the ``Date`` header of every answer: Zoom's clock as a client with a
    #: wrong clock (or a run long after the last) sees it.
    clock_offset_s: float = 0.0


class SandboxApp:
    """One ASGI callable serving one world; everything it needs is passed in."""

    def __init__(
        self,
        world: World,
        issuer: TokenIssuer,
        limiter: RateLimiter,
        faults: FaultScript,
        request_log: RequestLog,
        options: AppOptions,
        rng: random.Random,
        master: MasterSeed | None = None,
    ) -> None:
        self.world = world
        #: The master account's standing (bulk licences refuse every plan write).
        self.master = master or MasterSeed()
        self.issuer = issuer
        self.limiter = limiter
        self.faults = faults
        self.request_log = request_log
        self.options = options
        self._rng = rng
        self._page_tokens: dict[str, tuple[int, float]] = {}
        self.renewal_pages = RenewalPages(time.monotonic)
        self.in_flight = 0  # requests being answered now (only the server's loop changes it)
        self.max_in_flight = 0  # the most ever answered at once: proof that latency overlaps

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        arrival = time.monotonic()
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            await self._answer(scope, receive, send, arrival)
        finally:
            self.in_flight -= 1

    async def _answer(self, scope: Scope, receive: Receive, send: Send, arrival: float) -> None:
        method = str(scope["method"]).upper()
        path = str(scope["path"])
        query = bytes(scope.get("query_string", b"")).decode("latin-1")
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        raw, too_big = await read_body(receive)
        logged_body: Any = None
        label: str | None = None
        if path.startswith("/_sandbox/"):
            await send_answer(
                send, self._sandbox_extra(method, path, query), self.options.clock_offset_s
            )
            return
        if too_big:
            answer = Answer(413, {"code": 413, "message": "Request body too large."})
        elif path == "/oauth/token":
            answer = await self._token(method, headers, query, raw)
        elif path.startswith("/v2/"):
            label = routes.match(method, path[3:]).label
            try:
                answer, logged_body = await self._api(method, path[3:], query, headers, raw)
            except Exception as exc:  # a sandbox bug: one clear line and a 500, not a traceback
                log.error(
                    "sandbox internal error on %s %s: %s: %s", method, path, type(exc).__name__, exc
                )
                answer = Answer(500, {"code": 500, "message": "Sandbox internal error."})
        else:
            answer = Answer(404, {"code": 404, "message": "Not Found"})
        self.request_log.add(
            LoggedRequest(
                at=arrival,
                method=method,
                path=path,
                query=query,
                status=0 if answer.drop else answer.status,
                label=label,
                zoom_code=answer.zoom_code,
                body=logged_body,
                dropped=answer.drop,
                applied=answer.applied,
                done=time.monotonic(),
            )
        )
        log.info(
            "%s %s -> %s%s",
            method,
            path,
            "dropped" if answer.drop else answer.status,
            f" code {answer.zoom_code}" if answer.zoom_code is not None else "",
        )
        await send_answer(send, answer, self.options.clock_offset_s)

    async def _delay(self) -> None:
        if self.options.latency_ms > 0:
            await asyncio.sleep(self.options.latency_ms / 1000.0)

    async def _token(self, method: str, headers: dict[str, str], query: str, raw: bytes) -> Answer:
        await self._delay()
        if method != "POST":
            return Answer(405, {"reason": "Method Not Allowed", "error": "invalid_request"})
        result = self.issuer.issue(
            headers.get("authorization", ""), query, headers.get("content-type", ""), raw
        )
        return Answer(result.status, result.body)

    async def _api(
        self, method: str, api_path: str, query: str, headers: dict[str, str], raw: bytes
    ) -> tuple[Answer, Any]:
        """Checks in Zoom's order, then the endpoint; returns the answer and the body to log."""
        body_for_log = loggable(raw) if method in ("POST", "PUT", "PATCH") else None
        route = routes.match(method, api_path)
        if not self.issuer.accepts(headers.get("authorization", "")):
            await self._delay()
            return Answer(401, {"code": 124, "message": "Invalid access token."}), body_for_log
        refused = scope_refusal(route.endpoint, route.account_id, self.issuer.scopes)
        if refused is not None:
            await self._delay()
            return _error(refused), body_for_log
        if route.label is not None:
            verdict = self.limiter.admit(route.label)
            if not verdict.allowed:
                await self._delay()
                return self._too_many(verdict), body_for_log
        failure = self.faults.injected_failure()
        await self._delay()
        if failure is not None:
            return _server_error(failure), body_for_log
        if route.endpoint is None:
            if route.known_path:
                return Answer(405, {"code": 405, "message": "Method Not Allowed"}), body_for_log
            return Answer(404, {"code": 404, "message": "Not Found"}), body_for_log
        try:
            if self.master.bulk_licenses and method in ("POST", "PUT", "PATCH"):
                raise bulk_licenses()
            answer = self._endpoint(route, query, raw, headers.get("content-type", ""))
        except ZoomApiError as err:
            answer = _error(err)
        if method in ("POST", "PUT", "PATCH"):
            applied = 200 <= answer.status < 300
            answer = dataclasses.replace(answer, applied=applied)
            lost = self.faults.lost_answer(method, "/v2" + api_path, applied=applied)
            if lost == 0:
                answer = dataclasses.replace(answer, drop=True)
            elif lost is not None:  # the write stands; the answer says it failed
                answer = dataclasses.replace(_server_error(lost), applied=applied)
        return answer, body_for_log

    def _endpoint(self, route: routes.Route, query: str, raw: bytes, content_type: str) -> Answer:
        account_id = route.account_id or ""
        endpoint = route.endpoint
        if endpoint == routes.LIST_ACCOUNTS:
            return Answer(200, self._list_accounts(query))
        if endpoint == routes.GET_PLANS:
            return Answer(200, self.world.visible_plans(account_id))
        if endpoint == routes.GET_USAGE:
            return Answer(200, self.world.usage(account_id))
        if endpoint == routes.GET_BILLING:
            return Answer(200, self.world.billing_contact(account_id))
        if endpoint == routes.LIST_RENEWALS:
            return Answer(200, self.renewal_pages.answer(query, self.world.renewal_rows))
        if content_type.split(";")[0].strip().lower() != "application/json":
            raise not_a_json_object()  # Zoom takes JSON only (its multipart samples are wrong)
        body = parse_json_object(raw)
        # Each write's success status is Zoom's documented one (201, 204 or 200).
        success = route.success_status
        if endpoint == routes.SUBSCRIBE:
            return Answer(success, self.world.subscribe(account_id, body))
        if endpoint == routes.ADD_ADDON:
            return Answer(success, self.world.add_addon(account_id, body))
        if endpoint == routes.UPDATE_BASE:
            self.world.update_base(account_id, body)
        elif endpoint == routes.UPDATE_ADDON:
            self.world.update_addon(account_id, body)
        elif endpoint == routes.CANCEL_ADDON:
            self.world.cancel_addon(account_id, body)
        elif endpoint == routes.CANCEL_BASE:
            self.world.cancel_base(account_id, body)
        elif endpoint == routes.UPDATE_BILLING:
            self.world.update_billing(account_id, body)
        return Answer(success)

    def _list_accounts(self, query: str) -> dict[str, Any]:
        """GET /accounts: page_size 1-300 (default 30); next_page_token lives 15 minutes."""
        params = {k: v[-1] for k, v in parse_qs(query, keep_blank_values=True).items()}
        size_text = params.get("page_size", "") or "30"
        if not size_text.isdigit() or not 1 <= int(size_text) <= 300:
            raise validation_failed(FieldProblem("page_size", "must be an integer from 1 to 300"))
        page_size = int(size_text)
        offset = 0
        token = params.get("next_page_token", "")
        now = time.monotonic()
        if token:
            found = self._page_tokens.get(token)
            if found is None or found[1] < now:
                raise ZoomApiError(400, 300, "The next page token is invalid or expired.")
            offset = found[0]
        rows = self.world.account_summaries()
        page = rows[offset : offset + page_size]
        next_token = ""
        if offset + page_size < len(rows):
            next_token = secrets.token_urlsafe(24)
            self._page_tokens = {t: v for t, v in self._page_tokens.items() if v[1] >= now}
            self._page_tokens[next_token] = (offset + page_size, now + PAGE_TOKEN_TTL_S)
        return {
            "page_count": (len(rows) + page_size - 1) // page_size,
            "page_size": page_size,
            "total_records": len(rows),
            "next_page_token": next_token,
            "accounts": page,
        }

    def expire_page_tokens(self) -> None:
        """Forget every next_page_token, as if their 15 minutes had passed (for tests)."""
        self._page_tokens.clear()

    def _too_many(self, verdict: Verdict) -> Answer:
        if verdict.daily:
            reset = verdict.reset_at
            assert reset is not None
            return Answer(
                429,
                {"code": 429, "message": DAILY_MESSAGE},
                (
                    ("X-RateLimit-Category", verdict.label),
                    ("X-RateLimit-Type", "Daily-limit"),
                    ("X-RateLimit-Limit", str(verdict.limit)),
                    ("X-RateLimit-Remaining", "0"),
                    ("Retry-After", reset.strftime("%Y-%m-%dT%H:%M:%SZ")),
                ),
            )
        headers: tuple[tuple[str, str], ...] = (
            ("X-RateLimit-Category", verdict.label),
            ("X-RateLimit-Limit", str(verdict.limit)),
            ("X-RateLimit-Remaining", "0"),
        )
        if (
            self.options.headerless_429_rate
            and self._rng.random() < self.options.headerless_429_rate
        ):
            headers = ()  # Zoom sometimes sends a 429 with none of its rate headers
        return Answer(429, {"code": 429, "message": PER_SECOND_MESSAGE}, headers)

    def _sandbox_extra(self, method: str, path: str, query: str) -> Answer:
        """Out-of-band endpoints for tests in other processes; no auth, never under /v2."""
        if method != "GET":
            return Answer(405, {"code": 405, "message": "Method Not Allowed"})
        if path == "/_sandbox/health":
            return Answer(200, {"ok": True})
        if path == "/_sandbox/requests":
            entries = [entry.to_json() for entry in self.request_log.snapshot()]
            since = parse_qs(query).get("since", ["0"])[-1]
            start = int(since) if since.isdigit() else 0
            return Answer(200, {"count": len(entries), "requests": entries[start:]})
        return Answer(404, {"code": 404, "message": "Not Found"})


def _server_error(status: int) -> Answer:
    if status == 500:
        return Answer(500, {"code": 500, "message": "Internal Server Error"})
    if status >= 500:  # gateways answer in HTML, not in Zoom's JSON
        return Answer(status, f"<html><body><h1>{status} Service Error</h1></body></html>")
    return Answer(status, {"code": status, "message": "Injected failure."})

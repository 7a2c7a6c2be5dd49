"""The named errors of the Zoom client, and how a Zoom error answer maps onto them.

The planner and apply never see a status code: they catch these classes. Each error carries the
facts (HTTP status, Zoom code, Zoom's message, method, path) and renders itself as one line a
billing admin can act on, e.g. ``sub_x: account does not exist (HTTP 404, Zoom code 2001)``.
No secret is ever part of an error: messages are built from Zoom's error body and the request
path only, never from headers.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

_ACCOUNT_IN_PATH = re.compile(r"^/accounts/([^/?]+)")


def _subject(method: str | None, path: str | None) -> str:
    """Who the error is about: the sub-account id when the path names one, else the call."""
    if path:
        match = _ACCOUNT_IN_PATH.match(path)
        if match:
            return match.group(1)
        return f"{method or ''} {path}".strip()
    return ""


class ZoomError(Exception):
    """Base of every error the client raises; ``str()`` is one clear line for users."""

    #: Phrase used instead of Zoom's own message when the class knows better words.
    summary: str | None = None

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: int | None = None,
        method: str | None = None,
        path: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.method = method
        self.path = path

    def describe(self) -> str:
        """The words of the line, without subject and codes."""
        text = self.summary or self.message or "error"
        return text.rstrip(". ")

    def __str__(self) -> str:
        facts = []
        if self.status is not None:
            facts.append(f"HTTP {self.status}")
        if self.code is not None:
            facts.append(f"Zoom code {self.code}")
        tail = f" ({', '.join(facts)})" if facts else ""
        subject = _subject(self.method, self.path)
        prefix = f"{subject}: " if subject else ""
        return f"{prefix}{self.describe()}{tail}"

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(status={self.status!r}, code={self.code!r}, "
            f"message={self.message!r}, method={self.method!r}, path={self.path!r})"
        )


class ConfigError(ZoomError):
    """The connection settings cannot work (missing credentials, unsafe URL, bad tier)."""

    def __str__(self) -> str:
        return self.message


class MissingCredentials(ConfigError):
    """Neither an access token nor a full set of OAuth credentials was given."""


class InsecureURLError(ConfigError):
    """A plain-http URL for a host that is not loopback: tokens would cross the network in clear."""


class AuthError(ZoomError):
    """Zoom refused the credentials or the token (401), or the app lacks the scope (403)."""


class TokenEndpointUnavailable(AuthError):
    """Zoom's OAuth token endpoint kept failing (5xx, 429, unreachable) through its retries.

    No call can be authenticated without a token, so this ends the whole run at once (plan,
    apply and import treat it as run-wide, as every AuthError); retrying it account by account
    would only multiply the wait by the number of accounts.
    """


class ZoomRejected(ZoomError):
    """Zoom answered that the request itself is wrong (4xx): resending it will not help."""


class AccountNotFound(ZoomRejected):
    """404 / 2001: the sub-account does not exist under this master account."""

    summary = "account does not exist"


class SelfPayAccount(ZoomRejected):
    """2100 for a self-pay sub-account: its plans cannot be managed by the master account."""

    summary = "sub-account is on self-pay mode; the master account cannot manage its plans"


class InvalidPlanType(ZoomRejected):
    """2100, other than self-pay: Zoom does not accept this plan type for this account."""


class NoSubscription(ZoomRejected):
    """Code 200 "no subscription yet" or 3200: the account has no paid plan to change."""


class PlanTypeMismatch(ZoomRejected):
    """300 "Plan types do not match": a base-plan PUT must keep the current type."""


class BadRequest(ZoomRejected):
    """Any other 4xx answer; Zoom's message says what is wrong."""


class RateLimited(ZoomError):
    """429 that kept coming after the allowed retries (or a POST/PATCH that used them up)."""


class DailyLimitReached(RateLimited):
    """The master account used up its daily quota: nothing more can be sent until the reset."""

    def __init__(
        self,
        message: str,
        *,
        reset_at: datetime | None = None,
        category: str | None = None,
        limit: int | None = None,
        **facts: Any,
    ) -> None:
        super().__init__(message, **facts)
        self.reset_at = reset_at
        self.category = category
        self.limit = limit

    def describe(self) -> str:
        calls = f"{self.category} API calls" if self.category else "API calls"
        what = f"daily limit of {self.limit} {calls}" if self.limit else f"daily limit for {calls}"
        when = (
            f"it resets at {self.reset_at.isoformat()}"
            if self.reset_at
            else "Zoom did not say when it resets (usually at 00:00 UTC)"
        )
        return f"{what} reached; no more calls are sent, {when}"


class ServerError(ZoomError):
    """5xx from Zoom that persisted through the retries of a safe (GET/PUT) call."""


class NetworkError(ZoomError):
    """Zoom could not be reached (connect failure, timeout) through the retries of a safe call."""


class UnexpectedAnswer(ZoomError):
    """A success answer that is not the JSON object Zoom documents."""


class AmbiguousWriteError(ZoomError):
    """A POST or PATCH may or may not have happened (timeout, cut connection, 5xx after sending).

    It is never resent blindly: the caller must read the live plans first, and only resend when
    the change is absent, because every POST may charge the account.
    """

    def __init__(
        self, message: str, *, body: Any = None, cause: BaseException | None = None, **facts: Any
    ) -> None:
        super().__init__(message, **facts)
        self.body = body
        self.cause = cause

    def describe(self) -> str:
        return (
            f"{self.method} {self.path} may or may not have been applied ({self.message}); "
            "read the live plans before sending it again"
        )


def _first_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def parse_error_body(text: str, content_type: str) -> tuple[int | None, str]:
    """Zoom's ``{"code", "message", "errors"}`` body, or an excerpt of whatever came instead."""
    payload: Any = None
    if text.strip():
        try:
            payload = json.loads(text)
        except ValueError:
            payload = None
    if isinstance(payload, dict):
        code = _first_int(payload.get("code"))
        # API errors carry "message"; Zoom's OAuth endpoint answers {"reason", "error"}.
        message = str(
            payload.get("message") or payload.get("reason") or payload.get("error") or ""
        ).strip()
        details = payload.get("errors")
        if isinstance(details, list):
            parts = [
                f"{item.get('field')}: {item.get('message')}"
                for item in details
                if isinstance(item, dict) and item.get("message")
            ]
            if parts:
                message = f"{message} [{'; '.join(parts)}]" if message else "; ".join(parts)
        return code, message or "no message"
    excerpt = " ".join(text.split())[:200]
    kind = content_type.split(";")[0].strip() or "unknown content type"
    return None, f"non-JSON error answer ({kind}): {excerpt}" if excerpt else "empty error answer"


def classify(status: int, code: int | None, message: str, method: str, path: str) -> ZoomError:
    """Map one non-2xx answer to its named class (daily-limit 429s are decided by the caller)."""
    facts: dict[str, Any] = {"status": status, "code": code, "method": method, "path": path}
    lowered = message.lower()
    if status == 401:
        return AuthError(f"Zoom refused the access token: {message}", **facts)
    if status == 403:
        return AuthError(
            f"access denied: {message} (the app needs the billing:master scope)", **facts
        )
    if status == 429:
        return RateLimited(message, **facts)
    if status >= 500:
        return ServerError(message, **facts)
    if code == 2001 or (status == 404 and "account does not exist" in lowered):
        return AccountNotFound(message, **facts)
    if code == 2100:
        if "self-pay" in lowered or "self pay" in lowered or "selfpay" in lowered:
            return SelfPayAccount(message, **facts)
        return InvalidPlanType(message, **facts)
    # Code 200 carries several unrelated messages; only "no subscription yet" means that.
    if code == 3200 or (code == 200 and "subscription yet" in lowered):
        return NoSubscription(message, **facts)
    if code == 300 and "plan types do not match" in lowered:
        return PlanTypeMismatch(message, **facts)
    return BadRequest(message, **facts)

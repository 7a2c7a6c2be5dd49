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
from typing import Any, ClassVar

from reconciler.zoom.scopes import (
    CLASSIC_BILLING,
    account_in,
    call_scope,
    commands_phrase,
    is_scope_refusal,
    scopes_named_in,
)

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
    #: True when every later call of the run would meet the same refusal (the credentials, the
    #: daily limit, the master account itself): plan, apply and import then stop at once rather
    #: than spend the rate budget failing once per account. Read it with :func:`stops_the_run`.
    stops_run: ClassVar[bool] = False

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

    def call_words(self) -> str:
        """The refused call as users meet it in apply's progress lines: ``update_addon (PUT
        /accounts/sub_1/plans/addons)``, or just the method and path of a call no table names."""
        where = f"{self.method or ''} {self.path or ''}".strip()
        row = call_scope(self.method, self.path)
        if row is None:
            return where or "the call"
        return f"{row.op} ({where})"

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

    stops_run = True

    def __str__(self) -> str:
        return self.message


class MissingCredentials(ConfigError):
    """Neither an access token nor a full set of OAuth credentials was given."""


class InsecureURLError(ConfigError):
    """A plain-http URL for a host that is not loopback: tokens would cross the network in clear."""


class AuthError(ZoomError):
    """Zoom refused the credentials or the token (401), or the app lacks the scope (403)."""

    stops_run = True


class TokenEndpointUnavailable(AuthError):
    """Zoom's OAuth token endpoint kept failing (5xx, 429, unreachable) through its retries.

    No call can be authenticated without a token, so this ends the whole run at once (plan,
    apply and import treat it as run-wide, as every AuthError); retrying it account by account
    would only multiply the wait by the number of accounts.
    """


class MissingScope(AuthError):
    """HTTP 403, or Zoom code 4700 (any status): the app's token lacks the call's scope.

    Zoom's message names the scopes, but only the granular spelling; the line names the one
    granular scope this call needs (from ``reconciler.zoom.scopes``), the command that needs it,
    and the classic ``billing:master`` that classic-scope apps use instead. The same token is
    refused for every account, so the run stops (an AuthError).
    """

    def describe(self) -> str:
        row = call_scope(self.method, self.path)
        refused = f"Zoom refused {self.call_words()}: the app's access token lacks its scope"
        if row is None:
            named = scopes_named_in(self.message)
            wanted = f"add {', '.join(named)}" if named else f"Zoom says: {self.message}"
            return f"{refused}; {wanted} to the OAuth app (classic-scope apps: {CLASSIC_BILLING})"
        classic = " or ".join(row.classic)
        return (
            f"{refused}; {commands_phrase(row)} the granular scope "
            f"{row.granular_for(account_in(self.path or ''))} (or the classic {classic}, for "
            "an app with classic scopes): add it to the OAuth app and run again"
        )


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


class ZuoraSubscriptionMissing(NoSubscription):
    """404 / 3200 "Cannot find Zuora subscription for account": Zoom's billing system holds no
    subscription for the account, so its add-ons cannot be changed."""

    def describe(self) -> str:
        return (
            f"Zoom refused {self.call_words()}: Zoom's billing system (Zuora) holds no "
            "subscription for this account, so its add-ons cannot be changed; check the "
            "account's billing in Zoom's web portal or with Zoom support"
        )


class PlanTypeMismatch(ZoomRejected):
    """300 "Plan types do not match": a base-plan PUT must keep the current type."""


class BulkLicenseMaster(ZoomRejected):
    """400 / 2100 "Master accounts with bulk licenses cannot provision, update, or cancel plans
    ... using APIs": no plan of any sub-account can be managed through the API, so the run stops
    at once instead of being refused once per account."""

    stops_run = True

    def describe(self) -> str:
        return (
            f"Zoom refused {self.call_words()}: the master account has bulk licences, and Zoom "
            "lets such a master manage no sub-account's plans through the API, so the run "
            "stops here; manage the plans in Zoom's web portal, or ask Zoom to move the master "
            "account off bulk licences"
        )


class ContractTermInvalid(ZoomRejected):
    """400 / 10200 on subscribe: ``subscription_options.contract_term`` is not one of Zoom's."""

    def describe(self) -> str:
        return (
            f"Zoom refused {self.call_words()}: invalid contract term; "
            "subscription_options.contract_term must be one of 1, 12, 24, 36, 48, 60, 72, 84, "
            "96, 108 or 120"
        )


class AddonChangeRefused(ZoomRejected):
    """400 / 3261 on an add-on change: no base plan yet, or an add-on whose hosts Zoom does not
    let change (its message says which)."""

    def describe(self) -> str:
        said = self.message.rstrip(". ")
        lowered = said.lower()
        if "major plan" in lowered:
            hint = "the account needs an active base plan before its add-ons can change"
        elif "not supported" in lowered or "cannot increase" in lowered:
            hint = "Zoom does not change the hosts of this add-on type; choose another type"
        else:
            hint = "the add-on cannot be changed this way"
        return f"Zoom refused {self.call_words()}: {hint} (Zoom: {said})"


class AddonsStillActive(ZoomRejected):
    """400 / 200 on a base cancel "You should first cancel all additional subscriptions"."""

    def describe(self) -> str:
        return (
            f"Zoom refused {self.call_words()}: a base plan is cancelled only once every add-on "
            "of the account is cancelled; cancel the add-ons first"
        )


class BadRequest(ZoomRejected):
    """Any other 4xx answer; Zoom's message says what is wrong."""


class RateLimited(ZoomError):
    """429 that kept coming after the allowed retries (or a POST/PATCH that used them up)."""


class DailyLimitReached(RateLimited):
    """The master account used up its daily quota: nothing more can be sent until the reset."""

    stops_run = True

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


_CANCEL_ADDONS_FIRST = re.compile(r"cancel all (add|additional)", re.IGNORECASE)


def stops_the_run(error: BaseException) -> bool:
    """Whether ``error`` ends the whole run: every later call would be refused the same way."""
    return isinstance(error, ZoomError) and error.stops_run


def classify(status: int, code: int | None, message: str, method: str, path: str) -> ZoomError:
    """Map one non-2xx answer to its named class (daily-limit 429s are decided by the caller)."""
    facts: dict[str, Any] = {"status": status, "code": code, "method": method, "path": path}
    lowered = message.lower()
    if is_scope_refusal(status, code, message):
        return MissingScope(message, **facts)
    if status == 401:
        return AuthError(f"Zoom refused the access token: {message}", **facts)
    if status == 429:
        return RateLimited(message, **facts)
    if status >= 500:
        return ServerError(message, **facts)
    if code == 2001 or (status == 404 and "account does not exist" in lowered):
        return AccountNotFound(message, **facts)
    if code == 2100:
        if "bulk licen" in lowered:
            return BulkLicenseMaster(message, **facts)
        if "self-pay" in lowered or "self pay" in lowered or "selfpay" in lowered:
            return SelfPayAccount(message, **facts)
        return InvalidPlanType(message, **facts)
    if code == 10200:
        return ContractTermInvalid(message, **facts)
    if code == 3261:
        return AddonChangeRefused(message, **facts)
    if code == 3200:
        return ZuoraSubscriptionMissing(message, **facts)
    # Code 200 carries several unrelated messages; each is told apart by its words.
    if code == 200 and _CANCEL_ADDONS_FIRST.search(message):
        return AddonsStillActive(message, **facts)
    if code == 200 and "subscription yet" in lowered:
        return NoSubscription(message, **facts)
    if code == 300 and "plan types do not match" in lowered:
        return PlanTypeMismatch(message, **facts)
    return BadRequest(message, **facts)

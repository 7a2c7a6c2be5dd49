"""Zoom's Server-to-Server OAuth token endpoint, and the bearer check on every API call.

Tokens are random and live `token_ttl_s`; they are kept only in memory (never in the state file),
so a restarted sandbox makes clients fetch a new token, as a rotated key would. Every token
carries the scopes the seed grants the app (`credentials.scopes`; absent: every scope), which
`reconciler.sandbox.scopes` checks on each call.
"""

from __future__ import annotations

import base64
import binascii
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from reconciler.sandbox.scopes import DEFAULT_SCOPE
from reconciler.sandbox.seed import Credentials


@dataclass(frozen=True)
class TokenAnswer:
    """The HTTP answer of the token endpoint (Zoom's OAuth errors use `reason` and `error`)."""

    status: int
    body: dict[str, Any]


def _oauth_error(status: int, error: str, reason: str) -> TokenAnswer:
    return TokenAnswer(status, {"reason": reason, "error": error})


def _basic_credentials(authorization: str) -> tuple[str, str] | None:
    scheme, _, encoded = authorization.partition(" ")
    if scheme.lower() != "basic" or not encoded:
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    client_id, sep, client_secret = decoded.partition(":")
    return (client_id, client_secret) if sep else None


class TokenIssuer:
    """Issues and checks access tokens for the one master account of the seed."""

    def __init__(
        self, credentials: Credentials, *, ttl_s: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._credentials = credentials
        self._ttl_s = ttl_s
        self._clock = clock
        self._lock = threading.Lock()
        self._tokens: dict[str, float] = {}  # token -> expiry on the monotonic clock
        #: Every token ever issued, expired or revoked too: what a secrets audit searches for.
        self._issued: list[str] = []

    def issue(self, authorization: str, query: str, content_type: str, body: bytes) -> TokenAnswer:
        """POST /oauth/token, checked the way Zoom does: Basic auth, form body, account id."""
        if any(k in parse_qs(query) for k in ("grant_type", "account_id")):
            return _oauth_error(
                400, "invalid_request", "Parameters must be sent in the request body."
            )
        pair = _basic_credentials(authorization)
        if pair is None:
            return _oauth_error(401, "invalid_client", "Invalid client_id or client_secret")
        expected = self._credentials
        id_ok = secrets.compare_digest(pair[0].encode(), expected.client_id.encode())
        secret_ok = secrets.compare_digest(pair[1].encode(), expected.client_secret.encode())
        if not (id_ok and secret_ok):
            return _oauth_error(401, "invalid_client", "Invalid client_id or client_secret")
        if "application/x-www-form-urlencoded" not in content_type.lower():
            return _oauth_error(400, "invalid_request", "Unsupported content type.")
        try:
            form = parse_qs(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
        except UnicodeDecodeError:
            return _oauth_error(400, "invalid_request", "Bad Request")
        grant = form.get("grant_type", [""])[0]
        if grant != "account_credentials":
            return _oauth_error(400, "unsupported_grant_type", "Unsupported grant type")
        account_id = form.get("account_id", [""])[0]
        if not account_id:
            return _oauth_error(400, "invalid_request", "Missing account_id")
        if account_id != expected.account_id:
            return _oauth_error(401, "invalid_client", "Invalid account_id")
        token = secrets.token_urlsafe(32)
        with self._lock:
            now = self._clock()
            self._tokens = {t: exp for t, exp in self._tokens.items() if exp > now}
            self._tokens[token] = now + self._ttl_s
            self._issued.append(token)
        return TokenAnswer(
            200,
            {
                "access_token": token,
                "token_type": "bearer",
                "expires_in": self._ttl_s,
                "scope": DEFAULT_SCOPE if self.scopes is None else " ".join(self.scopes),
            },
        )

    @property
    def scopes(self) -> tuple[str, ...] | None:
        """The scopes every issued token carries (the seed's); None: every scope."""
        return self._credentials.scopes

    def accepts(self, authorization: str) -> bool:
        """Whether `Authorization: Bearer <token>` names a token that is issued and unexpired."""
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token:
            return False
        with self._lock:
            expiry = self._tokens.get(token.strip())
            return expiry is not None and expiry > self._clock()

    def issued(self) -> list[str]:
        """Every access token issued so far (in memory only), for tests that audit output."""
        with self._lock:
            return list(self._issued)

    def revoke_all(self) -> None:
        """Forget every issued token, as after rotating the app's secret."""
        with self._lock:
            self._tokens.clear()

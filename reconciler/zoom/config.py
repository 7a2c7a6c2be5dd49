"""How to reach Zoom: base URLs, credentials and the rate tier, in one immutable value."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal, cast
from urllib.parse import SplitResult, urlsplit

from reconciler.zoom.errors import ConfigError, InsecureURLError, MissingCredentials

DEFAULT_API_BASE_URL = "https://api.zoom.us/v2"
DEFAULT_OAUTH_TOKEN_URL = "https://zoom.us/oauth/token"

LOOPBACK_V4 = ipaddress.IPv4Network("127.0.0.0/8")
#: A scheme, then an authority holding "@": user info, which may be a password.
_USERINFO = re.compile(r"^[^:/?#]*://[^/?#]*@")
LOOPBACK_V6 = ipaddress.IPv6Address("::1")

RateTier = Literal["pro", "business"]
RATE_TIERS: tuple[str, ...] = ("pro", "business")

#: Environment variables read by :meth:`ZoomConfig.from_env` (SPEC section 4).
ENV_API_BASE_URL = "ZOOM_API_BASE_URL"
ENV_OAUTH_TOKEN_URL = "ZOOM_OAUTH_TOKEN_URL"
ENV_ACCOUNT_ID = "ZOOM_ACCOUNT_ID"
ENV_CLIENT_ID = "ZOOM_CLIENT_ID"
ENV_CLIENT_SECRET = "ZOOM_CLIENT_SECRET"
ENV_ACCESS_TOKEN = "ZOOM_ACCESS_TOKEN"
ENV_RATE_TIER = "ZOOM_RATE_TIER"
ENV_TIMEOUT_S = "ZOOM_TIMEOUT_S"


def is_loopback_host(host: str) -> bool:
    """True for exactly ``localhost`` and loopback IP literals (127.0.0.0/8, ::1).

    These are the only hosts allowed over plain http. Names under ``.localhost`` are refused:
    whether they resolve to loopback depends on the machine's resolver, not on us.
    """
    host = host.strip("[]").lower()
    if host == "localhost":
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv4Address):
        return address in LOOPBACK_V4
    return address == LOOPBACK_V6


def _parsed(url: str, what: str) -> SplitResult:
    """The URL split into parts, or a ConfigError naming the variable and the problem."""
    # Imported here, not at the top: every command's --help reads this module.
    import httpx

    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
        httpx.URL(url)
    except (ValueError, httpx.InvalidURL) as exc:
        raise ConfigError(f"{what} {url!r} is not a valid URL ({exc})") from None
    return parts


def require_safe_url(url: str, what: str) -> None:
    """Refuse a URL that cannot be used, or would send a token or secret in clear text over a
    real network."""
    if _USERINFO.match(url):
        # Checked first and never quoted: the part before @ may be a secret.
        raise ConfigError(f"{what} must not carry a user name or password (user@host)")
    if any(ord(char) < 32 or char.isspace() for char in url):
        raise ConfigError(
            f"{what} {url!r} is not a valid URL (it contains spaces or control characters)"
        )
    parts = _parsed(url, what)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"{what} {url!r} is not an http(s) URL")
    if parts.scheme == "http" and not is_loopback_host(parts.hostname):
        raise InsecureURLError(
            f"{what} {url!r} uses plain http; https is required for any host but loopback "
            "(127.0.0.0/8, ::1, localhost)"
        )


@dataclass(frozen=True)
class ZoomConfig:
    """Connection settings. Secrets are excluded from repr so they never reach a log line."""

    api_base_url: str = DEFAULT_API_BASE_URL
    oauth_token_url: str = DEFAULT_OAUTH_TOKEN_URL
    account_id: str | None = None
    client_id: str | None = None
    client_secret: str | None = field(default=None, repr=False)
    access_token: str | None = field(default=None, repr=False)
    rate_tier: RateTier = "business"
    timeout_s: float = 30.0

    @classmethod
    def from_env(cls, env: Mapping[str, str], **overrides: str | float | None) -> ZoomConfig:
        """Read the ``ZOOM_*`` variables; non-None ``overrides`` (from CLI flags) win.

        Missing credentials are not an error here (``validate`` needs none); the client
        checks them with :meth:`require_credentials` before its first call.
        """

        def pick(name: str, key: str) -> str | None:
            given = overrides.get(key)
            if given is not None:
                return str(given)
            value = env.get(name, "").strip()
            return value or None

        tier = (pick(ENV_RATE_TIER, "rate_tier") or "business").lower()
        if tier not in RATE_TIERS:
            raise ConfigError(
                f"{ENV_RATE_TIER}={tier!r} is not a rate tier; use one of: {', '.join(RATE_TIERS)}"
            )
        timeout_text = pick(ENV_TIMEOUT_S, "timeout_s") or "30"
        try:
            timeout = float(timeout_text)
        except ValueError:
            timeout = -1.0
        if not timeout > 0:
            raise ConfigError(f"{ENV_TIMEOUT_S}={timeout_text!r} is not a positive number")
        return cls(
            api_base_url=(pick(ENV_API_BASE_URL, "api_base_url") or DEFAULT_API_BASE_URL).rstrip(
                "/"
            ),
            oauth_token_url=pick(ENV_OAUTH_TOKEN_URL, "oauth_token_url") or DEFAULT_OAUTH_TOKEN_URL,
            account_id=pick(ENV_ACCOUNT_ID, "account_id"),
            client_id=pick(ENV_CLIENT_ID, "client_id"),
            client_secret=pick(ENV_CLIENT_SECRET, "client_secret"),
            access_token=pick(ENV_ACCESS_TOKEN, "access_token"),
            rate_tier=cast(RateTier, tier),
            timeout_s=timeout,
        )

    @property
    def uses_oauth(self) -> bool:
        """OAuth is used unless a ready access token was given."""
        return not self.access_token

    @property
    def uses_https(self) -> bool:
        """Does any URL this client calls use TLS (the API, and OAuth when used)?"""
        urls = [self.api_base_url, *([self.oauth_token_url] if self.uses_oauth else [])]
        return any(url.lower().startswith("https:") for url in urls)

    def require_credentials(self) -> None:
        """Raise :class:`MissingCredentials` naming exactly the variables still to set."""
        if self.access_token:
            return
        missing = [
            name
            for name, value in (
                (ENV_ACCOUNT_ID, self.account_id),
                (ENV_CLIENT_ID, self.client_id),
                (ENV_CLIENT_SECRET, self.client_secret),
            )
            if not value
        ]
        if missing:
            raise MissingCredentials(
                f"Zoom credentials missing: set {', '.join(missing)} (Server-to-Server OAuth app "
                f"of the master account), or {ENV_ACCESS_TOKEN} to use a ready token"
            )

    def require_safe_urls(self) -> None:
        """Refuse plain http to anything but loopback, for the API and (if used) OAuth."""
        require_safe_url(self.api_base_url, ENV_API_BASE_URL)
        if self.uses_oauth:
            require_safe_url(self.oauth_token_url, ENV_OAUTH_TOKEN_URL)
        if self.rate_tier not in RATE_TIERS:
            raise ConfigError(f"rate tier {self.rate_tier!r} is not one of {', '.join(RATE_TIERS)}")

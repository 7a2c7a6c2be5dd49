"""How to reach Zoom: base URLs, credentials and the rate tier, in one immutable value."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

DEFAULT_API_BASE_URL = "https://api.zoom.us/v2"
DEFAULT_OAUTH_TOKEN_URL = "https://zoom.us/oauth/token"

RateTier = Literal["pro", "business"]


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

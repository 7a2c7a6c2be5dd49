"""The one module that speaks HTTP to Zoom: config, OAuth, pacing, retries, errors, endpoints.

Every ``import httpx`` of the product lives under this package, so the HTTP library can be
swapped in one place. Callers use :class:`ZoomClient` and catch the :class:`ZoomError` tree.

Importing this package imports nothing else: each name is looked up in its module on first use
(PEP 562), so a command that only needs `reconciler.zoom.config`'s constants (every command's
--help) does not pay for httpx.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from reconciler.lazy_exports import lazy_getattr

# httpx's package imports its own command-line tool (`httpx._main`: rich, pygments, click's
# types) whenever rich and pygments are installed, as they are beside twine in a developer's or
# CI's environment: 0.07-0.1 s before the first request, for a tool zoomplans never runs. Marked
# absent, httpx takes its documented fallback (a `main` that asks for `httpx[cli]`). Set before
# any module of this package can import httpx; an httpx already imported is left as it is.
sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]

if TYPE_CHECKING:
    from reconciler.zoom.bodies import InvalidRequestBody
    from reconciler.zoom.client import SubAccount, WriteResult, ZoomClient
    from reconciler.zoom.config import RateTier, ZoomConfig
    from reconciler.zoom.errors import (
        AccountNotFound,
        AddonChangeRefused,
        AddonsStillActive,
        AmbiguousWriteError,
        AuthError,
        BadRequest,
        BulkLicenseMaster,
        ConfigError,
        ContractTermInvalid,
        DailyLimitReached,
        InsecureURLError,
        InvalidPlanType,
        MissingCredentials,
        MissingScope,
        NetworkError,
        NoSubscription,
        PlanTypeMismatch,
        RateLimited,
        SelfPayAccount,
        ServerError,
        TokenEndpointUnavailable,
        UnexpectedAnswer,
        ZoomError,
        ZoomRejected,
        ZuoraSubscriptionMissing,
        stops_the_run,
    )
    from reconciler.zoom.pacing import RateLabel
    from reconciler.zoom.session import RetryPolicy

#: Each public name and the module that defines it.
_HOMES: dict[str, str] = {
    "AccountNotFound": "reconciler.zoom.errors",
    "AddonChangeRefused": "reconciler.zoom.errors",
    "AddonsStillActive": "reconciler.zoom.errors",
    "AmbiguousWriteError": "reconciler.zoom.errors",
    "AuthError": "reconciler.zoom.errors",
    "BadRequest": "reconciler.zoom.errors",
    "BulkLicenseMaster": "reconciler.zoom.errors",
    "ConfigError": "reconciler.zoom.errors",
    "ContractTermInvalid": "reconciler.zoom.errors",
    "DailyLimitReached": "reconciler.zoom.errors",
    "InsecureURLError": "reconciler.zoom.errors",
    "InvalidPlanType": "reconciler.zoom.errors",
    "InvalidRequestBody": "reconciler.zoom.bodies",
    "MissingCredentials": "reconciler.zoom.errors",
    "MissingScope": "reconciler.zoom.errors",
    "NetworkError": "reconciler.zoom.errors",
    "NoSubscription": "reconciler.zoom.errors",
    "PlanTypeMismatch": "reconciler.zoom.errors",
    "RateLabel": "reconciler.zoom.pacing",
    "RateLimited": "reconciler.zoom.errors",
    "RateTier": "reconciler.zoom.config",
    "RetryPolicy": "reconciler.zoom.session",
    "SelfPayAccount": "reconciler.zoom.errors",
    "ServerError": "reconciler.zoom.errors",
    "SubAccount": "reconciler.zoom.client",
    "TokenEndpointUnavailable": "reconciler.zoom.errors",
    "UnexpectedAnswer": "reconciler.zoom.errors",
    "WriteResult": "reconciler.zoom.client",
    "ZoomClient": "reconciler.zoom.client",
    "ZoomConfig": "reconciler.zoom.config",
    "ZoomError": "reconciler.zoom.errors",
    "ZoomRejected": "reconciler.zoom.errors",
    "ZuoraSubscriptionMissing": "reconciler.zoom.errors",
    "stops_the_run": "reconciler.zoom.errors",
}


__getattr__ = lazy_getattr(__name__, _HOMES)

__all__ = [
    "AccountNotFound",
    "AddonChangeRefused",
    "AddonsStillActive",
    "AmbiguousWriteError",
    "AuthError",
    "BadRequest",
    "BulkLicenseMaster",
    "ConfigError",
    "ContractTermInvalid",
    "DailyLimitReached",
    "InsecureURLError",
    "InvalidPlanType",
    "InvalidRequestBody",
    "MissingCredentials",
    "MissingScope",
    "NetworkError",
    "NoSubscription",
    "PlanTypeMismatch",
    "RateLabel",
    "RateLimited",
    "RateTier",
    "RetryPolicy",
    "SelfPayAccount",
    "ServerError",
    "SubAccount",
    "TokenEndpointUnavailable",
    "UnexpectedAnswer",
    "WriteResult",
    "ZoomClient",
    "ZoomConfig",
    "ZoomError",
    "ZoomRejected",
    "ZuoraSubscriptionMissing",
    "stops_the_run",
]

"""The one module that speaks HTTP to Zoom: config, OAuth, pacing, retries, errors, endpoints.

Every ``import httpx`` of the product lives under this package, so the HTTP library can be
swapped in one place. Callers use :class:`ZoomClient` and catch the :class:`ZoomError` tree.
"""

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

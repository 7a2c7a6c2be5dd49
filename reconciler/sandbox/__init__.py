"""The sandbox: a faithful fake of Zoom's master-account plan API, for tests, demos and CI.

It shares no code with the client side on purpose: two independent readings of Zoom's API
catch each other's mistakes. It uses only the standard library, pyyaml, uvicorn and the committed
extract of Zoom's 2026 document (`reconciler.zoom_2026`), which drives its groups, codes, body
schemas and success statuses.
"""

from reconciler.sandbox.errors import SandboxError, SeedError, ZoomApiError
from reconciler.sandbox.faults import FaultScript, FaultScriptError
from reconciler.sandbox.limits import RateLimitSpecError, parse_rate_limits
from reconciler.sandbox.read_lag import ReadLagError
from reconciler.sandbox.requestlog import LoggedRequest
from reconciler.sandbox.seed import load_seed
from reconciler.sandbox.server import SandboxServer, SandboxStartError

__all__ = [
    "FaultScript",
    "FaultScriptError",
    "LoggedRequest",
    "RateLimitSpecError",
    "ReadLagError",
    "SandboxError",
    "SandboxServer",
    "SandboxStartError",
    "SeedError",
    "ZoomApiError",
    "load_seed",
    "parse_rate_limits",
]

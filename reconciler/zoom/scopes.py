"""Which OAuth scope each Zoom call needs, and which zoomplans command makes that call.

Zoom's 2026 Billing master document lists, for every plan operation, the classic scope
``billing:master`` (still accepted for apps that use classic scopes) and one granular scope per
kind of account: ``...:master`` when the path names a sub-account, ``...:admin`` when it names
the master account itself (``me``). New Server-to-Server OAuth apps get granular scopes only,
so when Zoom refuses a call for a missing scope the one useful message names the exact granular
scope to add. This table is that lookup, one row per call the client makes: the error classes
(``reconciler.zoom.errors``) and the "Connecting to Zoom" page both read it, and the sandbox
keeps its own, independent copy (``reconciler.sandbox.scopes``) that a test compares with this.
How Zoom says a scope is missing (403, or code 4700/4711) is recognised here too.

Sources: the plan operations' ``x-macro-scopes`` / ``x-granular-scopes`` in Zoom's 2026 OpenAPI
document; "List sub accounts" from Zoom's granular-scopes page (``account:read:list_sub_accounts
:master``) and its Accounts master API (classic ``account:master``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from reconciler.groups.operations import OP_TABLE

#: The classic scope every plan operation still accepts (apps created before granular scopes).
CLASSIC_BILLING = "billing:master"
#: The account id that names the master account itself, not a sub-account.
OWN_ACCOUNT = "me"

#: Zoom's list of upcoming renewals: under /accounts, but over every sub-account at once.
RENEWALS_PATH = "/accounts/billing/renewals"

#: The zoomplans commands, in the order the manual introduces them.
COMMANDS = ("validate", "plan", "apply", "import", "prices")


@dataclass(frozen=True)
class CallScope:
    """One call: the client's name for it, Zoom's title, its method and path, and its scopes."""

    op: str
    zoom_title: str
    method: str
    #: The path with ``{id}`` for the account id (``/accounts`` for the sub-account list).
    path: str
    classic: tuple[str, ...]
    #: The granular scope when the path names a sub-account.
    granular_master: str
    #: The granular scope when the path names the master itself (``me``); None: Zoom has none.
    granular_admin: str | None
    #: The zoomplans commands that make this call.
    commands: tuple[str, ...]

    def granular_for(self, account_id: str | None) -> str:
        """The granular scope for a call on ``account_id`` (``me`` takes the ``:admin`` one)."""
        if account_id == OWN_ACCOUNT and self.granular_admin is not None:
            return self.granular_admin
        return self.granular_master

    def matches(self, method: str, path: str) -> bool:
        return method.upper() == self.method and _template(path) == self.path


#: The reads; then the writes (in the op table's order) and Zoom's billing operations.
READ_SCOPES: tuple[CallScope, ...] = (
    CallScope(
        "list_sub_accounts", "List sub accounts", "GET", "/accounts",
        ("account:master",), "account:read:list_sub_accounts:master", None, ("import",),
    ),
    CallScope(
        "get_plans", "Get account plan information", "GET", "/accounts/{id}/plans",
        (CLASSIC_BILLING,), "billing:read:plan_information:master",
        "billing:read:plan_information:admin", ("plan", "apply", "import", "prices"),
    ),
    CallScope(
        "get_usage", "Get plan usage", "GET", "/accounts/{id}/plans/usage",
        (CLASSIC_BILLING, "account:master"), "billing:read:plan_usage:master",
        "billing:read:plan_usage:admin", ("plan", "apply"),
    ),
)  # fmt: skip

#: The writes: method, path, Zoom's title and scopes are columns of the op table.
WRITE_SCOPES: tuple[CallScope, ...] = tuple(
    CallScope(
        spec.op.value, spec.zoom_title, spec.method, spec.path, spec.classic_scopes,
        spec.granular_scope, None, ("apply",),
    )
    for spec in OP_TABLE
)  # fmt: skip

BILLING_SCOPES: tuple[CallScope, ...] = (
    # Zoom's billing operations beside the plans (PATCH /billing is the op table's
    # update_contact, above). plan and apply read the contact only for accounts whose file
    # declares one; import reads it for every subscribed account (and goes on without it);
    # plan reads the renewals list once (a refusal only leaves renewal dates unknown).
    CallScope(
        "get_billing", "Get billing information", "GET", "/accounts/{id}/billing",
        (CLASSIC_BILLING,), "billing:read:billing_information:master",
        "billing:read:billing_information:admin", ("plan", "apply", "import"),
    ),
    CallScope(
        "list_renewals", "List subaccounts' upcoming renewal plans", "GET", RENEWALS_PATH,
        (CLASSIC_BILLING, "account:master"),
        "billing:read:list_upcoming_renewal_accounts:master", None, ("plan", "apply", "prices"),
    ),
)  # fmt: skip

CALL_SCOPES: tuple[CallScope, ...] = READ_SCOPES + WRITE_SCOPES + BILLING_SCOPES

_ACCOUNT_PATH = re.compile(r"^/accounts/([^/?]+)(/[^?]*)?$")


def _template(path: str) -> str:
    """``/accounts/sub_1/plans/base`` -> ``/accounts/{id}/plans/base`` (query dropped)."""
    bare = path.split("?", 1)[0].rstrip("/") or "/"
    if bare.endswith(RENEWALS_PATH):  # one list over every sub-account, not an account's path
        return RENEWALS_PATH
    match = _ACCOUNT_PATH.match(bare)
    if match is None:
        return bare
    return "/accounts/{id}" + (match.group(2) or "")


def account_in(path: str) -> str | None:
    """The account id a path names (``me`` included), or None for ``/accounts`` itself."""
    bare = path.split("?", 1)[0]
    if bare.rstrip("/").endswith(RENEWALS_PATH):
        return None
    match = _ACCOUNT_PATH.match(bare)
    return match.group(1) if match else None


def call_scope(method: str | None, path: str | None) -> CallScope | None:
    """The row of the call ``method path``, or None for a call this table does not know."""
    if not method or not path:
        return None
    return next((row for row in CALL_SCOPES if row.matches(method, path)), None)


def scopes_of_command(command: str) -> tuple[str, ...]:
    """The granular scopes a command may need on sub-accounts, in table order (``validate``:
    none); the manual's "Scopes" section lists the same (a test compares them)."""
    wanted: list[str] = []
    for row in CALL_SCOPES:
        if command in row.commands and row.granular_master not in wanted:
            wanted.append(row.granular_master)
    return tuple(wanted)


def commands_phrase(row: CallScope) -> str:
    """``zoomplans plan, apply and import need``: who needs the scope, for the error line."""
    names = list(row.commands)
    if not names:
        return "zoomplans needs"
    if len(names) == 1:
        return f"zoomplans {names[0]} needs"
    return f"zoomplans {', '.join(names[:-1])} and {names[-1]} need"


#: Zoom's codes for a token that lacks a scope: 4700 on its error page, 4711 as apps report it.
SCOPE_CODES = frozenset({4700, 4711})
_SCOPES_IN_MESSAGE = re.compile(r"scopes?\s*:\s*\[([^\]]*)\]", re.IGNORECASE)


#: The statuses Zoom refuses a missing scope with; any other status is something else,
#: whatever code its body carries (a 5xx is a server error, a 429 a rate limit).
SCOPE_STATUSES = frozenset({400, 401, 403})


def is_scope_refusal(status: int, code: int | None, message: str) -> bool:
    """A 403, or Zoom's scope code on a 400 or a 401 (on a 401 only when it speaks of scopes:
    a 401 is otherwise a dead token, which a fresh one cures; a missing scope it never does).
    A 5xx carrying 4700 or 4711 is Zoom failing, not a refusal: it is retried as one."""
    if status == 403:
        return True
    if status not in SCOPE_STATUSES or code not in SCOPE_CODES:
        return False
    return status != 401 or "scope" in message.lower()


def scopes_named_in(message: str) -> list[str]:
    """``[a, b]`` out of Zoom's ``Invalid access token, does not contain scopes:[a, b].``."""
    match = _SCOPES_IN_MESSAGE.search(message)
    if match is None:
        return []
    return [part.strip() for part in match.group(1).split(",") if part.strip()]

"""The sandbox's error types: Zoom-shaped API answers, and seed/state problems."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class SandboxError(Exception):
    """Base class of every error the sandbox raises to its own callers."""


@dataclass(frozen=True)
class FieldProblem:
    """One entry of Zoom's `errors` array: `{"field": ..., "message": ...}`."""

    field: str
    message: str


@dataclass
class ZoomApiError(SandboxError):
    """An answer Zoom gives as an error: HTTP status plus Zoom's code and message in the body.

    Raised inside the world model and turned into a JSON answer by the ASGI app, so the
    validation rules read like Zoom's documentation instead of like HTTP plumbing.
    """

    status: int
    code: int
    message: str
    errors: tuple[FieldProblem, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        super().__init__(f"{self.status}/{self.code}: {self.message}")

    def body(self) -> dict[str, Any]:
        answer: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.errors:
            answer["errors"] = [{"field": p.field, "message": p.message} for p in self.errors]
        return answer


def validation_failed(*problems: FieldProblem) -> ZoomApiError:
    """Zoom's generic answer to a body that breaks its request schema."""
    return ZoomApiError(400, 300, "Validation Failed.", tuple(problems))


def no_subscription() -> ZoomApiError:
    """Zoom's answer when the account has no active base plan."""
    return ZoomApiError(400, 200, "You do not have a subscription yet.")


def account_missing(account_id: str) -> ZoomApiError:
    """Zoom's answer for a sub-account id the master account does not have."""
    return ZoomApiError(404, 2001, f"Account does not exist: {account_id}.")


def self_pay(account_id: str) -> ZoomApiError:
    """Zoom refuses every plan call for a sub-account that pays for itself."""
    return ZoomApiError(400, 2100, f"Sub account {account_id} is in self-pay mode.")


def bulk_licenses() -> ZoomApiError:
    """Zoom refuses every plan write of a master account that has bulk licences."""
    return ZoomApiError(
        400,
        2100,
        "Master accounts with bulk licenses cannot provision, update, or cancel plans for "
        "subaccounts using APIs. Please use the billing portal or contact Support.",
    )


def invalid_plan_type(title: str, plan_type: object) -> ZoomApiError:
    """Zoom's answer to a plan code it does not sell in that group."""
    return ZoomApiError(400, 2100, f"Invalid {title} Plan Type: {plan_type}")


class SeedError(SandboxError):
    """A seed or state file the sandbox cannot use; the message names the place."""

    def __init__(self, where: str, message: str) -> None:
        self.where = where
        self.problem = message
        super().__init__(f"{where}: {message}" if where else message)

"""What apply did to each account, and the one summary line and exit code CI acts on."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from reconciler.escaping.terminal import inert

AccountState = Literal[
    "applied",
    "applied_not_visible",
    "awaiting_zoom",
    "in_sync",
    "stale",
    "mismatch",
    "blocked",
    "failed",
    "skipped",
]

#: How each state reads in the report (the words users see).
STATE_WORDS: dict[str, str] = {
    "applied": "applied",
    "applied_not_visible": "applied, not yet visible",
    "awaiting_zoom": "awaiting Zoom",
    "in_sync": "in sync",
    "stale": "stale",
    "mismatch": "refused, the saved actions do not match the files",
    "blocked": "blocked",
    "failed": "failed",
    "skipped": "skipped",
}
#: States that make the run exit 1: something the reviewer asked for did not happen.
#: ``awaiting_zoom`` is not one: the purchase was made (or may have been) and re-running cannot
#: help; exit 1 would invite the very re-run that could charge twice (README "Never charging
#: twice").
FAILING_STATES = frozenset({"stale", "mismatch", "blocked", "failed"})


@dataclass(frozen=True)
class AccountReport:
    """One account's result: its state, why (when not plainly applied) and the calls made."""

    account_id: str
    state: AccountState
    reason: str = ""
    calls_made: int = 0
    calls_planned: int = 0

    def line(self) -> str:
        calls = f" ({self.calls_made}/{self.calls_planned} calls)" if self.calls_planned else ""
        reason = f": {self.reason}" if self.reason else ""
        return f"{self.account_id}: {STATE_WORDS[self.state]}{calls}{reason}"

    def to_json(self) -> dict[str, Any]:
        return {
            "account_id": self.account_id,
            "state": self.state,
            "reason": self.reason,
            "calls_made": self.calls_made,
            "calls_planned": self.calls_planned,
        }


@dataclass(frozen=True)
class ApplyReport:
    """Every account's result, in plan order."""

    accounts: Sequence[AccountReport]
    #: The journal could not be written mid-run: the report is what happened until then.
    journal_error: str | None = None
    #: The refusal that stopped the whole run (credentials, a missing scope, the daily limit,
    #: a master with bulk licences): no call was started after it.
    stopped_by: str | None = None

    def count(self, state: AccountState) -> int:
        return sum(1 for item in self.accounts if item.state == state)

    @property
    def calls_made(self) -> int:
        return sum(item.calls_made for item in self.accounts)

    @property
    def exit_code(self) -> int:
        """0 when everything asked for was applied, in sync or awaiting Zoom; else 1."""
        if self.journal_error is not None or self.stopped_by is not None:
            return 1
        return 1 if any(item.state in FAILING_STATES for item in self.accounts) else 0

    def summary_line(self) -> str:
        """``Apply: 5 applied, 1 stale, 0 failed, 1 blocked.``; rarer states only when present."""
        parts = [f"{self.count('applied')} applied"]
        if self.count("applied_not_visible"):
            parts.append(f"{self.count('applied_not_visible')} applied but not yet visible")
        if self.count("awaiting_zoom"):
            parts.append(f"{self.count('awaiting_zoom')} awaiting Zoom")
        if self.count("in_sync"):
            parts.append(f"{self.count('in_sync')} in sync")
        parts += [
            f"{self.count('stale')} stale",
            *([f"{self.count('mismatch')} mismatch"] if self.count("mismatch") else []),
            f"{self.count('failed')} failed",
            f"{self.count('blocked')} blocked",
        ]
        if self.count("skipped"):
            parts.append(f"{self.count('skipped')} skipped")
        return f"Apply: {', '.join(parts)}."

    def lines(self) -> list[str]:
        """The per-account lines, then the summary line: plain text that reads well in CI logs.
        Each line is made inert (a name or a Zoom message cannot add a line or drive the
        terminal)."""
        return [inert(item.line()) for item in self.accounts] + [self.summary_line()]

    def to_json(self) -> dict[str, Any]:
        return {
            "accounts": [item.to_json() for item in self.accounts],
            "summary": {state: self.count(state) for state in STATE_WORDS},  # type: ignore[arg-type]
            "calls_made": self.calls_made,
            "exit_code": self.exit_code,
            "stopped_by": self.stopped_by,
        }


def blocked_reason(items: Sequence[Any]) -> str:
    """A blocked account's reason: each blocked item's sentence (plan items or their JSON)."""
    texts = []
    for item in items:
        message = getattr(item, "message", None)
        if not message and isinstance(item, Mapping):
            message = item.get("message")
        texts.append(str(message or item))
    return "; ".join(texts) or "blocked in the plan"

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
#: The words every refusal before the first call ends with (one spelling, from the report).
NOTHING_SENT = "nothing was sent"
#: Exit status of a run stopped by SIGTERM (128 + 15, as a shell reports it).
EXIT_TERMINATED = 143


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
    #: A stop asked for from outside (``SIGTERM``): no call was started after it, the calls in
    #: flight finished and were journaled. The run exits 143.
    stop_requested: str | None = None
    #: Why the run was refused before its first call (the sentence, without "nothing was sent").
    refusal: str | None = None
    #: The exit code of that refusal: 1, or 64 for a usage error.
    refusal_exit_code: int = 1
    #: Errors printed before the refusal's own line (every guard rail tripped, say).
    refusal_details: tuple[str, ...] = ()
    #: Nothing to send and nothing to settle: said on stdout, exit 0.
    nothing_to_do: bool = False
    #: The plan_sha256 of the plan applied (the file's, for ``--plan``).
    plan_sha256: str | None = None

    @classmethod
    def refused(cls, reason: str, exit_code: int = 1, details: Sequence[str] = ()) -> ApplyReport:
        """A run refused before anything was sent."""
        return cls(
            accounts=(),
            refusal=reason,
            refusal_exit_code=exit_code,
            refusal_details=tuple(details),
        )

    def count(self, state: AccountState) -> int:
        return sum(1 for item in self.accounts if item.state == state)

    @property
    def calls_made(self) -> int:
        return sum(item.calls_made for item in self.accounts)

    @property
    def exit_code(self) -> int:
        """0 when everything asked for was applied, in sync or awaiting Zoom; 143 when stopped
        by SIGTERM; the refusal's code when refused; else 1."""
        if self.refusal is not None:
            return self.refusal_exit_code
        if self.stop_requested is not None:
            return EXIT_TERMINATED
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
        if self.refusal is not None:
            return []
        if self.nothing_to_do:
            return [f"No changes. Zoom already matches the YAML; {NOTHING_SENT}."]
        return [*(inert(item.line()) for item in self.accounts), self.summary_line()]

    def error_lines(self) -> list[str]:
        """What went wrong for the run as a whole, one ``zoomplans: error:`` line each (stderr);
        each made inert (a refusal or a journal error may quote a file's value or Zoom's)."""
        return [inert(line) for line in self._error_lines()]

    def _error_lines(self) -> list[str]:
        if self.refusal is not None:
            return [
                *(f"zoomplans: error: {detail}" for detail in self.refusal_details),
                f"zoomplans: error: {self.refusal}; {NOTHING_SENT}",
            ]
        lines = []
        if self.stopped_by is not None:
            lines.append(
                f"zoomplans: error: the run stopped: {self.stopped_by}; {self.calls_made} "
                "call(s) were made before it (listed above), and none was started after it"
            )
        if self.journal_error is not None:
            lines.append(
                f"zoomplans: error: {self.journal_error}; no call was started after that, and "
                f"{self.calls_made} call(s) were made before it (listed above); the next run "
                "reads every account with a call in flight before sending anything"
            )
        if self.stop_requested is not None:
            lines.append(
                f"zoomplans: stopped by {self.stop_requested}: no call was started after it; "
                f"{self.calls_made} call(s) were made (listed above), each journaled with its "
                "outcome or as in doubt; the next apply settles those in doubt first"
            )
        return lines

    def to_json(self) -> dict[str, Any]:
        return {
            "accounts": [item.to_json() for item in self.accounts],
            "summary": {state: self.count(state) for state in STATE_WORDS},  # type: ignore[arg-type]
            "calls_made": self.calls_made,
            "exit_code": self.exit_code,
            "stopped_by": self.stopped_by,
            "stop_requested": self.stop_requested,
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

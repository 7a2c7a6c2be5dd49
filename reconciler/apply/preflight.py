"""Checks made on a plan before apply sends anything at all.

A saved plan file is data from outside the process: it may be old, hand-edited or damaged. Apply
performs the saved actions exactly, so it first proves that each action is one of the six
pinned ops, that its method and path are the ones that op uses for that account, and that its
body has the fields that op needs. Any doubt refuses the whole plan: nothing is sent.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from reconciler.groups import table
from reconciler.groups.operations import Body, Effect, Sides, spec_of
from reconciler.planner.bodies import entry_of, subscribe_plans
from reconciler.planner.calls import CALLS, call_of
from reconciler.planner.model import AccountPlan

_ACCOUNT_ID = re.compile(r"[A-Za-z0-9_\-]{1,128}")


class PlanRefused(Exception):
    """The plan as a whole cannot be applied; nothing was sent. The message says why."""


class PlanExpired(PlanRefused):
    """The saved plan is past its ``expires_at``: the live plans may have moved since review."""

    def __init__(self, expires_at: datetime, now: datetime) -> None:
        super().__init__(
            f"the plan expired at {expires_at.isoformat()} (it is now "
            f"{now.isoformat(timespec='seconds')}); run `zoomplans plan --out FILE` again, "
            "review it, and apply the new file"
        )
        self.expires_at = expires_at


class PlanTampered(PlanRefused):
    """An action does not match its op, account or body shape: the file was edited or damaged."""

    def __init__(self, problems: Sequence[str]) -> None:
        listed = "; ".join(problems[:10])
        more = f" (and {len(problems) - 10} more)" if len(problems) > 10 else ""
        super().__init__(
            f"the plan file does not match what `zoomplans plan` writes: {listed}{more}; "
            "re-run plan rather than editing a plan file"
        )
        self.problems = list(problems)


def _body_problems(op: str, body: Any) -> list[str]:
    if not isinstance(body, Mapping):
        return ["the body is not an object"]
    problems: list[str] = []

    def need_hosts(entry: Mapping[str, Any], where: str, *, base: bool = False) -> None:
        hosts = entry.get("hosts")
        if base and hosts is None and not table.base_needs_hosts(str(entry.get("type"))):
            return  # a Video SDK base plan is sold without seats
        if isinstance(hosts, bool) or not isinstance(hosts, int) or hosts < 0:
            problems.append(f"{where}hosts must be a whole number")

    shape = spec_of(op).body
    if shape is Body.SUBSCRIPTION:
        base = body.get("plan_base")
        if isinstance(base, Mapping) and isinstance(base.get("type"), str):
            need_hosts(base, "plan_base.", base=True)
        elif base is not None or not body.get("plan_bundle"):  # a bundle brings its own base
            problems.append("plan_base.type is missing")
        if not isinstance(body.get("contact"), Mapping):
            problems.append("contact is missing")
        return problems
    if shape is Body.BASE_CANCEL:
        if body.get("action") != "cancel":
            problems.append('action must be "cancel"')
        if "type" in body:
            problems.append("a base plan cancellation names no type")
        return problems
    entry = entry_of(body)
    if not isinstance(entry.get("type"), str) or not entry.get("type"):
        problems.append("type is missing")
    if shape in (Body.BASE_ENTRY, Body.ADDON_ENTRY):
        need_hosts(body, "", base=shape is Body.BASE_ENTRY)
        if "increasing_hosts" in body:
            problems.append("increasing_hosts is never sent (it is not idempotent)")
    if shape is Body.ADDON_CANCEL and body.get("action") != "cancel":
        problems.append('action must be "cancel"')
    return problems


def _subscribe_review_problems(body: Mapping[str, Any], after: Any) -> list[str]:
    """The whole subscribe body (base and every add-on group) is what ``after`` shows.

    One subscribe POST buys everything in it, so a group added to or changed in the body
    after review would be bought unseen: the file is refused before any account is sent.
    """
    if not isinstance(after, Mapping):
        return []
    try:
        reviewed = subscribe_plans(after)
    except (KeyError, TypeError, AttributeError, ValueError):
        return ["the reviewed subscription (after) is not what `zoomplans plan` writes"]
    sent = {key: value for key, value in body.items() if key != "contact"}
    return [
        f"body {group} {sent.get(group)!r} differs from the reviewed {reviewed.get(group)!r}"
        for group in sorted(set(sent) | set(reviewed))
        if sent.get(group) != reviewed.get(group)
    ]


def _review_problems(action: Any) -> list[str]:
    """The body says what the reviewer saw: ``after`` (and ``before`` for a cancel) agree.

    The text and Markdown a reviewer reads are drawn from ``before``/``after``; apply sends
    ``body``. A file where they disagree was edited after review, so it is refused.
    """
    body, after = action.body, getattr(action, "after", None)
    before = getattr(action, "before", None)
    shown: Mapping[str, Any] | None = after if isinstance(after, Mapping) else None
    spec = spec_of(action.op)
    if spec.sides is Sides.SUBSCRIPTION:
        return _subscribe_review_problems(body, shown)
    if spec.effect is Effect.END:
        shown = before if isinstance(before, Mapping) else None
    if shown is None:
        return []
    sent = entry_of(body) if spec.body is Body.NEW_ADDON else body
    return [
        f"body {key} {sent[key]!r} differs from the reviewed {shown[key]!r}"
        for key in ("type", "hosts")
        if key in shown and key in sent and shown[key] != sent[key]
    ]


def check_actions(accounts: Sequence[AccountPlan]) -> None:
    """Every action is a pinned op with the method, path and body shape of that op."""
    problems: list[str] = []
    seen: set[str] = set()
    for account in accounts:
        account_id = account.account_id
        if not isinstance(account_id, str) or not _ACCOUNT_ID.fullmatch(account_id):
            problems.append(f"account id {account_id!r} is not a Zoom account id")
            continue
        if account_id in seen:
            problems.append(f"{account_id}: listed twice")
        seen.add(account_id)
        if account.actions and not account.live_sha256:
            problems.append(f"{account_id}: live_sha256 is missing")
        for number, action in enumerate(account.actions, start=1):
            where = f"{account_id} action {number}"
            if action.op not in CALLS:
                problems.append(f"{where}: unknown op {action.op!r}")
                continue
            method, path = call_of(action.op, account_id)
            if action.method != method or action.path != path:
                problems.append(
                    f"{where} ({action.op}): expected {method} {path}, "
                    f"found {action.method} {action.path}"
                )
            found = _body_problems(action.op, action.body)
            if not found:
                found = _review_problems(action)
            problems += [f"{where} ({action.op}): {text}" for text in found]
    if problems:
        raise PlanTampered(problems)


def accounts_changed(accounts: Sequence[AccountPlan]) -> int:
    """Accounts apply would write to: status ``changes`` with at least one action."""
    return sum(1 for a in accounts if a.status == "changes" and a.actions)

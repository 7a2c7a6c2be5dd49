"""`AccountDraft`: one account's calls and findings while the planner works on it.

Every planning step (`core`, `subscribe`, `addons`, `base_cancel`, `seats`) adds to the draft;
`core.plan_account` turns it into the frozen `AccountPlan`. Each call is filed under the phase
the op table gives its op and change class (SPEC section 6's order inside one account), so no
step spells an order and the calls come out sorted whatever order the steps ran in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from reconciler.groups.operations import Phase, spec_of
from reconciler.planner.model import Action, BlockedItem, PlanOptions, UnmanagedItem
from reconciler.planner.renewal_record import Renewal
from reconciler.planner.renewals import at_renewal


@dataclass
class AccountDraft:
    """The calls and findings of one account while it is being planned."""

    account_id: str
    options: PlanOptions
    #: The plan's day (UTC): a scheduled change must take effect after it.
    today: date
    phases: dict[Phase, list[Action | BlockedItem]] = field(default_factory=dict)
    blocked: list[BlockedItem] = field(default_factory=list)
    unmanaged: list[UnmanagedItem] = field(default_factory=list)
    #: The account's next renewal (None: not listed, or renewal dates unknown).
    renewal: Renewal | None = None

    def call(self, action: Action, block: tuple[str, str] | None = None) -> None:
        """Plan `action` in its op's phase, or record it as blocked with (reason_code, message).
        With --at-renewal a removal is dated for the renewal here, or blocked saying why."""
        phase = spec_of(action.op).phase_of(action.klass)
        if self.options.at_renewal and block is None:
            action, block = at_renewal(action, self.renewal, self.today)
        if block is None:
            self.phases.setdefault(phase, []).append(action)
            return
        item = BlockedItem(
            reason_code=block[0],
            message=block[1],
            op=action.op,
            body=action.body,
            klass=action.klass,
            path=action.path,
        )
        self.phases.setdefault(phase, []).append(item)

    def block(self, reason_code: str, message: str, group: str | None = None) -> None:
        self.blocked.append(BlockedItem(reason_code=reason_code, message=message, group=group))

    def actions(self) -> tuple[Action, ...]:
        ordered = [i for p in sorted(self.phases) for i in self.phases[p]]
        return tuple(i for i in ordered if isinstance(i, Action))

    def blocked_items(self) -> tuple[BlockedItem, ...]:
        ordered = [i for p in sorted(self.phases) for i in self.phases[p]]
        return tuple(i for i in ordered if isinstance(i, BlockedItem)) + tuple(self.blocked)

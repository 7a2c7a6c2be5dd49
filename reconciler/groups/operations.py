"""Zoom's plan operations, written down once: every reading of an op derives from this table.

An op used to be a bare string whose behaviour was spread over fifteen modules (its method and
path in four, its visibility checks in three, its wording in every renderer); a missed branch
failed silently. Now each op is one frozen `OpSpec` row here, and the wire contract
(`planner.calls`), the scopes (`zoom.scopes`), the client's endpoints, apply's unrepeatable set
and visibility checks, pricing's cost sign and the renderers' sign and wording read its columns.
Adding an operation (the billing contact's `update_contact`: PATCH /accounts/{id}/billing, class
`contact_change`, is the next) is one row here plus its body builder and body check.

It lives next to the plan-group table because every stage may import `reconciler.groups`: the
client (`zoom/` never imports `planner/` or `desired/`), the planner, pricing, render and apply.
It imports nothing of ours. The op names are pinned (SPEC section 6) and `Op` is a `StrEnum`, so
a plan file spells each op exactly as before.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum, IntEnum, StrEnum
from typing import TypeGuard


class Op(StrEnum):
    """The pinned op names; a member is the same string in a plan file and in the journal."""

    SUBSCRIBE = "subscribe"
    UPDATE_BASE = "update_base"
    ADD_ADDON = "add_addon"
    UPDATE_ADDON = "update_addon"
    CANCEL_ADDON = "cancel_addon"
    CANCEL_BASE = "cancel_base"
    UPDATE_CONTACT = "update_contact"


class Target(Enum):
    """What one call acts on."""

    ACCOUNT = "account"  # the account's subscription as a whole
    CONTACT = "contact"  # the account's billing contact (GET/PATCH /accounts/{id}/billing)
    BASE = "base"  # the base plan
    ADDON = "add-on"  # one add-on entry, named by its type in the body


class Effect(Enum):
    """What the call does to its target: the axis a reviewer's sign is drawn from."""

    START = "start"  # buys something new (a subscription, an add-on)
    SET = "set"  # sets fields to absolute values (a PUT: seats up or down)
    END = "end"  # cancels


class Sides(Enum):
    """What an action's `before`/`after` (and so its field changes and cost) hold."""

    ENTRY = "entry"  # one entry's fields
    SUBSCRIPTION = "subscription"  # the whole subscription: plan_base, bundle, addons, options
    CONTACT = "contact"  # the billing contact's differing fields (masked where not shown)


class Visibility(Enum):
    """The named check apply runs to decide whether a GET /plans answer shows the call
    (implemented by `reconciler.apply.effects`; this table never imports apply)."""

    SUBSCRIPTION = "subscription"  # lenient: any active base; strict: the body's base and add-ons
    BASE_FIELDS = "base_fields"  # the base plan has the body's type and fields
    ADDON_FIELDS = "addon_fields"  # the body's add-on type is active with the body's fields
    ADDON_GONE = "addon_gone"  # the body's add-on type is no longer active
    BASE_GONE = "base_gone"  # no active base plan is left
    CONTACT_FIELDS = "contact_fields"  # GET /billing shows the body's fields (never GET /plans)


class Body(Enum):
    """The body a call sends: which builder writes it and which check guards it."""

    SUBSCRIPTION = "subscription"  # {contact, plan_base | plan_bundle, add-on groups in GET shape}
    BASE_ENTRY = "base_entry"  # {type, hosts} absolute (a Video SDK base plan without hosts)
    NEW_ADDON = "new_addon"  # {type, hosts?} or a nested Phone, Contact Center or Node body
    ADDON_ENTRY = "addon_entry"  # {type, hosts} absolute
    ADDON_CANCEL = "addon_cancel"  # {action: "cancel", type, reason?, comment?}
    BASE_CANCEL = "base_cancel"  # {action: "cancel", reason?, comment?}, never a type
    CONTACT = "contact"  # the differing billing-contact fields, strings only


class Phase(IntEnum):
    """SPEC section 6's order of the calls inside one account, in sending order; the base
    plan's cancellation comes last of all (Zoom refuses it while any add-on is active)."""

    BASE_INCREASE = 0
    NEW_ADDONS = 1
    ADDON_INCREASES = 2
    ADDON_DECREASES = 3
    CANCELLATIONS = 4
    BASE_DECREASE = 5
    BASE_CANCELLATION = 6
    CONTACT = 7  # who receives the invoices: after every plan call (not money)


@dataclass(frozen=True)
class Step:
    """The change class a reviewer reads and the phase it is sent in."""

    klass: str
    phase: Phase


@dataclass(frozen=True, kw_only=True)
class OpSpec:
    """One op: how it is sent, what it does, in which order, how it is shown and settled."""

    op: Op
    method: str
    #: The path with ``{id}`` for the account id.
    path: str
    #: Zoom's title of the operation (its 2026 OpenAPI document).
    zoom_title: str
    #: The granular scope on a sub-account, and the classic scopes Zoom still accepts.
    granular_scope: str
    classic_scopes: tuple[str, ...]
    #: A PUT sets a value and may be sent again; a POST or PATCH would buy or cancel again.
    repeatable: bool
    target: Target
    effect: Effect
    sides: Sides
    body: Body
    #: The class and phase when seats rise (or the only ones), and when they fall.
    increase: Step
    decrease: Step
    #: What a reviewer reads: `+` adds, `~` changes, `-` cancels; the verb; a line's wording
    #: (empty: the changed fields say it all).
    sign: str
    verb: str
    wording: str
    #: +1: the call costs the price of what `after` shows; -1: it saves the price of what
    #: `before` shows; 0: it costs the price of the seats' difference.
    cost_sign: int
    settled_by: Visibility
    #: The flag every call of this op needs, whatever the plan's options say (a seat decrease
    #: needs `--allow-decrease` by its class, not by its op); None: no opt-in.
    opt_in: str | None

    def call(self, account_id: str) -> tuple[str, str]:
        """The method and path of this op on one account."""
        return self.method, self.path.format(id=account_id)

    def step(self, *, increase: bool) -> Step:
        """The class and phase of a call that raises seats (or buys, or cancels) or lowers them."""
        return self.increase if increase else self.decrease

    def phase_of(self, klass: str) -> Phase:
        """The phase a call of this op with change class ``klass`` is sent in."""
        return self.decrease.phase if klass == self.decrease.klass else self.increase.phase


#: The classic scope every plan operation still accepts (apps created before granular scopes).
_CLASSIC = ("billing:master",)


OP_TABLE: tuple[OpSpec, ...] = (
    OpSpec(
        op=Op.SUBSCRIBE, method="POST", path="/accounts/{id}/plans",
        zoom_title="Subscribe account to a plan",
        granular_scope="billing:write:subscribe_plan:master", classic_scopes=_CLASSIC,
        repeatable=False, target=Target.ACCOUNT, effect=Effect.START,
        sides=Sides.SUBSCRIPTION, body=Body.SUBSCRIPTION,
        increase=Step("subscribe", Phase.BASE_INCREASE),
        decrease=Step("subscribe", Phase.BASE_INCREASE),
        sign="+", verb="subscribe",
        wording="subscribe (one POST with the base plan and every add-on):",
        cost_sign=1, settled_by=Visibility.SUBSCRIPTION, opt_in=None,
    ),
    OpSpec(
        op=Op.UPDATE_BASE, method="PUT", path="/accounts/{id}/plans/base",
        zoom_title="Update a base plan",
        granular_scope="billing:update:plan:master", classic_scopes=_CLASSIC,
        repeatable=True, target=Target.BASE, effect=Effect.SET,
        sides=Sides.ENTRY, body=Body.BASE_ENTRY,
        increase=Step("seat_increase", Phase.BASE_INCREASE),
        decrease=Step("seat_decrease", Phase.BASE_DECREASE),
        sign="~", verb="change", wording="",
        cost_sign=0, settled_by=Visibility.BASE_FIELDS, opt_in=None,
    ),
    OpSpec(
        op=Op.ADD_ADDON, method="POST", path="/accounts/{id}/plans/addons",
        zoom_title="Subscribe subaccount to an additional plan",
        granular_scope="billing:write:subscribe_additional_plans:master", classic_scopes=_CLASSIC,
        repeatable=False, target=Target.ADDON, effect=Effect.START,
        sides=Sides.ENTRY, body=Body.NEW_ADDON,
        increase=Step("addon_added", Phase.NEW_ADDONS),
        decrease=Step("addon_added", Phase.NEW_ADDONS),
        sign="+", verb="add", wording="",
        cost_sign=1, settled_by=Visibility.ADDON_FIELDS, opt_in=None,
    ),
    OpSpec(
        op=Op.UPDATE_ADDON, method="PUT", path="/accounts/{id}/plans/addons",
        zoom_title="Update an account's additional plan",
        granular_scope="billing:update:additional_plans:master", classic_scopes=_CLASSIC,
        repeatable=True, target=Target.ADDON, effect=Effect.SET,
        sides=Sides.ENTRY, body=Body.ADDON_ENTRY,
        increase=Step("seat_increase", Phase.ADDON_INCREASES),
        decrease=Step("seat_decrease", Phase.ADDON_DECREASES),
        sign="~", verb="change", wording="",
        cost_sign=0, settled_by=Visibility.ADDON_FIELDS, opt_in=None,
    ),
    OpSpec(
        op=Op.CANCEL_ADDON, method="PATCH", path="/accounts/{id}/plans/addons/status",
        zoom_title="Cancel additional plans",
        granular_scope="billing:update:cancel_additional_plans:master", classic_scopes=_CLASSIC,
        repeatable=False, target=Target.ADDON, effect=Effect.END,
        sides=Sides.ENTRY, body=Body.ADDON_CANCEL,
        increase=Step("addon_cancelled", Phase.CANCELLATIONS),
        decrease=Step("addon_cancelled", Phase.CANCELLATIONS),
        sign="-", verb="cancel", wording="cancel",
        cost_sign=-1, settled_by=Visibility.ADDON_GONE, opt_in="--allow-cancel",
    ),
    OpSpec(
        op=Op.CANCEL_BASE, method="PATCH", path="/accounts/{id}/plans/base/status",
        zoom_title="Cancel a base plan",
        granular_scope="billing:update:cancel_plan:master", classic_scopes=_CLASSIC,
        repeatable=False, target=Target.BASE, effect=Effect.END,
        sides=Sides.ENTRY, body=Body.BASE_CANCEL,
        increase=Step("base_cancelled", Phase.BASE_CANCELLATION),
        decrease=Step("base_cancelled", Phase.BASE_CANCELLATION),
        sign="-", verb="cancel", wording="cancel the base plan",
        cost_sign=-1, settled_by=Visibility.BASE_GONE, opt_in="--allow-cancel-base",
    ),
    OpSpec(
        op=Op.UPDATE_CONTACT, method="PATCH", path="/accounts/{id}/billing",
        zoom_title="Update billing information",
        granular_scope="billing:update:billing_information:master", classic_scopes=_CLASSIC,
        repeatable=True, target=Target.CONTACT, effect=Effect.SET,
        sides=Sides.CONTACT, body=Body.CONTACT,
        increase=Step("contact_change", Phase.CONTACT),
        decrease=Step("contact_change", Phase.CONTACT),
        sign="~", verb="change", wording="",
        cost_sign=0, settled_by=Visibility.CONTACT_FIELDS, opt_in=None,
    ),
)  # fmt: skip

BY_OP: dict[Op, OpSpec] = {spec.op: spec for spec in OP_TABLE}


class UnknownOp(KeyError):
    """An op name no row of the table has (a plan file from elsewhere, or a typo)."""


def spec_of(op: str) -> OpSpec:
    """The row of ``op`` (an `Op` or its pinned name); `UnknownOp` for any other string."""
    # A pinned name finds its `Op` key as it is: a StrEnum hashes and compares as its value.
    # (No isinstance or cast call: planning asks this some ten times per changed account.)
    try:
        return BY_OP[op]  # type: ignore[index]
    except (KeyError, TypeError):  # another string, another type, or one no dict can hold
        raise UnknownOp(op) from None


def is_op(name: object) -> TypeGuard[str]:
    """Is ``name`` one of the pinned op names?"""
    return isinstance(name, str) and name in BY_OP

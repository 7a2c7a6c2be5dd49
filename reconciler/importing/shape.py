"""Turn a GET /plans answer into the desired `plans:` that plans back to "in sync".

The live answer is read through `reconciler.groups.normalise`, the same reading the planner
applies to both sides of its diff. The desired shape is then rebuilt from that normalised value,
so what import writes is, by construction, what the planner sees as equal to the live state:
dates, invoice fields and status are gone, cancelled and expired entries are absent, unset fields
(`""`, `0`) are left out and therefore unmanaged. Countries are written as lists.

Every group of `reconciler.groups.table` is written in Zoom's own nesting (`plan_phone`,
`plan_zcc`, `plan_znode`) with the fields its row manages; a bundle subscription (a base plan
whose type is a bundle code) as `plan_bundle`. What a desired file has no place for
is left out and named: plan groups this tool does not know (the schema rejects them; `plan`
reports them as unmanaged), a group no call of Zoom's API manages (the deprecated
`plan_zcc.plan_package`), and a second active entry in a group where an account holds one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from reconciler.groups import normalise, table
from reconciler.importing.document import ImportedAccount

#: Order of groups in the written file: the table's order (base first, then add-ons).
_GROUP_ORDER = tuple(row.key for row in table.GROUPS)


class UnreadablePlans(Exception):
    """Zoom's answer has a shape no reading of the API explains; the account is not written."""

    def __init__(self, account_id: str, reason: str) -> None:
        super().__init__(f"{account_id}: Zoom's plans answer cannot be read: {reason}")
        self.account_id = account_id
        self.reason = reason


def _entry(group: str, fields: Mapping[str, Any], left_out: list[str]) -> dict[str, Any]:
    allowed = ("type", *table.group(group).fields)
    kept = {key: fields[key] for key in allowed if key in fields}
    extra = sorted(key for key in fields if key not in allowed)
    if extra:
        left_out.append(f"{group} {fields['type']}: field(s) {', '.join(extra)}")
    return kept


def _bundle_entry(base: Mapping[str, Any], left_out: list[str]) -> dict[str, Any]:
    """A bundle subscription (GET lists it as the base plan, its type the bundle code) is
    written as the file declares it: `plan_bundle: [{type: CODE}]`. Its seats are the
    bundle's own: no call sets them."""
    extra = sorted(key for key in base if key != "type")
    if extra:
        left_out.append(f"{table.BUNDLE.key} {base['type']}: field(s) {', '.join(extra)}")
    return {"type": base["type"]}


def answer_as_desired(
    account_id: str, raw: Mapping[str, Any] | None
) -> tuple[dict[str, Any], bool, list[str]]:
    """(plans in the desired shape, subscribed?, what was left out) for one GET /plans answer.

    An account without an active base plan is unsubscribed (SPEC section 6): nothing is written
    for it, not even active add-ons, because the planner plans such an account as a subscribe.
    """
    try:
        live = normalise.normalise_plans(raw)
    except normalise.PlanShapeError as exc:
        raise UnreadablePlans(account_id, str(exc)) from exc
    left_out = [f"plan group {group}" for group in sorted(live.unknown)]
    if live.base is None:
        for group, plan_type in sorted(live.addons):
            left_out.append(f"{group} {plan_type}: active add-on without an active base plan")
        return {}, False, left_out

    groups: dict[str, Any] = {}
    if table.is_bundle_code(live.base["type"]):
        groups[table.BUNDLE.key] = [_bundle_entry(live.base, left_out)]
    else:
        groups["plan_base"] = _entry("plan_base", live.base, left_out)
    for (group, _plan_type), fields in sorted(live.addons.items()):
        if not table.group(group).manageable:
            left_out.append(f"{group} {fields['type']}: no call of Zoom's API manages it")
            continue
        entry = _entry(group, fields, left_out)
        if group == normalise.RECORDING:
            value: Any = entry["type"]
        else:
            value = entry
        if group in normalise.ONE_PER_ACCOUNT:
            if group in groups:
                left_out.append(f"{group} {entry['type']}: a second active entry (one allowed)")
                continue
            groups[group] = value
        else:
            groups.setdefault(group, []).append(value)

    plans: dict[str, Any] = {}
    for group in _GROUP_ORDER:
        if group not in groups:
            continue
        row = table.group(group)
        holder = plans if row.container is None else plans.setdefault(row.container, {})
        holder[row.name] = groups[group]
    return plans, True, left_out


def imported_account(
    account_id: str, name: str | None, raw: Mapping[str, Any] | None
) -> ImportedAccount:
    """The account as import writes it (raises UnreadablePlans for an inexplicable answer)."""
    plans, subscribed, left_out = answer_as_desired(account_id, raw)
    return ImportedAccount(
        account_id=account_id,
        name=name,
        plans=plans,
        subscribed=subscribed,
        left_out=tuple(left_out),
    )

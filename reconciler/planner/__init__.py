"""Desired + live -> the plan: its model, the planner and the select-read-plan workflow.

`model` is the plan as data (frozen model, pinned JSON form, hashes, expiry) and `provenance`
where a plan comes from (git commit, `--ttl`); `core` turns one account's desired and live
plans into ordered calls, with `addons` (add-on calls and wire bodies) and `seats` (add-on seat
ceilings at every step); `workflow` is the "choose accounts, read live, plan" sequence shared by
`plan` and `apply`. Nothing is imported here, so importing one module never loads the rest.
"""

"""The seed (SPEC section 9, pinned minimum shape).

A seed names the master account's OAuth credentials and the sub-accounts with their plans in
exactly the shape GET /plans answers. The accounts parser is shared with the state file
(``reconciler.sandbox.state_file``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from reconciler.sandbox.billing import seeded_contact, seeded_renewal
from reconciler.sandbox.catalogue import Catalogue, CatalogueError
from reconciler.sandbox.errors import SeedError
from reconciler.sandbox.layout import GroupShape, reading

MAX_SEED_BYTES = 50 * 1024 * 1024
MAX_EXPANDED_NODES = 5_000_000  # YAML aliases may not expand a seed beyond this
ACCOUNT_KEYS = frozenset(
    {
        "name",
        "plans",
        "usage",
        "self_pay",
        "owner_email",
        "created_at",
        "account_type",
        "zuora_missing",
        "loses_accepted_writes",
        "billing",
        "renewal",
    }
)
PLAN_STATUSES = frozenset({"active", "cancelled", "expired"})
SEED_KEYS = frozenset({"credentials", "accounts", "plan_types", "master"})
CREDENTIAL_KEYS = frozenset({"account_id", "client_id", "client_secret", "scopes"})
MASTER_KEYS = frozenset({"bulk_licenses", "carrier_partner"})


@dataclass(frozen=True)
class Credentials:
    """The master account's Server-to-Server OAuth app, as the token endpoint checks it."""

    account_id: str
    client_id: str
    client_secret: str = field(repr=False)
    #: The scopes the app was granted, carried by every token it gets; None: every scope.
    scopes: tuple[str, ...] | None = None


@dataclass(frozen=True)
class MasterSeed:
    """The master account itself, beyond its credentials: what Zoom lets it do by API."""

    #: Zoom refuses every plan write of a master with bulk licences (400 / 2100).
    bulk_licenses: bool = False
    #: A carrier-enabled partner may subscribe `plan_bundle`.
    carrier_partner: bool = False


@dataclass(frozen=True)
class AccountSeed:
    """One sub-account as seeded: plans are a GET /plans answer, or None (no subscription)."""

    account_id: str
    name: str
    plans: dict[str, Any] | None
    usage: dict[str, Any] = field(default_factory=dict)
    self_pay: bool = False
    owner_email: str = ""
    created_at: str = "2024-01-01T00:00:00Z"
    account_type: str = ""  # shown by GET /accounts; empty = derived from the base plan
    zuora_missing: bool = False  # PUT /plans/addons answers 404 / 3200 (no Zuora subscription)
    #: Every write is checked and answered exactly as usual (2xx), but never shows in a read:
    #: a purchase Zoom accepted and then lost, which only a person can settle.
    loses_accepted_writes: bool = False
    billing: dict[str, str] | None = None  # GET /billing's contact; None: none given
    renewal: dict[str, Any] | None = None  # its row of the upcoming-renewals list, if any


@dataclass(frozen=True)
class Seed:
    """A loaded seed: the master account's credentials, its sub-accounts, extra plan codes."""

    credentials: Credentials
    accounts: tuple[AccountSeed, ...]
    catalogue: Catalogue = field(default_factory=Catalogue)
    master: MasterSeed = field(default_factory=MasterSeed)


class Places:
    """Turns a key path into `file:line:column` using the YAML node tree, when there is one."""

    def __init__(self, origin: str, root: yaml.Node | None) -> None:
        self.origin = origin
        self.root = root

    def at(self, *path: object, key_itself: bool = False) -> str:
        """Where the value at `path` starts; with key_itself, where its key is written."""
        node = self.root
        for depth, key in enumerate(path):
            last = depth == len(path) - 1
            child = None
            if isinstance(node, yaml.MappingNode):
                for key_node, value_node in node.value:
                    if str(key_node.value) == str(key):
                        child = key_node if (last and key_itself) else value_node
                        break
            elif isinstance(node, yaml.SequenceNode) and isinstance(key, int):
                child = node.value[key] if key < len(node.value) else None
            if child is None:
                break
            node = child
        dotted = ".".join(str(p) for p in path)
        if node is None:
            return f"{self.origin} ({dotted})" if dotted else self.origin
        mark = node.start_mark
        return f"{self.origin}:{mark.line + 1}:{mark.column + 1}"


def load_seed(source: Mapping[str, Any] | str | os.PathLike[str]) -> Seed:
    """A Seed from a dict (tests, benchmarks) or a YAML file; SeedError names the bad place."""
    if isinstance(source, Mapping):
        return parse_seed(source, Places("seed", None))
    data, places = _read_yaml(Path(source))
    return parse_seed(data, places)


def _read_yaml(path: Path) -> tuple[Any, Places]:
    origin = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_SEED_BYTES:
            raise SeedError(origin, f"file is {size} bytes, more than the {MAX_SEED_BYTES} allowed")
        text = path.read_bytes().decode("utf-8")
    except SeedError:
        raise
    except UnicodeDecodeError:
        raise SeedError(origin, "not UTF-8 text") from None
    except OSError as exc:
        raise SeedError(origin, f"cannot read: {exc.strerror or exc}") from None
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        if root is not None and _expanded_size(root, {}) > MAX_EXPANDED_NODES:
            raise SeedError(origin, "YAML aliases expand to too many values (an alias bomb?)")
        data = yaml.safe_load(text) if root is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"{origin}:{mark.line + 1}:{mark.column + 1}" if mark else origin
        raise SeedError(where, f"invalid YAML: {exc.problem}") from None
    except (yaml.YAMLError, RecursionError) as exc:
        raise SeedError(origin, f"invalid YAML: {type(exc).__name__}") from None
    return data, Places(origin, root)


def _expanded_size(node: yaml.Node, memo: dict[int, int]) -> int:
    """How many values the node stands for once every alias is expanded (memoised, capped)."""
    known = memo.get(id(node))
    if known is not None:
        return known
    memo[id(node)] = MAX_EXPANDED_NODES + 1  # a cycle counts as too big
    size = 1
    if isinstance(node, yaml.SequenceNode):
        for child in node.value:
            size += _expanded_size(child, memo)
            if size > MAX_EXPANDED_NODES:
                break
    elif isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            size += _expanded_size(key_node, memo) + _expanded_size(value_node, memo)
            if size > MAX_EXPANDED_NODES:
                break
    memo[id(node)] = size
    return size


def _need_string(value: object, where: str, what: str) -> str:
    if not isinstance(value, str) or not value:
        raise SeedError(where, f"{what} must be a non-empty string")
    return value


def parse_seed(data: object, places: Places) -> Seed:
    """Check a seed document and build the Seed; the first mistake raises SeedError."""
    if not isinstance(data, Mapping):
        raise SeedError(places.at(), "a seed must be a mapping with 'credentials' and 'accounts'")
    unknown = sorted(str(k) for k in data if k not in SEED_KEYS)
    if unknown:
        raise SeedError(places.at(unknown[0], key_itself=True), f"unknown key '{unknown[0]}'")
    creds = data.get("credentials")
    if not isinstance(creds, Mapping):
        raise SeedError(places.at("credentials"), "'credentials' must be a mapping")
    credentials = Credentials(
        account_id=_need_string(
            creds.get("account_id"), places.at("credentials", "account_id"), "account_id"
        ),
        client_id=_need_string(
            creds.get("client_id"), places.at("credentials", "client_id"), "client_id"
        ),
        client_secret=_need_string(
            creds.get("client_secret"), places.at("credentials", "client_secret"), "client_secret"
        ),
        scopes=_parse_scopes(creds, places),
    )
    unknown = sorted(str(k) for k in creds if k not in CREDENTIAL_KEYS)
    if unknown:
        raise SeedError(
            places.at("credentials", unknown[0], key_itself=True),
            f"unknown credentials key '{unknown[0]}'",
        )
    accounts = parse_accounts(data.get("accounts"), places, ("accounts",))
    return Seed(
        credentials,
        accounts,
        _parse_plan_types(data.get("plan_types"), places),
        _parse_master(data.get("master"), places),
    )


def _parse_scopes(creds: Mapping[str, Any], places: Places) -> tuple[str, ...] | None:
    """`credentials.scopes: [...]`: what the app was granted; absent means everything."""
    if "scopes" not in creds:
        return None
    scopes = creds["scopes"]
    where = places.at("credentials", "scopes")
    if not isinstance(scopes, list):
        raise SeedError(where, "'scopes' must be a list of scope names (e.g. billing:master)")
    for index, scope in enumerate(scopes):
        _need_string(scope, places.at("credentials", "scopes", index), "a scope")
    return tuple(scopes)


def _parse_master(master: object, places: Places) -> MasterSeed:
    """`master: {bulk_licenses: true, carrier_partner: true}`: the master's standing with Zoom."""
    if master is None:
        return MasterSeed()
    if not isinstance(master, Mapping):
        raise SeedError(places.at("master"), "'master' must be a mapping")
    for key, value in master.items():
        if key not in MASTER_KEYS:
            raise SeedError(
                places.at("master", key, key_itself=True), f"unknown master key '{key}'"
            )
        if not isinstance(value, bool):
            raise SeedError(places.at("master", key), f"'{key}' must be true or false")
    return MasterSeed(
        bulk_licenses=bool(master.get("bulk_licenses", False)),
        carrier_partner=bool(master.get("carrier_partner", False)),
    )


def _parse_plan_types(codes: object, places: Places) -> Catalogue:
    """`plan_types: {code: group}`: codes this fake Zoom accepts beyond its built-in table."""
    if codes is None:
        return Catalogue()
    if not isinstance(codes, Mapping):
        raise SeedError(places.at("plan_types"), "'plan_types' must map plan codes to groups")
    for code, where in codes.items():
        if not isinstance(code, str) or not isinstance(where, str):
            raise SeedError(places.at("plan_types", code), "plan codes and groups are strings")
        try:
            Catalogue.with_codes({code: where})
        except CatalogueError as exc:
            raise SeedError(places.at("plan_types", code), str(exc)) from None
    return Catalogue.with_codes(dict(codes))


def parse_accounts(
    accounts: object, places: Places, prefix: tuple[object, ...]
) -> tuple[AccountSeed, ...]:
    """The `accounts` mapping of a seed or state file, in file order."""
    if accounts is None:
        return ()
    if not isinstance(accounts, Mapping):
        raise SeedError(places.at(*prefix), "'accounts' must be a mapping of account id to account")
    parsed = []
    for account_id, body in accounts.items():
        where = places.at(*prefix, account_id, key_itself=True)
        if not isinstance(account_id, str) or not account_id:
            raise SeedError(where, f"account id {account_id!r} must be a non-empty string")
        parsed.append(_parse_account(account_id, body or {}, places, (*prefix, account_id)))
    return tuple(parsed)


def _parse_account(
    account_id: str, body: object, places: Places, path: tuple[object, ...]
) -> AccountSeed:
    if not isinstance(body, Mapping):
        raise SeedError(places.at(*path), "an account must be a mapping")
    for key in body:
        if key not in ACCOUNT_KEYS:
            raise SeedError(places.at(*path, key, key_itself=True), f"unknown account key '{key}'")
    plans = body.get("plans")
    if plans is not None:
        plans = _check_plans(plans, places, (*path, "plans"))
    usage = body.get("usage") or {}
    if not isinstance(usage, Mapping):
        raise SeedError(places.at(*path, "usage"), "'usage' must be a mapping")
    self_pay = body.get("self_pay", False)
    zuora_missing = body.get("zuora_missing", False)
    loses = body.get("loses_accepted_writes", False)
    flags = (("self_pay", self_pay), ("zuora_missing", zuora_missing),
             ("loses_accepted_writes", loses))  # fmt: skip
    for key, flag in flags:
        if not isinstance(flag, bool):
            raise SeedError(places.at(*path, key), f"'{key}' must be true or false")
    for key in ("name", "owner_email", "created_at", "account_type"):
        if key in body and not isinstance(body[key], str):
            raise SeedError(places.at(*path, key), f"'{key}' must be a string")
    return AccountSeed(
        account_id=account_id,
        name=body.get("name") or account_id,
        plans=plans,
        usage=json.loads(json.dumps(dict(usage), default=str)),
        self_pay=self_pay,
        owner_email=body.get("owner_email") or f"billing@{account_id.lower()}.example",
        created_at=body.get("created_at") or "2024-01-01T00:00:00Z",
        account_type=body.get("account_type") or "",
        zuora_missing=zuora_missing,
        loses_accepted_writes=loses,
        billing=seeded_contact(body.get("billing"), lambda key: places.at(*path, "billing", key)),
        renewal=seeded_renewal(body.get("renewal"), lambda key: places.at(*path, "renewal", key)),
    )


def _check_entry(entry: object, places: Places, path: tuple[object, ...]) -> None:
    if not isinstance(entry, Mapping):
        raise SeedError(places.at(*path), "a plan entry must be a mapping with a 'type'")
    if not isinstance(entry.get("type"), str):
        raise SeedError(places.at(*path), "a plan entry needs a string 'type'")
    hosts = entry.get("hosts")
    if hosts is not None and (not isinstance(hosts, int) or isinstance(hosts, bool)):
        raise SeedError(places.at(*path, "hosts"), "'hosts' must be an integer")
    status = entry.get("status", "active")
    if status not in PLAN_STATUSES:
        raise SeedError(
            places.at(*path, "status"), f"'status' must be one of {sorted(PLAN_STATUSES)}"
        )


def check_plans(plans: object, where: str = "plans") -> dict[str, Any]:
    """A plan object given from code (SandboxServer.set_plans), checked like a seed's."""
    return _check_plans(plans, Places(where, None), ())


def _check_plans(plans: object, places: Places, path: tuple[object, ...]) -> dict[str, Any]:
    """Checks the shapes the sandbox relies on, for every group of Zoom's 2026 GET answer;
    unknown keys are kept, as Zoom may add groups."""
    if not isinstance(plans, Mapping):
        raise SeedError(places.at(*path), "'plans' must be a mapping (a GET /plans answer) or null")
    groups = reading()
    for key, value in plans.items():
        here = (*path, key)
        if key == "plan_base":
            _check_entry(value, places, here)
            if not isinstance(value.get("hosts"), int) and not str(value["type"]).startswith(
                "vsdk_"
            ):
                raise SeedError(places.at(*here), "plan_base needs integer 'hosts'")
        elif key in groups.containers:
            if not isinstance(value, Mapping):
                raise SeedError(places.at(*here), f"'{key}' must be a mapping")
            for part, inner in value.items():
                group = groups.by_key(f"{key}.{part}")
                if group is not None:
                    _check_group(group.shape, inner, places, (*here, part))
        elif (group := groups.by_key(key)) is not None:
            _check_group(group.shape, value, places, here)
    if "plan_base" not in plans and any(k != "plan_base" for k in plans):
        raise SeedError(places.at(*path), "add-on plans need a 'plan_base'")
    as_json: dict[str, Any] = json.loads(json.dumps(dict(plans), default=str))
    return as_json


def _check_group(
    shape: GroupShape, value: object, places: Places, path: tuple[object, ...]
) -> None:
    name = str(path[-1])
    if shape is GroupShape.RECORDING:
        if not isinstance(value, str):
            raise SeedError(places.at(*path), f"'{name}' must be a plan type string")
    elif shape is GroupShape.LIST:
        if not isinstance(value, list):
            raise SeedError(places.at(*path), f"'{name}' must be a list of plan entries")
        for index, entry in enumerate(value):
            _check_entry(entry, places, (*path, index))
    else:
        _check_entry(value, places, path)

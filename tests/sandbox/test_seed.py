"""Seed files: the pinned shape, and located messages for every mistake."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from reconciler.sandbox import SeedError, load_seed

EXAMPLE = Path(__file__).parents[2] / "examples" / "sandbox-seed.yaml"
SMALL = Path(__file__).parents[1] / "fixtures" / "seeds" / "small.yaml"
CREDS = "credentials: {account_id: M, client_id: c, client_secret: s}\n"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "seed.yaml"
    path.write_text(text)
    return path


@pytest.mark.parametrize("path", [EXAMPLE, SMALL])
def test_shipped_seeds_load(path: Path) -> None:
    seed = load_seed(path)
    assert seed.credentials.account_id == "MASTER1"
    assert "demo-secret" not in repr(seed.credentials)  # repr never shows the secret
    assert any(account.self_pay for account in seed.accounts)
    assert any(account.plans is None for account in seed.accounts)


def test_a_dict_seed_loads_with_defaults() -> None:
    seed = load_seed(
        {
            "credentials": {"account_id": "M", "client_id": "c", "client_secret": "s"},
            "accounts": {"a1": None, "a2": {"plans": {"plan_base": {"type": "x", "hosts": 1}}}},
        }
    )
    first, second = seed.accounts
    assert (first.name, first.plans, first.self_pay) == ("a1", None, False)
    assert second.plans == {"plan_base": {"type": "x", "hosts": 1}}


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        ("credentials: [\n", ":2:1", "invalid YAML"),
        ("- 1\n", ":1:1", "must be a mapping"),
        ("credentials: {account_id: M, client_id: c}\n", ":1:14", "client_secret"),
        (CREDS + "acounts: {}\n", ":2:1", "unknown key 'acounts'"),
        (CREDS + "accounts: [a]\n", ":2:11", "'accounts' must be a mapping"),
        (CREDS + "accounts:\n  a1:\n    nmae: x\n", ":4:5", "unknown account key 'nmae'"),
        (CREDS + "accounts:\n  a1:\n    self_pay: maybe\n", ":4:15", "true or false"),
        (
            CREDS + "accounts:\n  a1:\n    plans:\n      plan_base: {type: x, hosts: '3'}\n",
            ":5:35",
            "'hosts' must be an integer",
        ),
        (
            CREDS + "accounts:\n  a1:\n    plans:\n      plan_webinar: {type: w}\n",
            ":5:21",
            "must be a list",
        ),
        (
            CREDS
            + "accounts:\n  a1:\n    plans:\n      plan_base: {type: x, hosts: 3, status: on}\n",
            ":5:46",
            "'status' must be one of",
        ),
        (
            CREDS + "accounts:\n  a1:\n    plans:\n      plan_webinar: [{type: w, hosts: 1}]\n",
            ":5:7",
            "need a 'plan_base'",
        ),
        (CREDS + "accounts:\n  123: {}\n", ":3:3", "must be a non-empty string"),
        (CREDS + "plan_types: {x1: plan_nothing}\n", ":2:18", "'plan_nothing'"),
        (CREDS + "plan_types: {x1: plan_base/gold}\n", ":2:18", "plan_base/business"),
        (CREDS + "plan_types: [x1]\n", ":2:13", "must map plan codes"),
    ],
)
def test_seed_mistakes_are_located(tmp_path: Path, text: str, where: str, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(SeedError) as caught:
        load_seed(path)
    assert str(caught.value).startswith(f"{path}{where}: ")
    assert message in str(caught.value)


def test_binary_junk_and_missing_files_are_seed_errors(tmp_path: Path) -> None:
    junk = tmp_path / "junk.yaml"
    junk.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(SeedError, match="not UTF-8"):
        load_seed(junk)
    with pytest.raises(SeedError, match="cannot read"):
        load_seed(tmp_path / "missing.yaml")


def test_alias_bomb_does_not_hang(tmp_path: Path) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]" for i in range(1, 16)]
    path = write(tmp_path, "\n".join(lines) + "\n")
    with pytest.raises(SeedError, match="alias bomb"):
        load_seed(path)


def test_dict_seed_errors_name_the_key_path() -> None:
    bad: dict[str, Any] = {
        "credentials": {"account_id": "M", "client_id": "c", "client_secret": "s"},
        "accounts": {"a1": {"plans": {"plan_base": {"type": "x"}}}},
    }
    with pytest.raises(SeedError, match=r"accounts\.a1\.plans\.plan_base"):
        load_seed(bad)

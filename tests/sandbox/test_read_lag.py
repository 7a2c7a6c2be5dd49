"""Read lag: GET shows each account as it was N seconds ago, while writes act on the truth.

Zoom is eventually consistent: a write it accepted can stay invisible in GET for a while. The
sandbox imitates that exactly (a clock the test drives) and under threads (a real clock).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from reconciler.sandbox import SandboxServer, ZoomApiError, load_seed
from reconciler.sandbox.read_lag import ReadLagError
from reconciler.sandbox.world import World
from tests.sample_contact import CONTACT

ROOT = Path(__file__).parents[2]
SEEDED = load_seed(ROOT / "tests" / "fixtures" / "seeds" / "small.yaml").accounts
Factory = Callable[..., SandboxServer]
ClientFor = Callable[[SandboxServer], httpx.Client]
ZROOM = {"type": "zroom_monthly", "hosts": 1}


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def lagged_world(lag_s: float) -> tuple[World, Clock]:
    clock = Clock()
    return World(SEEDED, read_lag_s=lag_s, clock=clock), clock


def pro_hosts(world: World) -> int:
    return int(world.visible_plans("sub_pro")["plan_base"]["hosts"])


def test_get_shows_the_account_exactly_as_it_was_lag_seconds_ago() -> None:
    world, clock = lagged_world(20)
    written = {}
    for hosts in (6, 7, 8):  # writes at t = 1000, 1005, 1010
        world.update_base("sub_pro", {"type": "monthly", "hosts": hosts})
        written[hosts] = clock.now
        clock.now += 5
    assert world.newest_plans("sub_pro")["plan_base"]["hosts"] == 8  # the truth, at once
    clock.now = written[6] + 20 - 0.001
    assert pro_hosts(world) == 5  # the seed: nothing written 20 s ago yet
    clock.now = written[6] + 20
    assert pro_hosts(world) == 6  # written exactly 20 s ago: visible
    clock.now = written[7] + 20 - 0.001
    assert pro_hosts(world) == 6
    clock.now = written[7] + 20
    assert pro_hosts(world) == 7
    clock.now = written[8] + 30
    assert pro_hosts(world) == 8


def test_usage_and_the_account_list_trail_writes_like_get_plans() -> None:
    world, clock = lagged_world(20)
    world.update_base("sub_pro", {"type": "monthly", "hosts": 9})

    def seats() -> tuple[int, int]:
        row = next(r for r in world.account_summaries() if r["id"] == "sub_pro")
        return int(row["seats"]), int(world.usage("sub_pro")["plan_base"]["hosts"])

    assert seats() == (5, 5)
    clock.now += 20
    assert seats() == (9, 9)


def test_writes_are_checked_against_the_true_state_not_the_visible_one() -> None:
    world, clock = lagged_world(20)
    world.add_addon("sub_pro", ZROOM)
    assert "plan_zoom_rooms" not in world.visible_plans("sub_pro")
    with pytest.raises(ZoomApiError) as refused:
        world.add_addon("sub_pro", ZROOM)  # Zoom knows it was bought, whatever GET says
    assert (refused.value.status, refused.value.code) == (400, 2100)
    # A subscription invisible to GET still exists: a second subscribe is refused.
    subscribe = {"contact": CONTACT, "plan_base": {"type": "monthly", "hosts": 2}}
    world.subscribe("sub_new", subscribe)
    assert world.visible_plans("sub_new") == {}
    with pytest.raises(ZoomApiError) as twice:
        world.subscribe("sub_new", subscribe)
    assert twice.value.code == 200
    # An update to an add-on GET does not show yet acts on the true entry.
    world.update_addon("sub_pro", {"type": "zroom_monthly", "hosts": 3})
    clock.now += 20
    assert world.visible_plans("sub_pro")["plan_zoom_rooms"]["hosts"] == 3


def test_zero_lag_shows_every_write_at_once_and_keeps_one_version() -> None:
    world, _clock = lagged_world(0)
    world.update_base("sub_pro", {"type": "monthly", "hosts": 6})
    world.update_base("sub_pro", {"type": "monthly", "hosts": 7})
    assert world.visible_plans("sub_pro") == world.newest_plans("sub_pro")
    assert pro_hosts(world) == 7
    assert len(world._accounts["sub_pro"].versions) == 1  # no history kept without a lag


def test_set_plans_is_a_change_from_before_the_lag_window() -> None:
    world, _clock = lagged_world(20)
    world.update_base("sub_pro", {"type": "monthly", "hosts": 6})
    world.set_plans("sub_pro", {"plan_base": {"type": "monthly", "hosts": 3, "status": "active"}})
    assert pro_hosts(world) == 3


def test_a_bad_lag_is_refused() -> None:
    with pytest.raises(ReadLagError):
        World(SEEDED, read_lag_s=-1)
    with pytest.raises(ReadLagError):
        World(SEEDED, read_lag_s=1, visibility_delay_ms=1000)
    assert World(SEEDED, visibility_delay_ms=1500).read_lag_s == 1.5


def test_readers_never_see_time_run_backwards_while_writes_arrive() -> None:
    """One writer raises the seats step by step; readers on other threads must see a
    non-decreasing sequence, and after the lag everyone sees the last write."""
    world = World(SEEDED, read_lag_s=0.02)
    seen: list[list[int]] = [[] for _ in range(4)]
    done = threading.Event()

    def read(into: list[int]) -> None:
        while not done.is_set():
            into.append(pro_hosts(world))

    readers = [threading.Thread(target=read, args=(into,)) for into in seen]
    for reader in readers:
        reader.start()
    for hosts in range(6, 9):
        world.update_base("sub_pro", {"type": "monthly", "hosts": hosts})
        time.sleep(0.005)
    time.sleep(0.05)
    done.set()
    for reader in readers:
        reader.join()
    for sequence in seen:
        assert sequence == sorted(sequence)
        assert set(sequence) <= {5, 6, 7, 8}
    assert pro_hosts(world) == 8


def test_over_http_get_plans_usage_and_accounts_trail_by_the_lag(
    sandbox: Factory, client_for: ClientFor
) -> None:
    sb = sandbox(read_lag_s=1.0)
    assert sb.read_lag_s == 1.0
    client = client_for(sb)
    put = client.put("/accounts/sub_pro/plans/base", json={"type": "monthly", "hosts": 8})
    written = time.monotonic()
    assert put.status_code == 204
    assert sb.plans("sub_pro")["plan_base"]["hosts"] == 8
    assert sb.visible_plans("sub_pro")["plan_base"]["hosts"] == 5

    def seen() -> tuple[int, int, int]:
        plans = client.get("/accounts/sub_pro/plans").json()
        usage = client.get("/accounts/sub_pro/plans/usage").json()
        listed = client.get("/accounts", params={"page_size": 300}).json()["accounts"]
        row = next(r for r in listed if r["id"] == "sub_pro")
        return plans["plan_base"]["hosts"], usage["plan_base"]["hosts"], row["seats"]

    before = seen()
    if time.monotonic() - written < 1.0:  # the three reads ran inside the lag window
        assert before == (5, 5, 5)
    time.sleep(max(0.0, written + 1.05 - time.monotonic()))
    assert seen() == (8, 8, 8)

"""The cycle collector paused for a piece of work (planning, loading), and left as the caller had
it."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from reconciler.collector import cycle_collector_paused


@pytest.fixture
def collector_restored() -> Iterator[None]:
    enabled = gc.isenabled()
    yield
    (gc.enable if enabled else gc.disable)()


@pytest.mark.usefixtures("collector_restored")
@pytest.mark.parametrize("enabled", [True, False])
def test_the_collector_is_paused_inside_and_as_before_after(enabled: bool) -> None:
    (gc.enable if enabled else gc.disable)()
    with cycle_collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled() is enabled


@pytest.mark.usefixtures("collector_restored")
def test_an_error_inside_still_restores_the_collector() -> None:
    gc.enable()
    with pytest.raises(KeyError), cycle_collector_paused():
        raise KeyError("planning failed")
    assert gc.isenabled()

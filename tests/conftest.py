"""Shared fixtures: the `sandbox` factory serves a faithful fake of Zoom on loopback.

    def test_something(sandbox):
        sb = sandbox()                                   # the small default seed
        sb = sandbox(seed={...}, latency_ms=50)          # any SandboxServer option
        client_env = sb.env()                            # ZOOM_* variables for a CLI subprocess

Every server the factory starts is stopped at teardown.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from reconciler.sandbox import SandboxServer

# No per-example deadline anywhere: a loaded two-core CI box pauses for longer than hypothesis's
# default 200 ms, which would fail a correct property. Under CI the examples are derandomised,
# so a red build is reproducible; a local run keeps exploring new examples.
settings.register_profile("local", deadline=None)
settings.register_profile("ci", deadline=None, derandomize=True)
settings.load_profile("ci" if os.environ.get("CI") else "local")

SEEDS = Path(__file__).parent / "fixtures" / "seeds"
DEFAULT_SEED = SEEDS / "small.yaml"

SandboxFactory = Callable[..., SandboxServer]


@pytest.fixture
def sandbox() -> Iterator[SandboxFactory]:
    """Factory: `sandbox(seed=None, **options) -> SandboxServer`, started and later stopped."""
    started: list[SandboxServer] = []

    def start(seed: Mapping[str, Any] | str | Path | None = None, **options: Any) -> SandboxServer:
        server = SandboxServer(DEFAULT_SEED if seed is None else seed, **options)
        server.start()
        started.append(server)
        return server

    yield start
    for server in reversed(started):
        server.stop()

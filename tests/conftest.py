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
from tests.postgres_server import PostgresServer

# No per-example deadline anywhere: a loaded two-core CI box pauses for longer than hypothesis's
# default 200 ms, which would fail a correct property. Under CI the examples are derandomised,
# so a red build is reproducible; a local run keeps exploring new examples.
settings.register_profile("local", deadline=None)
settings.register_profile("ci", deadline=None, derandomize=True)
settings.load_profile("ci" if os.environ.get("CI") else "local")


@pytest.fixture(autouse=True)
def _not_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test runs as on a workstation, whatever the runner sets: under `CI=true` apply
    refuses files that differ from the commit, and a test's own files (in tmp_path, outside the
    work tree) always do. A test of that rule sets CI itself."""
    monkeypatch.delenv("CI", raising=False)


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


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """One real PostgreSQL server for the whole session (per xdist worker), started lazily by
    the first test that needs it (tests/postgres_server.py) and stopped at the end."""
    server = PostgresServer()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def journal_db(postgres_server: PostgresServer) -> str:
    """The URL of a fresh, empty database on the session's server: one journal per test."""
    if not postgres_server.running():  # a test stopped it on purpose and failed before restart
        postgres_server.start()
    return postgres_server.url(postgres_server.new_database())

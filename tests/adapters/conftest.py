"""Fixtures of the adapter tests: one sandbox on loopback for the whole session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from connector.sandbox import LifecycleConfig, SandboxConfig, SandboxServer


@pytest.fixture(scope="session")
def sandbox_server() -> Iterator[SandboxServer]:
    config = SandboxConfig(
        random_seed=7, lifecycle=LifecycleConfig(release_after=None, ship_after=None)
    )
    with SandboxServer(config) as running:
        yield running


@pytest.fixture
def server(sandbox_server: SandboxServer) -> Iterator[SandboxServer]:
    """The session's sandbox, without faults before and after the test."""
    sandbox_server.sandbox.faults.set([])
    yield sandbox_server
    sandbox_server.sandbox.faults.set([])

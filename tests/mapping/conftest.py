"""Fixtures of the mapping tests: the AHEAD sandbox on loopback and lookups over it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from mapping_support import CountingTransport

from connector.api import AheadClient, HmacAuth
from connector.mapping import AheadLookups
from connector.sandbox import LifecycleConfig, SandboxConfig, SandboxServer
from connector.sandbox.config import DEFAULT_HMAC_SECRET, DEFAULT_HMAC_TOKEN


def _config() -> SandboxConfig:
    return SandboxConfig(
        random_seed=5, lifecycle=LifecycleConfig(release_after=None, ship_after=None)
    )


@pytest.fixture(scope="module")
def reference_server() -> Iterator[SandboxServer]:
    """A sandbox over HTTP on loopback, shared by a module's tests that only read from it."""
    with SandboxServer(_config()) as running:
        yield running


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    """A sandbox of the test's own, for tests that submit orders."""
    with SandboxServer(_config()) as running:
        yield running


@pytest.fixture
def transport() -> CountingTransport:
    return CountingTransport()


@pytest.fixture
def ahead(reference_server: SandboxServer, transport: CountingTransport) -> Iterator[AheadClient]:
    """A client of the shared sandbox, signing with its default HMAC credentials."""
    auth = HmacAuth(DEFAULT_HMAC_TOKEN, DEFAULT_HMAC_SECRET)
    with AheadClient(reference_server.base_url, auth=auth, transport=transport) as client:
        yield client


@pytest.fixture
def sandbox_lookups(ahead: AheadClient) -> AheadLookups:
    """Lookups answered by the sandbox over loopback."""
    return AheadLookups(ahead)

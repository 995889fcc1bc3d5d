"""Fixtures of the runtime tests: a real sandbox on loopback and a deployment pointing at it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from runtime_support import DeploymentFolder

from connector.sandbox import LifecycleConfig, SandboxConfig, SandboxServer


@pytest.fixture(autouse=True)
def isolated_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No AHEAD_* setting of the machine running the tests reaches the deployment."""
    for name in list(os.environ):
        if name.startswith("AHEAD_"):
            monkeypatch.delenv(name)


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    """A sandbox over HTTP on loopback whose orders move only when a test moves them."""
    config = SandboxConfig(
        random_seed=11, lifecycle=LifecycleConfig(release_after=None, ship_after=None)
    )
    with SandboxServer(config) as running:
        yield running


@pytest.fixture
def deployment(tmp_path: Path, server: SandboxServer) -> DeploymentFolder:
    """A deployment folder with an ``orders`` flow from ``inbox/`` to the sandbox (HMAC)."""
    folder = DeploymentFolder(tmp_path / "acme", server.base_url)
    folder.write()
    return folder

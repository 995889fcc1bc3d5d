"""Fixtures of the command-line tests: a real sandbox server on loopback and a CLI runner."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_support import Cli

from connector.sandbox import LifecycleConfig, SandboxConfig, SandboxServer


@pytest.fixture(autouse=True)
def isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No AHEAD_* setting of the machine running the tests reaches the command line, and no
    token cache or composed X12 maps are ever written outside the test's own directory."""
    for name in list(os.environ):
        if name.startswith("AHEAD_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AHEAD_CONNECTOR_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("AHEAD_CONNECTOR_CACHE_DIR", str(tmp_path / "cache"))
    # Wide enough that no table cell the tests look for is folded across lines.
    monkeypatch.setenv("COLUMNS", "200")


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    """A sandbox over HTTP on loopback whose orders move only when a test moves them."""
    config = SandboxConfig(
        random_seed=7, lifecycle=LifecycleConfig(release_after=None, ship_after=None)
    )
    with SandboxServer(config) as running:
        yield running


@pytest.fixture
def cli(server: SandboxServer) -> Cli:
    """The command line, pointed at :func:`server` with its default HMAC credentials."""
    return Cli.hmac(server.base_url)

"""Fixtures of the configuration tests: a clean environment and a deployment folder."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from connector.sandbox import LifecycleConfig, SandboxConfig, SandboxServer


@pytest.fixture(autouse=True)
def isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No AHEAD_* setting of the machine running the tests reaches the code under test."""
    for name in list(os.environ):
        if name.startswith("AHEAD_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AHEAD_CONNECTOR_HOME", str(tmp_path / "home"))
    # Wide enough that no table cell the tests look for is folded across lines.
    monkeypatch.setenv("COLUMNS", "250")


@pytest.fixture
def deployment_dir(tmp_path: Path) -> Path:
    """An empty deployment folder."""
    directory = tmp_path / "acme"
    directory.mkdir()
    return directory


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    """A sandbox over HTTP on loopback, with its default credentials."""
    config = SandboxConfig(
        random_seed=7, lifecycle=LifecycleConfig(release_after=None, ship_after=None)
    )
    with SandboxServer(config) as running:
        yield running

"""Fixtures of the sandbox tests: an app on a frozen clock, and a client that talks to it."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from fastapi import FastAPI
from sandbox_support import START

from connector.sandbox import Sandbox, SandboxClock, SandboxConfig, create_app
from connector.sandbox.config import LifecycleConfig
from connector.sandbox.faults import in_process_transport


@pytest.fixture
def clock() -> SandboxClock:
    return SandboxClock(START)


@pytest.fixture
def config() -> SandboxConfig:
    # Orders move only when a test moves them, unless a test asks for a timed lifecycle.
    return SandboxConfig(
        require_auth=False,
        random_seed=7,
        lifecycle=LifecycleConfig(release_after=None, ship_after=None),
    )


@pytest.fixture
def app(config: SandboxConfig, clock: SandboxClock) -> Iterator[FastAPI]:
    app = create_app(config, clock=clock)
    yield app
    app.state.sandbox.close()


@pytest.fixture
def sandbox(app: FastAPI) -> Sandbox:
    sandbox: Sandbox = app.state.sandbox
    return sandbox


@pytest.fixture
def client(app: FastAPI) -> Iterator[httpx.Client]:
    with httpx.Client(transport=in_process_transport(app), base_url="http://sandbox") as client:
        yield client

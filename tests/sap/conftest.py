"""Fixtures of the SAP tests: a simulator on loopback with a stopped clock, and clients."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from sap_support import BASIC, START

from adapters.sap.simulator import SapSimulatorConfig, SapSimulatorServer, SimulatorClock


@pytest.fixture
def clock() -> SimulatorClock:
    return SimulatorClock(START)


@pytest.fixture
def simulator_config() -> SapSimulatorConfig:
    return SapSimulatorConfig()


@pytest.fixture
def server(
    simulator_config: SapSimulatorConfig, clock: SimulatorClock
) -> Iterator[SapSimulatorServer]:
    with SapSimulatorServer(simulator_config, clock=clock) as running:
        yield running


@pytest.fixture
def http(server: SapSimulatorServer) -> Iterator[httpx.Client]:
    """A plain httpx client with the simulator's Basic credentials (it keeps cookies)."""
    with httpx.Client(auth=BASIC, timeout=10) as client:
        yield client

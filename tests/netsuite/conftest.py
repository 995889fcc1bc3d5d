"""Fixtures of the NetSuite tests: a simulator on loopback and a client talking to it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from netsuite_support import WaitRecorder, settings_for

from adapters.netsuite import NetSuiteClient
from adapters.netsuite.simulator import SimulatorServer


@pytest.fixture
def server() -> Iterator[SimulatorServer]:
    with SimulatorServer() as running:
        yield running


@pytest.fixture
def waits() -> WaitRecorder:
    return WaitRecorder()


@pytest.fixture
def client(server: SimulatorServer, waits: WaitRecorder) -> Iterator[NetSuiteClient]:
    with NetSuiteClient(settings_for(server), retry=waits.policy()) as netsuite:
        yield netsuite

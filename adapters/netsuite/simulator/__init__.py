"""A simulated NetSuite account speaking our trimmed SuiteTalk 2023_2 over SOAP.

:class:`SimulatorServer` serves it on loopback for tests (``ahead-connector simulate netsuite``
in the foreground); :class:`NetSuiteSimulator` is the account itself: records, searches,
token-passport checks and injectable faults, with control methods for tests.
"""

from adapters.netsuite.simulator.app import create_app
from adapters.netsuite.simulator.config import (
    DEFAULT_ACCOUNT,
    DEFAULT_CONSUMER_KEY,
    DEFAULT_CONSUMER_SECRET,
    DEFAULT_SAVED_SEARCH_ID,
    DEFAULT_SAVED_SEARCH_SCRIPT_ID,
    DEFAULT_TOKEN_ID,
    DEFAULT_TOKEN_SECRET,
    SavedSearch,
    SimulatorConfig,
    SimulatorCredentials,
)
from adapters.netsuite.simulator.data import RecordData, RecordDataError
from adapters.netsuite.simulator.faults import FaultInjection
from adapters.netsuite.simulator.samples import seed_sample_orders
from adapters.netsuite.simulator.server import SimulatorServer, serve
from adapters.netsuite.simulator.service import NetSuiteSimulator

__all__ = [
    "DEFAULT_ACCOUNT",
    "DEFAULT_CONSUMER_KEY",
    "DEFAULT_CONSUMER_SECRET",
    "DEFAULT_SAVED_SEARCH_ID",
    "DEFAULT_SAVED_SEARCH_SCRIPT_ID",
    "DEFAULT_TOKEN_ID",
    "DEFAULT_TOKEN_SECRET",
    "FaultInjection",
    "NetSuiteSimulator",
    "RecordData",
    "RecordDataError",
    "SavedSearch",
    "SimulatorConfig",
    "SimulatorCredentials",
    "SimulatorServer",
    "create_app",
    "seed_sample_orders",
    "serve",
]

"""The simulator on a real socket: in a background thread (tests) or in the foreground (CLI)."""

from __future__ import annotations

from fastapi import FastAPI

from adapters.netsuite.endpoints import service_path, wsdl_path
from adapters.netsuite.simulator.app import create_app
from adapters.netsuite.simulator.config import SimulatorConfig
from adapters.netsuite.simulator.service import NetSuiteSimulator
from connector.background_server import BackgroundServer, serve_in_foreground


class SimulatorServer(BackgroundServer):
    """A NetSuite simulator served over HTTP from a background thread, as a context manager.

    ::

        with SimulatorServer() as server:
            client = NetSuiteClient(settings_for(server))

    Entering starts uvicorn and returns once the socket accepts connections; leaving stops it
    and joins its thread. :attr:`base_url` is what a client takes for the account's SuiteTalk
    domain.

    Args:
        config: the simulator's configuration (ignored when ``simulator`` is given).
        host: the address to listen on.
        port: the port; ``0`` picks a free one (read it from :attr:`port`).
        simulator: a simulator to serve instead of a new one.
    """

    def __init__(
        self,
        config: SimulatorConfig | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        simulator: NetSuiteSimulator | None = None,
    ) -> None:
        self.app: FastAPI = create_app(config, simulator=simulator)
        super().__init__(self.app, host, port, name="NetSuite simulator")

    @property
    def simulator(self) -> NetSuiteSimulator:
        """The served simulator, to seed it, read its records or inject faults."""
        simulator: NetSuiteSimulator = self.app.state.simulator
        return simulator

    @property
    def wsdl_url(self) -> str:
        """The URL of the served WSDL."""
        return self.base_url + wsdl_path(self.simulator.version)

    @property
    def service_url(self) -> str:
        """The URL of the SOAP endpoint."""
        return self.base_url + service_path(self.simulator.version)


def serve(
    config: SimulatorConfig | None = None,
    host: str = "127.0.0.1",
    port: int = 8790,
    *,
    simulator: NetSuiteSimulator | None = None,
) -> None:
    """Serve a simulator in the foreground until interrupted (``ahead-connector simulate
    netsuite``).

    Args:
        config: the configuration of a new simulator (ignored when ``simulator`` is given).
        host: the address to listen on.
        port: the port to listen on.
        simulator: a simulator to serve, seeded beforehand.
    """
    serve_in_foreground(create_app(config, simulator=simulator), host, port)

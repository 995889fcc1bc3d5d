"""The SAP simulator on a real socket: in a background thread (tests) or the foreground (CLI)."""

from __future__ import annotations

from fastapi import FastAPI

from adapters.sap.services import SapService
from adapters.sap.simulator.app import create_app
from adapters.sap.simulator.clock import SimulatorClock
from adapters.sap.simulator.config import SapSimulatorConfig
from adapters.sap.simulator.state import SapSimulator
from connector.background_server import BackgroundServer, serve_in_foreground

__all__ = ["SapSimulatorServer", "serve"]


class SapSimulatorServer(BackgroundServer):
    """The SAP simulator served over HTTP from a background thread, as a context manager.

    ::

        with SapSimulatorServer() as server:
            url = server.service_url(SapService.SALES_ORDER)
            server.simulator.create_sales_order({...}, seeding=True)

    Args:
        config: the simulator's settings; the defaults need no setup.
        host: the address to listen on.
        port: the port; ``0`` picks a free one (read it from :attr:`port`).
        clock: the simulator's clock; real time if not given.
    """

    def __init__(
        self,
        config: SapSimulatorConfig | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        clock: SimulatorClock | None = None,
    ) -> None:
        self.app: FastAPI = create_app(config, clock=clock)
        super().__init__(self.app, host, port, name="SAP simulator")

    @property
    def simulator(self) -> SapSimulator:
        """The served :class:`SapSimulator`, to seed it and look inside."""
        simulator: SapSimulator = self.app.state.simulator
        return simulator

    def service_url(self, service: SapService) -> str:
        """The root URL of one OData service (``…/sap/opu/odata/sap/API_SALES_ORDER_SRV``)."""
        return f"{self.base_url}{service.path}"


def serve(
    config: SapSimulatorConfig | None = None, host: str = "127.0.0.1", port: int = 8770
) -> None:
    """Serve the simulator in the foreground until interrupted (``simulate sap``)."""
    serve_in_foreground(create_app(config), host, port)

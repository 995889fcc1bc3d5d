"""The SAP simulator on a real socket: in a background thread (tests) or the foreground (CLI)."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from types import TracebackType
from typing import Self

import uvicorn
from fastapi import FastAPI

from adapters.sap.services import SapService
from adapters.sap.simulator.app import create_app
from adapters.sap.simulator.clock import SimulatorClock
from adapters.sap.simulator.config import SapSimulatorConfig
from adapters.sap.simulator.state import SapSimulator

__all__ = ["SapSimulatorServer", "serve"]

#: How long :class:`SapSimulatorServer` waits for the server to listen, or to stop.
STARTUP_TIMEOUT_SECONDS = 30.0
_POLL_SECONDS = 0.01


class SapSimulatorServer:
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
        self._host = host
        self._requested_port = port
        self._port: int | None = None
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    def __repr__(self) -> str:
        where = self.base_url if self._port is not None else "not started"
        return f"<SapSimulatorServer {where}>"

    @property
    def simulator(self) -> SapSimulator:
        """The served :class:`SapSimulator`, to seed it and look inside."""
        simulator: SapSimulator = self.app.state.simulator
        return simulator

    @property
    def port(self) -> int:
        """The port the server listens on.

        Raises:
            RuntimeError: the server is not running.
        """
        if self._port is None:
            raise RuntimeError("the SAP simulator is not running")
        return self._port

    @property
    def base_url(self) -> str:
        """``http://host:port`` of the running server."""
        host = f"[{self._host}]" if ":" in self._host else self._host
        return f"http://{host}:{self.port}"

    def service_url(self, service: SapService) -> str:
        """The root URL of one OData service (``…/sap/opu/odata/sap/API_SALES_ORDER_SRV``)."""
        return f"{self.base_url}{service.path}"

    def start(self) -> None:
        """Start serving and wait until the socket accepts connections.

        Raises:
            RuntimeError: running already, or it did not start in time.
        """
        if self._thread is not None:
            raise RuntimeError("the SAP simulator is running already")
        config = uvicorn.Config(
            self.app,
            host=self._host,
            port=self._requested_port,
            log_level="warning",
            lifespan="off",
            ws="none",
        )
        server = uvicorn.Server(config)
        thread = threading.Thread(
            target=_run_until_exit, args=(server,), name="sap-simulator", daemon=True
        )
        self._server, self._thread = server, thread
        thread.start()
        deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                self._server = self._thread = None
                raise RuntimeError(
                    f"the SAP simulator did not start on {self._host}:{self._requested_port} "
                    "(see the server's log above)"
                )
            time.sleep(_POLL_SECONDS)
        self._port = _bound_port(server)
        with socket.create_connection((self._host, self._port), timeout=STARTUP_TIMEOUT_SECONDS):
            pass

    def stop(self) -> None:
        """Stop serving and join the server thread (idempotent)."""
        server, thread = self._server, self._thread
        if server is not None and thread is not None:
            server.should_exit = True
            thread.join(STARTUP_TIMEOUT_SECONDS)
            if thread.is_alive():
                raise RuntimeError("the SAP simulator did not stop in time")
        self._server = self._thread = None
        self._port = None

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


def serve(
    config: SapSimulatorConfig | None = None, host: str = "127.0.0.1", port: int = 8770
) -> None:
    """Serve the simulator in the foreground until interrupted (``simulate sap``)."""
    uvicorn.Server(
        uvicorn.Config(
            create_app(config), host=host, port=port, log_level="info", lifespan="off", ws="none"
        )
    ).run()


def _run_until_exit(server: uvicorn.Server) -> None:
    # uvicorn exits when it cannot start (the port is taken, say); it has logged why, and
    # start() reports it, so the thread just ends.
    with contextlib.suppress(SystemExit):
        server.run()


def _bound_port(server: uvicorn.Server) -> int:
    for listener in server.servers:
        for sock in listener.sockets:
            port: int = sock.getsockname()[1]
            return port
    raise RuntimeError("the SAP simulator has no listening socket")

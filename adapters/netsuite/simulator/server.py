"""The simulator on a real socket: in a background thread (tests) or in the foreground (CLI)."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from types import TracebackType
from typing import Self

import uvicorn
from fastapi import FastAPI

from adapters.netsuite.endpoints import service_path, wsdl_path
from adapters.netsuite.simulator.app import create_app
from adapters.netsuite.simulator.config import SimulatorConfig
from adapters.netsuite.simulator.service import NetSuiteSimulator

#: How long :class:`SimulatorServer` waits for the server to listen, or to stop.
STARTUP_TIMEOUT_SECONDS = 30.0
_POLL_SECONDS = 0.01


class SimulatorServer:
    """A NetSuite simulator served over HTTP from a background thread, as a context manager.

    ::

        with SimulatorServer() as server:
            client = NetSuiteClient(settings_for(server))

    Entering starts uvicorn and returns once the socket accepts connections; leaving stops it
    and joins its thread.

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
        self._host = host
        self._requested_port = port
        self._port: int | None = None
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    def __repr__(self) -> str:
        where = self.base_url if self._port is not None else "not started"
        return f"<SimulatorServer {where}>"

    @property
    def simulator(self) -> NetSuiteSimulator:
        """The served simulator, to seed it, read its records or inject faults."""
        simulator: NetSuiteSimulator = self.app.state.simulator
        return simulator

    @property
    def port(self) -> int:
        """The port the server listens on.

        Raises:
            RuntimeError: the server is not running.
        """
        if self._port is None:
            raise RuntimeError("the simulator server is not running")
        return self._port

    @property
    def base_url(self) -> str:
        """``http://host:port``: what a client takes for the account's SuiteTalk domain."""
        host = f"[{self._host}]" if ":" in self._host else self._host
        return f"http://{host}:{self.port}"

    @property
    def wsdl_url(self) -> str:
        """The URL of the served WSDL."""
        return self.base_url + wsdl_path(self.simulator.version)

    @property
    def service_url(self) -> str:
        """The URL of the SOAP endpoint."""
        return self.base_url + service_path(self.simulator.version)

    def start(self) -> None:
        """Start serving and wait until the socket accepts connections.

        Raises:
            RuntimeError: the server is running already or did not start in time.
        """
        if self._thread is not None:
            raise RuntimeError("the simulator server is running already")
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
            target=_run_until_exit, args=(server,), name="netsuite-simulator", daemon=True
        )
        self._server, self._thread = server, thread
        thread.start()
        deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                self._server = self._thread = None
                raise RuntimeError(
                    f"the simulator did not start on {self._host}:{self._requested_port} "
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
                raise RuntimeError("the simulator server did not stop in time")
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
    app = create_app(config, simulator=simulator)
    uvicorn.Server(
        uvicorn.Config(app, host=host, port=port, log_level="info", lifespan="off", ws="none")
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
    raise RuntimeError("the simulator server has no listening socket")

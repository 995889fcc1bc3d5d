"""The sandbox on a real socket: in a background thread (tests, demo) or in the foreground (CLI)."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from types import TracebackType
from typing import Self

import uvicorn
from fastapi import FastAPI

from connector.sandbox.app import create_app
from connector.sandbox.clock import SandboxClock
from connector.sandbox.config import SandboxConfig
from connector.sandbox.state import Sandbox

#: How long :class:`SandboxServer` waits for the server to listen, or to stop.
STARTUP_TIMEOUT_SECONDS = 30.0
_POLL_SECONDS = 0.01


class SandboxServer:
    """A sandbox served over HTTP from a background thread, as a context manager.

    ::

        with SandboxServer(SandboxConfig(require_auth=False)) as server:
            httpx.get(f"{server.base_url}/v2/items")

    Entering starts uvicorn and returns once the socket accepts connections; leaving stops it,
    joins its thread and closes the store.

    Args:
        config: the sandbox configuration; the defaults need no setup.
        host: the address to listen on.
        port: the port; ``0`` picks a free one (read it from :attr:`port`).
        clock: the sandbox clock; a real-time one if not given.
    """

    def __init__(
        self,
        config: SandboxConfig | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        clock: SandboxClock | None = None,
    ) -> None:
        self.app: FastAPI = create_app(config, clock=clock)
        self._host = host
        self._requested_port = port
        self._port: int | None = None
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._closed = False

    def __repr__(self) -> str:
        where = self.base_url if self._port is not None else "not started"
        return f"<SandboxServer {where}>"

    @property
    def sandbox(self) -> Sandbox:
        """The served :class:`Sandbox`, to look inside or drive it directly."""
        sandbox: Sandbox = self.app.state.sandbox
        return sandbox

    @property
    def port(self) -> int:
        """The port the server listens on.

        Raises:
            RuntimeError: the server is not running.
        """
        if self._port is None:
            raise RuntimeError("the sandbox server is not running")
        return self._port

    @property
    def base_url(self) -> str:
        """``http://host:port`` of the running server."""
        host = f"[{self._host}]" if ":" in self._host else self._host
        return f"http://{host}:{self.port}"

    def start(self) -> None:
        """Start serving and wait until the socket accepts connections.

        Raises:
            RuntimeError: the server is running already, was stopped (its store is closed; make
                a new one), or did not start in time.
        """
        if self._closed:
            raise RuntimeError("a stopped sandbox server cannot start again; create a new one")
        if self._thread is not None:
            raise RuntimeError("the sandbox server is running already")
        config = uvicorn.Config(
            self.app,
            host=self._host,
            port=self._requested_port,
            log_level="warning",
            lifespan="on",
            ws="none",
        )
        server = uvicorn.Server(config)
        thread = threading.Thread(
            target=_run_until_exit, args=(server,), name="ahead-sandbox-server", daemon=True
        )
        self._server, self._thread = server, thread
        thread.start()
        deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                self._server = self._thread = None
                raise RuntimeError(
                    f"the sandbox server did not start on {self._host}:{self._requested_port} "
                    "(see the server's log above)"
                )
            time.sleep(_POLL_SECONDS)
        self._port = _bound_port(server)
        # uvicorn says "started" once listening; one connection proves it end to end.
        with socket.create_connection((self._host, self._port), timeout=STARTUP_TIMEOUT_SECONDS):
            pass

    def stop(self) -> None:
        """Stop serving, join the server thread and close the store (idempotent)."""
        server, thread = self._server, self._thread
        if server is not None and thread is not None:
            server.should_exit = True
            thread.join(STARTUP_TIMEOUT_SECONDS)
            if thread.is_alive():
                raise RuntimeError("the sandbox server did not stop in time")
        self._server = self._thread = None
        self._port = None
        self._closed = True
        self.sandbox.close()

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


def serve(config: SandboxConfig | None = None, host: str = "127.0.0.1", port: int = 8765) -> None:
    """Serve a sandbox in the foreground until interrupted (``ahead-connector sandbox``).

    Args:
        config: the sandbox configuration; ``config.data_path`` keeps its state across runs.
        host: the address to listen on.
        port: the port to listen on.
    """
    app = create_app(config)
    try:
        uvicorn.Server(
            uvicorn.Config(app, host=host, port=port, log_level="info", lifespan="on", ws="none")
        ).run()
    finally:
        sandbox: Sandbox = app.state.sandbox
        sandbox.close()


def _run_until_exit(server: uvicorn.Server) -> None:
    # uvicorn exits when it cannot start (e.g. the port is taken); it has logged why, and
    # start() reports it, so the thread just ends.
    with contextlib.suppress(SystemExit):
        server.run()


def _bound_port(server: uvicorn.Server) -> int:
    for listener in server.servers:
        for sock in listener.sockets:
            port: int = sock.getsockname()[1]
            return port
    raise RuntimeError("the sandbox server has no listening socket")

"""The sandbox on a real socket: in a background thread (tests, demo) or in the foreground (CLI)."""

from __future__ import annotations

from fastapi import FastAPI

from connector.background_server import BackgroundServer, serve_in_foreground
from connector.sandbox.app import create_app
from connector.sandbox.clock import SandboxClock
from connector.sandbox.config import SandboxConfig
from connector.sandbox.state import Sandbox


class SandboxServer(BackgroundServer):
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
        super().__init__(self.app, host, port, name="sandbox", lifespan=True)
        self._closed = False

    @property
    def sandbox(self) -> Sandbox:
        """The served :class:`Sandbox`, to look inside or drive it directly."""
        sandbox: Sandbox = self.app.state.sandbox
        return sandbox

    def start(self) -> None:
        """Start serving and wait until the socket accepts connections.

        Raises:
            RuntimeError: the server is running already, was stopped (its store is closed; make
                a new one), or did not start: the port is in use
                (:class:`~connector.background_server.AddressUnavailableError`), the app failed
                to start, or not in time.
        """
        if self._closed:
            raise RuntimeError("a stopped sandbox server cannot start again; create a new one")
        super().start()

    def stop(self) -> None:
        """Stop serving, join the server thread and close the store (idempotent)."""
        super().stop()
        self._closed = True
        self.sandbox.close()


def serve(config: SandboxConfig | None = None, host: str = "127.0.0.1", port: int = 8765) -> None:
    """Serve a sandbox in the foreground until interrupted (``ahead-connector sandbox``).

    Args:
        config: the sandbox configuration; ``config.data_path`` keeps its state across runs.
        host: the address to listen on.
        port: the port to listen on.
    """
    app = create_app(config)
    try:
        serve_in_foreground(app, host, port, lifespan=True)
    finally:
        sandbox: Sandbox = app.state.sandbox
        sandbox.close()

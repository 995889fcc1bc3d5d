"""Serves an ASGI app (the webhook receiver) with uvicorn from a background thread.

The socket is bound before the thread starts, so a port in use is an ``OSError`` raised to the
caller, and port ``0`` gives a free port that is known at once. uvicorn installs no signal
handlers outside the main thread: stopping is :meth:`BackgroundServer.stop`'s job.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
import time
from types import TracebackType
from typing import Self

import uvicorn
from fastapi import FastAPI

logger = logging.getLogger(__name__)

#: How long :meth:`BackgroundServer.start` waits for uvicorn to serve, and ``stop`` to end.
SERVER_TIMEOUT_SECONDS = 30.0


class BackgroundServer:
    """``app`` served over HTTP from a background thread, as a context manager.

    ::

        with BackgroundServer(receiver.app, "127.0.0.1", 0) as server:
            print(server.url)

    Args:
        app: the application.
        host: the address to listen on.
        port: the port; ``0`` picks a free one (read it from :attr:`port`).
        name: names the thread and log lines.
    """

    def __init__(self, app: FastAPI, host: str, port: int, *, name: str = "http") -> None:
        self._app = app
        self._host = host
        self._requested_port = port
        self._name = name
        self._socket: socket.socket | None = None
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    def __repr__(self) -> str:
        where = self.url if self._socket is not None else "not started"
        return f"<BackgroundServer {self._name} {where}>"

    @property
    def serving(self) -> bool:
        """Whether the server is started and not stopped."""
        return self._socket is not None

    @property
    def port(self) -> int:
        """The port the server listens on.

        Raises:
            RuntimeError: the server is not running.
        """
        if self._socket is None:
            raise RuntimeError(f"the {self._name} server is not running")
        port: int = self._socket.getsockname()[1]
        return port

    @property
    def url(self) -> str:
        """``http://host:port`` of the running server."""
        host = f"[{self._host}]" if ":" in self._host else self._host
        return f"http://{host}:{self.port}"

    def start(self) -> None:
        """Bind the socket and serve from a background thread; return once serving.

        Raises:
            OSError: the address cannot be bound (e.g. the port is in use).
            RuntimeError: the server was started before, or did not start in time.
        """
        if self._thread is not None:
            raise RuntimeError(f"the {self._name} server starts once; create a new one")
        family, kind, proto, _, address = socket.getaddrinfo(
            self._host, self._requested_port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
        sock = socket.socket(family, kind, proto)
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind(address)
            sock.listen()
        except OSError:
            sock.close()
            raise
        config = uvicorn.Config(
            self._app,
            log_level="warning",
            access_log=False,
            lifespan="off",
            ws="none",
            # Deliveries in flight get this long to finish when the server stops.
            timeout_graceful_shutdown=5,
        )
        server = uvicorn.Server(config)
        self._socket, self._server = sock, server
        self._thread = threading.Thread(
            target=_serve, args=(server, sock), name=f"ahead-{self._name}-server", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + SERVER_TIMEOUT_SECONDS
        while not server.started and self._thread.is_alive() and time.monotonic() < deadline:
            time.sleep(0.01)
        if not server.started:
            self.stop()
            raise RuntimeError(f"the {self._name} server did not start (see the log above)")
        logger.debug("%s server listening on %s", self._name, self.url)

    def stop(self) -> None:
        """Stop serving and join the thread (idempotent).

        Raises:
            RuntimeError: the server did not stop in time.
        """
        server, thread, sock = self._server, self._thread, self._socket
        if server is not None and thread is not None:
            server.should_exit = True
            thread.join(SERVER_TIMEOUT_SECONDS)
            if thread.is_alive():
                raise RuntimeError(f"the {self._name} server did not stop in time")
        if sock is not None:
            sock.close()
        self._server = None
        self._socket = None

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


def _serve(server: uvicorn.Server, sock: socket.socket) -> None:
    # uvicorn exits the thread with SystemExit when it cannot serve; it has logged why, and
    # start() reports it.
    with contextlib.suppress(SystemExit):
        server.run(sockets=[sock])

"""Serves an ASGI app with uvicorn: from a background thread, or in the foreground.

:class:`BackgroundServer` serves the sandbox and the simulators in tests, examples and demos, and
the webhook receiver in ``ahead-connector run``. It binds its socket before its thread starts, so
an address that cannot be bound (a port in use) is raised to the caller with the address named,
and port ``0`` gives a free port that is known at once. uvicorn installs no signal handlers
outside the main thread: stopping is :meth:`BackgroundServer.stop`'s job.

:func:`serve_in_foreground` serves until interrupted, for the CLI's ``sandbox`` and ``simulate``
commands.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
import time
from types import TracebackType
from typing import Literal, Self

import uvicorn
from starlette.types import ASGIApp

logger = logging.getLogger(__name__)

#: How long :meth:`BackgroundServer.start` waits for uvicorn to serve, and ``stop`` to end.
SERVER_TIMEOUT_SECONDS = 30.0
_POLL_SECONDS = 0.01


class AddressUnavailableError(OSError, RuntimeError):
    """The server's address cannot be bound (the port is in use, say), so it did not start.

    An ``OSError``, like any failed bind, and a ``RuntimeError``, like every other way a
    :class:`BackgroundServer` fails to start.
    """


class BackgroundServer:
    """``app`` served over HTTP from a background thread, as a context manager.

    ::

        with BackgroundServer(receiver.app, "127.0.0.1", 0, name="webhook") as server:
            httpx.post(server.base_url + receiver.path, ...)

    A stopped server may start again: on the same port if one was given, else on a new free one.

    Args:
        app: the ASGI application.
        host: the address to listen on.
        port: the port; ``0`` picks a free one (read it from :attr:`port`).
        name: names the server in messages and its thread (``sandbox``: ``ahead-sandbox-server``).
        lifespan: whether uvicorn runs the app's lifespan (startup and shutdown) events.
        graceful_shutdown_seconds: how long requests in flight get to finish when the server
            stops; ``None``: as long as they take, up to :data:`SERVER_TIMEOUT_SECONDS`.
    """

    def __init__(
        self,
        app: ASGIApp,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        name: str = "http",
        lifespan: bool = False,
        graceful_shutdown_seconds: int | None = None,
    ) -> None:
        self._app = app
        self._host = host
        self._requested_port = port
        self._name = name
        self._lifespan: Literal["on", "off"] = "on" if lifespan else "off"
        self._graceful_shutdown_seconds = graceful_shutdown_seconds
        self._socket: socket.socket | None = None
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    def __repr__(self) -> str:
        where = self.base_url if self._socket is not None else "not started"
        return f"<{type(self).__name__} {self._name} {where}>"

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
    def base_url(self) -> str:
        """``http://host:port`` of the running server.

        Raises:
            RuntimeError: the server is not running.
        """
        return f"http://{_url_host(self._host)}:{self.port}"

    def start(self) -> None:
        """Bind the socket and serve from a background thread; return once serving.

        Raises:
            AddressUnavailableError: the address cannot be bound (e.g. the port is in use).
            RuntimeError: the server is running already, or did not start (its log says why)
                or not in time.
        """
        if self._thread is not None:
            raise RuntimeError(f"the {self._name} server is running already")
        sock = self._bind()
        config = uvicorn.Config(
            self._app,
            log_level="warning",
            access_log=False,
            lifespan=self._lifespan,
            ws="none",
            timeout_graceful_shutdown=self._graceful_shutdown_seconds,
        )
        server = uvicorn.Server(config)
        thread = threading.Thread(
            target=_serve,
            args=(server, sock),
            name=f"ahead-{'-'.join(self._name.lower().split())}-server",
            daemon=True,
        )
        self._socket, self._server, self._thread = sock, server, thread
        thread.start()
        deadline = time.monotonic() + SERVER_TIMEOUT_SECONDS
        while not server.started and thread.is_alive() and time.monotonic() < deadline:
            time.sleep(_POLL_SECONDS)
        if not server.started:
            where = f"{_url_host(self._host)}:{self.port}"
            why = (
                f"within {SERVER_TIMEOUT_SECONDS:g} s"
                if thread.is_alive()
                else "(see the server's log above)"
            )
            self.stop()
            raise RuntimeError(f"the {self._name} server did not start on {where} {why}")
        logger.debug("%s server listening on %s", self._name, self.base_url)

    def stop(self) -> None:
        """Stop serving, join the thread and free the port (idempotent).

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
        self._server = self._thread = self._socket = None

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

    def _bind(self) -> socket.socket:
        sock: socket.socket | None = None
        try:
            family, kind, proto, _, address = socket.getaddrinfo(
                self._host, self._requested_port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
            )[0]
            sock = socket.socket(family, kind, proto)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind(address)
            sock.listen()
        except OSError as exc:
            if sock is not None:
                sock.close()
            where = f"{_url_host(self._host)}:{self._requested_port}"
            raise AddressUnavailableError(
                exc.errno,
                f"the {self._name} server did not start: cannot listen on {where} "
                f"({exc.strerror or exc})",
            ) from exc
        return sock


def serve_in_foreground(app: ASGIApp, host: str, port: int, *, lifespan: bool = False) -> None:
    """Serve ``app`` until interrupted (Ctrl+C), logging at info level.

    uvicorn logs why it cannot start (a port in use, say) and exits with ``SystemExit``.

    Args:
        app: the ASGI application.
        host: the address to listen on.
        port: the port to listen on.
        lifespan: whether uvicorn runs the app's lifespan (startup and shutdown) events.
    """
    config = uvicorn.Config(
        app, host=host, port=port, log_level="info", lifespan="on" if lifespan else "off", ws="none"
    )
    uvicorn.Server(config).run()


def _serve(server: uvicorn.Server, sock: socket.socket) -> None:
    # uvicorn exits the thread with SystemExit when it cannot serve (the app failed to start,
    # say); it has logged why, and start() reports it.
    with contextlib.suppress(SystemExit):
        server.run(sockets=[sock])


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host

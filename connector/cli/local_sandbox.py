"""A sandbox inside this process, for ``--sandbox`` and the demo: no port, no network."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx
from fastapi import FastAPI

from connector.api import AheadClient, HmacAuth
from connector.sandbox.app import create_app
from connector.sandbox.config import DEFAULT_HMAC_SECRET, DEFAULT_HMAC_TOKEN, SandboxConfig
from connector.sandbox.faults import InProcessTransport, in_process_transport
from connector.sandbox.state import Sandbox

#: The base URL of a sandbox inside this process (never resolved: no request leaves it).
IN_PROCESS_BASE_URL = "http://sandbox.in-process"


class _LentTransport(httpx.BaseTransport):
    """The sandbox's transport as lent to one client: closing the client leaves it running.

    httpx closes a client's transport with the client; several clients (the API client, the
    OAuth app, a control client) share this one, which :func:`local_sandbox` closes last.
    """

    def __init__(self, transport: InProcessTransport) -> None:
        self._transport = transport

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self._transport.handle_request(request)


@dataclass(frozen=True)
class LocalSandbox:
    """A running in-process sandbox and the means to reach it.

    Attributes:
        app: the sandbox's FastAPI app.
        base_url: the URL its clients are given (requests never leave the process).
    """

    app: FastAPI
    _transport: InProcessTransport
    base_url: str = IN_PROCESS_BASE_URL

    @property
    def sandbox(self) -> Sandbox:
        """The sandbox's state, to look inside it."""
        sandbox: Sandbox = self.app.state.sandbox
        return sandbox

    def transport(self) -> httpx.BaseTransport:
        """A transport to this sandbox for one client; the client may close it freely."""
        return _LentTransport(self._transport)

    def hmac_client(self) -> AheadClient:
        """A client signing with the sandbox's default HMAC credentials."""
        auth = HmacAuth(DEFAULT_HMAC_TOKEN, DEFAULT_HMAC_SECRET)
        return AheadClient(self.base_url, auth=auth, transport=self.transport())


@contextmanager
def local_sandbox(config: SandboxConfig | None = None) -> Iterator[LocalSandbox]:
    """Start a sandbox inside this process; stop it and close its store on exit.

    Args:
        config: the sandbox configuration; the default keeps everything in memory.
    """
    app = create_app(config)
    sandbox: Sandbox = app.state.sandbox
    try:
        with in_process_transport(app) as transport:
            yield LocalSandbox(app, transport)
    finally:
        sandbox.close()

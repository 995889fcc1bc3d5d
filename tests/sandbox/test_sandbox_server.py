"""The sandbox on a real socket: SandboxServer over HTTP on loopback."""

from __future__ import annotations

import socket
import threading

import httpx
import pytest
from sandbox_support import ORDERS, order_body

from connector.sandbox import SandboxConfig, SandboxServer


def test_the_server_answers_over_real_http_on_an_ephemeral_port() -> None:
    with SandboxServer(SandboxConfig(require_auth=False)) as server:
        assert server.port > 0
        assert server.base_url == f"http://127.0.0.1:{server.port}"
        with httpx.Client(base_url=server.base_url) as client:
            created = client.post(ORDERS, json=order_body())
            authenticated = client.get("/v2/authenticate")

        assert created.status_code == 201
        assert authenticated.text == "Successfully authenticated as Sandbox Organization"
        assert server.sandbox.store.count("customer_order_submissions") == 2
        assert server.app.state.sandbox is server.sandbox


def test_two_servers_listen_on_different_ports() -> None:
    with SandboxServer() as first, SandboxServer() as second:
        assert first.port != second.port


def test_leaving_the_server_stops_its_threads_and_frees_the_port() -> None:
    before = set(threading.enumerate())
    with SandboxServer(SandboxConfig(require_auth=False)) as server:
        url = server.base_url
        httpx.get(f"{url}/v2/items")

    # Only threads this server started: other tests may hold a long-lived sandbox of their own.
    assert not {t for t in set(threading.enumerate()) - before if t.name.startswith("ahead-")}
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{url}/v2/items")
    with pytest.raises(RuntimeError, match="not running"):
        _ = server.port


def test_a_stopped_server_cannot_start_again() -> None:
    server = SandboxServer()
    with server:
        pass

    with pytest.raises(RuntimeError, match="cannot start again"):
        server.start()


def test_a_port_in_use_fails_to_start_with_an_error() -> None:
    before = set(threading.enumerate())
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        server = SandboxServer(port=taken.getsockname()[1])
        try:
            with pytest.raises(RuntimeError, match="did not start"):
                server.start()
        finally:
            server.stop()

    assert not [
        t for t in set(threading.enumerate()) - before if t.name.startswith("ahead-sandbox")
    ]

"""BackgroundServer: an ASGI app served by uvicorn from a thread, over a real loopback socket."""

from __future__ import annotations

import re
import socket
import threading
from typing import Any

import httpx
import pytest

from connector.background_server import AddressUnavailableError, BackgroundServer

Message = dict[str, Any]


async def hello(scope: Message, receive: Any, send: Any) -> None:
    assert scope["type"] == "http"
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"hello " + scope["path"].encode()})


async def fails_to_start(scope: Message, receive: Any, send: Any) -> None:
    assert scope["type"] == "lifespan"
    await receive()
    await send({"type": "lifespan.startup.failed", "message": "the database is missing"})


def probe_threads() -> set[threading.Thread]:
    return {thread for thread in threading.enumerate() if thread.name == "ahead-probe-server"}


def can_bind(port: int) -> bool:
    try:
        with socket.create_server(("127.0.0.1", port)):
            return True
    except OSError:
        return False


def test_the_app_answers_over_a_real_socket_on_a_free_port() -> None:
    with BackgroundServer(hello, name="probe") as server:
        assert server.serving
        assert server.port > 0
        assert server.base_url == f"http://127.0.0.1:{server.port}"
        answer = httpx.get(f"{server.base_url}/ping")

    assert answer.status_code == 200
    assert answer.text == "hello /ping"


def test_stopping_ends_the_thread_and_frees_the_port() -> None:
    with BackgroundServer(hello, name="probe") as server:
        port = server.port
        assert probe_threads()
        assert not can_bind(port)

    assert not probe_threads()
    assert can_bind(port)
    assert not server.serving
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{port}/")
    with pytest.raises(RuntimeError, match="the probe server is not running"):
        _ = server.port
    server.stop()  # stopping twice is harmless


def test_a_port_in_use_is_an_error_naming_the_address_and_starts_no_thread() -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        server = BackgroundServer(hello, "127.0.0.1", port, name="probe")
        with pytest.raises(AddressUnavailableError) as failed:
            server.start()

    message = str(failed.value)
    assert f"the probe server did not start: cannot listen on 127.0.0.1:{port}" in message
    assert "in use" in message
    # Callers that catch either a failed bind or a failed start catch it.
    assert isinstance(failed.value, OSError)
    assert isinstance(failed.value, RuntimeError)
    assert not probe_threads()
    assert not server.serving


def test_an_app_that_fails_to_start_is_an_error_and_gives_the_port_back() -> None:
    server = BackgroundServer(fails_to_start, name="probe", lifespan=True)
    with pytest.raises(RuntimeError) as failed:
        server.start()

    said = re.fullmatch(
        r"the probe server did not start on 127\.0\.0\.1:(\d+) \(see the server's log above\)",
        str(failed.value),
    )
    assert said is not None, str(failed.value)
    assert can_bind(int(said[1]))
    assert not probe_threads()
    assert not server.serving


def test_a_stopped_server_starts_again_on_the_port_it_was_given() -> None:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    server = BackgroundServer(hello, "127.0.0.1", port, name="probe")
    with server:
        pass
    with server:
        assert server.port == port
        assert httpx.get(f"{server.base_url}/again").text == "hello /again"


def test_a_running_server_refuses_to_start_twice() -> None:
    with BackgroundServer(hello, name="probe") as server:
        with pytest.raises(RuntimeError, match="running already"):
            server.start()
        assert httpx.get(server.base_url).status_code == 200

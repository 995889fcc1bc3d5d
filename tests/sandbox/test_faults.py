"""Fault injection: repeatable decisions, errors that never reach the app, lost answers."""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from http import HTTPStatus

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from starlette.types import Receive, Scope, Send

from connector.sandbox.config import FaultRule
from connector.sandbox.faults import (
    FaultDecision,
    FaultInjector,
    FaultRules,
    in_process_transport,
)

ORDERS = "/v2/customer_order_submissions"


@contextmanager
def serve_on_loopback(app: object) -> Iterator[str]:
    """Run ``app`` with uvicorn on 127.0.0.1 (a free port) in a thread; yield its base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    port = sock.getsockname()[1]
    # log_config=None leaves logging alone, so the server's records reach caplog.
    server = uvicorn.Server(uvicorn.Config(app, log_config=None, lifespan="off"))  # type: ignore[arg-type]
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join()
        sock.close()


def orders_app(handled: list[str]) -> FastAPI:
    """A stand-in for the sandbox: creating an order records it in ``handled``."""
    app = FastAPI()

    @app.post(ORDERS, status_code=201)
    async def create_order(order: dict[str, str]) -> dict[str, str]:
        handled.append(order["customer_order"])
        return {"customer_order": order["customer_order"], "status": "Pending"}

    @app.get("/v2/items")
    async def list_items() -> dict[str, int]:
        return {"count": 0}

    return app


def always(**fault: float | int | str) -> FaultRules:
    return FaultRules([FaultRule(method="POST", path=ORDERS, **fault)])


# ------------------------------------------------------------------------------------------
# Decisions (no I/O)
# ------------------------------------------------------------------------------------------


def test_same_seed_gives_the_same_faults_for_the_same_requests() -> None:
    rules = [FaultRule(error_rate=0.3, rate_limit_rate=0.3, drop_after_commit_rate=0.3)]

    def draw(seed: int) -> list[FaultDecision]:
        faults = FaultRules(rules, seed=seed)
        return [faults.decide("POST", f"{ORDERS}/{n}") for n in range(60)]

    first = draw(seed=7)
    assert first == draw(seed=7)
    assert first != draw(seed=8)
    kinds = {(d.rate_limited, d.error_status, d.drop_after_commit) for d in first}
    assert len(kinds) > 1, "a 30% rate must sometimes fault and sometimes not"


def test_rules_match_by_method_and_path_prefix() -> None:
    faults = FaultRules(
        [
            FaultRule(method="post", path=ORDERS, error_rate=1.0, error_status=500),
            FaultRule(method="*", path="/v2/items", rate_limit_rate=1.0, retry_after=2),
        ]
    )

    assert faults.decide("POST", f"{ORDERS}/12").error_status is HTTPStatus.INTERNAL_SERVER_ERROR
    assert faults.decide("GET", ORDERS) == FaultDecision()
    assert faults.decide("DELETE", "/v2/items/3") == FaultDecision(rate_limited=True, retry_after=2)
    assert faults.decide("GET", "/v2/invoices") == FaultDecision()


def test_latencies_of_matching_rules_add_up_and_rate_limiting_wins_over_errors() -> None:
    faults = FaultRules(
        [
            FaultRule(path="/v2/", latency=0.25),
            FaultRule(path=ORDERS, latency=0.5, error_rate=1.0, rate_limit_rate=1.0),
        ]
    )

    decision = faults.decide("POST", ORDERS)

    assert decision == FaultDecision(latency=0.75, rate_limited=True, retry_after=1.0)
    assert not decision.calls_app


def test_set_replaces_the_rules_and_get_returns_copies() -> None:
    faults = FaultRules()
    faults.set([FaultRule(path=ORDERS, error_rate=1.0)])

    faults.get()[0].error_rate = 0.0

    assert faults.decide("POST", ORDERS).error_status is HTTPStatus.SERVICE_UNAVAILABLE
    faults.set([])
    assert faults.decide("POST", ORDERS) == FaultDecision()


@pytest.mark.parametrize("status", [200, 429, 404, 600])
def test_a_rule_whose_error_status_is_not_5xx_is_refused(status: int) -> None:
    with pytest.raises(ValueError, match="5xx"):
        FaultRules([FaultRule(error_status=status)])


# ------------------------------------------------------------------------------------------
# The middleware
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [500, 503])
def test_injected_server_error_is_answered_without_calling_the_app(status: int) -> None:
    handled: list[str] = []
    app = FaultInjector(orders_app(handled), always(error_rate=1.0, error_status=status))

    with httpx.Client(transport=in_process_transport(app), base_url="http://sandbox") as client:
        response = client.post(ORDERS, json={"customer_order": "PO-1"})

    assert response.status_code == status
    assert "injected" in response.json()["errors"][0]["message"]
    assert handled == []


def test_injected_429_carries_retry_after_and_does_not_call_the_app() -> None:
    handled: list[str] = []
    app = FaultInjector(orders_app(handled), always(rate_limit_rate=1.0, retry_after=7))

    with httpx.Client(transport=in_process_transport(app), base_url="http://sandbox") as client:
        response = client.post(ORDERS, json={"customer_order": "PO-1"})

    assert response.status_code == 429
    assert response.headers["Retry-After"] == "7"
    assert response.json()["errors"][0]["message"].startswith("too many requests")
    assert handled == []


def test_fractional_retry_after_is_sent_as_a_decimal() -> None:
    app = FaultInjector(orders_app([]), always(rate_limit_rate=1.0, retry_after=0.25))

    with httpx.Client(transport=in_process_transport(app), base_url="http://sandbox") as client:
        response = client.post(ORDERS, json={"customer_order": "PO-1"})

    assert response.headers["Retry-After"] == "0.25"


def test_latency_is_waited_before_the_app_answers() -> None:
    waited: list[float] = []

    async def record_sleep(seconds: float) -> None:
        waited.append(seconds)

    handled: list[str] = []
    app = FaultInjector(orders_app(handled), always(latency=1.5), sleep=record_sleep)

    with httpx.Client(transport=in_process_transport(app), base_url="http://sandbox") as client:
        response = client.post(ORDERS, json={"customer_order": "PO-1"})

    assert waited == [1.5]
    assert response.status_code == 201
    assert handled == ["PO-1"]


def test_requests_no_rule_matches_pass_through_untouched() -> None:
    app = FaultInjector(orders_app([]), always(error_rate=1.0))

    with httpx.Client(transport=in_process_transport(app), base_url="http://sandbox") as client:
        response = client.get("/v2/items")

    assert response.status_code == 200
    assert response.json() == {"count": 0}


def test_commit_then_drop_over_real_http_commits_but_the_client_gets_a_transport_error(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    handled: list[str] = []
    app = FaultInjector(orders_app(handled), always(drop_after_commit_rate=1.0))

    with serve_on_loopback(app) as base_url, httpx.Client(base_url=base_url) as client:
        with pytest.raises(httpx.RemoteProtocolError):
            client.post(ORDERS, json={"customer_order": "PO-1"})
        still_serving = client.get("/v2/items")

    assert handled == ["PO-1"]
    assert still_serving.status_code == 200
    assert "answer dropped" in caplog.text
    problems = [r for r in caplog.records if r.levelno >= logging.WARNING or r.exc_info]
    assert problems == [], "a deliberate drop must not look like a server failure in the log"


def test_commit_then_drop_in_process_looks_the_same_as_over_http() -> None:
    handled: list[str] = []
    app = FaultInjector(orders_app(handled), always(drop_after_commit_rate=1.0))

    with (
        httpx.Client(transport=in_process_transport(app), base_url="http://sandbox") as client,
        pytest.raises(httpx.RemoteProtocolError),
    ):
        client.post(ORDERS, json={"customer_order": "PO-1"})

    assert handled == ["PO-1"]


def test_server_complaints_about_incomplete_answers_are_kept_when_not_deliberate(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def broken_app(scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})

    FaultInjector(broken_app, FaultRules())  # installs the filter for deliberate drops

    with (
        serve_on_loopback(broken_app) as base_url,
        httpx.Client(base_url=base_url) as client,
        pytest.raises(httpx.TransportError),
    ):
        client.get("/anything")

    assert "without completing response" in caplog.text


# ------------------------------------------------------------------------------------------
# The in-process transport
# ------------------------------------------------------------------------------------------


def test_in_process_transport_runs_the_apps_startup_and_shutdown() -> None:
    events: list[str] = []

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        events.append("startup")
        yield
        events.append("shutdown")

    app = FastAPI(lifespan=lifespan)

    @app.get("/v2/items")
    async def list_items() -> list[str]:
        return list(events)

    with httpx.Client(transport=in_process_transport(app), base_url="http://sandbox") as client:
        seen_while_running = client.get("/v2/items").json()

    assert seen_while_running == ["startup"]
    assert events == ["startup", "shutdown"]


def test_in_process_transport_serves_several_threads_at_once() -> None:
    parties = 4
    arrived = 0
    all_in = asyncio.Event()
    app = FastAPI()

    @app.get("/v2/items")
    async def wait_for_everyone() -> dict[str, bool]:
        # Answers only once every party's request is inside the app at the same time.
        nonlocal arrived
        arrived += 1
        if arrived == parties:
            all_in.set()
        await asyncio.wait_for(all_in.wait(), timeout=30)
        return {"together": True}

    answers: list[int] = []
    with httpx.Client(transport=in_process_transport(app), base_url="http://sandbox") as client:
        threads = [
            threading.Thread(target=lambda: answers.append(client.get("/v2/items").status_code))
            for _ in range(parties)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    assert answers == [200] * parties


def test_a_slow_answer_times_out_while_the_app_still_commits() -> None:
    handled: list[str] = []
    release = threading.Event()
    committed = threading.Event()
    app = FastAPI()

    @app.post(ORDERS)
    def slow_create(order: dict[str, str]) -> dict[str, str]:
        release.wait(timeout=30)
        handled.append(order["customer_order"])
        committed.set()
        return order

    transport = in_process_transport(app)
    with httpx.Client(transport=transport, base_url="http://sandbox", timeout=0.05) as client:
        with pytest.raises(httpx.ReadTimeout):
            client.post(ORDERS, json={"customer_order": "PO-9"})
        release.set()
        committed.wait(timeout=30)

    assert handled == ["PO-9"]


def test_requests_after_close_fail_as_if_the_server_were_down() -> None:
    transport = in_process_transport(orders_app([]))
    transport.start()
    transport.close()

    client = httpx.Client(transport=transport, base_url="http://sandbox")
    try:
        with pytest.raises(httpx.ConnectError):
            client.get("/v2/items")
    finally:
        client.close()

"""Webhook delivery: signed POSTs to a real receiver on loopback, retries, giving up, stopping."""

from __future__ import annotations

import socket
import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import httpx
import pytest
import uvicorn
from fastapi import FastAPI, Request, Response

from connector.api import signing
from connector.api.models import WebhookEvent, WebhookEventName, WebhookSubscription
from connector.sandbox.clock import SandboxClock
from connector.sandbox.config import WebhookDeliveryConfig
from connector.sandbox.faults import in_process_transport
from connector.sandbox.webhooks import (
    Delivery,
    DeliveryState,
    WebhookDispatcher,
    backoff_delay,
)

SECRET = "receiver-secret-0123456789"
FAST = WebhookDeliveryConfig(max_attempts=4, initial_backoff=0.01, max_backoff=0.02, timeout=5)


@contextmanager
def serve_on_loopback(app: FastAPI) -> Iterator[str]:
    """Run ``app`` with uvicorn on 127.0.0.1 (a free port) in a thread; yield its base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_config=None, lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join()
        sock.close()


class Receiver:
    """A webhook receiver that records every request and answers the statuses it is given."""

    def __init__(self, statuses: list[int] | None = None, then: int = 200) -> None:
        self.requests: list[tuple[httpx.Headers, bytes]] = []
        self.first_request = threading.Event()
        self._statuses = deque(statuses or [])
        self._then = then
        self.app = FastAPI()
        self.app.add_api_route("/hooks", self._hook, methods=["POST"])

    async def _hook(self, request: Request) -> Response:
        self.requests.append((httpx.Headers(request.headers.raw), await request.body()))
        self.first_request.set()
        status = self._statuses.popleft() if self._statuses else self._then
        return Response(status_code=status)


@contextmanager
def receiving(receiver: Receiver) -> Iterator[WebhookSubscription]:
    with serve_on_loopback(receiver.app) as base_url:
        yield subscription(f"{base_url}/hooks")


def subscription(url: str) -> WebhookSubscription:
    return WebhookSubscription(
        id=7, url=url, events=[WebhookEventName.ORDER_SHIPPED], secret=SECRET
    )


def shipped(event_id: str = "evt_1") -> WebhookEvent:
    return WebhookEvent(
        id=event_id,
        event=WebhookEventName.ORDER_SHIPPED,
        created_at=datetime(2026, 3, 1, 12, 0, tzinfo=UTC),
        data={"id": 41, "customer_order": "PO-1", "status": "Shipped"},
    )


@contextmanager
def dispatching(
    config: WebhookDeliveryConfig = FAST, transport: httpx.BaseTransport | None = None
) -> Iterator[WebhookDispatcher]:
    dispatcher = WebhookDispatcher(config, SandboxClock(), transport=transport)
    dispatcher.start()
    try:
        yield dispatcher
    finally:
        dispatcher.stop()


def only_delivery(dispatcher: WebhookDispatcher) -> Delivery:
    assert dispatcher.wait_idle(timeout=30)
    (delivery,) = dispatcher.deliveries()
    return delivery


def test_event_is_delivered_to_a_real_receiver_with_a_valid_signature() -> None:
    receiver = Receiver()
    event = shipped()

    with receiving(receiver) as subscribed, dispatching() as dispatcher:
        dispatcher.publish(subscribed, event)
        delivery = only_delivery(dispatcher)

    ((headers, body),) = receiver.requests
    assert signing.webhook_signature_valid(SECRET, body, headers[signing.WEBHOOK_SIGNATURE_HEADER])
    assert headers[signing.WEBHOOK_EVENT_HEADER] == "order.shipped"
    assert headers[signing.WEBHOOK_DELIVERY_HEADER] == "evt_1"
    assert headers["Content-Type"] == "application/json"
    assert WebhookEvent.model_validate_json(body) == event
    assert delivery.delivered
    assert (delivery.attempts, delivery.last_status, delivery.state) == (
        1,
        200,
        DeliveryState.DELIVERED,
    )


def test_failed_delivery_is_retried_with_the_same_event_id_and_body() -> None:
    receiver = Receiver(statuses=[500, 500], then=204)

    with receiving(receiver) as subscribed, dispatching() as dispatcher:
        dispatcher.publish(subscribed, shipped("evt_retry"))
        delivery = only_delivery(dispatcher)

    assert len(receiver.requests) == 3
    delivery_ids = {h[signing.WEBHOOK_DELIVERY_HEADER] for h, _ in receiver.requests}
    signatures = {h[signing.WEBHOOK_SIGNATURE_HEADER] for h, _ in receiver.requests}
    bodies = {body for _, body in receiver.requests}
    assert delivery_ids == {"evt_retry"}
    assert len(signatures) == 1
    assert len(bodies) == 1
    assert delivery.delivered
    assert (delivery.attempts, delivery.last_status) == (3, 204)


def test_delivery_gives_up_after_max_attempts() -> None:
    receiver = Receiver(then=500)

    with receiving(receiver) as subscribed, dispatching() as dispatcher:
        dispatcher.publish(subscribed, shipped())
        delivery = only_delivery(dispatcher)

    assert len(receiver.requests) == FAST.max_attempts
    assert delivery.state is DeliveryState.FAILED
    assert not delivery.delivered
    assert (delivery.attempts, delivery.last_status) == (FAST.max_attempts, 500)
    assert delivery.last_error == "answered 500"


def test_unreachable_receiver_is_retried_then_recorded_as_failed() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed_port = sock.getsockname()[1]
    config = FAST.model_copy(update={"max_attempts": 2})

    with dispatching(config) as dispatcher:
        dispatcher.publish(subscription(f"http://127.0.0.1:{closed_port}/hooks"), shipped())
        delivery = only_delivery(dispatcher)

    assert delivery.state is DeliveryState.FAILED
    assert delivery.attempts == 2
    assert delivery.last_status is None
    assert delivery.last_error is not None
    assert delivery.last_error.startswith("ConnectError")


def test_backoff_doubles_from_the_initial_delay_up_to_the_maximum() -> None:
    config = WebhookDeliveryConfig(initial_backoff=0.5, max_backoff=3)

    assert [backoff_delay(config, n) for n in range(1, 6)] == [0.5, 1.0, 2.0, 3.0, 3.0]


def test_stop_joins_the_thread_and_abandons_deliveries_waiting_for_a_retry() -> None:
    receiver = Receiver(then=500)
    slow = WebhookDeliveryConfig(max_attempts=5, initial_backoff=3600, max_backoff=3600)
    before = set(threading.enumerate())

    with receiving(receiver) as subscribed:
        dispatcher = WebhookDispatcher(slow, SandboxClock())
        dispatcher.start()
        started = set(threading.enumerate()) - before
        dispatcher.publish(subscribed, shipped())
        assert receiver.first_request.wait(timeout=30)
        dispatcher.stop()

    assert started, "start() runs a background thread"
    assert not any(thread.is_alive() for thread in started)
    (delivery,) = dispatcher.deliveries()
    assert delivery.state is DeliveryState.ABANDONED
    assert delivery.attempts == 1


def test_stop_with_drain_first_delivers_everything_queued() -> None:
    receiver = Receiver(statuses=[503])
    dispatcher = WebhookDispatcher(FAST, SandboxClock())

    with receiving(receiver) as subscribed:
        for n in range(3):
            dispatcher.publish(subscribed, shipped(f"evt_{n}"))
        dispatcher.start()
        dispatcher.stop(drain=True)

    assert [d.event_id for d in dispatcher.deliveries()] == ["evt_0", "evt_1", "evt_2"]
    assert all(d.delivered for d in dispatcher.deliveries())
    assert len(receiver.requests) == 4


def test_publishing_to_a_stopped_dispatcher_records_an_abandoned_delivery() -> None:
    dispatcher = WebhookDispatcher(FAST, SandboxClock())
    dispatcher.start()
    dispatcher.stop()

    dispatcher.publish(subscription("http://127.0.0.1:9/hooks"), shipped())

    (delivery,) = dispatcher.deliveries()
    assert delivery.state is DeliveryState.ABANDONED
    assert delivery.attempts == 0


def test_a_subscription_without_a_secret_is_refused() -> None:
    dispatcher = WebhookDispatcher(FAST, SandboxClock())
    unsigned = subscription("http://127.0.0.1:9/hooks").model_copy(update={"secret": None})

    with pytest.raises(ValueError, match="no secret"):
        dispatcher.publish(unsigned, shipped())


def test_deliveries_go_through_the_given_transport() -> None:
    receiver = Receiver()
    transport = in_process_transport(receiver.app)

    with transport, dispatching(transport=transport) as dispatcher:
        dispatcher.publish(subscription("http://receiver.test/hooks"), shipped())
        delivery = only_delivery(dispatcher)

    assert delivery.delivered
    assert len(receiver.requests) == 1


def test_attempts_are_stamped_with_the_sandbox_clock() -> None:
    receiver = Receiver()
    clock = SandboxClock(start=datetime(2030, 1, 1, tzinfo=UTC))
    transport = in_process_transport(receiver.app)
    dispatcher = WebhookDispatcher(FAST, clock, transport=transport)

    with transport:
        dispatcher.start()
        dispatcher.publish(subscription("http://receiver.test/hooks"), shipped())
        assert dispatcher.wait_idle(timeout=30)
        dispatcher.stop()

    assert dispatcher.deliveries()[0].last_attempt_at == datetime(2030, 1, 1, tzinfo=UTC)

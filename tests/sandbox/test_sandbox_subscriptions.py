"""Webhook subscriptions over HTTP, and the order events the lifecycle publishes to them."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator

import httpx
import pytest
from fastapi import FastAPI
from sandbox_support import errors_of, submit

from connector.api import signing
from connector.api.models import WebhookEvent
from connector.sandbox import Sandbox, SandboxClock, SandboxConfig, create_app
from connector.sandbox.faults import in_process_transport

WEBHOOKS = "/v2/webhooks"
HOOK_URL = "http://receiver.test/hooks/ahead"
SECRET = "a-secret-of-sixteen-or-more"


def test_a_subscription_without_a_secret_gets_one_shown_only_once(client: httpx.Client) -> None:
    response = client.post(WEBHOOKS, json={"url": HOOK_URL, "events": ["order.shipped"]})

    assert response.status_code == 201
    created = response.json()
    assert len(created["secret"]) >= 16
    assert client.get(f"{WEBHOOKS}/{created['id']}").json()["secret"] is None
    assert [s["secret"] for s in client.get(WEBHOOKS).json()["results"]] == [None]


def test_a_subscription_keeps_the_secret_it_was_given(
    client: httpx.Client, sandbox: Sandbox
) -> None:
    created = client.post(
        WEBHOOKS, json={"url": HOOK_URL, "events": ["order.released"], "secret": SECRET}
    ).json()

    assert created["secret"] == SECRET
    stored = sandbox.store.get("webhooks", created["id"])
    assert stored is not None
    assert stored["secret"] == SECRET


def test_a_subscription_is_listed_read_and_deleted(client: httpx.Client) -> None:
    created = client.post(WEBHOOKS, json={"url": HOOK_URL, "events": ["order.invoiced"]}).json()

    assert client.get(WEBHOOKS).json()["total_results"] == 1
    assert client.get(f"{WEBHOOKS}/{created['id']}").json()["url"] == HOOK_URL
    assert client.delete(f"{WEBHOOKS}/{created['id']}").status_code == 204
    assert client.get(f"{WEBHOOKS}/{created['id']}").status_code == 404
    assert client.delete(f"{WEBHOOKS}/{created['id']}").status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"url": "ftp://example.com/x", "events": ["order.shipped"]}, "url"),
        ({"url": "not a url", "events": ["order.shipped"]}, "url"),
        ({"url": HOOK_URL, "events": ["order.lost"]}, "events.0"),
        ({"url": HOOK_URL, "events": []}, "events"),
        ({"url": HOOK_URL, "events": ["order.shipped"], "secret": "short"}, "secret"),
    ],
)
def test_an_invalid_subscription_is_a_422_naming_the_field(
    client: httpx.Client, body: dict[str, object], field: str
) -> None:
    response = client.post(WEBHOOKS, json=body)

    assert response.status_code == 422
    assert field in errors_of(response)


class Receiver:
    """A webhook receiver behind an httpx MockTransport: it records what it gets."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self._lock = threading.Lock()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        with self._lock:
            self.requests.append(request)
        return httpx.Response(204)

    def events(self) -> list[WebhookEvent]:
        with self._lock:
            return [WebhookEvent.model_validate_json(r.content) for r in self.requests]


@pytest.fixture
def receiver() -> Receiver:
    return Receiver()


@pytest.fixture
def app(config: SandboxConfig, clock: SandboxClock, receiver: Receiver) -> Iterator[FastAPI]:
    app = create_app(config, clock=clock, webhook_transport=httpx.MockTransport(receiver))
    yield app
    app.state.sandbox.close()


def subscribe(client: httpx.Client, *events: str) -> None:
    body = {"url": HOOK_URL, "events": list(events), "secret": SECRET}
    assert client.post(WEBHOOKS, json=body).status_code == 201


def test_shipping_publishes_released_shipped_then_invoiced_with_the_order_of_each_moment(
    client: httpx.Client, sandbox: Sandbox, receiver: Receiver
) -> None:
    subscribe(client, "order.released", "order.shipped", "order.invoiced")
    order = submit(client)

    client.post(f"/sandbox/orders/{order['id']}/advance", json={"status": "Shipped"})

    assert sandbox.webhooks.wait_idle(timeout=30)
    events = receiver.events()
    assert [e.event.value for e in events] == ["order.released", "order.shipped", "order.invoiced"]
    assert [e.data["status"] for e in events] == ["Released", "Shipped", "Shipped"]
    assert {e.data["id"] for e in events} == {order["id"]}
    assert events[2].data["invoices"]
    assert len({e.id for e in events}) == 3


def test_events_go_only_to_subscriptions_that_chose_them(
    client: httpx.Client, sandbox: Sandbox, receiver: Receiver
) -> None:
    subscribe(client, "order.shipped")
    order = submit(client)

    client.post(f"/sandbox/orders/{order['id']}/advance", json={"status": "Shipped"})

    assert sandbox.webhooks.wait_idle(timeout=30)
    assert [e.event.value for e in receiver.events()] == ["order.shipped"]


def test_delivered_events_are_signed_with_the_subscription_secret(
    client: httpx.Client, sandbox: Sandbox, receiver: Receiver
) -> None:
    subscribe(client, "order.released")
    order = submit(client)

    client.post(f"/sandbox/orders/{order['id']}/advance")

    assert sandbox.webhooks.wait_idle(timeout=30)
    (request,) = receiver.requests
    assert request.url == HOOK_URL
    header = request.headers[signing.WEBHOOK_SIGNATURE_HEADER]
    assert signing.webhook_signature_valid(SECRET, request.content, header)
    assert json.loads(request.content)["created_at"] == "2025-03-01T12:00:00Z"


def test_a_deleted_subscription_gets_no_more_events(
    client: httpx.Client, sandbox: Sandbox, receiver: Receiver
) -> None:
    subscribe(client, "order.released")
    client.delete(f"{WEBHOOKS}/1")
    order = submit(client)

    client.post(f"/sandbox/orders/{order['id']}/advance")

    assert sandbox.webhooks.wait_idle(timeout=30)
    assert receiver.requests == []


def test_a_restarted_app_delivers_again(app: FastAPI, receiver: Receiver) -> None:
    sandbox: Sandbox = app.state.sandbox
    for _ in range(2):
        with httpx.Client(transport=in_process_transport(app), base_url="http://s") as client:
            subscribe(client, "order.released")
            order = submit(client)
            client.post(f"/sandbox/orders/{order['id']}/advance")
            assert sandbox.webhooks.wait_idle(timeout=30)

    assert len(receiver.requests) == 3

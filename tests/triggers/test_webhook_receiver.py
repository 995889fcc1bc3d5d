"""WebhookReceiver over real HTTP on loopback: signatures, stale and repeated events, answers."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from pydantic import SecretStr
from triggers_support import RecordingTrigger

from connector.api import signing
from connector.api.models import WebhookEventName
from connector.triggers import Admission, BackgroundServer, WebhookOutcome, WebhookReceiver
from connector.triggers.webhooks import MAX_BODY_BYTES, SeenEvents

SECRET = "webhook-secret-0123456789abcdef"
PATH = "/webhooks/ahead"
TOLERANCE = 300
ROUTES = {
    WebhookEventName.ORDER_SHIPPED: ["shipments"],
    WebhookEventName.ORDER_INVOICED: ["shipments", "invoices"],
}


def event(
    name: str = "order.shipped", *, created_at: datetime | None = None, event_id: str | None = None
) -> dict[str, Any]:
    return {
        "id": event_id or f"evt_{uuid.uuid4().hex}",
        "event": name,
        "created_at": (created_at or datetime.now(UTC)).isoformat(),
        "data": {"id": 4711, "customer_order": "CO-4711", "status": "Shipped"},
    }


def signed(body: bytes, secret: str = SECRET) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        signing.WEBHOOK_SIGNATURE_HEADER: signing.webhook_signature(secret, body),
    }


class Receiving:
    """A receiver served on loopback, its trigger, and a client to post to it."""

    def __init__(self, trigger: RecordingTrigger, client: httpx.Client) -> None:
        self.trigger = trigger
        self.client = client

    def post(self, payload: dict[str, Any] | bytes, headers: dict[str, str] | None = None):
        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        return self.client.post(PATH, content=body, headers=headers or signed(body))


@pytest.fixture
def trigger() -> RecordingTrigger:
    return RecordingTrigger()


@pytest.fixture
def receiving(trigger: RecordingTrigger) -> Iterator[Receiving]:
    receiver = WebhookReceiver(
        secret=SecretStr(SECRET),
        routes=ROUTES,
        trigger=trigger,
        path=PATH,
        tolerance_seconds=TOLERANCE,
    )
    with (
        BackgroundServer(receiver.app, "127.0.0.1", 0, name="webhooks") as server,
        httpx.Client(base_url=server.base_url) as client,
    ):
        yield Receiving(trigger, client)


def test_a_signed_shipped_event_triggers_its_flow(receiving: Receiving) -> None:
    payload = event("order.shipped")
    answer = receiving.post(payload)

    assert answer.status_code == 202
    assert answer.json() == {
        "outcome": "triggered",
        "detail": f"order.shipped {payload['id']} accepted",
        "flows": ["shipments"],
    }
    [call] = receiving.trigger.snapshot()
    assert call.flow == "shipments"
    assert call.reason == f"webhook order.shipped {payload['id']} (order 4711)"


def test_an_event_mapped_to_several_flows_triggers_each(receiving: Receiving) -> None:
    assert receiving.post(event("order.invoiced")).status_code == 202
    assert [call.flow for call in receiving.trigger.snapshot()] == ["shipments", "invoices"]


@pytest.mark.parametrize(
    "headers_for",
    [
        pytest.param(lambda body: {"Content-Type": "application/json"}, id="missing"),
        pytest.param(lambda body: signed(b"another body"), id="over-another-body"),
        pytest.param(lambda body: signed(body, "another-secret-0123456789"), id="wrong-secret"),
        pytest.param(
            lambda body: {signing.WEBHOOK_SIGNATURE_HEADER: "sha256=" + "0" * 64}, id="zeros"
        ),
    ],
)
def test_a_bad_signature_is_refused_with_401(
    receiving: Receiving, headers_for: Callable[[bytes], dict[str, str]]
) -> None:
    body = json.dumps(event()).encode()
    answer = receiving.post(body, headers_for(body))

    assert answer.status_code == 401
    assert answer.json()["outcome"] == "bad_signature"
    assert receiving.trigger.snapshot() == []


def test_a_signature_over_a_reserialised_body_is_refused(receiving: Receiving) -> None:
    # The signature covers the raw bytes: the same JSON with other spacing does not pass.
    payload = event()
    sent = json.dumps(payload, indent=2).encode()
    answer = receiving.post(sent, signed(json.dumps(payload).encode()))
    assert answer.status_code == 401


def test_a_stale_event_is_refused_with_its_age(receiving: Receiving) -> None:
    old = datetime.now(UTC) - timedelta(seconds=TOLERANCE + 60)
    answer = receiving.post(event(created_at=old))

    assert answer.status_code == 400
    assert answer.json()["outcome"] == "stale"
    assert "older than 300 s" in answer.json()["detail"]
    assert receiving.trigger.snapshot() == []


def test_an_event_from_the_future_is_refused(receiving: Receiving) -> None:
    ahead = datetime.now(UTC) + timedelta(seconds=TOLERANCE + 60)
    answer = receiving.post(event(created_at=ahead))

    assert answer.status_code == 400
    assert "in the future" in answer.json()["detail"]
    assert receiving.trigger.snapshot() == []


def test_a_repeated_event_id_is_answered_200_and_not_triggered_again(
    receiving: Receiving,
) -> None:
    payload = event()
    assert receiving.post(payload).status_code == 202
    again = receiving.post(payload)

    assert again.status_code == 200
    assert again.json()["outcome"] == "duplicate"
    assert len(receiving.trigger.snapshot()) == 1


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        (b"{not json", "the body is not JSON"),
        (b"[1, 2]", "not a webhook event"),
        (json.dumps({"id": "evt_1", "event": "order.shipped"}).encode(), "created_at"),
    ],
)
def test_a_signed_body_that_is_not_an_event_is_refused_with_400(
    receiving: Receiving, body: bytes, detail: str
) -> None:
    answer = receiving.post(body)
    assert answer.status_code == 400
    assert answer.json()["outcome"] == "invalid"
    assert detail in answer.json()["detail"]
    assert receiving.trigger.snapshot() == []


def test_an_event_header_that_contradicts_the_body_is_refused(receiving: Receiving) -> None:
    body = json.dumps(event("order.shipped")).encode()
    headers = {**signed(body), signing.WEBHOOK_EVENT_HEADER: "order.invoiced"}
    answer = receiving.post(body, headers)
    assert answer.status_code == 400
    assert receiving.trigger.snapshot() == []


@pytest.mark.parametrize("name", ["order.released", "order.cancelled"])
def test_events_no_flow_runs_on_are_acknowledged_and_ignored(
    receiving: Receiving, name: str
) -> None:
    answer = receiving.post(event(name))
    assert answer.status_code == 200
    assert answer.json()["outcome"] == "ignored"
    assert receiving.trigger.snapshot() == []


def test_an_oversized_body_is_refused_with_413(receiving: Receiving) -> None:
    body = b"x" * (MAX_BODY_BYTES + 1)
    answer = receiving.post(body)
    assert answer.status_code == 413
    assert receiving.trigger.snapshot() == []


def test_while_stopping_the_event_is_refused_with_503_and_served_when_delivered_again(
    receiving: Receiving,
) -> None:
    payload = event()
    receiving.trigger.admission = Admission.REFUSED
    refused = receiving.post(payload)
    assert refused.status_code == 503
    assert refused.headers["Retry-After"]
    assert refused.json()["outcome"] == "unavailable"

    receiving.trigger.admission = Admission.QUEUED
    assert receiving.post(payload).status_code == 202


def test_a_failing_trigger_answers_503_and_the_receiver_keeps_serving(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def failing(flow: str, reason: str) -> Admission:
        raise RuntimeError("no worker threads left")

    receiver = WebhookReceiver(secret=SecretStr(SECRET), routes=ROUTES, trigger=failing)
    body = json.dumps(event()).encode()
    answer = receiver.handle(body, signing.webhook_signature(SECRET, body))

    assert answer.outcome is WebhookOutcome.UNAVAILABLE
    failure = next(r for r in caplog.records if r.levelname == "ERROR")
    assert failure.getMessage().startswith("flow shipments: the webhook trigger failed")
    assert failure.exc_info is not None


def test_event_ids_are_remembered_for_their_keep_time_only() -> None:
    now = [1000.0]
    seen = SeenEvents(keep_seconds=600, clock=lambda: now[0])

    assert seen.first_time("evt_1")
    assert not seen.first_time("evt_1")
    now[0] += 599
    assert not seen.first_time("evt_1")
    now[0] += 2
    assert seen.first_time("evt_1")
    assert len(seen) == 1


def test_a_forgotten_event_id_counts_as_new() -> None:
    seen = SeenEvents(keep_seconds=600)
    assert seen.first_time("evt_1")
    seen.forget("evt_1")
    assert seen.first_time("evt_1")


def test_the_receiver_refuses_an_empty_secret() -> None:
    with pytest.raises(ValueError, match="secret"):
        WebhookReceiver(secret=SecretStr(""), routes=ROUTES, trigger=RecordingTrigger())

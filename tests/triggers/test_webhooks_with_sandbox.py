"""End to end: the AHEAD sandbox delivers a signed order.shipped webhook to the receiver on
loopback, and the receiver runs the shipments flow."""

from __future__ import annotations

import threading

import httpx
from pydantic import SecretStr
from triggers_support import wait_until

from connector.api.models import OrderStatus, WebhookEventName
from connector.sandbox import SandboxConfig
from connector.sandbox.config import LifecycleConfig
from connector.sandbox.server import SandboxServer
from connector.triggers import BackgroundServer, FlowRunner, WebhookReceiver

SECRET = "sandbox-webhook-secret-0123456789"
ORDER = {
    "purchase_order": "PO-WH-1",
    "customer_order": "CO-WH-1",
    "ship_method_id": 24,
    "recipient": {
        "name": "John L. Doe",
        "company": "John L. Doe Ltd.",
        "email": "jdoe@example.com",
        "phone": "1-555-555-6789",
        "address_1": "467 Highway #1",
        "city": "Toronto",
        "state": "ON",
        "zip": "M5A 1J3",
        "country": "CA",
    },
    "lines": [{"product_code": "StockBox 2000", "quantity": 1, "customs_declared_value": 12}],
}


def test_an_order_shipped_in_the_sandbox_runs_the_shipments_flow_at_once() -> None:
    runs: list[str] = []
    lock = threading.Lock()

    def run(flow: str, stop: threading.Event) -> str:
        with lock:
            runs.append(flow)
        return "done"

    runner = FlowRunner(run)
    receiver = WebhookReceiver(
        secret=SecretStr(SECRET),
        routes={
            WebhookEventName.ORDER_SHIPPED: ["shipments"],
            WebhookEventName.ORDER_INVOICED: ["shipments"],
        },
        trigger=runner,
    )
    config = SandboxConfig(
        require_auth=False, lifecycle=LifecycleConfig(release_after=None, ship_after=None)
    )
    with (
        SandboxServer(config) as sandbox,
        BackgroundServer(receiver.app, "127.0.0.1", 0, name="webhooks") as webhooks,
        httpx.Client(base_url=sandbox.base_url) as client,
    ):
        subscribed = client.post(
            "/v2/webhooks",
            json={
                "url": webhooks.base_url + receiver.path,
                "events": ["order.shipped", "order.invoiced"],
                "secret": SECRET,
            },
        )
        assert subscribed.status_code == 201, subscribed.text
        order = client.post("/v2/customer_order_submissions", json=ORDER)
        assert order.status_code == 201, order.text

        sandbox.sandbox.advance_order(order.json()["id"], OrderStatus.SHIPPED)

        wait_until(lambda: sandbox.sandbox.webhooks.wait_idle(0.01), "the deliveries")
        deliveries = sandbox.sandbox.webhooks.deliveries()
        assert deliveries
        assert all(delivery.delivered for delivery in deliveries)
        assert {delivery.last_status for delivery in deliveries} == {202}
        wait_until(lambda: runner.wait_idle(0.01) and bool(runs), "the shipments run")
    runner.shutdown(timeout=15)
    assert set(runs) == {"shipments"}

"""Helpers of the AHEAD source tests: a sandbox of their own, orders that ship, the harnesses.

The source tests put records into the sandbox that the API itself would never hold (orders that
do not fit the model), so they run on a sandbox of their own rather than the session's.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from adapter_support import ahead_client, order_payload

from adapters.ahead import (
    AheadInvoiceSource,
    AheadShippedOrderSource,
    AheadSourceSettings,
)
from adapters.base import AdapterContext, Source
from adapters.contract import SourceHarness
from connector.api import AheadClient
from connector.api.endpoints import SANDBOX_ORDER_ADVANCE_PATH
from connector.api.models import OrderStatus, OrderSubmission
from connector.sandbox import LifecycleConfig, SandboxConfig, SandboxServer
from connector.sandbox.store import Table

ORDERS_PATH = "/v2/customer_order_submissions"
INVOICES_PATH = "/v2/invoices"


@contextmanager
def own_sandbox() -> Iterator[SandboxServer]:
    """A sandbox on loopback whose orders move only when told to."""
    config = SandboxConfig(
        random_seed=11, lifecycle=LifecycleConfig(release_after=None, ship_after=None)
    )
    with SandboxServer(config) as running:
        yield running


def unique_prefix(label: str) -> str:
    """A ``customer_order`` prefix no other test uses, e.g. ``SHIP-1a2b3c4d-``."""
    return f"{label}-{uuid.uuid4().hex[:8]}-"


class SandboxOrders:
    """Orders in a sandbox: submitted through the API, moved on through its control endpoint."""

    def __init__(self, server: SandboxServer, client: AheadClient) -> None:
        self.server = server
        self.client = client

    def submit(self, customer_order: str, **overrides: Any) -> int:
        """Submit an order (Pending) and return its id."""
        submission = OrderSubmission.model_validate(order_payload(customer_order, **overrides))
        return self.client.submit_order(submission).id

    def advance(self, order_id: int, status: OrderStatus = OrderStatus.SHIPPED) -> dict[str, Any]:
        """Move an order on to ``status`` and return it as the sandbox shows it."""
        path = SANDBOX_ORDER_ADVANCE_PATH.format(id=order_id)
        answer = httpx.post(f"{self.server.base_url}{path}", json={"status": status.value})
        answer.raise_for_status()
        shipped: dict[str, Any] = answer.json()
        return shipped

    def ship(self, customer_order: str, **overrides: Any) -> dict[str, Any]:
        """Submit an order and ship it; the shipped order."""
        return self.advance(self.submit(customer_order, **overrides))

    def stored(self, table: Table, record_id: int) -> dict[str, Any]:
        """A record as the sandbox stores it."""
        found = self.server.sandbox.store.get(table, record_id)
        assert found is not None, f"no {table.value} {record_id}"
        return found

    def replace(self, table: Table, record_id: int, **changes: Any) -> None:
        """Change a record behind the API's back (as AHEAD itself may)."""
        current = self.stored(table, record_id)
        self.server.sandbox.store.update(table, record_id, {**current, **changes})

    def insert(self, table: Table, document: Mapping[str, Any]) -> int:
        """Add a record behind the API's back; its id."""
        return int(self.server.sandbox.store.insert(table, document)["id"])


class RecordingTransport(httpx.HTTPTransport):
    """Real HTTP that also notes each request: method, path and the decoded ``q``."""

    def __init__(self) -> None:
        super().__init__()
        self.requests: list[tuple[str, str, dict[str, Any]]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        q = request.url.params.get("q")
        self.requests.append((request.method, request.url.path, json.loads(q) if q else {}))
        return super().handle_request(request)

    def paths(self) -> list[str]:
        """The paths asked for so far, in order."""
        return [path for _, path, _ in self.requests]


def source_context(client: AheadClient, deployment: Path) -> AdapterContext:
    """The context an engine gives an AHEAD source."""
    return AdapterContext("ahead-in", deployment, services={"ahead": client})


def shipped_order_source(
    client: AheadClient, deployment: Path, **settings: Any
) -> AheadShippedOrderSource:
    """An :class:`AheadShippedOrderSource` with these settings."""
    options = AheadSourceSettings.model_validate(settings)
    return AheadShippedOrderSource(options, source_context(client, deployment))


def invoice_source(client: AheadClient, deployment: Path, **settings: Any) -> AheadInvoiceSource:
    """An :class:`AheadInvoiceSource` with these settings."""
    options = AheadSourceSettings.model_validate(settings)
    return AheadInvoiceSource(options, source_context(client, deployment))


def unreadable_order(customer_order: str, status: str = "Shipped") -> dict[str, Any]:
    """An order whose quantity is not a number: the API's own model cannot read it."""
    document = order_payload(customer_order)
    document["lines"][0]["quantity"] = "two"
    return {**document, "status": status, "organization_id": 1234}


# --------------------------------------------------------------------------------------------
# Contract harnesses
# --------------------------------------------------------------------------------------------


class _AheadSourceHarness(SourceHarness):
    """Shipped orders of one prefix in a sandbox; a revision corrects their tracking numbers."""

    label = "AHEAD"

    def __init__(self, server: SandboxServer, deployment: Path) -> None:
        self.deployment = deployment
        self.prefix = unique_prefix(self.label)
        self.client = ahead_client(server)
        self.orders = SandboxOrders(server, self.client)
        self.sources: list[Source] = []
        # number -> (order id, tracking numbers as shipped)
        self._shipped: dict[int, tuple[int, list[dict[str, Any]]]] = {}

    def close(self) -> None:
        self.client.close()

    def was_quarantined(self, origin: str) -> bool:
        return any(
            origin in source.quarantined
            for source in self.sources
            if isinstance(source, AheadShippedOrderSource | AheadInvoiceSource)
        )

    def ship(self, number: int, revision: int) -> dict[str, Any]:
        """Ship order ``number`` once; each revision gives other tracking numbers."""
        customer_order = f"{self.prefix}{number}"
        if number not in self._shipped:
            shipped = self.orders.ship(customer_order)
            self._shipped[number] = (shipped["id"], shipped["tracking_numbers"])
        order_id, tracking = self._shipped[number]
        revised = [
            {**package, "tracking_number": f"{package['tracking_number']}{'R' * revision}"}
            for package in tracking
        ]
        self.orders.replace(Table.CUSTOMER_ORDER_SUBMISSIONS, order_id, tracking_numbers=revised)
        return self.orders.stored(Table.CUSTOMER_ORDER_SUBMISSIONS, order_id)


class ShippedOrderSourceHarness(_AheadSourceHarness):
    label = "SHIP"

    def make_source(self) -> Source:
        source = shipped_order_source(
            self.client, self.deployment, customer_order_prefix=self.prefix
        )
        self.sources.append(source)
        return source

    def put(self, number: int, revision: int = 0) -> str:
        return str(self.ship(number, revision)["customer_order"])

    def put_bad(self) -> str | None:
        order_id = self.orders.insert(
            Table.CUSTOMER_ORDER_SUBMISSIONS, unreadable_order(f"{self.prefix}bad")
        )
        return f"AHEAD order {order_id}"


class InvoiceSourceHarness(_AheadSourceHarness):
    """Invoices of shipped orders of one prefix; a revision changes the billed order (its
    tracking numbers), which the invoice's payload carries."""

    label = "BILL"

    def make_source(self) -> Source:
        source = invoice_source(self.client, self.deployment, customer_order_prefix=self.prefix)
        self.sources.append(source)
        return source

    def put(self, number: int, revision: int = 0) -> str:
        order = self.ship(number, revision)
        invoice_id = order["invoices"][0]["invoice_number"]
        return f"invoice:{invoice_id}"

    def put_bad(self) -> str | None:
        order_id = self.orders.submit(f"{self.prefix}bad")
        invoice_id = self.orders.insert(Table.INVOICES, {"order_id": order_id, "total": "lots"})
        return f"AHEAD invoice {invoice_id}"

"""Orders over HTTP: submission, validation field by field, duplicates, lifecycle, shipping."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx
import pytest
from sandbox_support import ORDERS, errors_of, order_body, q, submit

from connector.api.models import CustomerOrder, Invoice
from connector.sandbox import Sandbox, SandboxConfig
from connector.sandbox.config import LifecycleConfig


def test_a_submitted_order_is_pending_with_id_timestamps_and_ship_method(
    client: httpx.Client,
) -> None:
    response = client.post(ORDERS, json=order_body())

    assert response.status_code == 201
    order = CustomerOrder.model_validate(response.json())
    assert order.status == "Pending"
    assert order.ship_method == "FedEx Ground Canada"
    assert order.organization_id == 1234
    assert order.created_at == order.updated_at
    assert order.created_at is not None
    assert order.created_at.isoformat() == "2025-03-01T12:00:00+00:00"
    assert order.invoices == []
    assert order.tracking_numbers == []
    assert [line.customs_declared_value for line in order.lines] == [Decimal("123.4"), 10]


def test_a_submitted_order_can_be_read_back_and_found_by_customer_order(
    client: httpx.Client,
) -> None:
    order = submit(client, customer_order="FIND-ME")

    assert client.get(f"{ORDERS}/{order['id']}").json() == order
    found = client.get(ORDERS, params=q(customer_order="FIND-ME")).json()
    assert [o["id"] for o in found["results"]] == [order["id"]]


def test_a_duplicate_customer_order_is_accepted_as_a_second_order(
    client: httpx.Client, sandbox: Sandbox
) -> None:
    before = sandbox.store.count("customer_order_submissions")

    first = submit(client, customer_order="TWICE")
    second = submit(client, customer_order="TWICE")

    assert first["id"] != second["id"]
    assert sandbox.store.count("customer_order_submissions") == before + 2
    assert client.get(ORDERS, params=q(customer_order="TWICE")).json()["total_results"] == 2


def test_an_unknown_order_is_a_404(client: httpx.Client) -> None:
    response = client.get(f"{ORDERS}/999999")

    assert response.status_code == 404
    assert errors_of(response) == {"id": "no customer order with id 999999"}


def with_recipient(**fields: Any) -> dict[str, Any]:
    body = order_body()
    body["recipient"].update(fields)
    return body


def with_line(**fields: Any) -> dict[str, Any]:
    body = order_body()
    body["lines"][0].update(fields)
    return body


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        (with_recipient(address_1="x" * 36), "recipient.address_1", "35 characters"),
        (with_recipient(address_2="y" * 36), "recipient.address_2", "35 characters"),
        (with_recipient(country="ZZ"), "recipient.country", "'ZZ' is not a known ISO"),
        (order_body(ship_method_id=999), "ship_method_id", "unknown ship method 999"),
        (with_line(product_code="Flux Capacitor"), "lines.0.product_code", "unknown product"),
        (with_line(product_code="Generic Appliance"), "lines.0.product_code", "archived"),
        (with_line(quantity=0), "lines.0.quantity", "greater than 0"),
        (with_line(customs_declared_value=-1), "lines.0.customs_declared_value", "greater than"),
        (order_body(lines=[]), "lines", "at least 1"),
        (order_body(organization_id=1), "organization_id", "not your organization"),
        (order_body(colour="blue"), "colour", "unknown field"),
        (
            {k: v for k, v in order_body().items() if k != "customer_order"},
            "customer_order",
            "required",
        ),
    ],
)
def test_an_invalid_order_is_a_422_naming_the_field(
    client: httpx.Client, sandbox: Sandbox, body: dict[str, Any], field: str, words: str
) -> None:
    before = sandbox.store.count("customer_order_submissions")

    response = client.post(ORDERS, json=body)

    assert response.status_code == 422
    errors = errors_of(response)
    assert field in errors, errors
    assert words in errors[field]
    assert sandbox.store.count("customer_order_submissions") == before


def test_an_invalid_order_reports_every_error_at_once(client: httpx.Client) -> None:
    body = order_body(ship_method_id=999)
    body["recipient"].update(address_1="x" * 36, country="ZZ")
    body["importer_of_record"] = {**body["recipient"], "address_1": "ok", "country": "QQ"}
    body["lines"][1].update(product_code="Nothing", quantity=-2)

    response = client.post(ORDERS, json=body)

    assert set(errors_of(response)) == {
        "ship_method_id",
        "recipient.address_1",
        "recipient.country",
        "importer_of_record.country",
        "lines.1.product_code",
        "lines.1.quantity",
    }


@pytest.mark.parametrize("content", [b"{not json", b"", "\u00e9".encode("latin-1")])
def test_a_body_that_is_not_json_is_a_400_naming_the_body(
    client: httpx.Client, content: bytes
) -> None:
    response = client.post(ORDERS, content=content, headers={"Content-Type": "application/json"})

    assert response.status_code == 400
    assert "body" in errors_of(response)


def test_the_control_endpoint_moves_an_order_to_the_next_status(client: httpx.Client) -> None:
    order = submit(client)

    released = client.post(f"/sandbox/orders/{order['id']}/advance")

    assert released.status_code == 200
    assert released.json()["status"] == "Released"
    assert client.get(f"{ORDERS}/{order['id']}").json()["status"] == "Released"


def test_the_control_endpoint_moves_an_order_to_a_named_status(client: httpx.Client) -> None:
    order = submit(client)

    shipped = client.post(f"/sandbox/orders/{order['id']}/advance", json={"status": "Shipped"})

    assert shipped.json()["status"] == "Shipped"


def test_an_order_cannot_move_backwards_or_past_shipped(client: httpx.Client) -> None:
    order = submit(client)
    client.post(f"/sandbox/orders/{order['id']}/advance", json={"status": "Shipped"})

    backwards = client.post(f"/sandbox/orders/{order['id']}/advance", json={"status": "Pending"})
    further = client.post(f"/sandbox/orders/{order['id']}/advance")

    assert backwards.status_code == further.status_code == 409
    assert "status" in errors_of(backwards)


def test_advancing_an_unknown_order_is_a_404(client: httpx.Client) -> None:
    assert client.post("/sandbox/orders/424242/advance").status_code == 404


def test_advancing_to_an_unknown_status_is_a_422(client: httpx.Client) -> None:
    order = submit(client)

    response = client.post(f"/sandbox/orders/{order['id']}/advance", json={"status": "Lost"})

    assert response.status_code == 422
    assert "status" in errors_of(response)


def test_a_shipped_order_has_tracking_serials_and_an_invoice(client: httpx.Client) -> None:
    order = submit(client)

    shipped = CustomerOrder.model_validate(
        client.post(f"/sandbox/orders/{order['id']}/advance", json={"status": "Shipped"}).json()
    )

    assert shipped.tracking_numbers
    assert all(t.tracking_number and t.weight is not None for t in shipped.tracking_numbers)
    server_line, accessory_line = shipped.lines
    assert len(server_line.serial_numbers) == 2
    assert len(set(server_line.serial_numbers)) == 2
    assert accessory_line.serial_numbers == []
    assert len(shipped.invoices) == 1


def test_the_invoice_of_a_shipped_order_is_under_v2_invoices_with_the_exact_total(
    client: httpx.Client,
) -> None:
    order = submit(client)
    shipped = client.post(f"/sandbox/orders/{order['id']}/advance", json={"status": "Shipped"})
    number = shipped.json()["invoices"][0]["invoice_number"]

    invoices = client.get("/v2/invoices", params=q(order_id=order["id"])).json()["results"]

    assert [invoice["id"] for invoice in invoices] == [number]
    invoice = Invoice.model_validate(invoices[0])
    # Catalog prices: StockBox 2000 4999.00 x 2, Generic Product 2 49.95 x 3.
    assert invoice.total == Decimal("10147.85")


def test_serial_numbers_are_unique_across_shipped_orders(client: httpx.Client) -> None:
    serials: list[str] = []
    for _ in range(3):
        order = submit(client)
        shipped = client.post(f"/sandbox/orders/{order['id']}/advance", json={"status": "Shipped"})
        serials += shipped.json()["lines"][0]["serial_numbers"]

    assert len(serials) == len(set(serials)) == 6


class TestTimedLifecycle:
    """Orders released 60 s and shipped 300 s after submission, by the sandbox clock."""

    @pytest.fixture
    def config(self) -> SandboxConfig:
        return SandboxConfig(
            require_auth=False,
            random_seed=7,
            lifecycle=LifecycleConfig(release_after=60, ship_after=300),
        )

    def test_an_order_is_released_when_read_after_its_release_delay(
        self, client: httpx.Client, sandbox: Sandbox
    ) -> None:
        order = submit(client)
        sandbox.clock.advance(59)
        assert client.get(f"{ORDERS}/{order['id']}").json()["status"] == "Pending"

        sandbox.clock.advance(1)

        assert client.get(f"{ORDERS}/{order['id']}").json()["status"] == "Released"

    def test_advancing_the_clock_by_the_control_endpoint_ships_due_orders(
        self, client: httpx.Client, sandbox: Sandbox
    ) -> None:
        order = submit(client)

        answer = client.post("/sandbox/clock/advance", json={"seconds": 300})

        assert answer.json()["now"] == "2025-03-01T12:05:00Z"
        stored = sandbox.store.get("customer_order_submissions", order["id"])
        assert stored is not None
        assert stored["status"] == "Shipped"
        assert stored["invoices"]

    def test_a_tick_moves_due_orders_without_any_read(
        self, client: httpx.Client, sandbox: Sandbox
    ) -> None:
        order = submit(client)
        sandbox.clock.advance(61)

        transitions = sandbox.tick()

        assert [(t.order["id"], t.status.value) for t in transitions] == [(order["id"], "Released")]
        stored = sandbox.store.get("customer_order_submissions", order["id"])
        assert stored is not None
        assert stored["status"] == "Released"


def test_a_negative_clock_advance_is_a_422(client: httpx.Client) -> None:
    response = client.post("/sandbox/clock/advance", json={"seconds": -5})

    assert response.status_code == 422
    assert "seconds" in errors_of(response)

"""AheadInvoiceSource against a sandbox on loopback: invoice, order and prices; cursor; errors."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from adapter_support import ahead_client
from ahead_sources_support import (
    INVOICES_PATH,
    ORDERS_PATH,
    RecordingTransport,
    SandboxOrders,
    invoice_source,
    own_sandbox,
    unique_prefix,
)

from adapters.ahead import AheadInvoiceSource, AheadSourceError
from adapters.base import Record
from connector.api import AheadClient
from connector.sandbox import FaultRule, SandboxServer
from connector.sandbox.store import Table

ITEMS_PATH = "/v2/items"
CATALOG_PATH = "/v2/customer_catalog_items"


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    with own_sandbox() as running:
        yield running


@pytest.fixture
def transport() -> RecordingTransport:
    return RecordingTransport()


@pytest.fixture
def client(sandbox: SandboxServer, transport: RecordingTransport) -> Iterator[AheadClient]:
    sandbox.sandbox.faults.set([])
    with ahead_client(sandbox, transport=transport) as made:
        yield made
    sandbox.sandbox.faults.set([])


@pytest.fixture
def orders(sandbox: SandboxServer, client: AheadClient) -> SandboxOrders:
    return SandboxOrders(sandbox, client)


@pytest.fixture
def prefix() -> str:
    return unique_prefix("BILL")


@pytest.fixture
def source(client: AheadClient, tmp_path: Path, prefix: str) -> AheadInvoiceSource:
    return invoice_source(client, tmp_path, customer_order_prefix=prefix)


def invoice_key(shipped: dict[str, Any]) -> str:
    (invoice,) = shipped["invoices"]
    return f"invoice:{invoice['invoice_number']}"


def keys(records: Iterator[Record] | list[Record]) -> list[str]:
    return [record.key for record in records]


def test_invoice_payload_carries_the_orders_po_and_lines_with_catalog_prices(
    source: AheadInvoiceSource, orders: SandboxOrders, prefix: str
) -> None:
    # An item without a catalog entry: its line has no price.
    orders.insert(Table.ITEMS, {"name": f"{prefix}cable", "serialized": False})
    shipped = orders.ship(
        f"{prefix}1",
        lines=[
            {"product_code": "StockBox 2000", "quantity": 2},
            {"product_code": "Generic Product 1", "quantity": 1},
            {"product_code": f"{prefix}cable", "quantity": 5},
        ],
    )
    (record,) = source.read(None)
    assert record.key == invoice_key(shipped)
    invoice_id = shipped["invoices"][0]["invoice_number"]
    assert record.origin == f"AHEAD invoice {invoice_id}"
    invoice, order = record.payload["invoice"], record.payload["order"]
    assert invoice["id"] == invoice_id
    assert invoice["order_id"] == shipped["id"]
    assert invoice["total"] == 2 * 4999 + 1234.5
    assert "updated_at" not in invoice
    assert order["purchase_order"] == f"PO-{prefix}1"
    assert order["customer_order"] == f"{prefix}1"
    assert order["tracking_numbers"] == shipped["tracking_numbers"]
    assert [
        (line["product_code"], line["quantity"], line["customer_sku"], line["unit_price"])
        for line in order["lines"]
    ] == [
        ("StockBox 2000", 2, "ACME-SB2000", 4999),
        ("Generic Product 1", 1, "ACME-GP1", 1234.5),
        (f"{prefix}cable", 5, None, None),
    ]
    assert order["lines"][0]["item_id"] == 1423291
    assert order["lines"][0]["serial_numbers"] == shipped["lines"][0]["serial_numbers"]


def test_invoices_of_another_prefix_are_not_yielded(
    source: AheadInvoiceSource, orders: SandboxOrders, prefix: str
) -> None:
    orders.ship(f"{unique_prefix('OTHER')}1")
    ours = orders.ship(f"{prefix}1")
    assert keys(source.read(None)) == [invoice_key(ours)]


def test_invoice_of_an_order_that_ships_after_a_read_comes_after_the_cursor(
    source: AheadInvoiceSource, orders: SandboxOrders, prefix: str
) -> None:
    first_order = orders.ship(f"{prefix}1")
    waiting = orders.submit(f"{prefix}2")
    first = list(source.read(None))
    assert keys(first) == [invoice_key(first_order)]
    second_order = orders.advance(waiting)
    assert keys(source.read(first[-1].cursor)) == [invoice_key(second_order)]


def test_read_with_no_changes_fetches_no_orders_and_one_page_of_invoices(
    client: AheadClient,
    transport: RecordingTransport,
    orders: SandboxOrders,
    prefix: str,
    tmp_path: Path,
) -> None:
    for number in range(4):
        orders.ship(f"{prefix}{number}")
    source = invoice_source(client, tmp_path, customer_order_prefix=prefix, page_size=3)
    records = list(source.read(None))
    assert len(records) == 4
    transport.requests.clear()
    assert keys(source.read(records[-1].cursor)) == []
    assert transport.paths() == [INVOICES_PATH]


def test_catalog_is_asked_once_per_product_in_a_read(
    client: AheadClient,
    transport: RecordingTransport,
    orders: SandboxOrders,
    prefix: str,
    tmp_path: Path,
) -> None:
    for number in range(3):
        orders.ship(f"{prefix}{number}")
    source = invoice_source(client, tmp_path, customer_order_prefix=prefix)
    transport.requests.clear()
    assert len(list(source.read(None))) == 3
    # order_payload's two products: one item and one catalog lookup each.
    assert transport.paths().count(ITEMS_PATH) == 2
    assert transport.paths().count(CATALOG_PATH) == 2


def test_since_passes_over_invoices_billed_before_it(
    client: AheadClient, orders: SandboxOrders, prefix: str, tmp_path: Path
) -> None:
    orders.ship(f"{prefix}old")
    new = orders.ship(f"{prefix}new")
    billed = orders.stored(Table.INVOICES, new["invoices"][0]["invoice_number"])["billed_at"]
    source = invoice_source(
        client, tmp_path, customer_order_prefix=prefix, since=datetime.fromisoformat(billed)
    )
    assert keys(source.read(None)) == [invoice_key(new)]


@pytest.mark.parametrize(
    ("failing_path", "words"),
    [
        (INVOICES_PATH, "cannot read invoices from AHEAD (the list at offset "),
        (ORDERS_PATH, "cannot read order "),
        (ITEMS_PATH, "cannot read the customer catalog from AHEAD for AHEAD invoice "),
    ],
)
def test_server_error_during_a_read_is_a_clear_error_and_the_next_read_finds_the_invoice(
    sandbox: SandboxServer,
    source: AheadInvoiceSource,
    orders: SandboxOrders,
    prefix: str,
    failing_path: str,
    words: str,
) -> None:
    first = list(source.read(None))
    assert first == []
    shipped = orders.ship(f"{prefix}1")
    sandbox.sandbox.faults.set(
        [FaultRule(method="GET", path=failing_path, error_rate=1.0, error_status=503)]
    )
    yielded: list[Record] = []
    with pytest.raises(AheadSourceError) as failed:
        yielded.extend(source.read(None))
    assert yielded == []
    assert words in failed.value.detail
    assert "answered 503" in failed.value.detail
    sandbox.sandbox.faults.set([])
    assert keys(source.read(None)) == [invoice_key(shipped)]


def test_invoice_whose_order_does_not_exist_is_set_aside_and_the_others_still_come(
    client: AheadClient, orders: SandboxOrders, prefix: str, tmp_path: Path
) -> None:
    with own_sandbox() as separate, ahead_client(separate) as separate_client:
        separate_orders = SandboxOrders(separate, separate_client)
        before = separate_orders.ship(f"{prefix}1")
        orphan = separate_orders.insert(
            Table.INVOICES, {"order_id": 987654, "total": 10, "billed_at": before["updated_at"]}
        )
        after = separate_orders.ship(f"{prefix}2")
        source = invoice_source(separate_client, tmp_path, customer_order_prefix=prefix)
        records = list(source.read(None))
    assert keys(records) == [invoice_key(before), invoice_key(after)]
    assert (
        "the order it bills, 987654, does not exist in AHEAD"
        in (source.quarantined[f"AHEAD invoice {orphan}"])
    )


def test_unreadable_invoice_of_another_partner_is_passed_over_quietly(
    source: AheadInvoiceSource,
    orders: SandboxOrders,
    prefix: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    others = orders.submit(f"{unique_prefix('OTHER')}1")
    orders.insert(Table.INVOICES, {"order_id": others, "total": "lots"})
    ours = orders.ship(f"{prefix}1")
    with caplog.at_level(logging.ERROR):
        assert keys(source.read(None)) == [invoice_key(ours)]
    assert source.quarantined == {}
    assert caplog.text == ""


def test_invoice_whose_order_does_not_fit_is_set_aside_naming_the_field(
    source: AheadInvoiceSource, orders: SandboxOrders, prefix: str
) -> None:
    shipped = orders.ship(f"{prefix}1")
    lines = [{**shipped["lines"][0], "quantity": "two"}]
    orders.replace(Table.CUSTOMER_ORDER_SUBMISSIONS, shipped["id"], lines=lines)
    assert keys(source.read(None)) == []
    (problem,) = source.quarantined.values()
    assert f"the order it bills, {shipped['id']}, does not fit an AHEAD order" in problem
    assert "lines.0.quantity" in problem

"""The stock NetSuite mappings: sales orders to AHEAD orders, shipped orders to item
fulfillments and sales-order status, invoices to vendor bills."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from netsuite_sink_support import LOOKUPS, netsuite_targets
from typer.testing import CliRunner

from connector.cli import app
from connector.mapping import DeclarativeMapping, MappingLibrary, RecordMappingError


def _mapping(name: str, deployment: Path | None = None) -> DeclarativeMapping:
    library = MappingLibrary.for_deployment(deployment, targets=netsuite_targets())
    return DeclarativeMapping(library.load(name), LOOKUPS)


def _sales_order(**changes: Any) -> dict[str, Any]:
    order: dict[str, Any] = {
        "internalId": "1001",
        "externalId": "SIM-SO-0001",
        "tranId": "SO1001",
        "otherRefNum": "PO-70001",
        "memo": "Rush, please",
        "entity": {"internalId": "202", "name": "Globex Instruments"},
        "shipMethod": {"internalId": "7", "name": "UPS Ground"},
        "shippingAddress": {
            "country": "_unitedStates",
            "addressee": "Globex Instruments",
            "addr1": "500 Market St",
            "addr2": "Dock 4",
            "city": "San Jose",
            "state": "CA",
            "zip": "95113",
        },
        "itemList": {
            "item": [
                {"item": {"internalId": "301", "name": "ACME-SB2000"}, "quantity": 2.0, "line": 1},
                {"item": {"internalId": "302", "name": "CORD"}, "quantity": 5.0, "line": 2},
            ]
        },
    }
    order.update(changes)
    return order


def _shipped_order() -> dict[str, Any]:
    return {
        "id": 5001,
        "purchase_order": "PO-70001",
        "customer_order": "salesOrder:1001",
        "status": "Shipped",
        "ship_method": "UPS Ground",
        "recipient": {"name": "Globex Instruments"},
        "tracking_numbers": [
            {"tracking_number": "1Z0001", "weight": "18.5"},
            {"tracking_number": "1Z0002", "weight": None},
        ],
        "lines": [
            {"product_code": "StockBox 2000", "quantity": 2, "serial_numbers": ["SN-1", "SN-2"]},
            {"product_code": "Power Cord C13", "quantity": 5, "serial_numbers": []},
        ],
    }


def test_a_sales_order_becomes_an_order_keyed_by_its_internal_id(tmp_path: Path) -> None:
    override = tmp_path / "mappings" / "netsuite" / "sales-order-to-order.yaml"
    override.parent.mkdir(parents=True)
    override.write_text(
        "extends: netsuite/sales-order-to-order\nparams: {item_skus: {'302': ACME-PC-C13}}\n",
        encoding="utf-8",
    )

    result = _mapping("netsuite/sales-order-to-order", tmp_path).apply(_sales_order())

    assert result.document == {
        "purchase_order": "PO-70001",
        "customer_order": "salesOrder:1001",
        "ship_method_id": 30,
        "notes": "Rush, please",
        "recipient": {
            "name": "Globex Instruments",
            "address_1": "500 Market St",
            "address_2": "Dock 4",
            "city": "San Jose",
            "state": "CA",
            "zip": "95113",
            "country": "US",
        },
        "lines": [
            {"product_code": "StockBox 2000", "quantity": 2},
            {"product_code": "Power Cord C13", "quantity": 5},
        ],
    }


def test_a_sales_order_without_ship_method_or_po_takes_the_defaults_and_its_number() -> None:
    order = _sales_order(otherRefNum=None, shipMethod=None)
    del order["otherRefNum"], order["shipMethod"]
    order["shippingAddress"]["country"] = "_canada"
    order["itemList"]["item"] = order["itemList"]["item"][:1]

    document = _mapping("netsuite/sales-order-to-order").apply(order).document

    assert document["purchase_order"] == "SO1001"
    assert document["ship_method_id"] == 12
    assert document["recipient"]["country"] == "CA"


def test_a_sales_order_line_of_an_unknown_sku_names_the_line_and_the_value() -> None:
    with pytest.raises(RecordMappingError) as failed:
        _mapping("netsuite/sales-order-to-order").apply(_sales_order())

    message = str(failed.value)
    assert "lines[1].product_code" in message
    assert "CORD" in message


def test_a_shipped_order_becomes_a_fulfillment_of_its_sales_order_with_packages_and_serials() -> (
    None
):
    document = _mapping("netsuite/order-to-item-fulfillment").apply(_shipped_order()).document

    assert document == {
        "sales_order": "1001",
        "ship_status": "_shipped",
        "memo": "AHEAD order 5001 shipped by UPS Ground",
        "packages": [
            {"tracking_number": "1Z0001", "weight": "18.5", "description": "AHEAD shipment"},
            {"tracking_number": "1Z0002", "description": "AHEAD shipment"},
        ],
        "lines": [
            {"quantity": 2, "serial_numbers": ["SN-1", "SN-2"]},
            {"quantity": 5, "serial_numbers": []},
        ],
    }


def test_an_order_of_another_channel_is_not_mapped_to_a_fulfillment() -> None:
    order = _shipped_order() | {"customer_order": "ACME-PO12345"}

    with pytest.raises(RecordMappingError) as failed:
        _mapping("netsuite/order-to-item-fulfillment").apply(order)

    assert "sales_order" in str(failed.value)


def test_a_shipped_order_gives_the_status_written_back_to_its_sales_order() -> None:
    document = _mapping("netsuite/order-to-sales-order-status").apply(_shipped_order()).document

    assert document == {"sales_order": "1001", "ahead_order_id": "5001", "ahead_status": "Shipped"}


def test_an_invoice_becomes_a_vendor_bill_with_the_orders_lines() -> None:
    order = _shipped_order()
    order["lines"][0] |= {"customer_sku": "ACME-SB2000", "unit_price": "4999.00"}
    order["lines"][1] |= {"customer_sku": None, "unit_price": None}
    invoice = {
        "id": 9001,
        "order_id": 5001,
        "billed_at": "2026-03-02T10:00:00Z",
        "total": "10035.5",
        "created_at": None,
    }

    document = (
        _mapping("netsuite/invoice-to-vendor-bill")
        .apply({"invoice": invoice, "order": order})
        .document
    )

    assert document == {
        "vendor": "401",
        "reference": "9001",
        "bill_date": "2026-03-02",
        "total": "10035.50",
        "memo": "AHEAD invoice 9001 for order 5001 (salesOrder:1001)",
        "lines": [
            {
                "item_external_id": "ACME-SB2000",
                "quantity": 2,
                "rate": "4999.00",
                "description": "StockBox 2000",
            },
            {"item_external_id": "Power Cord C13", "quantity": 5, "description": "Power Cord C13"},
        ],
    }


def test_mapping_test_maps_a_sales_order_file_against_the_sandbox(tmp_path: Path) -> None:
    order = _sales_order()
    order["itemList"]["item"] = order["itemList"]["item"][:1]
    source = tmp_path / "sales-order.json"
    source.write_text(json.dumps(order), encoding="utf-8")

    finished = CliRunner().invoke(
        app, ["mapping", "test", "netsuite/sales-order-to-order", str(source)]
    )

    assert finished.exit_code == 0, finished.output
    document = json.loads(finished.stdout)
    assert document["customer_order"] == "salesOrder:1001"
    assert document["lines"] == [{"product_code": "StockBox 2000", "quantity": 2}]

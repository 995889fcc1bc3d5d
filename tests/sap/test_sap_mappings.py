"""The stock SAP mappings through ``ahead-connector mapping test`` (lookups in the sandbox the
command starts in the process): sales orders and ORDERS05 IDocs to AHEAD orders, shipped orders
to DESADV documents and delivery updates, invoices to INVOIC02 documents and invoice matches."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sap_files_support import EXAMPLE
from typer.testing import CliRunner

from adapters.sap.idoc import read_orders05
from connector.cli import app

EXAMPLE_MAPPING = EXAMPLE / "mappings" / "sap" / "sales-order-to-order.yaml"

SALES_ORDER = {
    "SalesOrder": "4711",
    "SalesOrderType": "OR",
    "SoldToParty": "17100001",
    "PurchaseOrderByCustomer": "PO-77001",
    "ShippingCondition": "02",
    "to_Partner": [{"SalesOrder": "4711", "PartnerFunction": "WE", "Customer": "17100003"}],
    "to_Item": [
        {"SalesOrderItem": "10", "Material": "ACME-SB2000", "RequestedQuantity": "1.000"},
        {"SalesOrderItem": "20", "Material": "ACME-NVME192", "RequestedQuantity": "2.000"},
    ],
}
SHIPPED_ORDER = {
    "id": 5003,
    "purchase_order": "PO-77001",
    "customer_order": "SAP-4711",
    "status": "Shipped",
    "ship_method": "FedEx 2Day",
    "recipient": {
        "name": "Acme Robotics Europe",
        "address_1": "Hafenstrasse 12",
        "city": "Hamburg",
        "zip": "20457",
        "country": "DE",
    },
    "tracking_numbers": [{"tracking_number": "1ZTRACK0001", "weight": "18.5"}],
    "lines": [
        {"product_code": "StockBox 2000", "quantity": 1, "serial_numbers": ["SN1"]},
        {"product_code": "NVMe SSD 1.92TB", "quantity": 2, "serial_numbers": []},
    ],
}
INVOICE = {
    "invoice": {
        "id": 42,
        "order_id": 5003,
        "billed_at": "2025-01-20T10:00:00Z",
        "total": "5517.00",
    },
    "order": {
        **SHIPPED_ORDER,
        "lines": [
            {
                "product_code": "StockBox 2000",
                "quantity": 1,
                "customer_sku": "ACME-SB2000",
                "unit_price": "4999.00",
            },
            {
                "product_code": "NVMe SSD 1.92TB",
                "quantity": 2,
                "customer_sku": "ACME-NVME192",
                "unit_price": "259.00",
            },
        ],
    },
}


def _map(mapping: str, payload: dict[str, Any], folder: Path) -> tuple[int, Any, str]:
    source = folder / "record.json"
    source.write_text(json.dumps(payload), encoding="utf-8")
    result = CliRunner().invoke(app, ["mapping", "test", mapping, str(source)])
    output = json.loads(result.stdout) if result.exit_code == 0 else None
    return result.exit_code, output, result.stdout + result.stderr


def test_a_sales_order_becomes_an_order_keyed_as_the_source_keys_it(tmp_path: Path) -> None:
    code, order, text = _map(str(EXAMPLE_MAPPING), SALES_ORDER, tmp_path)

    assert code == 0, text
    assert order["customer_order"] == "SAP-4711"
    assert order["purchase_order"] == "PO-77001"
    assert order["ship_method_id"] == 13
    assert order["recipient"]["name"] == "Acme Robotics Europe"
    assert order["recipient"]["country"] == "DE"
    assert order["lines"] == [
        {"product_code": "StockBox 2000", "quantity": 1},
        {"product_code": "NVMe SSD 1.92TB", "quantity": 2},
    ]


def test_a_sales_order_with_an_unlisted_ship_to_names_the_missing_address(
    tmp_path: Path,
) -> None:
    code, _, text = _map("sap/sales-order-to-order", SALES_ORDER, tmp_path)

    assert code == 1
    assert "sales-order-to-order.yaml" in text
    assert "recipient" in text
    assert "17100003" in text


def test_an_orders05_idoc_becomes_an_order_with_its_ship_to_and_customer_skus(
    tmp_path: Path,
) -> None:
    [document] = read_orders05(EXAMPLE / "inbox" / "po-4500012345.xml")
    payload = {
        "envelope": {"customer_order": "ACME-4500012345", "purchase_order": "4500012345"},
        **document.tree,
    }

    code, order, text = _map("sap/orders05-to-order", payload, tmp_path)

    assert code == 0, text
    assert order["customer_order"] == "ACME-4500012345"
    assert order["ship_method_id"] == 12
    assert order["recipient"]["city"] == "Boulder"
    assert order["recipient"]["state"] == "CO"
    assert order["notes"] == "Deliver between 8:00 and 16:00."
    assert order["lines"] == [
        {"product_code": "StockBox 2000", "quantity": 2},
        {"product_code": "Power Cord C13", "quantity": 4},
    ]


def test_an_orders05_line_of_an_unknown_sku_names_the_line_and_the_value(
    tmp_path: Path,
) -> None:
    [document] = read_orders05(EXAMPLE / "inbox" / "po-4500012345.xml")
    tree = json.loads(json.dumps(document.tree).replace("ACME-PC-C13", "ACME-NOPE"))
    payload = {"envelope": {"customer_order": "ACME-1", "purchase_order": "1"}, **tree}

    code, _, text = _map("sap/orders05-to-order", payload, tmp_path)

    assert code == 1
    assert "lines[1].product_code" in text
    assert "ACME-NOPE" in text


def test_a_shipped_order_becomes_a_desadv_document(tmp_path: Path) -> None:
    code, desadv, text = _map("sap/order-to-desadv", SHIPPED_ORDER, tmp_path)

    assert code == 0, text
    assert desadv["delivery"] == "5003"
    assert desadv["bill_of_lading"] == "1ZTRACK0001"
    assert desadv["ship_to"]["country"] == "DE"
    assert [(i["product_code"], i["quantity"]) for i in desadv["items"]] == [
        ("StockBox 2000", "1"),
        ("NVMe SSD 1.92TB", "2"),
    ]
    assert desadv["packages"] == [
        {"tracking_number": "1ZTRACK0001", "weight": "18.500", "weight_unit": "KGM"}
    ]


def test_a_shipped_sales_order_becomes_a_delivery_update(tmp_path: Path) -> None:
    code, update, text = _map("sap/order-to-delivery-update", SHIPPED_ORDER, tmp_path)

    assert code == 0, text
    assert update == {
        "sales_order": "4711",
        "tracking_number": "1ZTRACK0001",
        "means_of_transport": "FedEx 2Day",
        "lines": [{"quantity": "1"}, {"quantity": "2"}],
    }


def test_an_invoice_becomes_an_invoic_document_and_an_invoice_match(tmp_path: Path) -> None:
    code, invoic, text = _map("sap/invoice-to-invoic", INVOICE, tmp_path)
    code_match, match, text_match = _map("sap/invoice-to-match", INVOICE, tmp_path)

    assert code == 0, text
    assert (invoic["invoice_number"], invoic["billed_on"], invoic["total"]) == (
        "42",
        "2025-01-20",
        "5517.00",
    )
    assert [(i["customer_sku"], i["net_amount"]) for i in invoic["items"]] == [
        ("ACME-SB2000", "4999.00"),
        ("ACME-NVME192", "518.00"),
    ]
    assert code_match == 0, text_match
    assert match == {
        "invoice": "42",
        "sales_order": "4711",
        "purchase_order": "PO-77001",
        "total": "5517.00",
        "billed_on": "2025-01-20",
    }

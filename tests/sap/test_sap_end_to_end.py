"""The SAP story end to end, over loopback HTTP to the SAP simulator and the AHEAD sandbox,
with the flows of the example deployment run by the runtime: sales orders and ORDERS05 files
become AHEAD orders exactly once; shipments update SAP's deliveries and become DESADV files;
invoices become INVOIC02 files and match reports; running everything again creates nothing
twice; the bad IDoc file goes to error/ with a report naming segment and field."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from sap_example_support import load_example

from adapters.sap.idoc import IdocBasicType, read_idocs
from adapters.sap.simulator import SapSimulatorConfig, SapSimulatorServer
from connector.api import AheadClient
from connector.api.models import CustomerOrder, Invoice
from connector.engine import RunReport
from connector.runtime import Runtime
from connector.sandbox import SandboxServer


@dataclass
class Story:
    deployment: Path
    sap: SapSimulatorServer
    ahead: AheadClient
    first: dict[str, RunReport]
    again: dict[str, RunReport]
    sales_orders: list[str]

    def orders(self) -> list[CustomerOrder]:
        return [
            order
            for order in self.ahead.iterate("customer_order_submissions")
            if isinstance(order, CustomerOrder)
            and order.customer_order.startswith(("SAP-", "ACME-"))
        ]

    def files(self, folder: str) -> list[Path]:
        return sorted((self.deployment / folder).iterdir())


@pytest.fixture(scope="module")
def example() -> ModuleType:
    return load_example()


@pytest.fixture(scope="module")
def story(tmp_path_factory: pytest.TempPathFactory, example: Any) -> Iterator[Story]:
    deployment = tmp_path_factory.mktemp("sap-deployment")
    config = SapSimulatorConfig(prices=example.PRICES)
    with SapSimulatorServer(config) as sap, SandboxServer(example._SANDBOX) as ahead:
        numbers = [
            str(sap.simulator.create_sales_order(example.sales_order(*order))["SalesOrder"])
            for order in example.SALES_ORDERS
        ]
        example.write_deployment(deployment, ahead.base_url, sap.base_url)
        with Runtime.open(deployment, environ=example.environment()) as runtime:
            first: dict[str, RunReport] = {}
            for name in example.ORDER_FLOWS:
                first[name] = runtime.run_flow(name)
            for number in numbers:
                sap.simulator.create_delivery(number)
            example.ship_everything(ahead.base_url, runtime.ahead)
            for name in example.SHIPMENT_FLOWS:
                first[name] = runtime.run_flow(name)
            for number in numbers:
                sap.simulator.create_billing_document(number)
            for name in example.INVOICE_FLOWS:
                first[name] = runtime.run_flow(name)
            again = {
                name: runtime.run_flow(name)
                for name in example.ORDER_FLOWS + example.SHIPMENT_FLOWS + example.INVOICE_FLOWS
            }
            yield Story(deployment, sap, runtime.ahead, first, again, numbers)


def test_sales_orders_and_idoc_files_became_each_one_ahead_order(story: Story) -> None:
    orders = story.orders()

    assert sorted(order.customer_order for order in orders) == [
        "ACME-4500012345",
        "ACME-4500012346",
        "SAP-1",
        "SAP-2",
    ]
    by_key = {order.customer_order: order for order in orders}
    assert by_key["SAP-1"].purchase_order == "PO-77001"
    assert [(line.product_code, line.quantity) for line in by_key["SAP-1"].lines] == [
        ("StockBox 2000", 1),
        ("NVMe SSD 1.92TB", 2),
    ]
    assert by_key["SAP-2"].recipient is not None
    assert by_key["SAP-2"].recipient.country == "DE"
    assert by_key["ACME-4500012345"].recipient is not None
    assert by_key["ACME-4500012345"].recipient.city == "Boulder"


def test_every_flow_sent_each_document_once_and_nothing_the_second_time(story: Story) -> None:
    assert {name: report.counts.submitted for name, report in story.first.items()} == {
        "sap-orders": 2,
        "idoc-orders": 2,
        "sap-shipments": 2,
        "idoc-shipments": 2,
        "sap-invoices": 2,
        "idoc-invoices": 2,
    }
    assert all(report.counts.failed == 0 for report in story.first.values())
    assert {name: report.counts.submitted for name, report in story.again.items()} == dict.fromkeys(
        story.again, 0
    )
    assert len(story.orders()) == 4


def test_shipped_sales_orders_carry_tracking_quantities_and_goods_issue_in_sap(
    story: Story,
) -> None:
    tracking = {
        order.customer_order: order.tracking_numbers[0].tracking_number for order in story.orders()
    }

    deliveries = story.sap.simulator.deliveries()

    assert [
        (
            d["to_DeliveryDocumentItem"][0]["ReferenceSDDocument"],
            d["BillOfLading"],
            d["OverallGoodsMovementStatus"],
        )
        for d in deliveries
    ] == [("1", tracking["SAP-1"], "C"), ("2", tracking["SAP-2"], "C")]
    quantities = [
        Decimal(item["ActualDeliveryQuantity"]) for item in deliveries[0]["to_DeliveryDocumentItem"]
    ]
    assert quantities == [Decimal(1), Decimal(2)]
    orders = story.sap.simulator.sales_orders()
    assert {order["OverallTotalDeliveryStatus"] for order in orders} == {"C"}


def test_idoc_orders_shipped_and_invoiced_became_desadv_and_invoic02_files(
    story: Story,
) -> None:
    files = {path.name: path.read_bytes() for path in story.files("outbox")}
    ids = {order.customer_order: order.id for order in story.orders()}

    acme_ids = {ids["ACME-4500012345"], ids["ACME-4500012346"]}
    invoice_ids = [
        invoice.id
        for invoice in story.ahead.iterate("invoices")
        if isinstance(invoice, Invoice) and invoice.order_id in acme_ids
    ]

    assert sorted(files) == sorted(
        [
            "desadv-ACME-4500012345.xml",
            "desadv-ACME-4500012346.xml",
            *(f"invoic-invoice_{number}.xml" for number in invoice_ids),
        ]
    )
    [desadv] = read_idocs(
        files["desadv-ACME-4500012345.xml"], IdocBasicType.DELVRY07, source="desadv"
    )
    header = desadv.tree["E1EDL20"]
    assert header["VBELN"] == str(ids["ACME-4500012345"])
    assert header["LIFEX"] == "ACME-4500012345"
    assert [(i["MATNR_EXTERNAL"], i["LFIMG"]) for i in header["E1EDL24"]] == [
        ("StockBox 2000", "2"),
        ("Power Cord C13", "4"),
    ]
    invoices = [
        read_idocs(data, IdocBasicType.INVOIC02, source=name)[0]
        for name, data in files.items()
        if name.startswith("invoic-")
    ]
    assert sorted(i.tree["E1EDK02"][1]["BELNR"] for i in invoices) == ["4500012345", "4500012346"]


def test_invoices_of_sales_orders_are_reported_matched_with_sap_billing_documents(
    story: Story,
) -> None:
    reports = [json.loads(path.read_text()) for path in story.files("reports")]
    billing = {
        document["BillingDocument"]: document
        for document in story.sap.simulator.billing_documents()
    }

    assert sorted(report["invoice"]["sales_order"] for report in reports) == ["1", "2"]
    for report in reports:
        [matched] = report["billing_documents"]
        assert report["verdict"] == "matched"
        assert Decimal(matched["net_amount"]) == Decimal(report["invoice"]["total"])
        assert matched["billing_document"] in billing


def test_the_bad_idoc_file_is_in_error_with_a_report_naming_segment_and_field(
    story: Story,
) -> None:
    report = (story.deployment / "error" / "po-4500012347.xml.error.txt").read_text()

    assert [path.name for path in story.files("archive")] == [
        "po-4500012345.xml",
        "po-4500012346.xml",
    ]
    assert "segment E1EDP01 #2 (segment number 17), field MENGE" in report
    assert "at most 15" in report
    assert list((story.deployment / "inbox").iterdir()) == []

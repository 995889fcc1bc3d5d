"""The delivery sink against the SAP simulator: tracking number and shipped quantities on the
sales order's outbound delivery, goods issue, idempotent writes, lookups by tracking number,
a lost answer reconciled; the sink contract."""

from __future__ import annotations

import socket
from collections.abc import Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr
from sap_support import BASIC, order_payload

from adapters.base import (
    AdapterContext,
    Record,
    SinkOutcomeUnknownError,
    SinkRejectedError,
    SinkUnavailableError,
)
from adapters.contract import SecondWrite, SinkContract, SinkHarness
from adapters.sap import SapDeliverySink, SapDeliverySinkSettings
from adapters.sap.simulator import Fault, FaultKind, SapSimulatorServer


def _sink(server: SapSimulatorServer, folder: Path, **options: Any) -> SapDeliverySink:
    settings = SapDeliverySinkSettings.model_validate(
        {
            "connection": {
                "base_url": server.base_url,
                "auth": {"kind": "basic", "user": BASIC[0], "password": SecretStr(BASIC[1])},
            },
            "key_prefix": "SAP-",
            **options,
        }
    )
    return SapDeliverySink(settings, AdapterContext("sap-deliveries", folder))


def _shipment(sales_order: str, tracking: str, *quantities: int) -> tuple[Record, dict[str, Any]]:
    """The record of a shipped AHEAD order and its mapped delivery update."""
    record = Record.of(
        f"SAP-{sales_order}",
        {
            "customer_order": f"SAP-{sales_order}",
            "tracking_numbers": [{"tracking_number": tracking}],
            "lines": [{"quantity": quantity} for quantity in quantities],
        },
    )
    document = {
        "sales_order": sales_order,
        "tracking_number": tracking,
        "means_of_transport": "FedEx Ground",
        "lines": [{"quantity": quantity} for quantity in quantities],
    }
    return record, document


class DeliveryHarness(SinkHarness):
    """Document ``n`` ships a new sales order of two items with a delivery waiting in SAP."""

    def __init__(self, server: SapSimulatorServer, folder: Path) -> None:
        self.server = server
        self.folder = folder
        self.orders: dict[int, str] = {}

    @property
    def second_write(self) -> SecondWrite:
        return SecondWrite.REJECTED

    def make_sink(self) -> SapDeliverySink:
        return _sink(self.server, self.folder)

    def _order(self, number: int) -> str:
        if number not in self.orders:
            simulator = self.server.simulator
            order = simulator.create_sales_order(order_payload(f"PO-{number}", items=2))
            self.orders[number] = str(order["SalesOrder"])
            simulator.create_delivery(self.orders[number])
        return self.orders[number]

    def document(self, number: int, revision: int = 0) -> tuple[Record, Mapping[str, Any]]:
        return _shipment(self._order(number), f"1Z{number:04d}R{revision}", 1, 2 - revision)

    def invalid_document(self, number: int) -> tuple[Record, Mapping[str, Any]]:
        record, document = _shipment(self._order(number), f"1Z{number:04d}X", 1)
        return record, {**document, "lines": []}

    def make_unavailable_sink(self) -> SapDeliverySink:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            closed_port = probe.getsockname()[1]
        settings = SapDeliverySinkSettings.model_validate(
            {
                "connection": {
                    "base_url": f"http://127.0.0.1:{closed_port}",
                    "auth": {"kind": "basic", "user": BASIC[0], "password": SecretStr(BASIC[1])},
                    "max_attempts": 1,
                },
                "key_prefix": "SAP-",
            }
        )
        return SapDeliverySink(settings, AdapterContext("sap-deliveries", self.folder))


class TestSapDeliverySinkContract(SinkContract):
    @pytest.fixture
    def sink_harness(self, server: SapSimulatorServer, tmp_path: Path) -> DeliveryHarness:
        return DeliveryHarness(server, tmp_path)


@pytest.fixture
def sales_order(server: SapSimulatorServer) -> str:
    order = server.simulator.create_sales_order(order_payload("PO-9", items=2))
    return str(order["SalesOrder"])


@pytest.fixture
def sink(server: SapSimulatorServer, tmp_path: Path) -> Iterator[SapDeliverySink]:
    made = _sink(server, tmp_path, post_goods_issue=True)
    yield made
    made.close()


def test_tracking_quantities_and_goods_issue_are_written_to_the_delivery(
    server: SapSimulatorServer, sink: SapDeliverySink, sales_order: str
) -> None:
    server.simulator.create_delivery(sales_order)
    record, document = _shipment(sales_order, "1ZTRACK01", 1, 1)

    reference = sink.write(record, document)

    [delivery] = server.simulator.deliveries()
    items = delivery["to_DeliveryDocumentItem"]
    assert reference == delivery["DeliveryDocument"]
    assert (delivery["BillOfLading"], delivery["MeansOfTransport"]) == ("1ZTRACK01", "FedEx Ground")
    assert [Decimal(item["ActualDeliveryQuantity"]) for item in items] == [1, 1]
    assert delivery["OverallGoodsMovementStatus"] == "C"
    assert sink.lookup(record) == reference


def test_writing_the_same_shipment_again_changes_nothing(
    server: SapSimulatorServer, sink: SapDeliverySink, sales_order: str
) -> None:
    server.simulator.create_delivery(sales_order)
    record, document = _shipment(sales_order, "1ZTRACK02", 1, 2)
    sink.write(record, document)
    before = server.simulator.deliveries()

    again = sink.write(record, document)

    assert again == before[0]["DeliveryDocument"]
    assert server.simulator.deliveries() == before


def test_a_sales_order_without_a_delivery_yet_is_tried_again_later(
    sink: SapDeliverySink, sales_order: str
) -> None:
    record, document = _shipment(sales_order, "1ZTRACK03", 1, 2)

    with pytest.raises(SinkUnavailableError) as waiting:
        sink.write(record, document)

    assert f"sales order {sales_order} has no outbound delivery in SAP yet" in waiting.value.detail
    assert sink.lookup(record) is None


def test_more_lines_than_the_sales_order_has_items_is_rejected(
    server: SapSimulatorServer, sink: SapDeliverySink, sales_order: str
) -> None:
    server.simulator.create_delivery(sales_order)
    record, document = _shipment(sales_order, "1ZTRACK04", 1, 2, 3)

    with pytest.raises(SinkRejectedError) as rejected:
        sink.write(record, document)

    assert "line 3 of the shipment has no item in sales order" in rejected.value.detail


def test_a_lost_goods_issue_answer_is_unknown_and_lookup_then_finds_the_delivery(
    server: SapSimulatorServer, sink: SapDeliverySink, sales_order: str
) -> None:
    server.simulator.create_delivery(sales_order)
    server.simulator.faults.add(
        [Fault(kind=FaultKind.DROP_RESPONSE, method="POST", path_contains="PostGoodsIssue")]
    )
    record, document = _shipment(sales_order, "1ZTRACK05", 1, 2)

    with pytest.raises(SinkOutcomeUnknownError):
        sink.write(record, document)

    [delivery] = server.simulator.deliveries()
    assert delivery["OverallGoodsMovementStatus"] == "C"
    assert sink.lookup(record) == delivery["DeliveryDocument"]


def test_lookup_without_goods_issue_yet_is_none_so_the_write_is_finished(
    server: SapSimulatorServer, tmp_path: Path, sink: SapDeliverySink, sales_order: str
) -> None:
    server.simulator.create_delivery(sales_order)
    record, document = _shipment(sales_order, "1ZTRACK06", 1, 2)
    without_goods_issue = _sink(server, tmp_path)
    without_goods_issue.write(record, document)

    found_before = sink.lookup(record)
    sink.write(record, document)

    assert found_before is None
    assert server.simulator.deliveries()[0]["OverallGoodsMovementStatus"] == "C"
    without_goods_issue.close()

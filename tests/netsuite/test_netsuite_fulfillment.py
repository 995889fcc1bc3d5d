"""Shipments as item fulfillments: initialize one from a sales order, add packages with their
tracking numbers and serial numbers on the lines, and add it; the order moves along."""

from __future__ import annotations

from typing import Any

import pytest
from netsuite_support import sales_order

from adapters.netsuite import (
    Namespace,
    NetSuiteClient,
    NetSuiteRecordError,
    RecordReference,
    RecordType,
)
from adapters.netsuite.simulator import SimulatorServer


def _order(server: SimulatorServer, *lines: tuple[str, float]) -> RecordReference:
    internal_id = server.simulator.seed(RecordType.SALES_ORDER, sales_order("SO-1", *lines))
    return RecordReference(RecordType.SALES_ORDER, internal_id)


def _packages(client: NetSuiteClient, *tracking_numbers: str) -> Any:
    return client.value(
        Namespace.SALES,
        "ItemFulfillmentPackageList",
        package=[
            client.value(
                Namespace.SALES,
                "ItemFulfillmentPackage",
                packageWeight=2.5,
                packageDescr="carton",
                packageTrackingNumber=number,
            )
            for number in tracking_numbers
        ],
    )


def _serials(client: NetSuiteClient, *numbers: str) -> Any:
    return client.value(
        Namespace.COMMON,
        "InventoryDetail",
        inventoryAssignmentList=client.value(
            Namespace.COMMON,
            "InventoryAssignmentList",
            inventoryAssignment=[
                client.value(
                    Namespace.COMMON,
                    "InventoryAssignment",
                    receiptInventoryNumber=number,
                    quantity=1.0,
                )
                for number in numbers
            ],
        ),
    )


def test_initialize_offers_every_open_line_of_the_order_with_its_quantity(
    server: SimulatorServer, client: NetSuiteClient
) -> None:
    order = _order(server, ("301", 2), ("302", 1))

    fulfillment = client.initialize(RecordType.ITEM_FULFILLMENT, order)

    assert fulfillment.internalId is None
    assert fulfillment.createdFrom.internalId == order.internal_id
    assert fulfillment.entity.internalId == "201"
    lines = [
        (line.item.internalId, line.orderLine, line.quantity) for line in fulfillment.itemList.item
    ]
    assert lines == [("301", 1, 2.0), ("302", 2, 1.0)]
    assert all(line.itemReceive for line in fulfillment.itemList.item)


def test_an_added_fulfillment_keeps_its_packages_tracking_and_serial_numbers(
    server: SimulatorServer, client: NetSuiteClient
) -> None:
    order = _order(server, ("301", 2), ("302", 1))
    fulfillment = client.initialize(RecordType.ITEM_FULFILLMENT, order)
    fulfillment.externalId = "AHEAD-SHIP-77"
    fulfillment.shipStatus = "_shipped"
    fulfillment.packageList = _packages(client, "1Z999AA10123456784", "1Z999AA10123456785")
    first, second = fulfillment.itemList.item
    first.inventoryDetail = _serials(client, "SN-0001", "SN-0002")
    second.serialNumbers = "SN-0100"

    reference = client.add(fulfillment)
    stored = client.get(RecordType.ITEM_FULFILLMENT, internal_id=reference.internal_id)

    assert reference.external_id == "AHEAD-SHIP-77"
    assert stored.createdFrom.internalId == order.internal_id
    assert stored.shipStatus == "_shipped"
    assert [package.packageTrackingNumber for package in stored.packageList.package] == [
        "1Z999AA10123456784",
        "1Z999AA10123456785",
    ]
    first, second = stored.itemList.item
    assigned = first.inventoryDetail.inventoryAssignmentList.inventoryAssignment
    assert [number.receiptInventoryNumber for number in assigned] == ["SN-0001", "SN-0002"]
    assert second.serialNumbers == "SN-0100"
    shipped_order = client.get(RecordType.SALES_ORDER, internal_id=order.internal_id)
    assert shipped_order.orderStatus == "_pendingBilling"
    assert [line.quantityFulfilled for line in shipped_order.itemList.item] == [2.0, 1.0]
    assert shipped_order.linkedTrackingNumbers == "1Z999AA10123456784 1Z999AA10123456785"


def test_a_partial_fulfillment_leaves_the_rest_for_the_next_one(
    server: SimulatorServer, client: NetSuiteClient
) -> None:
    order = _order(server, ("301", 5), ("302", 1))
    fulfillment = client.initialize(RecordType.ITEM_FULFILLMENT, order)
    first, second = fulfillment.itemList.item
    first.quantity = 3.0
    second.itemReceive = False

    client.add(fulfillment)
    rest = client.initialize(RecordType.ITEM_FULFILLMENT, order)

    assert client.get(RecordType.SALES_ORDER, internal_id=order.internal_id).orderStatus == (
        "_partiallyFulfilled"
    )
    assert [(line.orderLine, line.quantity) for line in rest.itemList.item] == [(1, 2.0), (2, 1.0)]
    (stored,) = server.simulator.records(RecordType.ITEM_FULFILLMENT)
    assert [line["orderLine"] for line in stored["itemList"]["item"]] == ["1"]


def test_fulfilling_more_than_remains_is_refused_with_invalid_qty(
    server: SimulatorServer, client: NetSuiteClient
) -> None:
    order = _order(server, ("301", 2))
    fulfillment = client.initialize(RecordType.ITEM_FULFILLMENT, order)
    fulfillment.itemList.item[0].quantity = 3.0

    with pytest.raises(NetSuiteRecordError) as refused:
        client.add(fulfillment)

    assert refused.value.code == "INVALID_QTY"
    assert "2.0 remain" in refused.value.message
    assert server.simulator.records(RecordType.ITEM_FULFILLMENT) == []


def test_serial_numbers_that_do_not_add_up_to_the_quantity_are_refused(
    server: SimulatorServer, client: NetSuiteClient
) -> None:
    order = _order(server, ("301", 2))
    fulfillment = client.initialize(RecordType.ITEM_FULFILLMENT, order)
    fulfillment.itemList.item[0].inventoryDetail = _serials(client, "SN-0001")

    with pytest.raises(NetSuiteRecordError) as refused:
        client.add(fulfillment)

    assert refused.value.code == "USER_ERROR"
    assert "must be 2.0, not 1.0" in refused.value.message


def test_an_order_that_is_fully_shipped_cannot_be_initialized_again(
    server: SimulatorServer, client: NetSuiteClient
) -> None:
    order = _order(server, ("301", 1))
    client.add(client.initialize(RecordType.ITEM_FULFILLMENT, order))

    with pytest.raises(NetSuiteRecordError) as refused:
        client.initialize(RecordType.ITEM_FULFILLMENT, order)

    assert refused.value.code == "INVALID_INITIALIZE_REF"
    assert order.internal_id in refused.value.message

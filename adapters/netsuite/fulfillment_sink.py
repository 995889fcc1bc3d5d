"""A sink that ships NetSuite sales orders: an item fulfillment per shipped AHEAD order.

Record: a shipped AHEAD order (``ahead-shipped-orders``), whose key is its ``customer_order``;
the stock mapping ``netsuite/sales-order-to-order`` makes that ``salesOrder:<internal id>``,
so the key names the sales order (see ``docs/netsuite.md``).

Write: the document (:class:`~adapters.netsuite.targets.ItemFulfillmentDocument`) is checked;
a fulfillment with the record's external id (``ahead-fulfillment-<sales order id>`` by
default) is looked for first, since NetSuite has no upsert we can count on for item
fulfillments, and returned when found; otherwise NetSuite ``initialize`` s a fulfillment from
the sales order, the sink marks the shipped lines (their quantities and serial numbers, the
others not received), sets the packages with their tracking numbers, and ``add`` s it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from pydantic import Field

from adapters.base import (
    AdapterSettings,
    Record,
    SinkRejectedError,
    UpdateNotSupportedError,
)
from adapters.netsuite.namespaces import Namespace
from adapters.netsuite.records import RecordReference, RecordType
from adapters.netsuite.sink_base import (
    NetSuiteSink,
    NetSuiteSinkSettings,
    outcome_of,
    validated,
)
from adapters.netsuite.targets import FulfillmentLine, ItemFulfillmentDocument

#: What separates serial numbers in a line's ``serialNumbers`` text.
SERIAL_SEPARATOR = ","


class NetSuiteItemFulfillmentSinkSettings(NetSuiteSinkSettings):
    """The settings of :class:`NetSuiteItemFulfillmentSink`.

    Attributes:
        key_prefix: left out of the key to make the external id (``salesOrder:``).
        external_id_prefix: put before the rest (``ahead-fulfillment-``).
    """

    key_prefix: str = "salesOrder:"
    external_id_prefix: str = Field(default="ahead-fulfillment-", min_length=1)


class NetSuiteItemFulfillmentSink(NetSuiteSink):
    """Creates an item fulfillment of a sales order for each shipped order (see the module).

    Settings: :class:`NetSuiteItemFulfillmentSinkSettings`. A second write of a key returns
    the fulfillment already there, unchanged; :meth:`update` is refused.
    """

    kind = "netsuite-item-fulfillments"
    settings_model: ClassVar[type[AdapterSettings]] = NetSuiteItemFulfillmentSinkSettings
    record_type = RecordType.ITEM_FULFILLMENT

    def write(self, record: Record, document: Mapping[str, Any]) -> str:
        """Fulfill the sales order; the reference is the fulfillment's internal id.

        Raises:
            SinkRejectedError: the document is not a valid fulfillment, a line is not open on
                the sales order, or NetSuite refused it (its code and message).
            SinkUnavailableError: NetSuite was not reached or its limits refused the request
                after the client's retries; nothing was created.
            SinkOutcomeUnknownError: the answer to the ``add`` was lost.
        """
        fulfillment = validated(ItemFulfillmentDocument, document)
        external_id = self.external_id(record)
        existing = self.find(external_id)
        if existing is not None:
            return existing
        return outcome_of(
            f"the item fulfillment {external_id} of sales order {fulfillment.sales_order}",
            lambda: self._add(external_id, fulfillment),
        )

    def update(self, record: Record, document: Mapping[str, Any], remote_ref: str) -> str:
        """Refused: a shipment AHEAD changes after it shipped is corrected in NetSuite by hand.

        Raises:
            UpdateNotSupportedError: always.
        """
        raise UpdateNotSupportedError(
            f"item fulfillment {remote_ref} ({record.key}) is not changed by the connector; "
            "correct it in NetSuite if the shipment changed"
        )

    def _add(self, external_id: str, fulfillment: ItemFulfillmentDocument) -> str:
        client = self.client
        wanted = self._lines_by_order_line(fulfillment)
        created = client.initialize(
            RecordType.ITEM_FULFILLMENT,
            RecordReference(RecordType.SALES_ORDER, fulfillment.sales_order),
        )
        created.externalId = external_id
        created.shipStatus = fulfillment.ship_status.value
        if fulfillment.memo is not None:
            created.memo = fulfillment.memo
        if fulfillment.packages:
            created.packageList = client.value(
                Namespace.SALES,
                "ItemFulfillmentPackageList",
                package=[
                    client.value(
                        Namespace.SALES,
                        "ItemFulfillmentPackage",
                        packageTrackingNumber=package.tracking_number,
                        packageWeight=float(package.weight) if package.weight is not None else None,
                        packageDescr=package.description,
                    )
                    for package in fulfillment.packages
                ],
            )
        for item in created.itemList.item if created.itemList is not None else []:
            line = wanted.pop(int(item.orderLine), None)
            if line is None:
                item.itemReceive = False
                continue
            item.itemReceive = True
            item.quantity = float(line.quantity)
            if line.serial_numbers:
                item.serialNumbers = SERIAL_SEPARATOR.join(line.serial_numbers)
        if wanted:
            raise SinkRejectedError(
                f"sales order {fulfillment.sales_order} has no open line "
                f"{', '.join(str(number) for number in sorted(wanted))} to fulfill (already "
                "fulfilled, closed, or not on the order)"
            )
        return str(client.add(created).internal_id)

    def _lines_by_order_line(
        self, fulfillment: ItemFulfillmentDocument
    ) -> dict[int, FulfillmentLine]:
        """The document's lines by the sales order's line numbers: a line's own
        ``order_line``, or the number of the order's line at the same position."""
        if all(line.order_line is not None for line in fulfillment.lines):
            numbers = [int(line.order_line or 0) for line in fulfillment.lines]
        else:
            order = self.client.get(RecordType.SALES_ORDER, internal_id=fulfillment.sales_order)
            order_lines = sorted(
                int(line.line) for line in (order.itemList.item if order.itemList else [])
            )
            if len(fulfillment.lines) > len(order_lines):
                raise SinkRejectedError(
                    f"the shipment has {len(fulfillment.lines)} lines, sales order "
                    f"{fulfillment.sales_order} only {len(order_lines)}"
                )
            numbers = [
                line.order_line if line.order_line is not None else order_lines[position]
                for position, line in enumerate(fulfillment.lines)
            ]
        by_number: dict[int, FulfillmentLine] = {}
        for number, line in zip(numbers, fulfillment.lines, strict=True):
            if number in by_number:
                raise SinkRejectedError(f"order line {number} is shipped twice in one shipment")
            by_number[number] = line
        return by_number

"""A sink that writes shipments back to SAP: tracking number and shipped quantities on the
sales order's outbound delivery, and the goods issue where the settings say so.

SAP creates the outbound delivery when the sales order is due to ship; the connector does not
create deliveries, it completes them. For a ``sap.delivery_update`` document
(:class:`~adapters.sap.documents.DeliveryUpdateDocument`) the sink:

1. reads the sales order's items, in item order: line *n* of the document is item *n*;
2. finds the deliveries whose items reference the sales order, and takes the one that already
   carries the tracking number (a write that was cut short), else the first one without a
   tracking number whose goods have not been issued. No delivery at all is a retry later (SAP
   has not created it yet); only deliveries that carry other tracking numbers or have their
   goods issued is a rejection (a further shipment needs a further delivery in SAP);
3. sets each delivery item's ``ActualDeliveryQuantity`` to what shipped of its order item,
   then the header's ``BillOfLading`` (the tracking number) and ``MeansOfTransport``, each
   ``PATCH`` with the entity's ETag (read again once when SAP says it is stale);
4. with ``post_goods_issue``, calls ``PostGoodsIssue`` unless the goods are already issued.

Every step sets a value or is skipped when done, so writing again is harmless. Lookup: the
sales order (the record key without ``key_prefix``) has a delivery whose ``BillOfLading`` is
one of the record's tracking numbers (``tracking_numbers[].tracking_number`` of an AHEAD
shipped order; any tracking number when the record has none) and, with ``post_goods_issue``,
whose goods are issued.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal
from typing import Any, ClassVar, TypeVar

import pydantic

from adapters.base import (
    AdapterContext,
    AdapterSettings,
    Record,
    Sink,
    SinkOutcomeUnknownError,
    SinkRejectedError,
    SinkUnavailableError,
)
from adapters.sap.documents import DeliveryUpdateDocument
from adapters.sap.errors import (
    SapAuthError,
    SapError,
    SapNotFoundError,
    SapOutcomeUnknownError,
    SapPreconditionError,
    SapRejectedError,
)
from adapters.sap.odata import ODataClient
from adapters.sap.services import SapService
from adapters.sap.settings import SapConnectionSettings
from adapters.sap.values import quote_string

__all__ = ["SapDeliverySink", "SapDeliverySinkSettings"]

logger = logging.getLogger(__name__)

_GOODS_ISSUED = "C"
_T = TypeVar("_T")


class SapDeliverySinkSettings(AdapterSettings):
    """The settings of :class:`SapDeliverySink`.

    Attributes:
        connection: the SAP system.
        key_prefix: the part of every record key before the sales order number (the sales
            order source's ``key_prefix``, e.g. ``SAP-``).
        post_goods_issue: post the goods issue once tracking and quantities are written.
    """

    connection: SapConnectionSettings
    key_prefix: str = ""
    post_goods_issue: bool = False


class SapDeliverySink(Sink):
    """Completes the sales order's outbound delivery with the shipment (kind
    ``sap-deliveries``); see the module docs."""

    kind: ClassVar[str] = "sap-deliveries"
    settings_model: ClassVar[type[AdapterSettings]] = SapDeliverySinkSettings

    def __init__(self, settings: AdapterSettings, context: AdapterContext) -> None:
        """Make the sink and its OData clients (no request is sent yet).

        Raises:
            TypeError: ``settings`` is not :class:`SapDeliverySinkSettings`.
        """
        if not isinstance(settings, SapDeliverySinkSettings):
            raise TypeError(f"SapDeliverySink takes SapDeliverySinkSettings, not {settings!r}")
        super().__init__(settings, context)
        self.options = settings
        self._orders = ODataClient.for_service(settings.connection, SapService.SALES_ORDER)
        self._deliveries = ODataClient.for_service(
            settings.connection, SapService.OUTBOUND_DELIVERY
        )

    def close(self) -> None:
        """Close the connections to SAP."""
        self._orders.close()
        self._deliveries.close()

    # -- Sink ---------------------------------------------------------------------------------

    def write(self, record: Record, document: Mapping[str, Any]) -> str:
        """Write the shipment to the delivery; the delivery's number is returned.

        Raises:
            SinkRejectedError: the document does not fit, the sales order does not exist or
                has fewer items than the document's lines, or SAP refused a change.
            SinkUnavailableError: SAP could not be reached, or has no open delivery yet.
            SinkOutcomeUnknownError: the goods issue may or may not have been posted.
        """
        try:
            update = DeliveryUpdateDocument.model_validate(document)
        except pydantic.ValidationError as exc:
            raise SinkRejectedError(
                f"the delivery update for {record.key} does not fit: {exc}"
            ) from None
        return _translated(record.key, lambda: self._write(update))

    def lookup(self, record: Record) -> str | None:
        """The delivery that already carries the record's tracking number, or ``None``."""
        sales_order = record.key.removeprefix(self.options.key_prefix)
        wanted = _tracking_numbers(record.payload)

        def find() -> str | None:
            for header in self._delivery_headers(sales_order):
                carried = header.get("BillOfLading") or ""
                if not carried or (wanted and carried not in wanted):
                    continue
                if self.options.post_goods_issue and (
                    header.get("OverallGoodsMovementStatus") != _GOODS_ISSUED
                ):
                    return None
                return str(header["DeliveryDocument"])
            return None

        return _translated(record.key, find)

    # -- the steps ----------------------------------------------------------------------------

    def _write(self, update: DeliveryUpdateDocument) -> str:
        sales_order = update.sales_order
        try:
            order = self._orders.get(
                f"A_SalesOrder({quote_string(sales_order)})", expand=["to_Item"]
            )
        except SapNotFoundError:
            raise SinkRejectedError(f"SAP has no sales order {sales_order}") from None
        items = sorted(
            (str(item["SalesOrderItem"]) for item in order["to_Item"]["results"]), key=_number
        )
        shipped: dict[str, Decimal] = {}
        for place, line in enumerate(update.lines, start=1):
            position = line.position or place
            if position > len(items):
                raise SinkRejectedError(
                    f"line {position} of the shipment has no item in sales order "
                    f"{sales_order}, which has {len(items)}"
                )
            shipped[items[position - 1]] = line.quantity
        header = self._open_delivery(sales_order, update.tracking_number)
        delivery = str(header["DeliveryDocument"])
        for item in self._delivery_items(delivery):
            quantity = shipped.get(str(item["ReferenceSDDocumentItem"]))
            if quantity is None:
                continue
            path = (
                f"A_OutbDeliveryItem(DeliveryDocument={quote_string(delivery)},"
                f"DeliveryDocumentItem={quote_string(str(item['DeliveryDocumentItem']))})"
            )
            self._patch(path, {"ActualDeliveryQuantity": format(quantity, "f")})
        header_path = f"A_OutbDeliveryHeader({quote_string(delivery)})"
        changes = {"BillOfLading": update.tracking_number}
        if update.means_of_transport:
            changes["MeansOfTransport"] = update.means_of_transport
        self._patch(header_path, changes)
        if self.options.post_goods_issue:
            current = self._deliveries.get(header_path)
            if current.get("OverallGoodsMovementStatus") != _GOODS_ISSUED:
                self._deliveries.call(
                    "PostGoodsIssue",
                    {"DeliveryDocument": delivery},
                    etag=current["__metadata"]["etag"],
                )
        logger.info("delivery %s of sales order %s completed", delivery, sales_order)
        return delivery

    def _open_delivery(self, sales_order: str, tracking_number: str) -> dict[str, Any]:
        headers = list(self._delivery_headers(sales_order))
        for header in headers:
            if header.get("BillOfLading") == tracking_number:
                return header
        for header in headers:
            if not header.get("BillOfLading") and (
                header.get("OverallGoodsMovementStatus") != _GOODS_ISSUED
            ):
                return header
        if not headers:
            raise SinkUnavailableError(
                f"sales order {sales_order} has no outbound delivery in SAP yet; tried again later"
            )
        raise SinkRejectedError(
            f"every outbound delivery of sales order {sales_order} "
            f"({', '.join(str(h['DeliveryDocument']) for h in headers)}) already carries another "
            f"tracking number than {tracking_number} or has its goods issued; a further "
            "shipment needs a further delivery in SAP"
        )

    def _delivery_headers(self, sales_order: str) -> Iterator[dict[str, Any]]:
        numbers = sorted(
            {
                str(item["DeliveryDocument"])
                for item in self._deliveries.iter_entities(
                    "A_OutbDeliveryItem",
                    filter=f"ReferenceSDDocument eq {quote_string(sales_order)}",
                    select=["DeliveryDocument"],
                )
            },
            key=_number,
        )
        for number in numbers:
            yield self._deliveries.get(f"A_OutbDeliveryHeader({quote_string(number)})")

    def _delivery_items(self, delivery: str) -> list[dict[str, Any]]:
        return list(
            self._deliveries.iter_entities(
                "A_OutbDeliveryItem", filter=f"DeliveryDocument eq {quote_string(delivery)}"
            )
        )

    def _patch(self, path: str, changes: Mapping[str, str]) -> None:
        """Set ``changes`` on the entity unless it already has them (SAP refuses any change to
        a delivery whose goods are issued, even to the values it has)."""
        # A stale ETag means someone changed the entity since it was read: read it again once.
        for attempt in range(2):
            current = self._deliveries.get(path)
            if all(_same(current.get(name), value) for name, value in changes.items()):
                return
            try:
                self._deliveries.update(path, changes, etag=current["__metadata"]["etag"])
                return
            except SapPreconditionError:
                if attempt:
                    raise


def _translated(key: str, action: Callable[[], _T]) -> _T:
    try:
        return action()
    except SapOutcomeUnknownError as exc:
        raise SinkOutcomeUnknownError(f"{key}: {exc}") from None
    except (SapRejectedError, SapNotFoundError) as exc:
        raise SinkRejectedError(f"{key}: SAP refused: {exc}") from None
    except (SapAuthError, SapError) as exc:
        raise SinkUnavailableError(f"{key}: SAP could not be asked: {exc}") from None


def _tracking_numbers(payload: Mapping[str, Any]) -> set[str]:
    packages = payload.get("tracking_numbers")
    if not isinstance(packages, list):
        return set()
    return {
        str(package["tracking_number"])
        for package in packages
        if isinstance(package, Mapping) and package.get("tracking_number")
    }


def _same(current: Any, wanted: str) -> bool:
    if current is None:
        return False
    try:
        return Decimal(str(current)) == Decimal(wanted)
    except ArithmeticError:
        return str(current) == wanted


def _number(text: str) -> tuple[int, str]:
    return (int(text), text) if text.isdigit() else (0, text)

"""The documents the NetSuite sinks write, as mapping targets.

A mapping names one of them as its ``target`` (``netsuite.item_fulfillment``,
``netsuite.vendor_bill``, ``netsuite.sales_order_status``,
``netsuite.return_authorization_status``, ``netsuite.inventory``); the mapped document is checked
against the model before anything is sent, and the sink checks it again (a ``passthrough``
flow has no mapping to check it).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, model_validator

NetSuiteId = str
"""An internal id of a NetSuite record, as text (``"1001"``)."""


class _Document(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ShipStatus(StrEnum):
    """The ``shipStatus`` of an item fulfillment."""

    PICKED = "_picked"
    PACKED = "_packed"
    SHIPPED = "_shipped"


class FulfillmentPackage(_Document):
    """A package of an item fulfillment.

    Attributes:
        tracking_number: the carrier's tracking number (``packageTrackingNumber``).
        weight: the package's weight (``packageWeight``), in the account's unit.
        description: what is in it (``packageDescr``).
    """

    tracking_number: str = Field(min_length=1)
    weight: Decimal | None = Field(default=None, ge=0)
    description: str | None = None


class FulfillmentLine(_Document):
    """A shipped line.

    Attributes:
        quantity: how many units shipped.
        serial_numbers: the units' serial numbers (none for items without serials; otherwise
            one per unit).
        order_line: the sales order's line (its ``line`` number); ``None``: the sales order's
            line at the same position as this line in the document.
    """

    quantity: int = Field(gt=0)
    serial_numbers: list[str] = Field(default_factory=list)
    order_line: int | None = Field(default=None, gt=0)

    @model_validator(mode="after")
    def _one_serial_per_unit(self) -> FulfillmentLine:
        if self.serial_numbers and len(self.serial_numbers) != self.quantity:
            raise ValueError(
                f"{len(self.serial_numbers)} serial numbers for a quantity of {self.quantity}: "
                "give one per unit, or none"
            )
        return self


class ItemFulfillmentDocument(_Document):
    """An item fulfillment of a sales order (target ``netsuite.item_fulfillment``).

    Attributes:
        sales_order: the internal id of the sales order it fulfills.
        ship_status: the fulfillment's status.
        memo: a note on the fulfillment.
        packages: the packages, each with its tracking number.
        lines: the shipped lines; the sales order's other lines are left open.
    """

    sales_order: NetSuiteId = Field(min_length=1, pattern=r"^[0-9]+$")
    ship_status: ShipStatus = ShipStatus.SHIPPED
    memo: str | None = None
    packages: list[FulfillmentPackage] = Field(default_factory=list)
    lines: list[FulfillmentLine] = Field(min_length=1)


class VendorBillLine(_Document):
    """A line of a vendor bill: an item by internal or external id.

    Attributes:
        item_internal_id: the item's internal id.
        item_external_id: or its external id.
        quantity: how many units are billed.
        rate: the price of one unit.
        description: a text for the line.
    """

    item_internal_id: NetSuiteId | None = Field(default=None, min_length=1)
    item_external_id: str | None = Field(default=None, min_length=1)
    quantity: int = Field(gt=0)
    rate: Decimal | None = Field(default=None, ge=0)
    description: str | None = None

    @model_validator(mode="after")
    def _names_an_item(self) -> VendorBillLine:
        if self.item_internal_id is None and self.item_external_id is None:
            raise ValueError("a line needs item_internal_id or item_external_id")
        return self


class VendorBillDocument(_Document):
    """A vendor bill (target ``netsuite.vendor_bill``).

    Attributes:
        vendor: the internal id of the vendor record that stands for AHEAD.
        reference: the vendor's invoice number (``tranId``).
        bill_date: the bill's date (``tranDate``).
        due_date: when it is due.
        total: the bill's total as the vendor states it (``userTotal``).
        memo: a note on the bill.
        lines: the billed items.
    """

    vendor: NetSuiteId = Field(min_length=1)
    reference: str = Field(min_length=1)
    bill_date: date | None = None
    due_date: date | None = None
    total: Decimal | None = Field(default=None, ge=0)
    memo: str | None = None
    lines: list[VendorBillLine] = Field(min_length=1)


class SalesOrderStatusDocument(_Document):
    """What is written back to a sales order's custom fields (target
    ``netsuite.sales_order_status``).

    Attributes:
        sales_order: the internal id of the sales order.
        ahead_order_id: the AHEAD order's id.
        ahead_status: the AHEAD order's status (``Pending``, ``Released``, ``Shipped``).
    """

    sales_order: NetSuiteId = Field(min_length=1, pattern=r"^[0-9]+$")
    ahead_order_id: str = Field(min_length=1)
    ahead_status: str = Field(min_length=1)


class ReturnAuthorizationStatusDocument(_Document):
    """What is written back to the line of a return authorization that holds a returned
    serial number (target ``netsuite.return_authorization_status``).

    Attributes:
        return_authorization: the internal id of the return authorization.
        serial: the returned unit's serial number, which names the line.
        rma_number: the AHEAD RMA's number (its id).
        rma_status: the AHEAD RMA's status (``Not Received``, ``Checked In``, ``Closed``).
    """

    return_authorization: NetSuiteId = Field(min_length=1, pattern=r"^[0-9]+$")
    serial: str = Field(min_length=1)
    rma_number: str = Field(min_length=1)
    rma_status: str = Field(min_length=1)


class InventoryDocument(_Document):
    """Inventory figures for the custom fields of a NetSuite inventory item (target
    ``netsuite.inventory``).

    Attributes:
        item_internal_id: the item by internal id; or
        item_external_id: by external id (one of the two).
        quantity_on_hand: the units AHEAD holds.
        quantity_allocated: the units AHEAD has set aside for orders.
        quantity_on_order: the units AHEAD has on order.
    """

    item_internal_id: NetSuiteId | None = Field(default=None, min_length=1, pattern=r"^[0-9]+$")
    item_external_id: str | None = Field(default=None, min_length=1)
    quantity_on_hand: Decimal
    quantity_allocated: Decimal = Decimal(0)
    quantity_on_order: Decimal = Decimal(0)

    @model_validator(mode="after")
    def _names_one_item(self) -> InventoryDocument:
        if (self.item_internal_id is None) == (self.item_external_id is None):
            raise ValueError("give the item by item_internal_id or item_external_id, one of them")
        return self

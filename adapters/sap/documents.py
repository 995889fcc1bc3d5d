"""What the SAP sinks take: the documents mappings produce for them, as mapping targets.

Each model is registered under the entry point group ``ahead_connector.mapping_targets``, so
a mapping's output is checked against it (``mapping test``, and every flow run) before a sink
sees it, and a field that does not fit is reported at the mapping's line:

| target | model | sink |
|---|---|---|
| ``sap.desadv`` | :class:`DesadvDocument` | ``sap-idoc-outbox`` and the DELVRY07 template |
| ``sap.invoic`` | :class:`InvoicDocument` | ``sap-idoc-outbox`` with the INVOIC02 template |
| ``sap.delivery_update`` | :class:`DeliveryUpdateDocument` | ``sap-deliveries`` |
| ``sap.invoice_match`` | :class:`InvoiceMatchDocument` | ``sap-invoice-matches`` |

The IDoc documents are the *context of the template*, not the XML: the template lays them out
as segments, and the lengths here are the lengths of the IDoc fields they fill, so a value
that would not fit is found by the mapping, not only by the check of the rendered XML.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

__all__ = [
    "DeliveryLine",
    "DeliveryUpdateDocument",
    "DesadvDocument",
    "DesadvItem",
    "DesadvPackage",
    "IdocAddress",
    "InvoicDocument",
    "InvoicItem",
    "InvoiceMatchDocument",
]


def _limit(length: int) -> StringConstraints:
    return StringConstraints(strip_whitespace=True, min_length=1, max_length=length)


# Text of at most n characters (an IDoc or OData field's length), never empty.
_Text3 = Annotated[str, _limit(3)]
_Text6 = Annotated[str, _limit(6)]
_Text9 = Annotated[str, _limit(9)]
_Text10 = Annotated[str, _limit(10)]
_Text17 = Annotated[str, _limit(17)]
_Text20 = Annotated[str, _limit(20)]
_Text35 = Annotated[str, _limit(35)]
_Text40 = Annotated[str, _limit(40)]


class _Document(BaseModel):
    model_config = ConfigDict(extra="forbid")


class IdocAddress(_Document):
    """A partner's address as IDoc partner segments hold it (at most 35 characters a field,
    the shorter of ``E1EDKA1`` and ``E1ADRM1``)."""

    name: _Text35
    street: _Text35 | None = None
    city: _Text35
    postal_code: _Text9 | None = None
    region: _Text3 | None = None
    country: _Text3
    partner: _Text17 | None = None
    """The partner's number in SAP, where known (``PARTN``, ``PARTNER_ID``)."""


class DesadvItem(_Document):
    """One shipped line of a DESADV (segment ``E1EDL24``)."""

    number: int | None = Field(default=None, ge=1, le=999999)
    """The delivery item number (``POSNR``); default 10, 20, ... in the items' order."""
    product_code: _Text40
    """AHEAD's product code (``MATNR_EXTERNAL``)."""
    customer_sku: _Text35 | None = None
    """The customer's material number (``KDMAT``)."""
    description: _Text40 | None = None
    quantity: Decimal = Field(gt=0, max_digits=14, decimal_places=3)
    """Shipped quantity (``LFIMG``)."""
    unit: _Text3
    sales_order: _Text10 | None = None
    """The customer's sales order this line delivers (``VGBEL``), where known."""
    sales_order_item: _Text6 | None = None
    """Its item (``VGPOS``)."""


class DesadvPackage(_Document):
    """A parcel (handling unit, segment ``E1EDL37``): its tracking number is the external id."""

    tracking_number: _Text20
    weight: Decimal | None = Field(default=None, ge=0, max_digits=15, decimal_places=3)
    weight_unit: _Text3 = "KGM"


class DesadvDocument(_Document):
    """A shipment as a DESADV IDoc (basic type DELVRY07): target ``sap.desadv``."""

    delivery: _Text10
    """Our delivery number (``E1EDL20-VBELN``): AHEAD's order id."""
    customer_order: _Text35
    """The order's ``customer_order`` (``E1EDL20-LIFEX``, the external id)."""
    purchase_order: _Text35
    """The customer's purchase order (``E1EDL41-BSTNR`` of every item)."""
    bill_of_lading: _Text35 | None = None
    ship_method: _Text20 | None = None
    """The means of transport (``TRAID``)."""
    shipped_on: date | None = None
    """Goods issue date (``E1EDT13`` qualifier 006)."""
    ship_to: IdocAddress
    items: list[DesadvItem] = Field(min_length=1)
    packages: list[DesadvPackage] = Field(default_factory=list)


class InvoicItem(_Document):
    """One invoiced line (segment ``E1EDP01``)."""

    number: int | None = Field(default=None, ge=1, le=999999)
    """The item number (``POSEX``); default 10, 20, ... in the items' order."""
    product_code: _Text35
    """AHEAD's product code (``E1EDP19`` qualifier 002, the vendor's material)."""
    customer_sku: _Text35 | None = None
    """The customer's material (``E1EDP19`` qualifier 001)."""
    quantity: Decimal = Field(gt=0, max_digits=14, decimal_places=3)
    unit: _Text3
    unit_price: Decimal | None = Field(default=None, ge=0, max_digits=14, decimal_places=2)
    net_amount: Decimal | None = Field(default=None, max_digits=17, decimal_places=2)


class InvoicDocument(_Document):
    """An invoice as an INVOIC IDoc (basic type INVOIC02): target ``sap.invoic``."""

    invoice_number: _Text35
    """AHEAD's invoice number (``E1EDK01-BELNR``, ``E1EDK02`` qualifier 009)."""
    billed_on: date
    """The billing date (``E1EDK03`` qualifier 026)."""
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
    total: Decimal = Field(max_digits=17, decimal_places=2)
    """The invoice total (``E1EDS01`` summary)."""
    purchase_order: _Text35
    """The customer's purchase order (``E1EDK02`` qualifier 001)."""
    customer_order: _Text35 | None = None
    sales_order: _Text35 | None = None
    """The customer's sales order (``E1EDK02`` qualifier 002), where known."""
    bill_to: IdocAddress | None = None
    ship_to: IdocAddress | None = None
    items: list[InvoicItem] = Field(min_length=1)


class DeliveryLine(_Document):
    """What shipped of one line of the sales order."""

    position: int | None = Field(default=None, ge=1)
    """The sales order item this line ships, by its place among the order's items, from 1;
    default the line's own place in ``lines``. The stock sales order mapping keeps the sales
    order's items in order, so line *n* of the AHEAD order is item *n*."""
    quantity: Decimal = Field(ge=0, max_digits=13, decimal_places=3)


class DeliveryUpdateDocument(_Document):
    """A shipment written to SAP's outbound delivery: target ``sap.delivery_update``."""

    sales_order: _Text10
    tracking_number: _Text35
    """Written to the delivery's ``BillOfLading``; how the sink later knows it wrote it."""
    means_of_transport: _Text20 | None = None
    lines: list[DeliveryLine] = Field(min_length=1)


class InvoiceMatchDocument(_Document):
    """An AHEAD invoice to match with the sales order's billing documents: target
    ``sap.invoice_match``."""

    invoice: _Text35
    """AHEAD's invoice number."""
    sales_order: _Text10
    purchase_order: _Text35 | None = None
    total: Decimal = Field(max_digits=17, decimal_places=2)
    billed_on: date | None = None

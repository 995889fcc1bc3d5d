"""The record types the connector reads and writes, and references to records."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from adapters.netsuite.namespaces import Namespace


class RecordType(StrEnum):
    """A record type, by its SuiteTalk ``RecordType`` value."""

    SALES_ORDER = "salesOrder"
    ITEM_FULFILLMENT = "itemFulfillment"
    VENDOR_BILL = "vendorBill"
    RETURN_AUTHORIZATION = "returnAuthorization"
    INVENTORY_ITEM = "inventoryItem"

    @property
    def type_name(self) -> str:
        """The record's XSD type (``SalesOrder``), sent as its ``xsi:type``."""
        return self.value[0].upper() + self.value[1:]

    @property
    def namespace(self) -> Namespace:
        """The schema that declares the record's type."""
        return _NAMESPACES[self]

    @property
    def search_type(self) -> str | None:
        """The value of a transaction search's ``type`` criterion (``_salesOrder``), or ``None``
        for records that are not transactions."""
        return None if self is RecordType.INVENTORY_ITEM else f"_{self.value}"

    @classmethod
    def of_type_name(cls, type_name: str) -> RecordType:
        """The record type whose XSD type is ``type_name``.

        Raises:
            ValueError: no record type we use has that XSD type.
        """
        for record_type in cls:
            if record_type.type_name == type_name:
                return record_type
        raise ValueError(f"{type_name!r} is not a record type the connector uses")


_NAMESPACES = {
    RecordType.SALES_ORDER: Namespace.SALES,
    RecordType.ITEM_FULFILLMENT: Namespace.SALES,
    RecordType.VENDOR_BILL: Namespace.PURCHASES,
    RecordType.RETURN_AUTHORIZATION: Namespace.CUSTOMERS,
    RecordType.INVENTORY_ITEM: Namespace.ACCOUNTING,
}


@dataclass(frozen=True)
class RecordReference:
    """A record of a type, by its internal id (NetSuite's) or external id (ours), or both.

    Attributes:
        type: the record type.
        internal_id: NetSuite's id of the record.
        external_id: the id the integration gave it.
    """

    type: RecordType
    internal_id: str | None = None
    external_id: str | None = None

    def __post_init__(self) -> None:
        if not self.internal_id and not self.external_id:
            raise ValueError(f"a reference to a {self.type} needs an internal or external id")

    def __str__(self) -> str:
        ids = []
        if self.internal_id:
            ids.append(f"internalId {self.internal_id}")
        if self.external_id:
            ids.append(f"externalId {self.external_id}")
        return f"{self.type} ({', '.join(ids)})"

"""A sink that writes AHEAD's inventory figures to custom fields of NetSuite inventory items.

NetSuite computes an item's quantities per location (``locationsList``'s ``quantityOnHand``,
``quantityOnOrder``, ...) from its transactions; they are read-only through ``update``, and
changing them would take an ``InventoryAdjustment`` that books stock into the ledger, which is
the customer's accounting to decide. The stock that AHEAD holds for the customer is reported
instead in custom item fields (script ids are settings), one set per AHEAD location: a
deployment with several AHEAD locations runs one flow per location (``ahead-inventories``
with ``location_ids``) into its own fields.

Record: an AHEAD inventory record (``inventory:<item id>:<location id>``). The write is an
``update`` of the item (by internal or external id) that sends only its ``customFieldList``
with three ``DoubleCustomFieldRef``\\ s; NetSuite merges custom fields by script id, so
nothing else changes and the write may be repeated.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from pydantic import Field

from adapters.base import AdapterContext, AdapterSettings, Record, SinkUnavailableError
from adapters.netsuite.errors import NetSuiteError, NetSuiteRecordError
from adapters.netsuite.namespaces import Namespace
from adapters.netsuite.records import RecordType
from adapters.netsuite.sink_base import (
    RECORD_DOES_NOT_EXIST,
    NetSuiteSink,
    NetSuiteSinkSettings,
    outcome_of,
    validated,
)
from adapters.netsuite.targets import InventoryDocument


class NetSuiteInventorySinkSettings(NetSuiteSinkSettings):
    """The settings of :class:`NetSuiteInventorySink`.

    Attributes:
        on_hand_field: the script id of the item's custom field for AHEAD's quantity on hand.
        allocated_field: for AHEAD's allocated quantity.
        on_order_field: for AHEAD's quantity on order.
    """

    on_hand_field: str = Field(default="custitem_ahead_quantity_on_hand", min_length=1)
    allocated_field: str = Field(default="custitem_ahead_quantity_allocated", min_length=1)
    on_order_field: str = Field(default="custitem_ahead_quantity_on_order", min_length=1)


class NetSuiteInventorySink(NetSuiteSink):
    """Writes inventory figures to the item's custom fields (see the module).

    Settings: :class:`NetSuiteInventorySinkSettings`. The reference is the item's internal
    id. A second write, or :meth:`update`, writes the figures again.
    """

    kind = "netsuite-inventory"
    settings_model: ClassVar[type[AdapterSettings]] = NetSuiteInventorySinkSettings
    record_type = RecordType.INVENTORY_ITEM

    def __init__(self, settings: AdapterSettings, context: AdapterContext) -> None:
        """Make the sink; nothing is sent to NetSuite before the first write.

        Raises:
            TypeError: ``settings`` is not :class:`NetSuiteInventorySinkSettings`.
        """
        if not isinstance(settings, NetSuiteInventorySinkSettings):
            raise TypeError(
                f"{type(self).__name__} takes NetSuiteInventorySinkSettings, not {settings!r}"
            )
        super().__init__(settings, context)
        self.fields = settings

    def write(self, record: Record, document: Mapping[str, Any]) -> str:
        """Update the item's three custom fields; the reference is its internal id.

        Raises:
            SinkRejectedError: the document is not valid, or NetSuite refused the update
                (e.g. ``RCRD_DSNT_EXIST`` for an item it does not have).
            SinkUnavailableError: NetSuite was not reached or its limits refused the request.
            SinkOutcomeUnknownError: an answer that could not be read.
        """
        figures = validated(InventoryDocument, document)
        client = self.client
        values = {
            self.fields.on_hand_field: figures.quantity_on_hand,
            self.fields.allocated_field: figures.quantity_allocated,
            self.fields.on_order_field: figures.quantity_on_order,
        }
        change = client.record(
            RecordType.INVENTORY_ITEM,
            internalId=figures.item_internal_id,
            externalId=figures.item_external_id,
            customFieldList=client.value(
                Namespace.CORE,
                "CustomFieldList",
                customField=[
                    client.value(
                        Namespace.CORE,
                        "DoubleCustomFieldRef",
                        scriptId=script_id,
                        value=float(value),
                    )
                    for script_id, value in values.items()
                ],
            ),
        )
        item = figures.item_internal_id or f"with external id {figures.item_external_id!r}"
        return outcome_of(
            f"the update of inventory item {item}",
            lambda: str(client.update(change).internal_id),
        )

    def update(self, record: Record, document: Mapping[str, Any], remote_ref: str) -> str:
        """Write the figures again."""
        return self.write(record, document)

    def lookup(self, record: Record) -> str | None:
        """The internal id of the item whose external id is the record's ``customer_sku`` (as
        ``ahead-inventories`` gives it) once its quantity-on-hand field holds a value, else
        ``None``.

        A lookup has only the record, not the mapped document that names the item, so an
        item named otherwise (by internal id through the mapping's ``item_ids``) is not found
        and the engine writes again: harmless, since a write only sets the same figures.

        Raises:
            SinkUnavailableError: NetSuite could not be asked.
        """
        external_id = record.payload.get("customer_sku")
        if not isinstance(external_id, str) or not external_id:
            return None
        try:
            item = self.client.get(RecordType.INVENTORY_ITEM, external_id=external_id)
        except NetSuiteRecordError as error:
            if error.code == RECORD_DOES_NOT_EXIST:
                return None
            raise SinkUnavailableError(
                f"cannot read inventory item {external_id!r}: {error.code}: {error.message}"
            ) from error
        except NetSuiteError as error:
            raise SinkUnavailableError(
                f"cannot read inventory item {external_id!r}: {error}"
            ) from error
        custom = item.customFieldList.customField if item.customFieldList else []
        written = any(
            field.scriptId == self.fields.on_hand_field
            and getattr(field, "value", None) is not None
            for field in custom or []
        )
        return str(item.internalId) if written else None

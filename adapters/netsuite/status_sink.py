"""A sink that writes an AHEAD order's id and status back to its NetSuite sales order.

Record: an AHEAD order (``ahead-shipped-orders`` gives those that shipped), whose key is its
``customer_order``, ``salesOrder:<internal id>`` as the stock order mapping makes it. The
write is an ``update`` of the sales order that sends only its two custom fields (their script
ids are settings), so it changes nothing else and is safe to repeat; NetSuite merges custom
fields by script id.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from pydantic import Field

from adapters.base import (
    AdapterContext,
    AdapterSettings,
    Record,
    SinkRejectedError,
    SinkUnavailableError,
)
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
from adapters.netsuite.targets import SalesOrderStatusDocument

ScriptId = str
"""A custom field's script id (``custbody_ahead_order_id``)."""


class NetSuiteSalesOrderStatusSinkSettings(NetSuiteSinkSettings):
    """The settings of :class:`NetSuiteSalesOrderStatusSink`.

    Attributes:
        key_prefix: the part of the key before the sales order's internal id (``salesOrder:``).
        order_id_field: the script id of the sales order's custom field for the AHEAD order id.
        status_field: the script id of its custom field for the AHEAD order status.
    """

    key_prefix: str = "salesOrder:"
    order_id_field: ScriptId = Field(default="custbody_ahead_order_id", min_length=1)
    status_field: ScriptId = Field(default="custbody_ahead_order_status", min_length=1)


class NetSuiteSalesOrderStatusSink(NetSuiteSink):
    """Writes the AHEAD order id and status to the sales order's custom fields.

    Settings: :class:`NetSuiteSalesOrderStatusSinkSettings`. The reference is the sales
    order's internal id; :meth:`lookup` finds it once its order-id field holds a value. A
    second write, or :meth:`update`, writes the fields again.
    """

    kind = "netsuite-sales-order-status"
    settings_model: ClassVar[type[AdapterSettings]] = NetSuiteSalesOrderStatusSinkSettings
    record_type = RecordType.SALES_ORDER

    def __init__(self, settings: AdapterSettings, context: AdapterContext) -> None:
        """Make the sink; nothing is sent to NetSuite before the first write or lookup.

        Raises:
            TypeError: ``settings`` is not :class:`NetSuiteSalesOrderStatusSinkSettings`.
        """
        if not isinstance(settings, NetSuiteSalesOrderStatusSinkSettings):
            raise TypeError(
                f"{type(self).__name__} takes NetSuiteSalesOrderStatusSinkSettings, "
                f"not {settings!r}"
            )
        super().__init__(settings, context)
        self.fields = settings

    def write(self, record: Record, document: Mapping[str, Any]) -> str:
        """Update the sales order's two custom fields; the reference is its internal id.

        Raises:
            SinkRejectedError: the document is not valid, names another sales order than the
                key, or NetSuite refused the update (e.g. ``RCRD_DSNT_EXIST``).
            SinkUnavailableError: NetSuite was not reached or its limits refused the request.
            SinkOutcomeUnknownError: an answer that could not be read.
        """
        status = validated(SalesOrderStatusDocument, document)
        internal_id = self._sales_order(record)
        if internal_id != status.sales_order:
            raise SinkRejectedError(
                f"the document names sales order {status.sales_order}, but the record key "
                f"{record.key!r} names {internal_id}; they must agree"
            )
        client = self.client
        change = client.record(
            RecordType.SALES_ORDER,
            internalId=internal_id,
            customFieldList=client.value(
                Namespace.CORE,
                "CustomFieldList",
                customField=[
                    client.value(
                        Namespace.CORE,
                        "StringCustomFieldRef",
                        scriptId=self.fields.order_id_field,
                        value=status.ahead_order_id,
                    ),
                    client.value(
                        Namespace.CORE,
                        "StringCustomFieldRef",
                        scriptId=self.fields.status_field,
                        value=status.ahead_status,
                    ),
                ],
            ),
        )
        return outcome_of(
            f"the update of sales order {internal_id}",
            lambda: str(client.update(change).internal_id),
        )

    def update(self, record: Record, document: Mapping[str, Any], remote_ref: str) -> str:
        """Write the fields again."""
        return self.write(record, document)

    def lookup(self, record: Record) -> str | None:
        """The sales order's internal id once its order-id field holds a value, else ``None``.

        Raises:
            SinkUnavailableError: NetSuite could not be asked.
        """
        try:
            internal_id = self._sales_order(record)
        except SinkRejectedError:
            return None
        try:
            order = self.client.get(RecordType.SALES_ORDER, internal_id=internal_id)
        except NetSuiteRecordError as error:
            if error.code == RECORD_DOES_NOT_EXIST:
                return None
            raise SinkUnavailableError(
                f"cannot read sales order {internal_id}: {error.code}: {error.message}"
            ) from error
        except NetSuiteError as error:
            raise SinkUnavailableError(f"cannot read sales order {internal_id}: {error}") from error
        custom = order.customFieldList.customField if order.customFieldList else []
        written = any(
            field.scriptId == self.fields.order_id_field and getattr(field, "value", None)
            for field in custom or []
        )
        return internal_id if written else None

    def _sales_order(self, record: Record) -> str:
        prefix = self.options.key_prefix
        rest = record.key[len(prefix) :] if record.key.startswith(prefix) else ""
        if not rest.isdigit():
            raise SinkRejectedError(
                f"the record key {record.key!r} is not {prefix!r} followed by a sales order's "
                "internal id"
            )
        return rest

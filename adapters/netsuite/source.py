"""A source of NetSuite sales orders: those a saved search selects, changed since the cursor.

Record:
    key: ``<account>:salesOrder:<internal id>``; NetSuite's internal id never changes.
    origin: ``NetSuite sales order <tranId> (<internal id>)``.
    payload: the sales order as a JSON document (:mod:`adapters.netsuite.documents`) with its
        lines, without ``lastModifiedDate``, without what NetSuite changes as the order is
        fulfilled and billed (:data:`LEFT_OUT`, :data:`LINE_LEFT_OUT`) and without the custom
        fields the connector writes back (``write_back_fields``): an edit that changes nothing
        else, or the connector's own write-back, must not look like a change.

Cursor: the ``lastModifiedDate`` of the record, in ISO 8601. A read asks the saved search for
sales orders modified on or after it (the settings' ``since`` when there is no cursor), reads
every page, and yields them in ``lastModifiedDate`` then internal id order whatever order the
saved search sorts by, so each record's cursor covers every record before it. Records modified
at the very moment of the cursor come again; the engine recognises them by key and hash.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any, ClassVar

from pydantic import AwareDatetime

from adapters.base import AdapterContext, AdapterSettings, Record, Source
from adapters.netsuite.client import NetSuiteClient
from adapters.netsuite.documents import record_document
from adapters.netsuite.records import RecordType
from adapters.netsuite.settings import NetSuiteSettings

#: Fields of a sales order left out of the payload (see the module).
LEFT_OUT = frozenset({"lastModifiedDate", "orderStatus", "status", "linkedTrackingNumbers"})
#: Fields of a sales order's lines left out of the payload: NetSuite moves them along.
LINE_LEFT_OUT = frozenset(
    {"quantityFulfilled", "quantityBilled", "quantityCommitted", "quantityBackOrdered"}
)


class NetSuiteSourceError(Exception):
    """A NetSuite source cannot read: a cursor that is not one of its own."""


class NetSuiteSalesOrderSourceSettings(NetSuiteSettings, AdapterSettings):
    """The connection (:class:`~adapters.netsuite.NetSuiteSettings`) and which sales orders.

    Attributes:
        saved_search_id: the saved search selecting the sales orders, by internal id.
        saved_search_script_id: or by script id (``customsearch_...``); with neither, every
            sales order.
        since: without a cursor, only sales orders modified on or after this moment (it must
            name its time zone); ``None``: all.
        write_back_fields: script ids of custom fields the connector writes (the
            ``netsuite-sales-order-status`` sink's), left out of the payload.
    """

    saved_search_id: str | None = None
    saved_search_script_id: str | None = None
    since: AwareDatetime | None = None
    write_back_fields: frozenset[str] = frozenset(
        {"custbody_ahead_order_id", "custbody_ahead_order_status"}
    )


class NetSuiteSalesOrderSource(Source):
    """Yields NetSuite sales orders changed since the cursor (see the module).

    Settings: :class:`NetSuiteSalesOrderSourceSettings`.
    """

    kind = "netsuite-sales-orders"
    settings_model: ClassVar[type[AdapterSettings]] = NetSuiteSalesOrderSourceSettings

    def __init__(self, settings: AdapterSettings, context: AdapterContext) -> None:
        """Make the source; nothing is sent to NetSuite before the first read.

        Raises:
            TypeError: ``settings`` is not :class:`NetSuiteSalesOrderSourceSettings`.
        """
        if not isinstance(settings, NetSuiteSalesOrderSourceSettings):
            raise TypeError(
                f"{type(self).__name__} takes NetSuiteSalesOrderSourceSettings, not {settings!r}"
            )
        super().__init__(settings, context)
        self.options = settings
        self.client = NetSuiteClient(settings, base_dir=context.deployment_dir)

    def read(self, cursor: str | None) -> Iterator[Record]:
        """The sales orders modified on or after ``cursor``, oldest change first.

        Raises:
            NetSuiteSourceError: ``cursor`` is not a moment this source wrote.
            NetSuiteError: NetSuite could not be read (nothing is yielded then).
        """
        since = _moment(cursor) if cursor is not None else self.options.since
        orders = list(
            self.client.search(
                saved_search_id=self.options.saved_search_id,
                saved_search_script_id=self.options.saved_search_script_id,
                modified_since=since,
                record_types=[RecordType.SALES_ORDER],
            )
        )
        orders.sort(key=_change_order)
        for order in orders:
            internal_id = str(order.internalId)
            yield Record.of(
                f"{self.options.account}:{RecordType.SALES_ORDER}:{internal_id}",
                self._payload(order),
                cursor=order.lastModifiedDate.isoformat(),
                origin=f"NetSuite sales order {order.tranId or '(no number)'} ({internal_id})",
            )

    def _payload(self, order: Any) -> dict[str, Any]:
        payload = record_document(order, leave_out=LEFT_OUT)
        for line in payload.get("itemList", {}).get("item", []):
            for name in LINE_LEFT_OUT:
                line.pop(name, None)
        custom = payload.get("customFieldList", {}).get("customField")
        if custom is not None:
            kept = [f for f in custom if f.get("scriptId") not in self.options.write_back_fields]
            if kept:
                payload["customFieldList"]["customField"] = kept
            else:
                del payload["customFieldList"]
        return payload

    def close(self) -> None:
        """Close the connection to NetSuite."""
        self.client.close()


def _change_order(order: Any) -> tuple[datetime, int]:
    return order.lastModifiedDate, int(order.internalId)


def _moment(cursor: str) -> datetime:
    try:
        moment = datetime.fromisoformat(cursor)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise NetSuiteSourceError(
            f"the cursor {cursor!r} is not a moment with a time zone, as this source writes them"
        )
    return moment

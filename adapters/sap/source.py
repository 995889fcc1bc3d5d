"""SAP sales orders (``A_SalesOrder`` with items and partners) as a source of records."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import timedelta
from typing import Any, ClassVar

from pydantic import Field

from adapters.base import AdapterContext, AdapterSettings, Record, Source
from adapters.sap.changes import ChangeCursor
from adapters.sap.incremental import DEFAULT_OVERLAP, read_changes
from adapters.sap.odata import ODataClient
from adapters.sap.services import SapService
from adapters.sap.settings import SapConnectionSettings
from adapters.sap.values import decode_entity

__all__ = ["VOLATILE_FIELDS", "SapSalesOrderSource", "SapSalesOrderSourceSettings"]

SALES_ORDERS = "A_SalesOrder"
KEY = "SalesOrder"

#: Fields SAP changes on its own (change stamps, and statuses our own shipments move). They are
#: left out of a record, so that they alone never make an order look changed.
VOLATILE_FIELDS = frozenset(
    {
        "LastChangeDate",
        "LastChangeDateTime",
        "OverallSDProcessStatus",
        "OverallTotalDeliveryStatus",
        "SDProcessStatus",
        "DeliveryStatus",
    }
)


class SapSalesOrderSourceSettings(AdapterSettings):
    """Where a :class:`SapSalesOrderSource` reads sales orders.

    Attributes:
        connection: the SAP system (address, client, credentials).
        where: a ``$filter`` every order must also meet, e.g. ``SalesOrganization eq '1710'``.
        key_prefix: put before every key (``SAP:`` → ``SAP:4711``), to keep systems apart.
        overlap_seconds: how far before the latest change taken each read starts again (see
            :mod:`adapters.sap.changes`): longer than SAP's slowest commit.
    """

    connection: SapConnectionSettings
    where: str | None = None
    key_prefix: str = ""
    overlap_seconds: float = Field(default=DEFAULT_OVERLAP.total_seconds(), ge=0)


def _stable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _stable(v) for k, v in value.items() if k not in VOLATILE_FIELDS}
    if isinstance(value, list):
        return [_stable(item) for item in value]
    return value


class SapSalesOrderSource(Source):
    """Sales orders changed since the cursor, each with its items (``to_Item``) and partners
    (``to_Partner``), oldest change first (kind ``sap-sales-orders``).

    Record:
        The key is ``key_prefix`` + ``SalesOrder``. The payload is the order as plain JSON
        (:func:`adapters.sap.values.decode_entity`: ISO dates, decimals as text, ``to_Item``
        and ``to_Partner`` as lists), without :data:`VOLATILE_FIELDS`.

    Cursor:
        A :class:`~adapters.sap.changes.ChangeCursor` as JSON: the latest change time taken
        and the orders taken within the overlap window. A change read again is not yielded
        again; an order changed again is.
    """

    kind: ClassVar[str] = "sap-sales-orders"
    settings_model: ClassVar[type[AdapterSettings]] = SapSalesOrderSourceSettings

    def __init__(self, settings: AdapterSettings, context: AdapterContext) -> None:
        """Make the source and its OData client (no request is sent yet).

        Raises:
            TypeError: ``settings`` is not :class:`SapSalesOrderSourceSettings`.
        """
        if not isinstance(settings, SapSalesOrderSourceSettings):
            raise TypeError(
                f"SapSalesOrderSource takes SapSalesOrderSourceSettings, not {settings!r}"
            )
        super().__init__(settings, context)
        self._settings = settings
        self._client = ODataClient.for_service(settings.connection, SapService.SALES_ORDER)

    def read(self, cursor: str | None) -> Iterator[Record]:
        """Orders changed since ``cursor`` (``None``: every order).

        Raises:
            ChangeCursorError: ``cursor`` is not this source's.
            SapError: SAP could not be read.
        """
        changes = read_changes(
            self._client,
            SALES_ORDERS,
            key_property=KEY,
            cursor=ChangeCursor.decode(cursor),
            overlap=timedelta(seconds=self._settings.overlap_seconds),
            expand=["to_Item", "to_Partner"],
            where=self._settings.where,
        )
        for change in changes:
            yield Record.of(
                f"{self._settings.key_prefix}{change.key}",
                _stable(decode_entity(change.entity)),
                cursor=change.cursor.encode(),
                origin=f"SAP sales order {change.key}",
            )

    def close(self) -> None:
        """Close the connections to SAP."""
        self._client.close()

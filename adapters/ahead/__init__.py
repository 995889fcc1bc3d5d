"""The AHEAD API as a sink and as sources.

- :class:`AheadOrderSink` (kind ``ahead-orders``): orders submitted to
  ``POST /v2/customer_order_submissions``.
- :class:`AheadShippedOrderSource` (kind ``ahead-shipped-orders``): the orders that shipped,
  with tracking and serial numbers (for 856s and fulfillments).
- :class:`AheadInvoiceSource` (kind ``ahead-invoices``): the invoices, each with its order and
  catalog prices (for 810s and bills).
- :class:`AheadRmaSink` (kind ``ahead-rmas``): RMAs requested with ``POST /v2/rmas``, each
  found again by the connector's reference in its problem text.
- :class:`AheadRmaStatusSource` (kind ``ahead-rma-status``): the RMAs the connector requested,
  with their status (for status back to the ERP's returns).
- :class:`AheadInventorySource` (kind ``ahead-inventories``): the inventory figures per item
  and location.

The shipped-order and invoice sources take :class:`AheadSourceSettings`; every source raises
:class:`AheadSourceError` when AHEAD cannot be read. ``docs/adapters-ahead.md`` describes them.
"""

from adapters.ahead.inventories import AheadInventorySource, AheadInventorySourceSettings
from adapters.ahead.invoices import AheadInvoiceSource
from adapters.ahead.listing import AheadSourceError
from adapters.ahead.reading import AheadSourceSettings
from adapters.ahead.rma_sink import AheadRmaSink, AheadRmaSinkSettings
from adapters.ahead.rma_status import AheadRmaStatusSource, AheadRmaStatusSourceSettings
from adapters.ahead.service import AHEAD_SERVICE
from adapters.ahead.shipments import AheadShippedOrderSource
from adapters.ahead.sink import AheadOrderSink, AheadOrderSinkSettings

__all__ = [
    "AHEAD_SERVICE",
    "AheadInventorySource",
    "AheadInventorySourceSettings",
    "AheadInvoiceSource",
    "AheadOrderSink",
    "AheadOrderSinkSettings",
    "AheadRmaSink",
    "AheadRmaSinkSettings",
    "AheadRmaStatusSource",
    "AheadRmaStatusSourceSettings",
    "AheadShippedOrderSource",
    "AheadSourceError",
    "AheadSourceSettings",
]

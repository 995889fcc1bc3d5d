"""The AHEAD API as a sink and as sources.

- :class:`AheadOrderSink` (kind ``ahead-orders``): orders submitted to
  ``POST /v2/customer_order_submissions``.
- :class:`AheadShippedOrderSource` (kind ``ahead-shipped-orders``): the orders that shipped,
  with tracking and serial numbers (for 856s and fulfillments).
- :class:`AheadInvoiceSource` (kind ``ahead-invoices``): the invoices, each with its order and
  catalog prices (for 810s and bills).

Both sources take :class:`AheadSourceSettings` and raise :class:`AheadSourceError` when AHEAD
cannot be read; ``docs/adapters-ahead.md`` describes them.
"""

from adapters.ahead.invoices import AheadInvoiceSource
from adapters.ahead.listing import AheadSourceError
from adapters.ahead.reading import AheadSourceSettings
from adapters.ahead.shipments import AheadShippedOrderSource
from adapters.ahead.sink import AHEAD_SERVICE, AheadOrderSink, AheadOrderSinkSettings

__all__ = [
    "AHEAD_SERVICE",
    "AheadInvoiceSource",
    "AheadOrderSink",
    "AheadOrderSinkSettings",
    "AheadShippedOrderSource",
    "AheadSourceError",
    "AheadSourceSettings",
]

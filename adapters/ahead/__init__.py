"""The AHEAD API as a sink: orders submitted to ``POST /v2/customer_order_submissions``."""

from adapters.ahead.sink import AHEAD_SERVICE, AheadOrderSink, AheadOrderSinkSettings

__all__ = ["AHEAD_SERVICE", "AheadOrderSink", "AheadOrderSinkSettings"]

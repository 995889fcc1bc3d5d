"""A source of the AHEAD orders that shipped: one record per order, for 856s and fulfillments.

Record:
    key: the order's ``customer_order`` (the customer's own order number; stable).
    origin: ``AHEAD order <id>``.
    payload: the order as ``GET /v2/customer_order_submissions/{id}`` returns it, as JSON,
        without ``updated_at`` and ``invoices`` (see :data:`LEFT_OUT`): ``id``,
        ``customer_order``, ``purchase_order``, ``status``, ``ship_method_id``,
        ``ship_method``, ``recipient``, ``tracking_numbers`` (``tracking_number``, ``weight``),
        ``lines`` (``product_code``, ``quantity``, ``customs_declared_value``,
        ``serial_numbers``), ``created_at`` and the rest of the order's fields.

Why those two fields are left out: the content hash must change when the shipment changes and
only then. ``updated_at`` moves whenever AHEAD touches the order for any reason, and an invoice
is attached to an order independently of its shipment (invoices have their own source); with
either in the payload an unchanged shipment could look changed and be reported or sent again.

Cursor: a position in the list of all orders (see :mod:`adapters.ahead.positions`). The API can
filter orders only by equality and lists them by id, while orders ship in any order, so neither
a status filter nor an id or ``updated_at`` watermark alone can resume a read without missing
an order that ships late. The position instead covers the head of the list in which every
order is settled: shipped and handled, another partner's, or from before ``since``. An order
not shipped yet holds the position, so it is read again until it ships, together with the
orders after it; a run with no changes reads from the oldest unshipped order on, not every
shipped order since the beginning. Orders are read whatever their status and the status is
checked here, which also stays right where the API spells it ``shipped``.

What it does not see: a change AHEAD makes to an order after it shipped and after the position
moved past it (the API documents no such change). Clearing the flow's cursor reads every order
again; the engine then sends only what changed.
"""

from __future__ import annotations

import logging
from typing import Any

from adapters.ahead.listing import Listed, Unreadable
from adapters.ahead.reading import AheadListSource, Examine, Found, Passed
from connector.api.models import CustomerOrder, OrderStatus

#: The statuses of an order that has shipped. The reference's lifecycle is Pending, Released,
#: Shipped; a later status that implies shipment belongs here.
SHIPPED_STATUSES = frozenset({OrderStatus.SHIPPED})

#: Order fields left out of the payload (see the module).
LEFT_OUT = frozenset({"updated_at", "invoices"})

_SHIPPED_NAMES = frozenset(status.value.casefold() for status in SHIPPED_STATUSES)

logger = logging.getLogger(__name__)


def shipment_document(order: CustomerOrder) -> dict[str, Any]:
    """The payload of a shipped order: the order as JSON without :data:`LEFT_OUT`."""
    return order.model_dump(mode="json", exclude=set(LEFT_OUT))


class AheadShippedOrderSource(AheadListSource[CustomerOrder]):
    """Yields each AHEAD order that has shipped, once it has (see the module for the record,
    the payload and the cursor).

    Settings: :class:`~adapters.ahead.AheadSourceSettings` (``customer_order_prefix`` for one
    trading partner's orders, ``since``, ``page_size``). The source uses the
    :class:`~connector.api.AheadClient` the engine provides as ``context.services["ahead"]``.

    An order that AHEAD sends in a shape the connector cannot read is set aside
    (:meth:`quarantine`: logged as an error and listed in :attr:`quarantined`) once it shows
    the status Shipped; before that it is read again each time, with a warning.
    """

    kind = "ahead-shipped-orders"
    resource = "customer_order_submissions"
    model = CustomerOrder
    what = "orders"

    def _examiner(self) -> Examine[CustomerOrder]:
        return self._examine

    def _examine(self, listed: Listed[CustomerOrder]) -> Found | Passed:
        order = listed.record
        origin = f"AHEAD order {listed.record_id if listed.record_id is not None else '?'}"
        if isinstance(order, Unreadable):
            return self._examine_unreadable(order, origin)
        if not self.is_ours(order.customer_order) or self.is_before_since(order.created_at):
            return Passed.SETTLED
        if order.status not in SHIPPED_STATUSES:
            return Passed.NOT_YET
        if not order.customer_order.strip():
            self.quarantine(
                origin,
                "it has shipped but has no customer_order, which is its key (an order entered "
                "in AHEAD by hand?); give it the customer's order number in AHEAD",
            )
            return Passed.SETTLED
        return Found(order.customer_order, shipment_document(order), origin)

    def _examine_unreadable(self, order: Unreadable, origin: str) -> Passed:
        customer_order = order.text("customer_order")
        if customer_order is not None and not self.is_ours(customer_order):
            return Passed.SETTLED
        status = order.text("status")
        named = f"customer_order {customer_order!r}" if customer_order else "no customer_order"
        if status is not None and status.casefold() in _SHIPPED_NAMES:
            self.quarantine(
                origin,
                f"it has shipped ({named}), but does not fit an AHEAD order: {order.problem}",
            )
            return Passed.SETTLED
        logger.warning(
            "%s: %s (%s) does not fit an AHEAD order (%s); it has not shipped (status %r), so "
            "it is read again next time",
            self.context.name,
            origin,
            named,
            order.problem,
            status,
        )
        return Passed.NOT_YET

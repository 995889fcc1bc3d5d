"""A source of AHEAD invoices, each with the order it bills and catalog prices: for 810s and bills.

Record:
    key: ``invoice:<id>``; the invoice's id is its invoice number (the number an order's
        ``invoices`` list shows).
    origin: ``AHEAD invoice <id>``.
    payload:
        ``invoice``: the invoice as JSON without ``updated_at``: ``id``, ``order_id``,
        ``billed_at``, ``total``, ``created_at``.
        ``order``: the billed order as the shipped-orders source gives it
        (:func:`~adapters.ahead.shipments.shipment_document`: ``purchase_order``,
        ``customer_order``, ``recipient``, ``tracking_numbers``, ...), each of its ``lines``
        with three more fields from the customer catalog (:mod:`adapters.ahead.catalog`):
        ``item_id``, ``customer_sku`` and ``unit_price``, each ``None`` when the catalog has
        no entry for the line's product.

``updated_at`` is left out for the reason the shipped-orders source gives: it moves without the
invoice changing. The unit prices are the catalog's when the invoice is *read*; the invoice
holds only its total. A price changed in the catalog later changes the payload of an invoice
read again (only after the flow's cursor was cleared), which the engine then reports as a
change.

Cursor: a position in the list of invoices (:mod:`adapters.ahead.positions`). An invoice is
complete when it appears, so every invoice settles at once and a run with no changes reads only
the invoices that are new since the last one. Invoices of other partners' orders
(``customer_order_prefix``) and invoices billed before ``since`` are passed over; the order is
fetched only for invoices that are not passed over by ``since``, once per order and read.

An invoice that cannot be sent, because it does not fit the invoice model or its order cannot
be found or read, is set aside (:meth:`quarantine`: logged as an error and listed in
:attr:`quarantined`) and read past. An invoice whose order cannot be found cannot be told to
belong to any partner, so every invoice source reports it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pydantic

from adapters.ahead.catalog import CatalogLookup
from adapters.ahead.listing import AheadSourceError, Listed, Unreadable, describe_invalid
from adapters.ahead.reading import AheadListSource, Examine, Found, Passed
from adapters.ahead.shipments import shipment_document
from connector.api import AheadClient, AheadError, NotFoundError, UnexpectedResponseError
from connector.api.models import CustomerOrder, Invoice

#: Invoice fields left out of the payload (see the module).
LEFT_OUT = frozenset({"updated_at"})

_ORDERS = "customer_order_submissions"


@dataclass(frozen=True)
class _OrderProblem:
    """Why the order of an invoice cannot be used, and its ``customer_order`` if known."""

    problem: str
    customer_order: str | None = None


class AheadInvoiceSource(AheadListSource[Invoice]):
    """Yields each AHEAD invoice with its order and catalog prices (see the module for the
    record, the payload and the cursor).

    Settings: :class:`~adapters.ahead.AheadSourceSettings` (``customer_order_prefix`` for one
    trading partner's invoices, matched on the billed order; ``since``, matched on
    ``billed_at``; ``page_size``). The source uses the :class:`~connector.api.AheadClient` the
    engine provides as ``context.services["ahead"]``.
    """

    kind = "ahead-invoices"
    resource = "invoices"
    model = Invoice
    what = "invoices"

    def _examiner(self) -> Examine[Invoice]:
        return _InvoiceReading(self).examine


class _InvoiceReading:
    """One read of the invoices: remembers orders and catalog entries for its length."""

    def __init__(self, source: AheadInvoiceSource) -> None:
        self._source = source
        self._client: AheadClient = source.client
        self._orders: dict[int, CustomerOrder | _OrderProblem] = {}
        self._catalog = CatalogLookup(source.client)

    def examine(self, listed: Listed[Invoice]) -> Found | Passed:
        invoice = listed.record
        origin = f"AHEAD invoice {listed.record_id if listed.record_id is not None else '?'}"
        if isinstance(invoice, Unreadable):
            return self._examine_unreadable(invoice, origin)
        if self._source.is_before_since(invoice.billed_at or invoice.created_at):
            return Passed.SETTLED
        order = self._order(invoice.order_id)
        if isinstance(order, _OrderProblem):
            if order.customer_order is not None and not self._source.is_ours(order.customer_order):
                return Passed.SETTLED
            self._source.quarantine(origin, order.problem)
            return Passed.SETTLED
        if not self._source.is_ours(order.customer_order):
            return Passed.SETTLED
        try:
            lines = [self._catalog.priced_line(line) for line in order.lines]
        except AheadError as exc:
            raise AheadSourceError(
                f"cannot read the customer catalog from AHEAD for {origin}: {exc}. The next run "
                "reads from this invoice again."
            ) from exc
        payload = {
            "invoice": invoice.model_dump(mode="json", exclude=set(LEFT_OUT)),
            "order": {**shipment_document(order), "lines": lines},
        }
        return Found(f"invoice:{invoice.id}", payload, origin)

    def _examine_unreadable(self, invoice: Unreadable, origin: str) -> Passed:
        order_id = invoice.fields.get("order_id")
        if isinstance(order_id, int) and not isinstance(order_id, bool):
            customer_order = self._order(order_id).customer_order
            if customer_order is not None and not self._source.is_ours(customer_order):
                return Passed.SETTLED
        self._source.quarantine(origin, f"it does not fit an AHEAD invoice: {invoice.problem}")
        return Passed.SETTLED

    def _order(self, order_id: int) -> CustomerOrder | _OrderProblem:
        if order_id not in self._orders:
            self._orders[order_id] = self._fetch_order(order_id)
        return self._orders[order_id]

    def _fetch_order(self, order_id: int) -> CustomerOrder | _OrderProblem:
        try:
            order = self._client.get(_ORDERS, order_id)
        except NotFoundError:
            return _OrderProblem(
                f"the order it bills, {order_id}, does not exist in AHEAD; it cannot be told "
                "which partner the invoice belongs to or what it bills"
            )
        except UnexpectedResponseError as exc:
            return _unreadable_order(order_id, exc)
        except AheadError as exc:
            raise AheadSourceError(
                f"cannot read order {order_id} from AHEAD for one of its invoices: {exc}. The "
                "next run reads from that invoice again."
            ) from exc
        if not isinstance(order, CustomerOrder):
            raise AheadSourceError(
                f"the AHEAD client decoded order {order_id} into {type(order).__name__}, not "
                "CustomerOrder; the endpoint table and the source disagree"
            )
        return order


def _unreadable_order(order_id: int, error: UnexpectedResponseError) -> _OrderProblem:
    """The problem of an order AHEAD sent in a shape that does not fit, if that is what it is."""
    try:
        fields: Any = json.loads(error.body)
    except ValueError:
        fields = None
    # The client also takes a single record wrapped in the list envelope.
    if isinstance(fields, dict) and isinstance(fields.get("results"), list):
        fields = fields["results"][0] if len(fields["results"]) == 1 else None
    if isinstance(fields, dict):
        try:
            CustomerOrder.model_validate(fields)
        except pydantic.ValidationError as exc:
            customer_order = fields.get("customer_order")
            return _OrderProblem(
                f"the order it bills, {order_id}, does not fit an AHEAD order: "
                f"{describe_invalid(exc)}",
                customer_order if isinstance(customer_order, str) else None,
            )
    raise AheadSourceError(
        f"cannot read order {order_id} from AHEAD for one of its invoices: {error}. The next "
        "run reads from that invoice again."
    ) from error

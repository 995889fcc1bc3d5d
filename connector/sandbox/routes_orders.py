"""Customer orders: ``/v2/customer_order_submissions`` (list, one, submit)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse

from connector.api.endpoints import ENDPOINTS
from connector.api.models import CustomerOrder, OrderSubmission
from connector.sandbox.listing import list_table, page, parse_q
from connector.sandbox.routing import created, found, json_body
from connector.sandbox.state import Sandbox
from connector.sandbox.store import Document, Table
from connector.sandbox.validation import order_reference_errors, validate_body

_ORDERS = ENDPOINTS[Table.CUSTOMER_ORDER_SUBMISSIONS.value]


def router(sandbox: Sandbox) -> APIRouter:
    """The order routes of ``sandbox``."""
    api = APIRouter(tags=["orders"])
    store = sandbox.store
    fields = CustomerOrder.model_fields.keys()

    @api.get(_ORDERS.path)
    def list_orders(q: Annotated[str | None, Query()] = None) -> dict[str, Any]:
        query = parse_q(q, fields)
        rows, total = list_table(store, Table.CUSTOMER_ORDER_SUBMISSIONS, query)
        return page(rows, total, query.offset)

    @api.get(f"{_ORDERS.path}/{{order_id}}")
    def get_order(order_id: int) -> Document:
        return found(
            store.get(Table.CUSTOMER_ORDER_SUBMISSIONS, order_id), "customer order", order_id
        )

    @api.post(_ORDERS.path)
    def submit_order(payload: Annotated[Any, Depends(json_body)]) -> JSONResponse:
        references = order_reference_errors(
            payload, sandbox.references, sandbox.config.organization_id
        )
        submission = validate_body(OrderSubmission, payload, references)
        return created(sandbox.submit_order(submission))

    return api

"""Customer orders in the store: submit one, move it along its lifecycle, ship it."""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from pydantic import TypeAdapter

from connector.api.models import (
    CustomerOrder,
    FieldError,
    Invoice,
    OrderInvoiceRef,
    OrderLine,
    OrderStatus,
    OrderSubmission,
)
from connector.sandbox import lifecycle
from connector.sandbox.config import LifecycleConfig
from connector.sandbox.errors import SandboxHTTPError
from connector.sandbox.fulfilment import ItemFacts, plan_shipment
from connector.sandbox.store import Document, Store, Table


@dataclass(frozen=True)
class Transition:
    """An order reaching a status, with the order as it was right then.

    Attributes:
        status: the status reached.
        order: the order document at that moment.
    """

    status: OrderStatus
    order: Document


def submit_order(
    store: Store,
    submission: OrderSubmission,
    *,
    organization_id: int,
    now: datetime,
    order_id: int | None = None,
) -> Document:
    """Store a new order, Pending, and return it as the API shows it.

    The sandbox does not refuse a second order with the same ``customer_order``: the real API
    documents no idempotency key, and tests count such duplicates.

    Args:
        store: the sandbox store.
        submission: the validated order.
        organization_id: the organization the order belongs to when it names none.
        now: the submission time.
        order_id: use this id (seeded orders) instead of the next free one.
    """
    method = store.get(Table.SHIPPING_METHODS, submission.ship_method_id)
    order = CustomerOrder.model_validate(
        {
            **submission.model_dump(mode="json"),
            "id": 0,
            "organization_id": submission.organization_id or organization_id,
            "ship_method": None if method is None else method["name"],
            "status": OrderStatus.PENDING,
            "created_at": now,
            "updated_at": now,
        }
    )
    return store.insert(
        Table.CUSTOMER_ORDER_SUBMISSIONS, order.model_dump(mode="json"), id=order_id
    )


def advance_order(
    store: Store,
    order_id: int,
    target: OrderStatus | None,
    *,
    now: datetime,
    rng: random.Random,
) -> list[Transition]:
    """Move one order on, by hand, to ``target`` (default: the next status).

    Raises:
        SandboxHTTPError: 404 for an unknown order; 409 when ``target`` is not after the
            order's status (or the order has shipped already).
    """
    with store.transaction():
        doc = store.get(Table.CUSTOMER_ORDER_SUBMISSIONS, order_id)
        if doc is None:
            raise SandboxHTTPError(404, f"no customer order with id {order_id}")
        current = CustomerOrder.model_validate(doc).status
        wanted = target or lifecycle.next_status(current)
        if wanted is None or not lifecycle.is_after(wanted, current):
            raise SandboxHTTPError(
                409,
                [
                    _status_error(
                        f"order {order_id} is {current.value}; "
                        f"it can only move forward ({' -> '.join(lifecycle.ORDER_FLOW)})"
                    )
                ],
            )
        return _apply(store, doc, wanted, now, rng)


def advance_due_orders(
    store: Store, config: LifecycleConfig, *, now: datetime, rng: random.Random
) -> list[Transition]:
    """Move every order whose next step is due at ``now``; the transitions, in order.

    Only orders submitted long enough ago for their next step are read (an indexed query), so a
    tick costs the number of due orders, not the number of orders.
    """
    transitions: list[Transition] = []
    for status, delay in (
        (OrderStatus.PENDING, config.release_after),
        (OrderStatus.RELEASED, config.ship_after),
    ):
        if delay is None:
            continue  # that step never happens by itself
        # One second of slack: timestamps compare as text, and sub-second digits vary in length.
        cutoff = _as_json_time(now - timedelta(seconds=delay) + timedelta(seconds=1))
        candidates, _ = store.query(
            Table.CUSTOMER_ORDER_SUBMISSIONS,
            {"status": status.value},
            at_most={"created_at": cutoff},
        )
        for candidate in candidates:
            if _due(candidate, config, now) is status:
                continue
            with store.transaction():
                # Read again under the lock: another thread may have moved it meanwhile.
                doc = store.get(Table.CUSTOMER_ORDER_SUBMISSIONS, candidate["id"])
                if doc is not None:
                    transitions += _apply(store, doc, _due(doc, config, now), now, rng)
    return transitions


def item_facts(store: Store, product_codes: Iterable[str]) -> dict[str, ItemFacts]:
    """What shipping needs about each product code that names an item."""
    facts: dict[str, ItemFacts] = {}
    for code in set(product_codes):
        item = store.first(Table.ITEMS, {"name": code})
        if item is None:
            continue
        catalog = store.first(Table.CUSTOMER_CATALOG_ITEMS, {"item_id": item["id"]})
        weight = item.get("weight")
        facts[code] = ItemFacts(
            item_id=item["id"],
            serialized=bool(item.get("serialized")),
            weight=None if weight is None else Decimal(str(weight)),
            price=Decimal(0) if catalog is None else Decimal(str(catalog["price"])),
        )
    return facts


def _due(doc: Document, config: LifecycleConfig, now: datetime) -> OrderStatus:
    order = CustomerOrder.model_validate(doc)
    submitted = order.created_at or now
    return lifecycle.due_status(order.status, submitted, config, now)


def _apply(
    store: Store, doc: Document, target: OrderStatus, now: datetime, rng: random.Random
) -> list[Transition]:
    order = CustomerOrder.model_validate(doc)
    transitions = []
    for status in lifecycle.steps_to(order.status, target):
        order = order.model_copy(update={"status": status, "updated_at": now})
        if status is OrderStatus.SHIPPED:
            order = _ship(store, order, now, rng)
        saved = store.update(Table.CUSTOMER_ORDER_SUBMISSIONS, order.id, _dump(order))
        assert saved is not None
        transitions.append(Transition(status=status, order=saved))
    return transitions


def _ship(store: Store, order: CustomerOrder, now: datetime, rng: random.Random) -> CustomerOrder:
    facts = item_facts(store, (line.product_code for line in order.lines))
    shipment = plan_shipment(order.id, order.lines, facts, rng)
    invoice = Invoice(
        id=0,
        order_id=order.id,
        billed_at=now,
        total=shipment.invoice_total,
        created_at=now,
        updated_at=now,
    )
    invoice_doc = store.insert(Table.INVOICES, invoice.model_dump(mode="json"))
    lines: list[OrderLine] = []
    for line, serials in zip(order.lines, shipment.serial_numbers, strict=True):
        item = facts.get(line.product_code)
        for serial in serials:
            store.insert(
                Table.SERIALS,
                {
                    "manufacturer_serial": serial,
                    "item_id": None if item is None else item.item_id,
                    "order_id": order.id,
                },
            )
        lines.append(line.model_copy(update={"serial_numbers": serials}))
    return order.model_copy(
        update={
            "lines": lines,
            "tracking_numbers": shipment.tracking_numbers,
            "invoices": [OrderInvoiceRef(invoice_number=invoice_doc["id"])],
        }
    )


_JSON_TIME: TypeAdapter[datetime] = TypeAdapter(datetime)


def _as_json_time(moment: datetime) -> str:
    """``moment`` written as stored documents write their timestamps."""
    return str(_JSON_TIME.dump_python(moment, mode="json"))


def _dump(order: CustomerOrder) -> Document:
    return order.model_dump(mode="json")


def _status_error(message: str) -> FieldError:
    return FieldError(field="status", message=message)

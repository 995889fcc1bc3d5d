"""The order lifecycle, Pending -> Released -> Shipped, as pure functions (no I/O, no clock)."""

from __future__ import annotations

from datetime import datetime, timedelta

from connector.api.models import OrderStatus, WebhookEventName
from connector.sandbox.config import LifecycleConfig

#: The statuses an order goes through, in order.
ORDER_FLOW: tuple[OrderStatus, ...] = (
    OrderStatus.PENDING,
    OrderStatus.RELEASED,
    OrderStatus.SHIPPED,
)

_EVENTS: dict[OrderStatus, tuple[WebhookEventName, ...]] = {
    OrderStatus.PENDING: (),
    OrderStatus.RELEASED: (WebhookEventName.ORDER_RELEASED,),
    # The invoice is made when the order ships, so "invoiced" follows "shipped" at once.
    OrderStatus.SHIPPED: (WebhookEventName.ORDER_SHIPPED, WebhookEventName.ORDER_INVOICED),
}


def next_status(status: OrderStatus) -> OrderStatus | None:
    """The status after ``status``, or ``None`` for the last one."""
    index = ORDER_FLOW.index(status)
    return ORDER_FLOW[index + 1] if index + 1 < len(ORDER_FLOW) else None


def is_after(status: OrderStatus, other: OrderStatus) -> bool:
    """Whether ``status`` comes later in the lifecycle than ``other``."""
    return ORDER_FLOW.index(status) > ORDER_FLOW.index(other)


def steps_to(current: OrderStatus, target: OrderStatus) -> list[OrderStatus]:
    """The statuses an order passes through from ``current`` to ``target`` (both excluded and
    included respectively); empty when ``target`` is not after ``current``."""
    start, end = ORDER_FLOW.index(current), ORDER_FLOW.index(target)
    return list(ORDER_FLOW[start + 1 : end + 1])


def due_status(
    current: OrderStatus, submitted_at: datetime, lifecycle: LifecycleConfig, now: datetime
) -> OrderStatus:
    """The status an order should have at ``now``.

    A step happens by itself only from the status just before it: with ``release_after`` off,
    an order stays Pending until released by hand, whatever ``ship_after`` says; once released
    (by time or by hand) it ships when ``ship_after`` has passed since submission.

    Args:
        current: the order's status now.
        submitted_at: when the order was submitted.
        lifecycle: after how many seconds each step is due (``None``: never by itself).
        now: the sandbox clock.
    """
    status = current
    if status is OrderStatus.PENDING and _elapsed(submitted_at, lifecycle.release_after, now):
        status = OrderStatus.RELEASED
    if status is OrderStatus.RELEASED and _elapsed(submitted_at, lifecycle.ship_after, now):
        status = OrderStatus.SHIPPED
    return status


def events_on_entering(status: OrderStatus) -> tuple[WebhookEventName, ...]:
    """The webhook events an order publishes when it reaches ``status``, in order."""
    return _EVENTS[status]


def _elapsed(start: datetime, seconds: float | None, now: datetime) -> bool:
    return seconds is not None and now >= start + timedelta(seconds=seconds)

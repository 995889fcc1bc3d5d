"""What shipping an order produces, as a pure function: packages, serial numbers, invoice total."""

from __future__ import annotations

import random
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from connector.api.models import OrderLine, TrackingNumber

_TRACKING_ALPHABET = string.ascii_uppercase + string.digits


@dataclass(frozen=True)
class ItemFacts:
    """What shipping needs to know about the item an order line names.

    Attributes:
        item_id: the item's id.
        serialized: whether every unit gets a serial number.
        weight: the weight of one unit, if known.
        price: the customer catalog price of one unit (zero when the item has no catalog entry).
    """

    item_id: int
    serialized: bool
    weight: Decimal | None
    price: Decimal


@dataclass(frozen=True)
class Shipment:
    """The outcome of shipping an order.

    Attributes:
        tracking_numbers: one package per order line.
        serial_numbers: per order line, one serial per unit for serialized items, else none.
        invoice_total: the sum of catalog price times quantity over the lines.
    """

    tracking_numbers: list[TrackingNumber]
    serial_numbers: list[list[str]]
    invoice_total: Decimal


def plan_shipment(
    order_id: int,
    lines: Sequence[OrderLine],
    items: Mapping[str, ItemFacts],
    rng: random.Random,
) -> Shipment:
    """Ship an order: one package per line, serials for serialized items, and the invoice total.

    Serial and tracking numbers embed the order id and the line number, so they are unique
    across orders even when a restarted sandbox replays the same random sequence.

    Args:
        order_id: the AHEAD order id.
        lines: the order's lines.
        items: facts per product code (an item's ``name``); a line whose code is missing here
            gets no serials, no weight and no price.
        rng: where the random part of tracking numbers comes from.
    """
    tracking: list[TrackingNumber] = []
    serials: list[list[str]] = []
    total = Decimal(0)
    for number, line in enumerate(lines, start=1):
        facts = items.get(line.product_code)
        prefix = "".join(rng.choice(_TRACKING_ALPHABET) for _ in range(8))
        weight = None if facts is None or facts.weight is None else facts.weight * line.quantity
        tracking.append(
            TrackingNumber(tracking_number=f"{prefix}{order_id:08d}{number:02d}", weight=weight)
        )
        if facts is not None and facts.serialized:
            serials.append(
                [
                    f"AH{order_id:06d}-{number:02d}-{unit:04d}"
                    for unit in range(1, line.quantity + 1)
                ]
            )
        else:
            serials.append([])
        if facts is not None:
            total += facts.price * line.quantity
    return Shipment(tracking_numbers=tracking, serial_numbers=serials, invoice_total=total)

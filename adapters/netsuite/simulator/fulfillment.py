"""Item fulfillments of sales orders: ``initialize`` prefills one, ``add`` ships it.

An order can be fulfilled while its status is pending fulfillment or partially fulfilled. A new
fulfillment offers every open line with its remaining quantity. Adding one checks each received
line against the order (the line exists, the quantity is not more than what remains, serial
numbers in the inventory detail add up to the quantity), drops the lines not received, and
moves the order's fulfilled quantities, status and linked tracking numbers along.
"""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any

from adapters.netsuite.simulator.data import RecordData
from adapters.netsuite.simulator.errors import RecordError
from adapters.netsuite.simulator.store import StoredRecord

PENDING_FULFILLMENT = "_pendingFulfillment"
PARTIALLY_FULFILLED = "_partiallyFulfilled"
PENDING_BILLING = "_pendingBilling"
_FULFILLABLE = frozenset({PENDING_FULFILLMENT, PARTIALLY_FULFILLED, "_pendingBillingPartFulfilled"})
_STATUS_TEXT = {
    PENDING_FULFILLMENT: "Pending Fulfillment",
    PARTIALLY_FULFILLED: "Partially Fulfilled",
    PENDING_BILLING: "Pending Billing",
}


def order_defaults(order: RecordData) -> RecordData:
    """A new sales order with what NetSuite fills in: line numbers, nothing fulfilled yet, and
    the status pending fulfillment."""
    order = copy.deepcopy(order)
    order.setdefault("orderStatus", PENDING_FULFILLMENT)
    order.setdefault("status", _STATUS_TEXT.get(str(order["orderStatus"]), ""))
    for number, line in enumerate(_lines(order), start=1):
        line.setdefault("line", str(number))
        line.setdefault("quantityFulfilled", "0")
    return order


def initialize_fulfillment(order: StoredRecord, now: datetime) -> RecordData:
    """A new item fulfillment of ``order`` with every open line and its remaining quantity.

    Raises:
        RecordError: the order cannot be fulfilled (its status, or nothing remains).
    """
    data = order.data
    if str(data.get("orderStatus", "")) not in _FULFILLABLE or not _open_lines(data):
        raise RecordError(
            "INVALID_INITIALIZE_REF",
            f"You can not initialize itemFulfillment: invalid reference {order.internal_id}.",
        )
    tran_id = data.get("tranId", order.internal_id)
    fulfillment: RecordData = {
        "@xsi:type": "ItemFulfillment",
        "createdFrom": {
            "@internalId": order.internal_id,
            "@type": "salesOrder",
            "name": f"Sales Order #{tran_id}",
        },
        "tranDate": now.isoformat(timespec="milliseconds"),
        "shipStatus": "_picked",
    }
    for field in ("entity", "shippingAddress", "shipMethod"):
        if field in data:
            fulfillment[field] = copy.deepcopy(data[field])
    items = []
    for line, remaining in _open_lines(data):
        item: RecordData = {"itemReceive": "true"}
        reference = line.get("item")
        if isinstance(reference, dict) and reference.get("name"):
            item["itemName"] = reference["name"]
        for field in ("description", "location"):
            if field in line:
                item[field] = copy.deepcopy(line[field])
        item["quantity"] = _number(remaining)
        if reference is not None:
            item["item"] = copy.deepcopy(reference)
        item["orderLine"] = str(line["line"])
        item["quantityRemaining"] = _number(remaining)
        items.append(item)
    fulfillment["itemList"] = {"item": items}
    return fulfillment


def ship(order: StoredRecord, fulfillment: RecordData) -> tuple[RecordData, RecordData]:
    """Check a fulfillment against its order; the fulfillment as kept and the order after it.

    Raises:
        RecordError: a line that is not on the order, more than remains, or serial numbers
            that do not add up; or no line received at all.
    """
    if str(order.data.get("orderStatus", "")) not in _FULFILLABLE:
        raise RecordError(
            "INVALID_KEY_OR_REF",
            f"The sales order {order.internal_id} cannot be fulfilled in its status.",
        )
    updated_order = copy.deepcopy(order.data)
    remaining = {str(line.get("line")): (line, left) for line, left in _open_lines(updated_order)}
    kept_lines = []
    for item in _lines(fulfillment):
        if str(item.get("itemReceive", "true")).lower() == "false":
            continue
        order_line = str(item.get("orderLine", ""))
        if order_line not in remaining:
            raise RecordError(
                "INVALID_KEY_OR_REF", f"Invalid orderline reference key {order_line or '(none)'}."
            )
        line, left = remaining[order_line]
        quantity = _float(item.get("quantity", left))
        if quantity <= 0 or quantity > left:
            raise RecordError(
                "INVALID_QTY",
                f"You can not fulfill {_number(quantity)} of line {order_line}: "
                f"{_number(left)} remain.",
            )
        _check_inventory_detail(item, quantity, order_line)
        line["quantityFulfilled"] = _number(_float(line.get("quantityFulfilled", 0)) + quantity)
        remaining[order_line] = (line, left - quantity)
        kept = copy.deepcopy(item)
        kept["quantity"] = _number(quantity)
        kept.pop("quantityRemaining", None)
        kept_lines.append(kept)
    if not kept_lines:
        raise RecordError(
            "USER_ERROR", "You must enter at least one line item for this transaction."
        )
    shipped = copy.deepcopy(fulfillment)
    shipped["itemList"] = {"item": kept_lines}
    status = PENDING_BILLING if not _open_lines(updated_order) else PARTIALLY_FULFILLED
    updated_order["orderStatus"] = status
    updated_order["status"] = _STATUS_TEXT[status]
    numbers = [
        str(package["packageTrackingNumber"])
        for package in (shipped.get("packageList") or {}).get("package", [])
        if package.get("packageTrackingNumber")
    ]
    if numbers:
        known = str(updated_order.get("linkedTrackingNumbers", "")).split()
        updated_order["linkedTrackingNumbers"] = " ".join(known + numbers)
    return shipped, updated_order


def _check_inventory_detail(item: RecordData, quantity: float, order_line: str) -> None:
    detail = item.get("inventoryDetail")
    if not isinstance(detail, dict):
        return
    assignments = (detail.get("inventoryAssignmentList") or {}).get("inventoryAssignment", [])
    total = sum(_float(assignment.get("quantity", 1)) for assignment in assignments)
    if abs(total - quantity) > 1e-9:
        raise RecordError(
            "USER_ERROR",
            f"The total inventory detail quantity of line {order_line} must be "
            f"{_number(quantity)}, not {_number(total)}.",
        )


def _lines(record: RecordData) -> list[RecordData]:
    item_list = record.get("itemList") or {}
    lines: list[RecordData] = item_list.get("item", [])
    return lines


def _open_lines(order: RecordData) -> list[tuple[RecordData, float]]:
    lines = []
    for line in _lines(order):
        if str(line.get("isClosed", "false")).lower() == "true":
            continue
        left = _float(line.get("quantity", 0)) - _float(line.get("quantityFulfilled", 0))
        if left > 0:
            lines.append((line, left))
    return lines


def _float(value: Any) -> float:
    try:
        return float(str(value))
    except ValueError:
        raise RecordError("INVALID_FLD_VALUE", f"{value!r} is not a number.") from None


def _number(value: float) -> str:
    return repr(float(value))

"""RMAs in the store: create one, attach comments, and show one as the API does."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from connector.api.models import (
    RmaComment,
    RmaCreate,
    RmaRequestType,
    RmaStatus,
)
from connector.sandbox.store import Document, Store, Table

#: The reference's names of the request types; a new RMA's subject is its type's name.
REQUEST_TYPE_NAMES: dict[RmaRequestType, str] = {
    RmaRequestType.REPLACEMENT_PARTS: "Replacement Parts",
    RmaRequestType.ADVANCE_SYSTEM_REPLACEMENT: "Advance System Replacement",
    RmaRequestType.DEPOT_REPAIR_AND_RETURN: "Depot Repair and Return",
    RmaRequestType.TRIAL_AND_STOCK: "Trial and Stock",
    RmaRequestType.REPAIR_AND_STOCK: "Repair and Stock",
}

#: The status of a new RMA (the reference's example).
NOT_RECEIVED = RmaStatus(id=1, name="Not Received")


class CommentKind(enum.StrEnum):
    """The three comment lists of an RMA."""

    PROBLEMS = "problems"
    TROUBLESHOOTINGS = "troubleshootings"
    RESULTS = "results"


_DETAIL_ONLY = ("lines", *(kind.value for kind in CommentKind))


def create_rma(
    store: Store, request: RmaCreate, *, organization_id: int, today: date, now: datetime
) -> Document:
    """Store a new RMA and return it in full.

    When ``manufacturer_serial`` is a serial number the sandbox shipped, the RMA names that
    order and item, and its one line is that item.

    Args:
        store: the sandbox store.
        request: the validated request.
        organization_id: the requesting organization.
        today: the RMA's start date.
        now: when its first comment, the problem, was written.
    """
    serial = store.first(Table.SERIALS, {"manufacturer_serial": request.manufacturer_serial})
    item = None
    if serial is not None and serial.get("item_id") is not None:
        item = rma_item(store, serial["item_id"])
    doc = store.insert(
        Table.RMAS,
        {
            "subject": REQUEST_TYPE_NAMES[request.request_type_id],
            "organization_id": organization_id,
            "order_id": None if serial is None else serial.get("order_id"),
            "repair_order_id": None,
            "replacement_order_id": None,
            "manufacturer_serial": request.manufacturer_serial,
            "start_date": today.isoformat(),
            "closed_date": None,
            "item": item,
            "status": NOT_RECEIVED.model_dump(mode="json"),
            "request_type_id": int(request.request_type_id),
            "replacement_name": request.replacement_name,
            "replacement_phone": request.replacement_phone,
            "replacement_addr": request.replacement_addr,
            "lines": [] if item is None else [{"quantity": 1, "item": item}],
        },
    )
    add_comment(store, doc["id"], CommentKind.PROBLEMS, request.problem, now)
    return detail(store, doc)


def add_comment(
    store: Store, rma_id: int, kind: CommentKind, message: str, at: datetime
) -> Document:
    """Attach a problem, troubleshooting note or result to an RMA."""
    comment = RmaComment(id=0, message=message, created_at=at, updated_at=at)
    return store.insert(
        Table.RMA_COMMENTS,
        {"rma_id": rma_id, "kind": kind.value, **comment.model_dump(mode="json")},
    )


def rma_item(store: Store, item_id: int) -> dict[str, Any] | None:
    """An item as an RMA shows it: id, name, description and category."""
    item = store.get(Table.ITEMS, item_id)
    if item is None:
        return None
    category_id = item.get("item_category_id")
    category = None if category_id is None else store.get(Table.ITEM_CATEGORIES, category_id)
    return {
        "id": item["id"],
        "name": item["name"],
        "description": item.get("description"),
        "category": None if category is None else {"id": category["id"], "name": category["name"]},
    }


def summary(doc: Document) -> Document:
    """An RMA as the list endpoints show it: without lines and comments."""
    return {key: value for key, value in doc.items() if key not in _DETAIL_ONLY}


def detail(store: Store, doc: Document) -> Document:
    """An RMA as ``/v2/rmas/{id}`` shows it: with lines, problems, troubleshootings, results."""
    comments: dict[str, list[Document]] = {kind.value: [] for kind in CommentKind}
    for comment in store.all(Table.RMA_COMMENTS, {"rma_id": doc["id"]}):
        comments[comment["kind"]].append(
            {key: comment[key] for key in ("id", "message", "created_at", "updated_at")}
        )
    return {**doc, "lines": doc.get("lines", []), **comments}

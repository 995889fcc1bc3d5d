"""The reference data a new sandbox starts with: the one place that decides which ids and names
exist (listed in ``docs/api-decisions.md``).

- Countries: every ISO 3166-1 country (``data/countries.csv``), ids 1.. in alphabetical order of
  the alpha-2 code.
- Shipping methods with their carriers; ``12`` is FedEx Ground and ``24`` FedEx Ground Canada,
  as in the reference's examples.
- Ten items (an order line's ``product_code`` is an item's ``name``), each with a customer
  catalog entry (SKU and price) and inventory at two locations; ``Generic Appliance`` is
  archived and cannot be ordered.
- Automation task types, serial data types, item categories.
- One shipped order (``SEED-1001``) with its invoice, and two RMAs on its systems, one closed
  and one open.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from importlib import resources
from typing import Any

from connector.api.models import (
    Address,
    OrderLineSubmission,
    OrderStatus,
    OrderSubmission,
    RmaRequestType,
)
from connector.sandbox import orders, rmas
from connector.sandbox.store import Store, Table

#: When the seeded records were created.
SEEDED_AT = datetime(2024, 1, 15, 9, 0, tzinfo=UTC)


@dataclass(frozen=True)
class SeedItem:
    """An item with its catalog entry."""

    id: int
    name: str
    description: str
    category_id: int
    serialized: bool
    weight: Decimal | None
    customer_sku: str
    price: Decimal
    archived: bool = False


ITEM_CATEGORIES: dict[int, str] = {
    12: "Appliance",
    32: "Server",
    59: "RAID Card",
    70: "Accessory",
    71: "Memory",
    72: "Storage",
}

ITEMS: tuple[SeedItem, ...] = (
    SeedItem(1423291, "StockBox 2000", "StockBox server 10.2", 32, True, Decimal("18.5"),
             "ACME-SB2000", Decimal("4999.00")),
    SeedItem(1423292, "StockBox 4000", "StockBox 4U storage server", 32, True, Decimal("31.0"),
             "ACME-SB4000", Decimal("8999.00")),
    SeedItem(127188, "Generic Product 1", "Generic 1U appliance", 12, True, Decimal("9.8"),
             "ACME-GP1", Decimal("1234.50")),
    SeedItem(127189, "Generic Product 2", "Generic accessory pack", 70, False, Decimal("1.2"),
             "ACME-GP2", Decimal("49.95")),
    SeedItem(109402, "Adaptec RAID 51245 Bulk", "SAS/SATA 3.0 16 PCI-Express x8", 59, True,
             Decimal("0.4"), "ACME-RAID51245", Decimal("329.00")),
    SeedItem(200101, "Power Cord C13", "Power cord IEC C13 to NEMA 5-15P, 6 ft", 70, False,
             Decimal("0.3"), "ACME-PC-C13", Decimal("7.50")),
    SeedItem(200102, "Rails Kit 2U", "Sliding rails kit for 2U chassis", 70, False,
             Decimal("4.1"), "ACME-RAILS-2U", Decimal("89.00")),
    SeedItem(200103, "Memory 32GB DDR4 ECC", "32 GB DDR4-3200 ECC RDIMM", 71, False,
             Decimal("0.05"), "ACME-MEM32", Decimal("119.00")),
    SeedItem(200104, "NVMe SSD 1.92TB", "1.92 TB U.2 NVMe data center SSD", 72, True,
             Decimal("0.1"), "ACME-NVME192", Decimal("259.00")),
    SeedItem(123456, "Generic Appliance", "Generic Appliance", 12, True, None,
             "ACME-GA", Decimal("999.00"), archived=True),
)  # fmt: skip

#: ``(id, name, carrier, description)``.
SHIPPING_METHODS: tuple[tuple[int, str, str, str], ...] = (
    (12, "FedEx Ground", "FedEx", "FedEx Ground, 1-5 business days (US)"),
    (13, "FedEx 2Day", "FedEx", "FedEx 2Day (US)"),
    (14, "FedEx Standard Overnight", "FedEx", "Next business day by 3 pm (US)"),
    (15, "FedEx Priority Overnight", "FedEx", "Next business day by 10:30 am (US)"),
    (24, "FedEx Ground Canada", "FedEx", "FedEx Ground within Canada"),
    (25, "FedEx International Economy", "FedEx", "2-5 business days, international"),
    (26, "FedEx International Priority", "FedEx", "1-3 business days, international"),
    (30, "UPS Ground", "UPS", "UPS Ground, 1-5 business days (US)"),
    (31, "UPS 2nd Day Air", "UPS", "UPS 2nd Day Air (US)"),
    (32, "UPS Next Day Air", "UPS", "UPS Next Day Air (US)"),
    (33, "UPS Worldwide Expedited", "UPS", "UPS Worldwide Expedited, international"),
    (40, "DHL Express Worldwide", "DHL", "DHL Express Worldwide, international"),
    (50, "USPS Priority Mail", "USPS", "USPS Priority Mail, 1-3 business days (US)"),
    (60, "Purolator Ground", "Purolator", "Purolator Ground (Canada)"),
    (61, "Purolator Express", "Purolator", "Purolator Express (Canada)"),
    (90, "Customer Pickup", "Customer", "Picked up by the customer at the AHEAD dock"),
    (91, "LTL Freight", "Freight", "Less-than-truckload freight on pallets"),
)

#: ``(id, name, description)``.
AUTOMATION_TASK_TYPES: tuple[tuple[int, str, str], ...] = (
    (1, "Burn-In", "Stress CPU, memory and disks for the configured time"),
    (2, "Imaging", "Write the customer's image to the boot disk"),
    (3, "Run-In", "Run the customer's application test suite"),
    (4, "BIOS Update", "Flash the BIOS to the approved version"),
    (5, "BMC Update", "Flash the BMC firmware to the approved version"),
    (6, "Final QA", "Visual inspection and final checks before packing"),
)

#: ``(id, name)``; referenced by ``serial_data_type_id`` (no endpoint lists them).
SERIAL_DATA_TYPES: tuple[tuple[int, str], ...] = (
    (1, "MAC Address"),
    (2, "BIOS Version"),
    (3, "BMC Firmware Version"),
    (4, "Asset Tag"),
    (5, "Test Log URL"),
)

#: Inventory locations; every orderable item has inventory at each.
INVENTORY_LOCATIONS: tuple[int, ...] = (1, 2)

#: RMA statuses besides :data:`connector.sandbox.rmas.NOT_RECEIVED` (id 1).
RMA_CHECKED_IN = {"id": 2, "name": "Checked In"}
RMA_CLOSED = {"id": 5, "name": "Closed"}

SEEDED_ORDER_ID = 5001
SEEDED_CUSTOMER_ORDER = "SEED-1001"
CLOSED_RMA_ID = 15989
OPEN_RMA_ID = 55622


def seed(store: Store, *, organization_id: int) -> bool:
    """Fill an empty store with the reference data; leave a store with any data alone.

    Args:
        store: the sandbox store.
        organization_id: the organization that owns the items, the order and the RMAs.

    Returns:
        Whether the store was seeded.
    """
    if not store.is_empty():
        return False
    with store.transaction():
        _seed_reference(store, organization_id)
        _seed_history(store, organization_id)
    return True


def countries() -> list[tuple[str, str]]:
    """Every ISO 3166-1 country as ``(alpha-2 code, English short name)``, by code."""
    text = resources.files("connector.sandbox").joinpath("data/countries.csv").read_text("utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    return [(row["iso_code"], row["name"]) for row in rows]


def _stamps() -> dict[str, str]:
    at = SEEDED_AT.isoformat().replace("+00:00", "Z")
    return {"created_at": at, "updated_at": at}


def _seed_reference(store: Store, organization_id: int) -> None:
    for code, name in countries():
        store.insert(Table.COUNTRIES, {"iso_code": code, "name": name, **_stamps()})
    for method_id, name, carrier, description in SHIPPING_METHODS:
        store.insert(
            Table.SHIPPING_METHODS,
            {"name": name, "description": description, "carrier": carrier},
            id=method_id,
        )
    for category_id, name in ITEM_CATEGORIES.items():
        store.insert(Table.ITEM_CATEGORIES, {"name": name}, id=category_id)
    for type_id, name, description in AUTOMATION_TASK_TYPES:
        store.insert(
            Table.AUTOMATION_TASK_TYPES, {"name": name, "description": description}, id=type_id
        )
    for type_id, name in SERIAL_DATA_TYPES:
        store.insert(Table.SERIAL_DATA_TYPES, {"name": name}, id=type_id)
    for index, item in enumerate(ITEMS):
        store.insert(Table.ITEMS, _item_doc(item, organization_id), id=item.id)
        store.insert(
            Table.CUSTOMER_CATALOG_ITEMS,
            {"customer_sku": item.customer_sku, "price": _number(item.price), "item_id": item.id},
        )
        if item.archived:
            continue
        for location in INVENTORY_LOCATIONS:
            on_hand = 10 * (index + 1) if location == 1 else 2 * (index + 1)
            store.insert(
                Table.INVENTORIES,
                {
                    "item_id": item.id,
                    "inventory_location_id": location,
                    "quantity_on_hand": on_hand,
                    "quantity_allocated": index % 3,
                    "quantity_on_order": 5 if index % 2 else 0,
                    "average_cost": _number(item.price * Decimal("0.6")),
                    "last_cost": _number(item.price * Decimal("0.6")),
                    "reorder_level": 2,
                    "order_up_to_level": 20,
                    "lead_time": 14,
                    **_stamps(),
                },
            )


def _item_doc(item: SeedItem, organization_id: int) -> dict[str, Any]:
    return {
        "name": item.name,
        "description": item.description,
        "archived_at": _stamps()["created_at"] if item.archived else None,
        "item_category_id": item.category_id,
        "stocked": not item.archived,
        "weight": None if item.weight is None else _number(item.weight),
        "serialized": item.serialized,
        "manufacturer_sku": None,
        "manufacturer_id": None,
        "owner_id": organization_id,
        "purchasing_group_id": 1,
        **_stamps(),
    }


def _seed_history(store: Store, organization_id: int) -> None:
    address = Address(
        name="Dana Smith",
        company="Acme Corp",
        email="receiving@acme.example",
        phone="1-555-555-0100",
        address_1="100 Industrial Way",
        city="Austin",
        state="TX",
        zip="78701",
        country="US",
    )
    submission = OrderSubmission(
        organization_id=organization_id,
        purchase_order="PO-1001",
        customer_order=SEEDED_CUSTOMER_ORDER,
        ship_method_id=12,
        recipient=address,
        lines=[
            OrderLineSubmission(product_code="StockBox 2000", quantity=2),
            OrderLineSubmission(product_code="Adaptec RAID 51245 Bulk", quantity=1),
            OrderLineSubmission(product_code="Power Cord C13", quantity=2),
        ],
    )
    orders.submit_order(
        store, submission, organization_id=organization_id, now=SEEDED_AT, order_id=SEEDED_ORDER_ID
    )
    shipped_at = SEEDED_AT + timedelta(days=2)
    transitions = orders.advance_order(
        store, SEEDED_ORDER_ID, OrderStatus.SHIPPED, now=shipped_at, rng=random.Random(0)
    )
    lines = transitions[-1].order["lines"]
    server_serial, raid_serial = lines[0]["serial_numbers"][0], lines[1]["serial_numbers"][0]

    closed = _rma_doc(
        store,
        organization_id,
        RmaRequestType.DEPOT_REPAIR_AND_RETURN,
        server_serial,
        item_id=1423291,
        start=date(2024, 2, 1),
        closed=date(2024, 2, 20),
        status=RMA_CLOSED,
    )
    store.insert(Table.RMAS, {**closed, "repair_order_id": 7001}, id=CLOSED_RMA_ID)
    day = datetime(2024, 2, 1, 14, 0, tzinfo=UTC)
    for kind, message, at in (
        (rmas.CommentKind.PROBLEMS, "System does not power on after the BIOS update.", day),
        (rmas.CommentKind.TROUBLESHOOTINGS, "Reseated CPU and memory; still no POST.",
         day + timedelta(days=3)),
        (rmas.CommentKind.TROUBLESHOOTINGS, "Motherboard replaced; the system POSTs.",
         day + timedelta(days=5)),
        (rmas.CommentKind.RESULTS, "The system passed standard burn-in and was shipped back.",
         day + timedelta(days=18)),
    ):  # fmt: skip
        rmas.add_comment(store, CLOSED_RMA_ID, kind, message, at)

    opened = _rma_doc(
        store,
        organization_id,
        RmaRequestType.REPLACEMENT_PARTS,
        raid_serial,
        item_id=109402,
        start=date(2024, 3, 4),
        closed=None,
        status=RMA_CHECKED_IN,
    )
    store.insert(Table.RMAS, opened, id=OPEN_RMA_ID)
    day = datetime(2024, 3, 4, 10, 30, tzinfo=UTC)
    rmas.add_comment(
        store, OPEN_RMA_ID, rmas.CommentKind.PROBLEMS, "The RAID card reports a failed cache.", day
    )
    rmas.add_comment(
        store,
        OPEN_RMA_ID,
        rmas.CommentKind.TROUBLESHOOTINGS,
        "Card received and checked in; cache module fault confirmed.",
        day + timedelta(days=2),
    )


def _rma_doc(
    store: Store,
    organization_id: int,
    request_type: RmaRequestType,
    serial: str,
    *,
    item_id: int,
    start: date,
    closed: date | None,
    status: dict[str, Any],
) -> dict[str, Any]:
    item = rmas.rma_item(store, item_id)
    return {
        "subject": rmas.REQUEST_TYPE_NAMES[request_type],
        "organization_id": organization_id,
        "order_id": SEEDED_ORDER_ID,
        "repair_order_id": None,
        "replacement_order_id": None,
        "manufacturer_serial": serial,
        "start_date": start.isoformat(),
        "closed_date": None if closed is None else closed.isoformat(),
        "item": item,
        "status": status,
        "request_type_id": int(request_type),
        "replacement_name": "Acme Corp receiving",
        "replacement_phone": "1-555-555-0100",
        "replacement_addr": "100 Industrial Way, Austin TX 78701, US",
        "lines": [{"quantity": 1, "item": item}],
    }


def _number(value: Decimal) -> int | float:
    # Documents hold JSON numbers; prices have two decimals, which a float carries exactly
    # enough for the models to read them back as the same Decimal.
    return int(value) if value == value.to_integral_value() else float(value)

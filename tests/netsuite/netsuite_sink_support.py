"""Helpers of the NetSuite sink and mapping tests: the NetSuite targets, reference data for
mappings, sink settings for a simulator, and sales orders of the sandbox catalog's SKUs."""

from __future__ import annotations

from typing import Any

from netsuite_support import settings_for

from adapters.netsuite import (
    InventoryDocument,
    ItemFulfillmentDocument,
    ReturnAuthorizationStatusDocument,
    SalesOrderStatusDocument,
    VendorBillDocument,
)
from adapters.netsuite.simulator import SimulatorServer
from connector.mapping import InMemoryLookups, ModelTarget, TargetRegistry

#: Reference data of the sandbox, as far as the NetSuite mappings read it.
LOOKUPS = InMemoryLookups.of(
    countries={"US": "United States", "CA": "Canada", "DE": "Germany", "GB": "United Kingdom"},
    ship_methods=[
        (12, "FedEx Ground", "FedEx"),
        (13, "FedEx 2Day", "FedEx"),
        (30, "UPS Ground", "UPS"),
    ],
    products={"ACME-SB2000": "StockBox 2000", "ACME-PC-C13": "Power Cord C13"},
)


def netsuite_targets() -> TargetRegistry:
    """The standard targets with the NetSuite documents, whether or not their entry points are
    installed."""
    registry = TargetRegistry.standard()
    registry.register(ModelTarget("netsuite.item_fulfillment", ItemFulfillmentDocument))
    registry.register(ModelTarget("netsuite.vendor_bill", VendorBillDocument))
    registry.register(ModelTarget("netsuite.sales_order_status", SalesOrderStatusDocument))
    registry.register(
        ModelTarget("netsuite.return_authorization_status", ReturnAuthorizationStatusDocument)
    )
    registry.register(ModelTarget("netsuite.inventory", InventoryDocument))
    return registry


def sink_settings(server: SimulatorServer, **changes: Any) -> dict[str, Any]:
    """A sink's settings for ``server``, retrying without waiting."""
    values = settings_for(server).model_dump()
    values.update(retry={"base_delay": 0, "max_delay": 0, "max_attempts": 3})
    values.update(changes)
    return values


def catalog_sales_order(external_id: str, *lines: tuple[str, str, float]) -> dict[str, Any]:
    """A sales order's record data with ``lines`` of (item internal id, SKU, quantity)."""
    return {
        "@externalId": external_id,
        "entity": {"@internalId": "201", "name": "Acme Robotics"},
        "otherRefNum": f"PO-{external_id}",
        "shippingAddress": {
            "country": "_unitedStates",
            "addressee": "Acme Robotics",
            "addr1": "1 Foundry Way",
            "city": "Boston",
            "state": "MA",
            "zip": "02110",
        },
        "itemList": {
            "item": [
                {"item": {"@internalId": item_id, "name": sku}, "quantity": quantity}
                for item_id, sku, quantity in lines
            ]
        },
    }

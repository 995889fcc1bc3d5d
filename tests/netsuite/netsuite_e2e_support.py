"""Helpers of the NetSuite end-to-end tests: both simulators on loopback, the example's
deployment written for them, sales orders of the sandbox catalog, and shipping in AHEAD."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from adapters.netsuite import RecordType
from adapters.netsuite.simulator import (
    DEFAULT_ACCOUNT,
    DEFAULT_CONSUMER_KEY,
    DEFAULT_CONSUMER_SECRET,
    DEFAULT_TOKEN_ID,
    DEFAULT_TOKEN_SECRET,
    SimulatorServer,
)
from connector.api import AheadClient
from connector.api.client import error_for_response
from connector.api.endpoints import SANDBOX_ORDER_ADVANCE_PATH
from connector.api.models import CustomerOrder, OrderStatus
from connector.sandbox import SandboxServer
from connector.sandbox.config import (
    DEFAULT_HMAC_SECRET,
    DEFAULT_HMAC_TOKEN,
    LifecycleConfig,
    SandboxConfig,
)

EXAMPLE_CONFIG = Path(__file__).resolve().parents[2] / "examples" / "netsuite" / "connector.yaml"

#: Orders move only when a test says so.
_SANDBOX = SandboxConfig(
    random_seed=7, lifecycle=LifecycleConfig(release_after=None, ship_after=None)
)

#: Three sales orders: (external id, [(item internal id, customer SKU, quantity)]).
SALES_ORDERS = (
    ("E2E-SO-1", [("501", "ACME-SB2000", 2.0), ("502", "ACME-PC-C13", 3.0)]),
    ("E2E-SO-2", [("503", "ACME-RAID51245", 1.0)]),
    ("E2E-SO-3", [("504", "ACME-GP1", 1.0), ("505", "ACME-MEM32", 4.0)]),
)


@dataclass
class Systems:
    """The AHEAD sandbox, the NetSuite simulator and a deployment that connects them."""

    ahead: SandboxServer
    netsuite: SimulatorServer
    deployment: Path
    environ: dict[str, str]


@contextmanager
def running_systems(folder: Path) -> Iterator[Systems]:
    """Both simulators on loopback and the example deployment written into ``folder``."""
    with SandboxServer(_SANDBOX) as ahead, SimulatorServer() as netsuite:
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(EXAMPLE_CONFIG, folder / "connector.yaml")
        environ = {
            "AHEAD_BASE_URL": ahead.base_url,
            "AHEAD_HMAC_TOKEN": DEFAULT_HMAC_TOKEN,
            "AHEAD_HMAC_SECRET": DEFAULT_HMAC_SECRET,
            "NETSUITE_ACCOUNT": DEFAULT_ACCOUNT,
            "NETSUITE_CONSUMER_KEY": DEFAULT_CONSUMER_KEY,
            "NETSUITE_CONSUMER_SECRET": DEFAULT_CONSUMER_SECRET,
            "NETSUITE_TOKEN_ID": DEFAULT_TOKEN_ID,
            "NETSUITE_TOKEN_SECRET": DEFAULT_TOKEN_SECRET,
            "NETSUITE_ENDPOINT": netsuite.base_url,
        }
        yield Systems(ahead, netsuite, folder, environ)


def seed_sales_orders(netsuite: SimulatorServer) -> list[str]:
    """Seed :data:`SALES_ORDERS`; their internal ids."""
    ids = []
    for external_id, lines in SALES_ORDERS:
        ids.append(
            netsuite.simulator.seed(
                RecordType.SALES_ORDER,
                {
                    "@externalId": external_id,
                    "entity": {"@internalId": "201", "name": "Acme Robotics"},
                    "otherRefNum": f"PO-{external_id}",
                    "shipMethod": {"@internalId": "7", "name": "UPS Ground"},
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
                },
            )
        )
    return ids


def netsuite_orders(client: AheadClient) -> list[CustomerOrder]:
    """The AHEAD orders that came from NetSuite sales orders, by id."""
    return sorted(
        (
            order
            for order in client.iterate("customer_order_submissions")
            if isinstance(order, CustomerOrder) and order.customer_order.startswith("salesOrder:")
        ),
        key=lambda order: order.id,
    )


def ship(base_url: str, orders: list[CustomerOrder]) -> None:
    """Release and ship ``orders`` in the sandbox (its control endpoint)."""
    with httpx.Client(base_url=base_url) as control:
        for status in (OrderStatus.RELEASED, OrderStatus.SHIPPED):
            for order in orders:
                path = SANDBOX_ORDER_ADVANCE_PATH.replace("{id}", str(order.id))
                response = control.post(path, json={"status": status.value})
                if not response.is_success:
                    raise error_for_response(response)


def records(netsuite: SimulatorServer, record_type: RecordType) -> list[dict[str, Any]]:
    """The simulator's records of ``record_type``."""
    return list(netsuite.simulator.records(record_type))

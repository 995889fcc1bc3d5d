"""Run the NetSuite example deployment against the AHEAD sandbox and the NetSuite simulator.

    .venv/bin/python examples/netsuite/run_example.py [--deployment DIR]

Both simulators run inside this process on free loopback ports. The NetSuite simulator is
seeded with the sales orders of ``sales-orders.json``; the deployment (``connector.yaml`` of
this folder, its ``${...}`` values supplied by this script for the two simulators) is written
into DIR (a new temporary folder by default, kept); then the flows run one after the other,
with AHEAD releasing and shipping the orders in between, and what happened is printed. Exit
status 0 when every flow ran without a failed record, 1 otherwise. Nothing is downloaded.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
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
from connector.engine import RunReport
from connector.runtime import Runtime
from connector.sandbox import SandboxServer
from connector.sandbox.config import (
    DEFAULT_HMAC_SECRET,
    DEFAULT_HMAC_TOKEN,
    LifecycleConfig,
    SandboxConfig,
)

HERE = Path(__file__).resolve().parent
#: The flows, in the order the example runs them; AHEAD ships the orders after the first.
ORDERS_FLOW = "netsuite-orders"
WRITE_BACK_FLOWS = ("netsuite-shipments", "netsuite-order-status", "netsuite-invoices")
CUSTOMER_ORDER_PREFIX = "salesOrder:"

# Orders move only when the example says so, and generated numbers repeat from run to run.
_SANDBOX = SandboxConfig(
    random_seed=2024, lifecycle=LifecycleConfig(release_after=None, ship_after=None)
)


def main(argv: list[str] | None = None) -> int:
    """Run the example; the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--deployment", type=Path, help="where to write the deployment (new or empty folder)"
    )
    arguments = parser.parse_args(argv)
    folder: Path = arguments.deployment or Path(tempfile.mkdtemp(prefix="ahead-netsuite-"))
    folder.mkdir(parents=True, exist_ok=True)
    with SandboxServer(_SANDBOX) as ahead, SimulatorServer() as netsuite:
        print(f"AHEAD sandbox on {ahead.base_url}, NetSuite simulator on {netsuite.base_url}")
        sales_orders = _seed(netsuite)
        print(f"NetSuite holds {len(sales_orders)} sales orders: {', '.join(sales_orders)}")
        shutil.copyfile(HERE / "connector.yaml", folder / "connector.yaml")
        print(f"deployment written to {folder}")
        reports: list[RunReport] = []
        with Runtime.open(folder, environ=_environment(ahead, netsuite)) as runtime:
            reports.append(_run(runtime, ORDERS_FLOW))
            orders = _netsuite_orders(runtime.ahead)
            print(f"AHEAD releases and ships {len(orders)} orders (sandbox control endpoint)")
            _ship(ahead.base_url, orders)
            reports.extend(_run(runtime, flow) for flow in WRITE_BACK_FLOWS)
            orders = _netsuite_orders(runtime.ahead)
        _describe(netsuite, orders)
    failed = sum(report.counts.failed + report.counts.dead for report in reports)
    print("done" if not failed else f"{failed} records failed; see the errors above")
    return 0 if not failed else 1


def _environment(ahead: SandboxServer, netsuite: SimulatorServer) -> dict[str, str]:
    # The simulators' published credentials: never a real account's.
    return {
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


def _seed(netsuite: SimulatorServer) -> list[str]:
    orders: list[dict[str, Any]] = json.loads((HERE / "sales-orders.json").read_text("utf-8"))
    return [netsuite.simulator.seed(RecordType.SALES_ORDER, order) for order in orders]


def _run(runtime: Runtime, flow: str) -> RunReport:
    report = runtime.run_flow(flow)
    counts = report.counts
    print(
        f"flow {flow}: {counts.seen} read, {counts.submitted} sent, {counts.skipped} skipped, "
        f"{counts.failed} failed ({report.status.value})"
    )
    for key, message in report.errors:
        print(f"  error {key}: {message}")
    return report


def _netsuite_orders(client: AheadClient) -> list[CustomerOrder]:
    return sorted(
        (
            order
            for order in client.iterate("customer_order_submissions")
            if isinstance(order, CustomerOrder)
            and order.customer_order.startswith(CUSTOMER_ORDER_PREFIX)
        ),
        key=lambda order: order.id,
    )


def _ship(base_url: str, orders: list[CustomerOrder]) -> None:
    with httpx.Client(base_url=base_url) as control:
        for status in (OrderStatus.RELEASED, OrderStatus.SHIPPED):
            for order in orders:
                path = SANDBOX_ORDER_ADVANCE_PATH.replace("{id}", str(order.id))
                response = control.post(path, json={"status": status.value})
                if not response.is_success:
                    raise error_for_response(response)


def _describe(netsuite: SimulatorServer, orders: list[CustomerOrder]) -> None:
    simulator = netsuite.simulator
    fulfillments = {
        record["createdFrom"]["@internalId"]: record
        for record in simulator.records(RecordType.ITEM_FULFILLMENT)
    }
    bills = simulator.records(RecordType.VENDOR_BILL)
    for order in orders:
        internal_id = order.customer_order.removeprefix(CUSTOMER_ORDER_PREFIX)
        sales_order = simulator.record(RecordType.SALES_ORDER, internal_id)
        custom = {
            field["@scriptId"]: field["value"]
            for field in sales_order.get("customFieldList", {}).get("customField", [])
        }
        print(
            f"sales order {sales_order['tranId']} ({internal_id}) -> AHEAD order {order.id} "
            f"({order.status}); NetSuite status {sales_order['orderStatus']}, custom fields "
            f"{custom}"
        )
        fulfillment = fulfillments.get(internal_id)
        if fulfillment is None:
            print("  no item fulfillment")
            continue
        packages = fulfillment.get("packageList", {}).get("package", [])
        print(
            f"  item fulfillment {fulfillment['tranId']} ({fulfillment['@externalId']}), "
            f"tracking {', '.join(p['packageTrackingNumber'] for p in packages)}"
        )
        for line in fulfillment["itemList"]["item"]:
            serials = line.get("serialNumbers") or "no serial numbers"
            print(
                f"    line {line['orderLine']}: {line['itemName']} x {line['quantity']}: {serials}"
            )
    for bill in bills:
        print(
            f"vendor bill {bill['@internalId']} ({bill['@externalId']}): AHEAD invoice "
            f"{bill['tranId']}, total {bill.get('userTotal')}"
        )


if __name__ == "__main__":
    sys.exit(main())

"""The SAP example, end to end, with one command: ``.venv/bin/python examples/sap/run_example.py``.

It starts the SAP OData simulator and the AHEAD sandbox in this process (loopback only), writes
the deployment of ``connector.yaml`` beside this script into a new folder (``--folder`` or a
temporary one, kept to be read), and runs its flows:

1. sales orders in SAP and ORDERS05 IDoc files in ``inbox/`` become AHEAD orders (the one
   bad IDoc file goes to ``error/`` with a report naming its segment and field);
2. SAP creates the outbound deliveries; AHEAD ships every order;
3. SAP's deliveries get the tracking numbers and shipped quantities and the goods issue, and
   the IDoc customer's shipments go out as DESADV IDocs in ``outbox/``;
4. SAP bills its sales orders; AHEAD's invoices are matched with SAP's billing documents
   (``reports/``) and the IDoc customer's invoices go out as INVOIC02 IDocs;
5. every flow runs again and sends nothing twice.

It exits 0 when everything happened as told, 1 otherwise.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import httpx

from adapters.sap.simulator import DEFAULT_PASSWORD, SapSimulatorConfig, SapSimulatorServer
from connector.api import AheadClient
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

#: The flows in the order the example runs them, by stage.
ORDER_FLOWS = ("sap-orders", "idoc-orders")
SHIPMENT_FLOWS = ("sap-shipments", "idoc-shipments")
INVOICE_FLOWS = ("sap-invoices", "idoc-invoices")

#: SAP's net prices are the AHEAD catalog's, so SAP's billing documents match AHEAD's invoices.
PRICES = {
    "ACME-SB2000": Decimal("4999.00"),
    "ACME-NVME192": Decimal("259.00"),
    "ACME-GP2": Decimal("49.95"),
}
#: The sales orders in SAP: ship-to party and items (material, quantity).
SALES_ORDERS = (
    ("PO-77001", "17100002", (("ACME-SB2000", "1"), ("ACME-NVME192", "2"))),
    ("PO-77002", "17100003", (("ACME-GP2", "3"),)),
)
#: The customer_order prefixes of the example's orders: SAP sales orders, IDoc orders.
PREFIXES = ("SAP-", "ACME-")
_SANDBOX = SandboxConfig(
    random_seed=2024, lifecycle=LifecycleConfig(release_after=None, ship_after=None)
)

Narrator = Callable[[str], None]


def sales_order(purchase_order: str, ship_to: str, items: tuple[tuple[str, str], ...]) -> dict:
    """A sales order as SAP's deep insert takes it."""
    return {
        "SalesOrderType": "OR",
        "SalesOrganization": "1710",
        "DistributionChannel": "10",
        "OrganizationDivision": "00",
        "SoldToParty": "17100001",
        "PurchaseOrderByCustomer": purchase_order,
        "ShippingCondition": "01",
        "TransactionCurrency": "USD",
        "to_Partner": [{"PartnerFunction": "WE", "Customer": ship_to}],
        "to_Item": [
            {"Material": material, "RequestedQuantity": quantity, "RequestedQuantityUnit": "EA"}
            for material, quantity in items
        ],
    }


def write_deployment(folder: Path, ahead_url: str, sap_url: str) -> list[str]:
    """The example's deployment in ``folder``: its configuration, mappings and inbox files.

    Returns:
        The names of the IDoc files put into ``inbox/``.
    """
    folder.mkdir(parents=True, exist_ok=True)
    config = (HERE / "connector.yaml").read_text(encoding="utf-8")
    config = config.replace("{ahead_url}", ahead_url).replace("{sap_url}", sap_url)
    (folder / "connector.yaml").write_text(config, encoding="utf-8")
    shutil.copytree(HERE / "mappings", folder / "mappings", dirs_exist_ok=True)
    inbox = folder / "inbox"
    inbox.mkdir(exist_ok=True)
    samples = sorted(path.name for path in (HERE / "inbox").glob("*.xml"))
    for name in samples:
        shutil.copyfile(HERE / "inbox" / name, inbox / name)
    return samples


def environment() -> dict[str, str]:
    """The secrets the deployment's ``${…}`` references name: the simulators' published ones."""
    return {
        "AHEAD_HMAC_TOKEN": DEFAULT_HMAC_TOKEN,
        "AHEAD_HMAC_SECRET": DEFAULT_HMAC_SECRET,
        "SAP_PASSWORD": DEFAULT_PASSWORD,
    }


def ship_everything(ahead_url: str, client: AheadClient) -> list[CustomerOrder]:
    """Release and ship the example's AHEAD orders that have not shipped (the sandbox's
    control endpoint); the orders shipped."""
    orders = [
        order
        for order in client.iterate("customer_order_submissions")
        if isinstance(order, CustomerOrder)
        and order.customer_order.startswith(PREFIXES)
        and order.status is not OrderStatus.SHIPPED
    ]
    with httpx.Client(base_url=ahead_url) as control:
        for order in orders:
            path = SANDBOX_ORDER_ADVANCE_PATH.replace("{id}", str(order.id))
            steps = [OrderStatus.SHIPPED]
            if order.status is OrderStatus.PENDING:
                steps.insert(0, OrderStatus.RELEASED)
            for status in steps:
                answer = control.post(path, json={"status": status.value})
                if not answer.is_success:
                    raise RuntimeError(f"the sandbox did not ship order {order.id}: {answer.text}")
    return orders


def run(folder: Path, narrate: Narrator) -> list[RunReport]:
    """Run the whole story in ``folder``; every flow run's report, in order."""
    reports: list[RunReport] = []
    config = SapSimulatorConfig(prices=PRICES)
    with SapSimulatorServer(config) as sap, SandboxServer(_SANDBOX) as ahead:
        narrate(f"SAP simulator on {sap.base_url}, AHEAD sandbox on {ahead.base_url}")
        numbers = [
            str(sap.simulator.create_sales_order(sales_order(*order))["SalesOrder"])
            for order in SALES_ORDERS
        ]
        narrate(f"SAP has sales orders {', '.join(numbers)}")
        samples = write_deployment(folder, ahead.base_url, sap.base_url)
        narrate(f"deployment written to {folder}; inbox/: {', '.join(samples)}")
        with Runtime.open(folder, environ=environment()) as runtime:

            def run_flows(names: tuple[str, ...]) -> None:
                for name in names:
                    report = runtime.run_flow(name)
                    reports.append(report)
                    counts = report.counts
                    narrate(
                        f"  {name}: {counts.seen} read, {counts.submitted} sent, "
                        f"{counts.skipped} already done, {counts.failed} failed"
                    )
                    for key, message in report.errors:
                        narrate(f"    {key}: {message.splitlines()[0]}")

            narrate("orders: SAP sales orders and ORDERS05 files -> AHEAD orders")
            run_flows(ORDER_FLOWS)
            for number in numbers:
                delivery = sap.simulator.create_delivery(number)
                narrate(f"SAP created outbound delivery {delivery['DeliveryDocument']}")
            orders = ship_everything(ahead.base_url, runtime.ahead)
            narrate(f"AHEAD shipped {len(orders)} orders")
            narrate("shipments: SAP deliveries updated, DESADV IDocs written")
            run_flows(SHIPMENT_FLOWS)
            for number in numbers:
                billing = sap.simulator.create_billing_document(number)
                narrate(f"SAP billed sales order {number}: {billing['BillingDocument']}")
            narrate("invoices: matched with SAP's billing documents, INVOIC02 IDocs written")
            run_flows(INVOICE_FLOWS)
            narrate("everything again: nothing is sent twice")
            run_flows(ORDER_FLOWS + SHIPMENT_FLOWS + INVOICE_FLOWS)
        for delivery in sap.simulator.deliveries():
            narrate(
                f"SAP delivery {delivery['DeliveryDocument']}: tracking "
                f"{delivery['BillOfLading']}, goods issue {delivery['OverallGoodsMovementStatus']}"
            )
    for sub in ("outbox", "reports", "archive", "error"):
        names = (
            sorted(path.name for path in (folder / sub).iterdir())
            if (folder / sub).is_dir()
            else []
        )
        narrate(f"{sub}/: {', '.join(names) or '(empty)'}")
    return reports


def succeeded(reports: list[RunReport]) -> bool:
    """Whether the story went as told: the first round sent everything but the bad IDoc file,
    the second sent nothing."""
    first, again = reports[:6], reports[6:]
    sent = [report.counts.submitted for report in first]
    return sent == [2, 2, 2, 2, 2, 2] and all(r.counts.submitted == 0 for r in again)


def main() -> int:
    """Run the example; 0 when it went as told."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", type=Path, help="where to write the deployment (new)")
    arguments = parser.parse_args()
    folder = arguments.folder or Path(tempfile.mkdtemp(prefix="ahead-sap-example-"))
    reports = run(folder, print)
    if succeeded(reports):
        print(f"done: every document once; the deployment is in {folder}")
        return 0
    print("the example did not go as told; see above", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())

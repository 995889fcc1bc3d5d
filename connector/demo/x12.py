"""The X12 demo: a trading partner's purchase orders become AHEAD orders, and their ship
notices, invoices and acknowledgments go back as X12 files.

Everything runs in this process: the AHEAD sandbox listens on a free loopback port, the
deployment is a new folder under the system's temporary directory (kept, so the files can be
read afterwards), and the store is a SQLite file in it. Nothing is downloaded and nothing
outside that folder is touched.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import httpx

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

__all__ = ["DemoResult", "run_x12_demo"]

#: The deployment's flows, in the order the demo runs them.
ORDERS_FLOW = "acme-orders"
SHIPMENTS_FLOW = "acme-shipments"
INVOICES_FLOW = "acme-invoices"

#: Orders move only when the demo says so, and generated numbers repeat from run to run.
_DEMO_SANDBOX = SandboxConfig(
    random_seed=2024, lifecycle=LifecycleConfig(release_after=None, ship_after=None)
)
_CONFIG_TEMPLATE = "connector.yaml"
# The sandbox signs no webhooks in the demo; the receiver's secret only has to exist.
_WEBHOOK_SECRET = "demo-webhook-secret"
_SAMPLE_SUFFIX = ".x12"


@dataclass
class DemoResult:
    """What the demo did, for whoever shows it.

    Attributes:
        deployment: the deployment folder (kept).
        reports: each flow run's report, in order.
        orders: the AHEAD orders the partner's purchase orders became, as they ended.
        inbox_files: the sample files dropped into the inbox.
    """

    deployment: Path
    reports: list[RunReport]
    orders: list[CustomerOrder]
    inbox_files: list[str]

    def files(self, folder: str) -> list[Path]:
        """The files in one of the deployment's folders (``outbox``, ``archive``, ``error``)."""
        directory = self.deployment / folder
        return sorted(path for path in directory.iterdir() if path.is_file())


Narrator = Callable[[str], None]


def run_x12_demo(narrate: Narrator, *, deployment: Path | None = None) -> DemoResult:
    """Run the X12 story end to end against a sandbox on loopback.

    Args:
        narrate: told each step as it starts (a line of text).
        deployment: where to create the deployment; a new temporary folder when ``None``. It
            must not exist yet or be empty.

    Returns:
        What happened, with the deployment folder holding the files.
    """
    folder = deployment or Path(tempfile.mkdtemp(prefix="ahead-x12-demo-"))
    folder.mkdir(parents=True, exist_ok=True)
    with SandboxServer(_DEMO_SANDBOX) as server:
        narrate(f"AHEAD sandbox listening on {server.base_url} (this process, loopback only)")
        samples = _create_deployment(folder, server.base_url)
        narrate(f"deployment created in {folder}, with trading partner acme (X12)")
        narrate(f"dropped {len(samples)} X12 files into inbox/: {', '.join(samples)}")
        environ = {
            "AHEAD_HMAC_TOKEN": DEFAULT_HMAC_TOKEN,
            "AHEAD_HMAC_SECRET": DEFAULT_HMAC_SECRET,
            "AHEAD_WEBHOOK_SECRET": _WEBHOOK_SECRET,
        }
        reports: list[RunReport] = []
        with Runtime.open(folder, environ=environ) as runtime:
            narrate("running flow acme-orders: 850s -> AHEAD orders, 997/999 -> outbox/")
            reports.append(runtime.run_flow(ORDERS_FLOW))
            orders = _partner_orders(runtime.ahead)
            narrate(f"AHEAD releases and ships the {len(orders)} orders (sandbox control endpoint)")
            _ship(server.base_url, orders)
            narrate("running flow acme-shipments: shipped orders -> 856 ship notices")
            reports.append(runtime.run_flow(SHIPMENTS_FLOW))
            narrate("running flow acme-invoices: AHEAD invoices -> 810 invoices")
            reports.append(runtime.run_flow(INVOICES_FLOW))
            orders = _partner_orders(runtime.ahead)
    return DemoResult(folder, reports, orders, samples)


def _create_deployment(folder: Path, base_url: str) -> list[str]:
    data = resources.files("connector.demo").joinpath("data")
    config = data.joinpath(_CONFIG_TEMPLATE).read_text(encoding="utf-8")
    (folder / _CONFIG_TEMPLATE).write_text(config.replace("{base_url}", base_url), encoding="utf-8")
    inbox = folder / "inbox"
    inbox.mkdir(exist_ok=True)
    samples = sorted(entry.name for entry in data.iterdir() if entry.name.endswith(_SAMPLE_SUFFIX))
    for name in samples:
        with resources.as_file(data.joinpath(name)) as source:
            shutil.copyfile(source, inbox / name)
    return samples


def _partner_orders(client: AheadClient) -> list[CustomerOrder]:
    """The orders acme's purchase orders became (their customer_order has acme's prefix)."""
    orders = client.iterate("customer_order_submissions")
    return sorted(
        (
            order
            for order in orders
            if isinstance(order, CustomerOrder) and order.customer_order.startswith("ACME-")
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

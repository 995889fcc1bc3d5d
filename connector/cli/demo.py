"""``ahead-connector demo``: the X12 story end to end, or (``--api``) a walk through the AHEAD API,
against a sandbox in this process.

The X12 demo is told by :mod:`connector.demo.x12`; this module shows it. In the API walk, every
step is a small function that calls the API with the client, as an integration would,
and prints what it did. The sandbox runs inside the process (no port, no network); orders
move only when the demo advances them through the sandbox's control endpoint, so every run
tells the same story. The OAuth token cache lives in a temporary directory that is removed at
the end: the demo leaves nothing behind.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from connector.api.endpoints import SANDBOX_ORDER_ADVANCE_PATH
from connector.api.models import (
    Address,
    AutomationMessageType,
    AutomationQueue,
    AutomationQueueCreate,
    AutomationTaskSpec,
    CustomerCatalogItem,
    CustomerOrder,
    Invoice,
    Item,
    OrderLineSubmission,
    OrderStatus,
    OrderSubmission,
    Rma,
    RmaCreate,
    RmaRequestType,
)
from connector.cli.errors import UsageError, reported_errors
from connector.cli.output import stdout_console

if TYPE_CHECKING:
    import httpx

    from connector.api import AheadClient
    from connector.cli.local_sandbox import LocalSandbox
    from connector.demo.x12 import DemoResult

_SHIP_METHOD_ID = 12
_TEST_STATION_IP = "10.0.0.5"


@dataclass
class _Walk:
    """What the steps share: where to print, whom to call, and what they found so far."""

    console: Console
    client: AheadClient
    control: httpx.Client
    step: int = 0
    orders: list[CustomerOrder] = field(default_factory=list)
    invoices: list[Invoice] = field(default_factory=list)
    rma: Rma | None = None
    queue: AutomationQueue | None = None
    report_rows: int = 0

    def title(self, text: str) -> None:
        self.step += 1
        _title(self.console, self.step, text)

    def say(self, text: str) -> None:
        self.console.print(text)


def run_demo(
    api: Annotated[
        bool,
        typer.Option("--api", help="Walk through the AHEAD API itself instead of the X12 flow."),
    ] = False,
    folder: Annotated[
        Path | None,
        typer.Option(
            "--folder",
            help="Create the demo deployment here (a new or empty folder); default a new "
            "temporary folder.",
            file_okay=False,
        ),
    ] = None,
) -> None:
    """Run the demo: an X12 trading partner's orders through AHEAD and back, on a sandbox in
    this process (no setup, no network)."""
    if api:
        walk_through_api()
        return
    show_x12_demo(folder)


def show_x12_demo(folder: Path | None = None) -> None:
    """Run the X12 demo and show what happened and where the files are."""
    from connector.demo.x12 import run_x12_demo

    console = stdout_console()
    console.print(
        "[bold]ahead-connector demo[/]: purchase orders from an X12 trading partner become "
        "AHEAD orders; acknowledgments, ship notices and invoices go back as X12"
    )
    step = 0

    def narrate(text: str) -> None:
        nonlocal step
        step += 1
        _title(console, step, text)

    with reported_errors():
        if folder is not None and folder.exists() and any(folder.iterdir()):
            raise UsageError(f"{folder} is not empty; give a new or empty folder")
        result = run_x12_demo(narrate, deployment=folder)
    _x12_summary(console, result)


def _x12_summary(console: Console, result: DemoResult) -> None:
    from adapters.filedrop import REPORT_SUFFIX

    console.print()
    console.rule("[bold cyan]What happened", align="left")
    runs = Table("flow", "status", "read", "sent", "failed", "problems")
    for report in result.reports:
        counts = report.counts
        problems = "; ".join(f"{key}: {message}" for key, message in report.errors)
        runs.add_row(
            report.flow,
            str(report.status),
            str(counts.seen),
            str(counts.submitted),
            str(counts.failed + counts.dead),
            escape(problems) or "-",
        )
    console.print(runs)
    orders = Table("AHEAD order", "customer_order", "purchase_order", "ship method", "status")
    for order in result.orders:
        orders.add_row(
            str(order.id),
            order.customer_order,
            order.purchase_order or "",
            order.ship_method or "",
            str(order.status),
        )
    console.print(orders)
    where = Table("file", "what it is", title=f"Files in {escape(str(result.deployment))}")
    for folder in ("outbox", "archive", "error"):
        for path in result.files(folder):
            where.add_row(f"{folder}/{escape(path.name)}", _describe(folder, path.name))
    console.print(where)
    for path in result.files("error"):
        if path.name.endswith(REPORT_SUFFIX):
            console.rule(f"error/{escape(path.name)}", align="left")
            console.print(escape(path.read_text(encoding="utf-8")), highlight=False)
    console.print(
        f"The deployment is kept in [bold]{escape(str(result.deployment))}[/] "
        "(connector.yaml, inbox/, outbox/, archive/, error/, state.db): read the files, and "
        "remove the folder when done."
    )


def _describe(folder: str, name: str) -> str:
    from adapters.filedrop import REPORT_SUFFIX

    if folder == "archive":
        return "inbound file, every purchase order in it delivered"
    if folder == "error":
        if name.endswith(REPORT_SUFFIX):
            return "the report on the file beside it"
        return "inbound file with a rejected transaction set (the good ones went on)"
    kinds = {
        "997": "997 functional acknowledgment (004010)",
        "999": "999 implementation acknowledgment (005010)",
        "856": "856 ship notice: tracking and serial numbers",
        "810": "810 invoice",
    }
    return kinds.get(name.split("-", 1)[0], "outbound file")


def walk_through_api() -> None:
    """Walk through the AHEAD API against a sandbox inside this process.

    Authenticates with OAuth, reads the reference data and the catalog, submits two orders
    and follows them to Shipped (tracking, serial numbers, invoices), opens an RMA, runs an
    automation queue and reads the CSV report. Needs no setup and no network; leaves nothing
    behind.
    """
    from connector.cli.local_sandbox import local_sandbox
    from connector.sandbox.config import LifecycleConfig, SandboxConfig

    # Orders move only when the demo says so, and generated numbers repeat from run to run.
    demo_sandbox = SandboxConfig(
        random_seed=2024,
        lifecycle=LifecycleConfig(release_after=None, ship_after=None),
    )
    console = stdout_console()
    console.print("[bold]AHEAD API walkthrough[/] against a sandbox inside this process")
    with (
        reported_errors(),
        tempfile.TemporaryDirectory(prefix="ahead-demo-") as temporary,
        local_sandbox(demo_sandbox) as sandbox,
        _connected(console, sandbox, Path(temporary)) as walk,
    ):
        _reference_data(walk)
        _catalog(walk)
        _submit_orders(walk)
        _advance_orders(walk)
        _shipments(walk)
        _invoices(walk)
        _rma(walk)
        _automation_queue(walk)
        _report(walk)
        _summary(walk)
    console.print(f"\nRemoved {escape(temporary)}: the demo leaves nothing behind.")


@contextmanager
def _connected(console: Console, sandbox: LocalSandbox, temporary: Path) -> Iterator[_Walk]:
    """Step 1: the OAuth authorization-code flow, then a client that uses the cached token."""
    import httpx

    from connector.api import AheadClient, OAuthApp, OAuthAuth, TokenCache
    from connector.sandbox.config import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET

    _title(console, 1, "Authenticate with OAuth 2.0 (authorization code)")
    cache = TokenCache(temporary / "tokens.json")
    with (
        OAuthApp(
            sandbox.base_url,
            DEFAULT_CLIENT_ID,
            DEFAULT_CLIENT_SECRET,
            transport=sandbox.transport(),
        ) as oauth,
        httpx.Client(base_url=sandbox.base_url, transport=sandbox.transport()) as control,
    ):
        console.print(f"GET {escape(oauth.authorize_url())}")
        code = oauth.request_code()
        console.print("  302 redirect: the access grant code is taken from the Location header")
        token = oauth.exchange_code(code)
        cache.save(oauth.base_url, oauth.client_id, token)
        hours = (token.expires_at - oauth.clock()).total_seconds() / 3600
        console.print(
            f"POST /oauth/token: bearer token received (not shown), valid for {hours:.0f} h, "
            f"with a refresh token: {'yes' if token.refresh_token else 'no'}"
        )
        mode = (temporary / "tokens.json").stat().st_mode & 0o777
        console.print(f"  cached in {escape(str(cache.path))} (mode {mode:o})")
        auth = OAuthAuth(oauth, cache=cache)
        with AheadClient(sandbox.base_url, auth=auth, transport=sandbox.transport()) as client:
            console.print(f"GET /v2/authenticate: {escape(client.authenticate())}")
            yield _Walk(console, client, control, step=1)


def _title(console: Console, step: int, text: str) -> None:
    console.print()
    console.rule(f"[bold cyan]{step}. {escape(text)}", align="left")


def _reference_data(walk: _Walk) -> None:
    walk.title("Reference data: countries and shipping methods")
    countries = walk.client.list("countries", limit=5)
    table = Table("id", "iso_code", "name", caption=f"5 of {countries.total_results} countries")
    for country in countries.results:
        table.add_row(*(str(getattr(country, key)) for key in ("id", "iso_code", "name")))
    walk.console.print(table)
    methods = walk.client.list("shipping_methods", limit=5)
    table = Table(
        "ship_method_id", "name", "carrier", caption=f"5 of {methods.total_results} methods"
    )
    for method in methods.results:
        table.add_row(*(str(getattr(method, key)) for key in ("id", "name", "carrier")))
    walk.console.print(table)


def _catalog(walk: _Walk) -> None:
    walk.title("The catalog: customer SKUs, items and prices")
    items = {item.id: item for item in walk.client.iterate("items") if isinstance(item, Item)}
    table = Table("customer_sku", "product_code (item name)", "price", "serialized")
    for entry in walk.client.iterate("customer_catalog_items"):
        assert isinstance(entry, CustomerCatalogItem)
        item = items.get(entry.item_id)
        if item is None or item.archived_at is not None:
            continue
        serialized = "yes" if item.serialized else "no"
        table.add_row(entry.customer_sku, item.name, f"{entry.price:.2f}", serialized)
    walk.console.print(table)
    walk.say("An order line's product_code is the item's name.")


def _submit_orders(walk: _Walk) -> None:
    walk.title("Submit two orders")
    for submission in _demo_orders():
        order = walk.client.submit_order(submission)
        walk.orders.append(order)
        lines = ", ".join(f"{line.quantity} x {line.product_code}" for line in submission.lines)
        walk.say(
            f"POST /v2/customer_order_submissions {submission.customer_order}: "
            f"order {order.id} ({escape(lines)})"
        )
    walk.orders = [_order(walk, order.customer_order) for order in walk.orders]
    _order_table(walk, "Both wait on hold as Pending")


def _demo_orders() -> list[OrderSubmission]:
    recipient = Address(
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
    return [
        OrderSubmission(
            purchase_order="PO-7001",
            customer_order="DEMO-7001",
            ship_method_id=_SHIP_METHOD_ID,
            recipient=recipient,
            lines=[
                OrderLineSubmission(product_code="StockBox 2000", quantity=2),
                OrderLineSubmission(product_code="Power Cord C13", quantity=2),
            ],
        ),
        OrderSubmission(
            purchase_order="PO-7002",
            customer_order="DEMO-7002",
            ship_method_id=_SHIP_METHOD_ID,
            recipient=recipient,
            lines=[OrderLineSubmission(product_code="NVMe SSD 1.92TB", quantity=1)],
        ),
    ]


def _advance_orders(walk: _Walk) -> None:
    from connector.api.client import error_for_response

    walk.title("AHEAD releases and ships them (sandbox control endpoint)")
    for status in (OrderStatus.RELEASED, OrderStatus.SHIPPED):
        for order in walk.orders:
            path = SANDBOX_ORDER_ADVANCE_PATH.replace("{id}", str(order.id))
            response = walk.control.post(path, json={"status": status.value})
            if not response.is_success:
                raise error_for_response(response)
            walk.say(f'POST {path} {{"status": "{status.value}"}}')
    walk.orders = [_order(walk, order.customer_order) for order in walk.orders]
    _order_table(walk, "Both are Shipped now")


def _order(walk: _Walk, customer_order: str) -> CustomerOrder:
    """The order as it is now, found by the customer's own number (as reconciliation does)."""
    (order,) = walk.client.find_orders(customer_order)
    return order


def _order_table(walk: _Walk, caption: str) -> None:
    table = Table("id", "customer_order", "purchase_order", "status", caption=caption)
    for order in walk.orders:
        table.add_row(str(order.id), order.customer_order, order.purchase_order or "", order.status)
    walk.console.print(table)


def _shipments(walk: _Walk) -> None:
    walk.title("Shipments: tracking numbers and serial numbers")
    table = Table("customer_order", "tracking_number", "weight", "serial numbers")
    for order in walk.orders:
        serials = [s for line in order.lines for s in line.serial_numbers]
        for index, package in enumerate(order.tracking_numbers):
            table.add_row(
                order.customer_order if index == 0 else "",
                package.tracking_number,
                "" if package.weight is None else str(package.weight),
                ", ".join(serials) if index == 0 else "",
            )
    walk.console.print(table)


def _invoices(walk: _Walk) -> None:
    walk.title("Invoices: on the order, and from /v2/invoices")
    table = Table("customer_order", "invoice", "billed_at", "total")
    for order in walk.orders:
        numbers = ", ".join(str(ref.invoice_number) for ref in order.invoices)
        walk.say(f"order {order.id} ({order.customer_order}) carries invoice number(s) {numbers}")
        for invoice in walk.client.iterate("invoices", {"order_id": order.id}):
            assert isinstance(invoice, Invoice)
            walk.invoices.append(invoice)
            billed = invoice.billed_at.date().isoformat() if invoice.billed_at else ""
            table.add_row(order.customer_order, str(invoice.id), billed, f"{invoice.total:.2f}")
    walk.console.print(table)


def _rma(walk: _Walk) -> None:
    walk.title("A return: create an RMA and list the open ones")
    serial = _first_serial(walk.orders[0])
    walk.rma = walk.client.create_rma(
        RmaCreate(
            problem="The system does not POST after a firmware update.",
            request_type_id=RmaRequestType.DEPOT_REPAIR_AND_RETURN,
            manufacturer_serial=serial,
            replacement_name="Acme Corp receiving",
            replacement_phone="1-555-555-0100",
        )
    )
    status = walk.rma.status.name if walk.rma.status else "?"
    walk.say(f"POST /v2/rmas for serial {serial}: RMA {walk.rma.id}, status {status}")
    table = Table("id", "manufacturer_serial", "status", "start_date", caption="GET /v2/rmas/open")
    for rma in walk.client.rmas_open():
        table.add_row(
            str(rma.id),
            rma.manufacturer_serial or "",
            rma.status.name if rma.status else "",
            rma.start_date.isoformat() if rma.start_date else "",
        )
    walk.console.print(table)


def _first_serial(order: CustomerOrder) -> str:
    return next(s for line in order.lines for s in line.serial_numbers)


def _automation_queue(walk: _Walk) -> None:
    walk.title("Automation: a test station reports on a system's tasks")
    serial = _first_serial(walk.orders[1])
    types = {
        getattr(kind, "name", ""): getattr(kind, "id", 0)
        for kind in walk.client.iterate("automation_task_types")
    }
    burn_in, imaging = types["Burn-In"], types["Imaging"]
    queue = walk.client.create_automation_queue(
        AutomationQueueCreate(
            manufacturer_serial=serial,
            ip_address=_TEST_STATION_IP,
            automation_tasks=[
                AutomationTaskSpec(task_type_id=burn_in, sequence=1),
                AutomationTaskSpec(task_type_id=imaging, sequence=2),
            ],
        )
    )
    walk.say(
        f"POST /v2/automation_queues for {serial} at {_TEST_STATION_IP}: queue {queue.id}, "
        "task 1 Burn-In, task 2 Imaging"
    )
    steps: list[tuple[int, AutomationMessageType, str | None]] = [
        (1, AutomationMessageType.START, "Burn-in started"),
        (1, AutomationMessageType.FAIL, "DIMM B2 reported ECC errors"),
        (1, AutomationMessageType.START, "Burn-in restarted after reseating DIMM B2"),
        (1, AutomationMessageType.COMPLETE, "Burn-in passed"),
        (2, AutomationMessageType.START, None),
        (2, AutomationMessageType.COMPLETE, "Image written"),
    ]
    for sequence, message_type, message in steps:
        queue = walk.client.update_automation_task(
            serial, sequence, message_type, _TEST_STATION_IP, message
        )
        note = f": {message}" if message else ""
        if message_type is AutomationMessageType.FAIL:
            note += " (the API adds a new unstarted task 1)"
        walk.say(f"PUT /v2/automation_queues task {sequence} {message_type.value}{escape(note)}")
    walk.queue = queue
    table = Table("task id", "sequence", "started", "completed", "failed", "message")
    for task in queue.automation_tasks:
        table.add_row(
            str(task.id),
            str(task.sequence),
            "yes" if task.started_at else "no",
            "yes" if task.completed_at else "no",
            "yes" if task.failed else "no",
            task.message or "",
        )
    table.caption = f"queue {queue.id} finished: {'yes' if queue.finished else 'no'}"
    walk.console.print(table)


def _report(walk: _Walk) -> None:
    walk.title("The automation tasks report (CSV)")
    text = walk.client.automation_tasks_report_csv()
    rows = list(csv.DictReader(io.StringIO(text)))
    walk.report_rows = len(rows)
    header = text.splitlines()[0] if text else ""
    walk.say(f"GET /v2/reports/automation_tasks: {len(rows)} rows under the header")
    walk.say(f"  {escape(header)}")
    columns = {
        "id": "task",
        "automation_queue_id": "queue",
        "sequence": "sequence",
        "failed": "failed",
        "message": "message",
        "manufacturer_serial": "serial",
    }
    table = Table(*columns.values())
    for row in rows:
        table.add_row(*(escape(row.get(column) or "") for column in columns))
    walk.console.print(table)


def _summary(walk: _Walk) -> None:
    walk.title("Summary")
    shipped = [o for o in walk.orders if o.status is OrderStatus.SHIPPED]
    tracking = [p.tracking_number for o in walk.orders for p in o.tracking_numbers]
    serials = [s for o in walk.orders for line in o.lines for s in line.serial_numbers]
    total = sum((invoice.total for invoice in walk.invoices), Decimal(0))
    table = Table(show_header=False)
    table.add_row("orders submitted", str(len(walk.orders)))
    table.add_row("orders shipped", str(len(shipped)))
    table.add_row("tracking numbers", str(len(tracking)))
    table.add_row("serial numbers", str(len(serials)))
    table.add_row("invoices", f"{len(walk.invoices)}, total {total:.2f}")
    if walk.rma is not None:
        table.add_row("RMA opened", str(walk.rma.id))
    if walk.queue is not None:
        finished = "finished" if walk.queue.finished else "not finished"
        table.add_row("automation queue", f"{walk.queue.id}, {finished}")
    table.add_row("report rows", str(walk.report_rows))
    walk.console.print(table)

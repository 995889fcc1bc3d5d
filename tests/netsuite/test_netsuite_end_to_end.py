"""The NetSuite story end to end, with the example deployment run by ``Runtime`` against the
AHEAD sandbox and the NetSuite simulator (both on loopback, real HTTP): sales orders become
AHEAD orders; once AHEAD ships them, item fulfillments with AHEAD's tracking and serial numbers
exist in NetSuite and the sales orders carry the AHEAD order id and status; invoices become
vendor bills. Running again, or through injected faults, creates nothing twice."""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

from netsuite_e2e_support import (
    Systems,
    netsuite_orders,
    records,
    running_systems,
    seed_sales_orders,
    ship,
)

from adapters.netsuite import FaultType, RecordType
from adapters.netsuite.simulator import FaultInjection
from connector.runtime import Runtime
from connector.sandbox.config import FaultRule

ORDERS = "netsuite-orders"
SHIPMENTS = "netsuite-shipments"
STATUS = "netsuite-order-status"
INVOICES = "netsuite-invoices"


def _retry_soon(runtime: Runtime) -> None:
    """Let the flows retry and reconcile after 10 ms rather than the default 30 s, so that a
    second run goes back to the records whose outcome was unknown."""
    for name, flow in runtime.flows.items():
        policy = dataclasses.replace(flow.policy, retry_delay=0.01, max_retry_delay=0.01)
        runtime.flows[name] = dataclasses.replace(flow, policy=policy)


def _after_the_retry_delay() -> None:
    time.sleep(0.05)


def _check_everything_arrived_once(systems: Systems, sales_orders: list[str]) -> None:
    with Runtime.open(systems.deployment, environ=systems.environ) as runtime:
        orders = netsuite_orders(runtime.ahead)
        ids = {order.id for order in orders}
        invoices = [i for i in runtime.ahead.iterate("invoices") if i.order_id in ids]
    assert sorted(order.customer_order for order in orders) == sorted(
        f"salesOrder:{internal_id}" for internal_id in sales_orders
    )
    fulfillments = records(systems.netsuite, RecordType.ITEM_FULFILLMENT)
    assert len(fulfillments) == len(sales_orders)
    by_order = {f["createdFrom"]["@internalId"]: f for f in fulfillments}
    for order in orders:
        sales_order = order.customer_order.removeprefix("salesOrder:")
        fulfillment = by_order[sales_order]
        assert fulfillment["@externalId"] == f"ahead-fulfillment-{sales_order}"
        tracking = [p["packageTrackingNumber"] for p in fulfillment["packageList"]["package"]]
        assert tracking == [package.tracking_number for package in order.tracking_numbers]
        serials = [line.get("serialNumbers", "") for line in fulfillment["itemList"]["item"]]
        assert serials == [",".join(line.serial_numbers) for line in order.lines]
        stored = systems.netsuite.simulator.record(RecordType.SALES_ORDER, sales_order)
        assert stored["orderStatus"] == "_pendingBilling"
        custom = {f["@scriptId"]: f["value"] for f in stored["customFieldList"]["customField"]}
        assert custom == {
            "custbody_ahead_order_id": str(order.id),
            "custbody_ahead_order_status": "Shipped",
        }
    bills = records(systems.netsuite, RecordType.VENDOR_BILL)
    assert sorted(bill["@externalId"] for bill in bills) == sorted(
        f"ahead-invoice-{invoice.id}" for invoice in invoices
    )
    assert len(bills) == len(orders)


def test_sales_orders_go_to_ahead_and_shipments_and_invoices_come_back_once(
    tmp_path: Path,
) -> None:
    with running_systems(tmp_path / "acme") as systems:
        sales_orders = seed_sales_orders(systems.netsuite)
        with Runtime.open(systems.deployment, environ=systems.environ) as runtime:
            placed = runtime.run_flow(ORDERS)
            ship(systems.ahead.base_url, netsuite_orders(runtime.ahead))
            reports = [runtime.run_flow(flow) for flow in (SHIPMENTS, STATUS, INVOICES)]
            again = [runtime.run_flow(flow) for flow in (ORDERS, SHIPMENTS, STATUS, INVOICES)]

        assert (placed.counts.submitted, placed.counts.failed) == (3, 0), placed.errors
        assert [(r.flow, r.counts.submitted, r.counts.failed) for r in reports] == [
            (SHIPMENTS, 3, 0),
            (STATUS, 3, 0),
            (INVOICES, 3, 0),
        ], [r.errors for r in reports]
        assert [r.counts.submitted for r in again] == [0, 0, 0, 0]
        # Fulfilling and writing back moved the sales orders along, which is not a change.
        assert (again[0].counts.changed, again[0].warnings) == (0, [])
        _check_everything_arrived_once(systems, sales_orders)


def test_lost_answers_and_limit_faults_on_both_sides_create_nothing_twice(
    tmp_path: Path,
) -> None:
    with running_systems(tmp_path / "acme") as systems:
        sales_orders = seed_sales_orders(systems.netsuite)
        simulator = systems.netsuite.simulator
        sandbox = systems.ahead.sandbox
        with Runtime.open(systems.deployment, environ=systems.environ) as runtime:
            _retry_soon(runtime)
            # AHEAD commits every order and the answers are lost.
            sandbox.faults.set(
                [
                    FaultRule(
                        method="POST",
                        path="/v2/customer_order_submissions",
                        drop_after_commit_rate=1.0,
                    )
                ]
            )
            dropped = runtime.run_flow(ORDERS)
            sandbox.faults.set([])
            _after_the_retry_delay()
            placed = runtime.run_flow(ORDERS)
            ship(systems.ahead.base_url, netsuite_orders(runtime.ahead))

            # NetSuite refuses requests for its concurrency limit, then loses an add's answer.
            simulator.inject(
                FaultInjection(fault=FaultType.EXCEEDED_CONCURRENT_REQUEST_LIMIT, times=2)
            )
            simulator.inject(FaultInjection(lose_response=True, operations=frozenset({"add"})))
            shipped = runtime.run_flow(SHIPMENTS)
            _after_the_retry_delay()
            shipped_again = runtime.run_flow(SHIPMENTS)

            simulator.inject(
                FaultInjection(lose_response=True, times=2, operations=frozenset({"upsert"}))
            )
            billed = runtime.run_flow(INVOICES)
            updated = runtime.run_flow(STATUS)
            again = [runtime.run_flow(flow) for flow in (ORDERS, SHIPMENTS, STATUS, INVOICES)]

        assert dropped.counts.submitted == 0
        assert dropped.counts.in_doubt + dropped.counts.retrying == 3, dropped
        assert placed.counts.reconciled == 3, placed
        assert shipped.counts.submitted == 2, shipped
        assert shipped_again.counts.reconciled == 1, shipped_again
        assert billed.counts.submitted == 3, billed.errors
        assert updated.counts.submitted == 3, updated.errors
        assert [r.counts.submitted for r in again] == [0, 0, 0, 0]
        _check_everything_arrived_once(systems, sales_orders)

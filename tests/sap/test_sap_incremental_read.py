"""Reading changed sales orders from the simulator by change time: each change exactly once."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sap_support import BASIC, START, order_payload

from adapters.sap.changes import ChangeCursor
from adapters.sap.incremental import Change, read_changes
from adapters.sap.odata import ODataClient
from adapters.sap.services import SapService
from adapters.sap.simulator import SapSimulatorConfig, SapSimulatorServer, SimulatorClock
from adapters.sap.values import format_datetime_literal

OVERLAP = timedelta(minutes=10)


@pytest.fixture
def orders(server: SapSimulatorServer) -> Iterator[ODataClient]:
    with ODataClient(
        server.service_url(SapService.SALES_ORDER), auth=httpx.BasicAuth(*BASIC), page_size=2
    ) as client:
        yield client


def _seed(
    server: SapSimulatorServer, count: int, clock: SimulatorClock, *, step: timedelta
) -> None:
    for number in range(count):
        clock.set(START + step * number)
        server.simulator.create_sales_order(order_payload(f"PO-{number + 1}"))


def _read(client: ODataClient, cursor: ChangeCursor, **options: Any) -> list[Change]:
    return list(
        read_changes(
            client,
            "A_SalesOrder",
            key_property="SalesOrder",
            cursor=cursor,
            overlap=OVERLAP,
            **options,
        )
    )


def test_orders_that_share_a_change_time_across_pages_are_each_taken_once(
    orders: ODataClient, server: SapSimulatorServer, clock: SimulatorClock
) -> None:
    _seed(server, 7, clock, step=timedelta(0))

    changes = _read(orders, ChangeCursor())

    assert [c.key for c in changes] == ["1", "2", "3", "4", "5", "6", "7"]


def test_a_second_read_from_the_stored_cursor_takes_nothing_until_something_changes(
    orders: ODataClient, server: SapSimulatorServer, clock: SimulatorClock
) -> None:
    _seed(server, 3, clock, step=timedelta(minutes=1))
    stored = _read(orders, ChangeCursor())[-1].cursor.encode()

    nothing = _read(orders, ChangeCursor.decode(stored))
    clock.set(START + timedelta(minutes=30))
    server.simulator.change_sales_order("2", {"DeliveryBlockReason": "01"})
    changed = _read(orders, ChangeCursor.decode(stored))

    assert nothing == []
    assert [(c.key, c.changed_at) for c in changed] == [("2", START + timedelta(minutes=30))]


def test_times_finer_than_the_millisecond_json_shows_are_neither_skipped_nor_repeated(
    orders: ODataClient, server: SapSimulatorServer
) -> None:
    for number, fraction in enumerate(("123400", "123000", "123900", "124100"), start=1):
        server.simulator.create_sales_order(
            order_payload(f"PO-{number}", LastChangeDateTime=f"2025-01-15T10:00:00.{fraction}Z"),
            seeding=True,
        )

    changes = _read(orders, ChangeCursor(), page_size=1)

    assert [c.key for c in changes] == ["2", "1", "3", "4"]
    assert {c.changed_at.microsecond for c in changes} == {123000, 124000}


def test_an_order_that_becomes_visible_late_within_the_overlap_is_taken(
    orders: ODataClient, server: SapSimulatorServer, clock: SimulatorClock
) -> None:
    _seed(server, 3, clock, step=timedelta(minutes=5))
    cursor = _read(orders, ChangeCursor())[-1].cursor
    late = START + timedelta(minutes=10) - (OVERLAP - timedelta(seconds=1))
    too_late = START + timedelta(minutes=10) - (OVERLAP + timedelta(seconds=1))
    server.simulator.create_sales_order(
        order_payload("LATE", LastChangeDateTime=late.isoformat()), seeding=True
    )
    server.simulator.create_sales_order(
        order_payload("TOO-LATE", LastChangeDateTime=too_late.isoformat()), seeding=True
    )

    changes = _read(orders, cursor)

    # The overlap is the promise: later than that is the documented limit.
    assert [c.entity["PurchaseOrderByCustomer"] for c in changes] == ["LATE"]


def test_an_order_changing_while_pages_are_read_shifts_nothing_past_the_reader(
    orders: ODataClient, server: SapSimulatorServer, clock: SimulatorClock
) -> None:
    _seed(server, 6, clock, step=timedelta(minutes=1))
    taken: list[str] = []

    for change in read_changes(
        orders, "A_SalesOrder", key_property="SalesOrder", cursor=ChangeCursor(), overlap=OVERLAP
    ):
        taken.append(change.key)
        if len(taken) == 3:
            clock.set(START + timedelta(minutes=30))
            server.simulator.change_sales_order("1")

    assert taken == ["1", "2", "3", "4", "5", "6", "1"]


@pytest.mark.parametrize("simulator_config", [SapSimulatorConfig(page_limit=2)])
def test_sap_holding_back_entities_does_not_lose_any(
    server: SapSimulatorServer, clock: SimulatorClock
) -> None:
    _seed(server, 5, clock, step=timedelta(0))
    with ODataClient(
        server.service_url(SapService.SALES_ORDER), auth=httpx.BasicAuth(*BASIC), page_size=10
    ) as client:
        changes = _read(
            client, ChangeCursor(), expand=["to_Item"], select=["PurchaseOrderByCustomer"]
        )

    assert [c.key for c in changes] == ["1", "2", "3", "4", "5"]
    assert changes[0].entity["to_Item"]["results"][0]["Material"] == "TG10"
    assert set(changes[0].entity) >= {"SalesOrder", "LastChangeDateTime", "PurchaseOrderByCustomer"}


def test_the_cursor_of_each_change_resumes_after_it(
    orders: ODataClient, server: SapSimulatorServer, clock: SimulatorClock
) -> None:
    _seed(server, 5, clock, step=timedelta(seconds=30))
    changes = _read(orders, ChangeCursor())

    resumed = _read(orders, ChangeCursor.decode(changes[2].cursor.encode()))

    assert [c.key for c in resumed] == ["4", "5"]


def test_a_filter_of_the_caller_narrows_the_read(
    orders: ODataClient, server: SapSimulatorServer, clock: SimulatorClock
) -> None:
    _seed(server, 4, clock, step=timedelta(seconds=1))

    changes = _read(orders, ChangeCursor(), where="PurchaseOrderByCustomer ne 'PO-2'")

    assert [c.key for c in changes] == ["1", "3", "4"]


def test_deliveries_are_read_by_their_change_date(
    server: SapSimulatorServer, clock: SimulatorClock
) -> None:
    server.simulator.create_sales_order(order_payload())
    for day in range(3):
        clock.set(START + timedelta(days=day))
        server.simulator.create_delivery("1")
    with ODataClient(
        server.service_url(SapService.OUTBOUND_DELIVERY), auth=httpx.BasicAuth(*BASIC)
    ) as client:
        first = list(
            read_changes(
                client,
                "A_OutbDeliveryHeader",
                key_property="DeliveryDocument",
                change_property="LastChangeDate",
                cursor=ChangeCursor(),
                overlap=timedelta(days=1),
                literal=format_datetime_literal,
            )
        )
        again = list(
            read_changes(
                client,
                "A_OutbDeliveryHeader",
                key_property="DeliveryDocument",
                change_property="LastChangeDate",
                cursor=first[-1].cursor,
                overlap=timedelta(days=1),
                literal=format_datetime_literal,
            )
        )

    assert [c.key for c in first] == ["80000000", "80000001", "80000002"]
    assert again == []

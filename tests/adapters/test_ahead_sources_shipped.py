"""AheadShippedOrderSource against a sandbox on loopback: what it yields, its cursor, its errors."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import httpx
import pydantic
import pytest
from adapter_support import ahead_client
from ahead_sources_support import (
    ORDERS_PATH,
    RecordingTransport,
    SandboxOrders,
    own_sandbox,
    shipped_order_source,
    unique_prefix,
    unreadable_order,
)

from adapters.ahead import AheadShippedOrderSource, AheadSourceError, AheadSourceSettings
from adapters.base import AdapterContext, Record, content_hash
from adapters.registry import AdapterSettingsError
from connector.api import AheadClient
from connector.api.models import OrderStatus
from connector.sandbox import FaultRule, SandboxServer
from connector.sandbox.store import Table


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    with own_sandbox() as running:
        yield running


@pytest.fixture
def transport() -> RecordingTransport:
    return RecordingTransport()


@pytest.fixture
def client(sandbox: SandboxServer, transport: RecordingTransport) -> Iterator[AheadClient]:
    sandbox.sandbox.faults.set([])
    with ahead_client(sandbox, transport=transport) as made:
        yield made
    sandbox.sandbox.faults.set([])


@pytest.fixture
def orders(sandbox: SandboxServer, client: AheadClient) -> SandboxOrders:
    return SandboxOrders(sandbox, client)


@pytest.fixture
def prefix() -> str:
    return unique_prefix("SHIP")


@pytest.fixture
def source(client: AheadClient, tmp_path: Path, prefix: str) -> AheadShippedOrderSource:
    return shipped_order_source(client, tmp_path, customer_order_prefix=prefix)


def keys(records: Iterator[Record] | list[Record]) -> list[str]:
    return [record.key for record in records]


def test_shipped_order_is_yielded_keyed_by_customer_order_with_tracking_and_serials(
    source: AheadShippedOrderSource, orders: SandboxOrders, prefix: str
) -> None:
    shipped = orders.ship(f"{prefix}1")
    (record,) = source.read(None)
    assert record.key == f"{prefix}1"
    assert record.origin == f"AHEAD order {shipped['id']}"
    payload = record.payload
    assert payload["purchase_order"] == f"PO-{prefix}1"
    assert payload["status"] == "Shipped"
    assert payload["recipient"]["city"] == "Toronto"
    assert payload["tracking_numbers"] == shipped["tracking_numbers"]
    assert [line["serial_numbers"] for line in payload["lines"]] == [
        line["serial_numbers"] for line in shipped["lines"]
    ]
    assert payload["lines"][0]["serial_numbers"]  # StockBox 2000 is serialized


def test_orders_not_shipped_are_not_yielded(
    source: AheadShippedOrderSource, orders: SandboxOrders, prefix: str
) -> None:
    orders.submit(f"{prefix}pending")
    orders.advance(orders.submit(f"{prefix}released"), OrderStatus.RELEASED)
    orders.ship(f"{prefix}shipped")
    assert keys(source.read(None)) == [f"{prefix}shipped"]


def test_orders_of_another_prefix_are_not_yielded(
    source: AheadShippedOrderSource, orders: SandboxOrders, prefix: str
) -> None:
    other = unique_prefix("OTHER")
    orders.ship(f"{other}1")
    orders.ship(f"{prefix}1")
    orders.ship(f"{other}2")
    assert keys(source.read(None)) == [f"{prefix}1"]


def test_order_that_ships_after_a_read_is_found_by_the_next_read_from_the_cursor(
    source: AheadShippedOrderSource, orders: SandboxOrders, prefix: str
) -> None:
    orders.ship(f"{prefix}1")
    waiting = orders.submit(f"{prefix}2")
    first = list(source.read(None))
    assert keys(first) == [f"{prefix}1"]
    orders.advance(waiting)
    assert f"{prefix}2" in keys(source.read(first[-1].cursor))


def test_order_shipping_after_a_newer_one_is_not_skipped(
    source: AheadShippedOrderSource, orders: SandboxOrders, prefix: str
) -> None:
    older = orders.submit(f"{prefix}older")
    orders.ship(f"{prefix}newer")
    first = list(source.read(None))
    assert keys(first) == [f"{prefix}newer"]
    orders.advance(older)
    again = keys(source.read(first[-1].cursor))
    assert f"{prefix}older" in again


def test_position_moves_past_shipped_orders_but_stays_at_the_oldest_unshipped(
    source: AheadShippedOrderSource, orders: SandboxOrders, prefix: str
) -> None:
    orders.ship(f"{prefix}1")
    waiting = orders.submit(f"{prefix}2")
    orders.ship(f"{prefix}3")
    records = list(source.read(None))
    assert keys(records) == [f"{prefix}1", f"{prefix}3"]
    assert records[0].cursor == records[1].cursor  # held at the unshipped order
    assert keys(source.read(records[-1].cursor)) == [f"{prefix}3"]
    orders.advance(waiting)
    after_shipping = list(source.read(records[-1].cursor))
    assert keys(after_shipping) == [f"{prefix}2", f"{prefix}3"]
    assert keys(source.read(after_shipping[-1].cursor)) == []


def test_read_with_no_changes_asks_for_one_page_not_every_shipped_order(
    client: AheadClient,
    transport: RecordingTransport,
    orders: SandboxOrders,
    prefix: str,
    tmp_path: Path,
) -> None:
    for number in range(12):
        orders.ship(f"{prefix}{number}")
    source = shipped_order_source(client, tmp_path, customer_order_prefix=prefix, page_size=5)
    records = list(source.read(None))
    assert len(records) == 12
    transport.requests.clear()
    assert keys(source.read(records[-1].cursor)) == []
    assert transport.paths() == [ORDERS_PATH]
    (_, _, query) = transport.requests[0]
    assert query["limit"] == 5


def test_payload_hash_ignores_changes_that_are_not_the_shipment(
    source: AheadShippedOrderSource, orders: SandboxOrders, prefix: str
) -> None:
    shipped = orders.ship(f"{prefix}1")
    (first,) = source.read(None)
    assert "updated_at" not in first.payload
    assert "invoices" not in first.payload
    orders.replace(
        Table.CUSTOMER_ORDER_SUBMISSIONS,
        shipped["id"],
        updated_at="2031-01-01T00:00:00Z",
        invoices=[*shipped["invoices"], {"invoice_number": 999999}],
    )
    (touched,) = source.read(None)
    assert touched.content_hash == first.content_hash
    corrected = [
        {**package, "tracking_number": "CORRECTED"} for package in shipped["tracking_numbers"]
    ]
    orders.replace(Table.CUSTOMER_ORDER_SUBMISSIONS, shipped["id"], tracking_numbers=corrected)
    (changed,) = source.read(None)
    assert changed.content_hash != first.content_hash
    assert changed.content_hash == content_hash(changed.payload)


def test_since_passes_over_orders_created_before_it(
    client: AheadClient, orders: SandboxOrders, prefix: str, tmp_path: Path
) -> None:
    orders.ship(f"{prefix}old")
    new = orders.ship(f"{prefix}new")
    since = datetime.fromisoformat(new["created_at"])
    source = shipped_order_source(client, tmp_path, customer_order_prefix=prefix, since=since)
    assert keys(source.read(None)) == [f"{prefix}new"]


def test_server_error_during_a_read_is_a_clear_error_and_yields_nothing_past_the_cursor(
    sandbox: SandboxServer, source: AheadShippedOrderSource, orders: SandboxOrders, prefix: str
) -> None:
    orders.ship(f"{prefix}1")
    first = list(source.read(None))
    orders.ship(f"{prefix}2")
    sandbox.sandbox.faults.set(
        [FaultRule(method="GET", path=ORDERS_PATH, error_rate=1.0, error_status=503)]
    )
    yielded: list[Record] = []
    with pytest.raises(AheadSourceError) as failed:
        yielded.extend(source.read(first[-1].cursor))
    assert yielded == []
    detail = failed.value.detail
    assert detail.startswith("cannot read orders from AHEAD (the list at offset ")
    assert f"GET {ORDERS_PATH} answered 503" in detail
    assert "the next run reads from there again" in detail
    sandbox.sandbox.faults.set([])
    assert f"{prefix}2" in keys(source.read(first[-1].cursor))


def test_list_that_shifted_before_the_cursor_is_read_again_from_the_start(
    sandbox: SandboxServer,
    source: AheadShippedOrderSource,
    orders: SandboxOrders,
    prefix: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    gone = orders.ship(f"{prefix}1")
    orders.ship(f"{prefix}2")
    first = list(source.read(None))
    sandbox.sandbox.store.delete(Table.CUSTOMER_ORDER_SUBMISSIONS, gone["id"])
    orders.ship(f"{prefix}3")
    with caplog.at_level(logging.WARNING):
        found = keys(source.read(first[-1].cursor))
    assert found == [f"{prefix}2", f"{prefix}3"]
    assert "the list of orders changed before the stored position" in caplog.text


def test_unreadable_shipped_order_is_set_aside_naming_the_field_and_the_rest_still_come(
    source: AheadShippedOrderSource,
    orders: SandboxOrders,
    prefix: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    orders.ship(f"{prefix}1")
    bad = orders.insert(Table.CUSTOMER_ORDER_SUBMISSIONS, unreadable_order(f"{prefix}bad"))
    orders.ship(f"{prefix}2")
    with caplog.at_level(logging.ERROR):
        records = list(source.read(None))
    assert keys(records) == [f"{prefix}1", f"{prefix}2"]
    problem = source.quarantined[f"AHEAD order {bad}"]
    assert f"customer_order '{prefix}bad'" in problem
    assert "lines.0.quantity: Input should be a valid integer" in problem
    assert f"AHEAD order {bad} is set aside and not sent" in caplog.text
    assert keys(source.read(records[-1].cursor)) == []


def test_unreadable_order_not_shipped_yet_holds_the_position_until_it_ships(
    source: AheadShippedOrderSource,
    orders: SandboxOrders,
    prefix: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    bad = orders.insert(
        Table.CUSTOMER_ORDER_SUBMISSIONS, unreadable_order(f"{prefix}bad", status="Pending")
    )
    orders.ship(f"{prefix}1")
    with caplog.at_level(logging.WARNING):
        records = list(source.read(None))
    assert keys(records) == [f"{prefix}1"]
    assert source.quarantined == {}
    assert f"AHEAD order {bad} (customer_order '{prefix}bad') does not fit" in caplog.text
    assert keys(source.read(records[-1].cursor)) == [f"{prefix}1"]
    orders.replace(Table.CUSTOMER_ORDER_SUBMISSIONS, bad, status="shipped")
    assert keys(source.read(records[-1].cursor)) == [f"{prefix}1"]
    assert f"AHEAD order {bad}" in source.quarantined


def test_shipped_order_without_a_customer_order_is_set_aside(
    client: AheadClient, orders: SandboxOrders, tmp_path: Path
) -> None:
    order_id = orders.submit(unique_prefix("BLANK"))
    orders.advance(order_id)
    orders.replace(Table.CUSTOMER_ORDER_SUBMISSIONS, order_id, customer_order="")
    source = shipped_order_source(client, tmp_path)
    assert "" not in keys(source.read(None))
    assert "has no customer_order" in source.quarantined[f"AHEAD order {order_id}"]


def test_cursor_of_another_kind_of_source_is_refused_with_what_to_do(
    source: AheadShippedOrderSource,
) -> None:
    with pytest.raises(AheadSourceError, match="Clear the flow's cursor"):
        list(source.read("00000000001700000000:po-1.json"))


def test_source_without_an_ahead_client_is_a_settings_error(tmp_path: Path) -> None:
    context = AdapterContext("shipments-in", tmp_path, services={})
    with pytest.raises(
        AdapterSettingsError, match=r"needs the AHEAD client as services\['ahead'\]"
    ):
        AheadShippedOrderSource(AheadSourceSettings(), context)


@pytest.mark.parametrize(
    ("settings", "field"),
    [
        ({"page_size": 0}, "page_size"),
        ({"page_size": 1001}, "page_size"),
        ({"since": "2026-01-01T00:00:00"}, "since"),
        ({"customer_order_prefx": "ACME-"}, "customer_order_prefx"),
    ],
)
def test_settings_out_of_bounds_are_refused_naming_the_field(
    settings: dict[str, object], field: str
) -> None:
    with pytest.raises(pydantic.ValidationError) as refused:
        AheadSourceSettings.model_validate(settings)
    assert [error["loc"][0] for error in refused.value.errors()] == [field]


def test_server_that_ignores_offset_fails_the_read_instead_of_yielding_orders_twice(
    tmp_path: Path,
) -> None:
    # No sandbox ignores offset, so a small fake server stands for one that does.
    shipped = [
        {"id": 7001 + number, "customer_order": f"IGN-{number}", "status": "Shipped"}
        for number in range(4)
    ]

    def first_page_always(request: httpx.Request) -> httpx.Response:
        page = {"count": 2, "offset": 0, "total_results": 4, "results": shipped[:2], "errors": None}
        return httpx.Response(200, json=page)

    transport = httpx.MockTransport(first_page_always)
    with AheadClient("http://ahead.invalid", transport=transport) as fake_client:
        source = shipped_order_source(fake_client, tmp_path, page_size=2)
        yielded: list[Record] = []
        with pytest.raises(AheadSourceError, match="the list is not in id order") as failed:
            yielded.extend(source.read(None))
    assert keys(yielded) == ["IGN-0", "IGN-1"]
    assert "nothing more is read" in failed.value.detail

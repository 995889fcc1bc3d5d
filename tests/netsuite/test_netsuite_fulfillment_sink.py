"""The item fulfillment sink: the sink contract against the simulator over loopback, what a
fulfillment holds, and its outcomes under NetSuite's errors, limits and lost answers."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from netsuite_sink_support import catalog_sales_order, sink_settings

from adapters.base import (
    AdapterContext,
    Record,
    Sink,
    SinkOutcomeUnknownError,
    SinkRejectedError,
    SinkUnavailableError,
)
from adapters.contract import SecondWrite, SinkContract, SinkHarness
from adapters.netsuite import (
    FaultType,
    NetSuiteItemFulfillmentSink,
    NetSuiteItemFulfillmentSinkSettings,
    RecordType,
)
from adapters.netsuite.simulator import FaultInjection, SimulatorServer

_LINES = (("301", "ACME-SB2000", 2.0), ("302", "ACME-PC-C13", 1.0))


def _sink(server: SimulatorServer, folder: Path, **changes: Any) -> NetSuiteItemFulfillmentSink:
    settings = NetSuiteItemFulfillmentSinkSettings(**sink_settings(server, **changes))
    return NetSuiteItemFulfillmentSink(settings, AdapterContext("netsuite-fulfillments", folder))


def _order(server: SimulatorServer, name: str) -> str:
    return server.simulator.seed(RecordType.SALES_ORDER, catalog_sales_order(name, *_LINES))


def _shipment(sales_order: str, revision: int = 0) -> tuple[Record, dict[str, Any]]:
    record = Record.of(
        f"salesOrder:{sales_order}",
        {"customer_order": f"salesOrder:{sales_order}", "revision": revision},
        origin=f"AHEAD order {sales_order}",
    )
    document = {
        "sales_order": sales_order,
        "packages": [
            {"tracking_number": f"1Z{sales_order}{revision}A", "weight": "18.5"},
            {"tracking_number": f"1Z{sales_order}{revision}B"},
        ],
        "lines": [
            {"quantity": 2, "serial_numbers": [f"SN-{sales_order}-1", f"SN-{sales_order}-2"]},
            {"quantity": 1},
        ],
    }
    return record, document


class SimulatorFulfillments(SinkHarness):
    """Fulfills sales orders seeded into the simulator, one per document number."""

    def __init__(self, server: SimulatorServer, folder: Path) -> None:
        self._server = server
        self._folder = folder
        self._orders: dict[int, str] = {}

    @property
    def second_write(self) -> SecondWrite:
        # The sink finds the first fulfillment by its external id and returns it.
        return SecondWrite.REPLACES

    def make_sink(self) -> Sink:
        return _sink(self._server, self._folder)

    def document(self, number: int, revision: int = 0) -> tuple[Record, Mapping[str, Any]]:
        if number not in self._orders:
            self._orders[number] = _order(self._server, f"SO-{number}")
        return _shipment(self._orders[number], revision)

    def invalid_document(self, number: int) -> tuple[Record, Mapping[str, Any]]:
        # A sales order that does not exist: NetSuite refuses to fulfill it.
        return _shipment(str(90000 + number))

    def make_unavailable_sink(self) -> Sink | None:
        return _sink(self._server, self._folder, endpoint="http://127.0.0.1:9")


class TestNetSuiteItemFulfillmentSinkContract(SinkContract):
    @pytest.fixture
    def sink_harness(self, server: SimulatorServer, tmp_path: Path) -> SinkHarness:
        return SimulatorFulfillments(server, tmp_path)


@pytest.fixture
def sink(server: SimulatorServer, tmp_path: Path) -> Iterator[NetSuiteItemFulfillmentSink]:
    made = _sink(server, tmp_path)
    yield made
    made.close()


def test_a_fulfillment_holds_the_packages_tracking_and_serial_numbers_and_ships_the_order(
    server: SimulatorServer, sink: NetSuiteItemFulfillmentSink
) -> None:
    sales_order = _order(server, "SO-1")
    record, document = _shipment(sales_order)

    reference = sink.write(record, document)

    stored = server.simulator.record(RecordType.ITEM_FULFILLMENT, reference)
    assert stored["@externalId"] == f"ahead-fulfillment-{sales_order}"
    assert stored["createdFrom"]["@internalId"] == sales_order
    assert stored["shipStatus"] == "_shipped"
    packages = stored["packageList"]["package"]
    assert [package["packageTrackingNumber"] for package in packages] == [
        f"1Z{sales_order}0A",
        f"1Z{sales_order}0B",
    ]
    lines = stored["itemList"]["item"]
    assert [(line["orderLine"], float(line["quantity"])) for line in lines] == [
        ("1", 2.0),
        ("2", 1.0),
    ]
    assert lines[0]["serialNumbers"] == f"SN-{sales_order}-1,SN-{sales_order}-2"
    assert "serialNumbers" not in lines[1]
    order = server.simulator.record(RecordType.SALES_ORDER, sales_order)
    assert order["orderStatus"] == "_pendingBilling"


def test_lines_not_shipped_are_left_open_on_the_sales_order(
    server: SimulatorServer, sink: NetSuiteItemFulfillmentSink
) -> None:
    sales_order = _order(server, "SO-2")
    record, document = _shipment(sales_order)
    document["lines"] = [{"quantity": 1, "order_line": 2}]

    reference = sink.write(record, document)

    lines = server.simulator.record(RecordType.ITEM_FULFILLMENT, reference)["itemList"]["item"]
    assert [line["orderLine"] for line in lines] == ["2"]
    order = server.simulator.record(RecordType.SALES_ORDER, sales_order)
    assert order["orderStatus"] == "_partiallyFulfilled"


def test_more_lines_than_the_sales_order_has_are_rejected_and_nothing_is_created(
    server: SimulatorServer, sink: NetSuiteItemFulfillmentSink
) -> None:
    sales_order = _order(server, "SO-3")
    record, document = _shipment(sales_order)
    document["lines"].append({"quantity": 1})

    with pytest.raises(SinkRejectedError) as rejected:
        sink.write(record, document)

    assert "3 lines" in rejected.value.detail
    assert server.simulator.records(RecordType.ITEM_FULFILLMENT) == []


def test_more_than_remains_is_rejected_with_netsuites_code_and_message(
    server: SimulatorServer, sink: NetSuiteItemFulfillmentSink
) -> None:
    sales_order = _order(server, "SO-4")
    record, document = _shipment(sales_order)
    document["lines"][1]["quantity"] = 3

    with pytest.raises(SinkRejectedError) as rejected:
        sink.write(record, document)

    assert "INVALID_QTY" in rejected.value.detail
    assert sink.lookup(record) is None


def test_serial_numbers_that_do_not_match_the_quantity_are_rejected_before_sending(
    server: SimulatorServer, sink: NetSuiteItemFulfillmentSink
) -> None:
    record, document = _shipment(_order(server, "SO-5"))
    document["lines"][0]["serial_numbers"] = ["SN-only-one"]
    requests_before = server.simulator.requests

    with pytest.raises(SinkRejectedError) as rejected:
        sink.write(record, document)

    assert "lines.0" in rejected.value.detail
    assert server.simulator.requests == requests_before


def test_a_lost_answer_is_an_unknown_outcome_and_lookup_then_finds_the_fulfillment(
    server: SimulatorServer, sink: NetSuiteItemFulfillmentSink
) -> None:
    record, document = _shipment(_order(server, "SO-6"))
    server.simulator.inject(FaultInjection(lose_response=True, operations=frozenset({"add"})))

    with pytest.raises(SinkOutcomeUnknownError):
        sink.write(record, document)

    (created,) = server.simulator.records(RecordType.ITEM_FULFILLMENT)
    assert sink.lookup(record) == created["@internalId"]
    assert sink.write(record, document) == created["@internalId"]
    assert len(server.simulator.records(RecordType.ITEM_FULFILLMENT)) == 1


def test_limit_faults_beyond_the_retries_are_unavailable_and_create_nothing(
    server: SimulatorServer, sink: NetSuiteItemFulfillmentSink
) -> None:
    record, document = _shipment(_order(server, "SO-7"))
    server.simulator.inject(
        FaultInjection(
            fault=FaultType.EXCEEDED_CONCURRENT_REQUEST_LIMIT,
            times=3,
            operations=frozenset({"add"}),
        )
    )

    with pytest.raises(SinkUnavailableError) as unavailable:
        sink.write(record, document)

    assert "WS_REQUEST_BLOCKED" in unavailable.value.detail
    assert server.simulator.records(RecordType.ITEM_FULFILLMENT) == []
    assert sink.write(record, document)


def test_limit_faults_within_the_retries_do_not_stop_the_fulfillment(
    server: SimulatorServer, sink: NetSuiteItemFulfillmentSink
) -> None:
    record, document = _shipment(_order(server, "SO-8"))
    server.simulator.inject(
        FaultInjection(fault=FaultType.EXCEEDED_CONCURRENT_REQUEST_LIMIT, times=2)
    )

    reference = sink.write(record, document)

    assert [
        stored["@internalId"] for stored in server.simulator.records(RecordType.ITEM_FULFILLMENT)
    ] == [reference]

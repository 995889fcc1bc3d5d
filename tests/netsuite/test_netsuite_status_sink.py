"""The sales-order status sink: the sink contract against the simulator over loopback, and
that it writes only the two custom fields it is configured with."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from netsuite_sink_support import catalog_sales_order, sink_settings

from adapters.base import AdapterContext, Record, Sink, SinkRejectedError
from adapters.contract import SecondWrite, SinkContract, SinkHarness
from adapters.netsuite import (
    NetSuiteSalesOrderStatusSink,
    NetSuiteSalesOrderStatusSinkSettings,
    RecordType,
)
from adapters.netsuite.simulator import SimulatorServer


def _sink(server: SimulatorServer, folder: Path, **changes: Any) -> NetSuiteSalesOrderStatusSink:
    settings = NetSuiteSalesOrderStatusSinkSettings(**sink_settings(server, **changes))
    return NetSuiteSalesOrderStatusSink(settings, AdapterContext("netsuite-status", folder))


def _order(server: SimulatorServer, name: str) -> str:
    return server.simulator.seed(
        RecordType.SALES_ORDER, catalog_sales_order(name, ("301", "ACME-SB2000", 2.0))
    )


def _status(sales_order: str, status: str = "Shipped") -> tuple[Record, dict[str, Any]]:
    record = Record.of(f"salesOrder:{sales_order}", {"id": 5000, "status": status})
    return record, {"sales_order": sales_order, "ahead_order_id": "5000", "ahead_status": status}


def _custom_fields(server: SimulatorServer, sales_order: str) -> dict[str, str]:
    order = server.simulator.record(RecordType.SALES_ORDER, sales_order)
    fields = order.get("customFieldList", {}).get("customField", [])
    return {field["@scriptId"]: field["value"] for field in fields}


class SimulatorStatuses(SinkHarness):
    @property
    def second_write(self) -> SecondWrite:
        return SecondWrite.REPLACES

    def __init__(self, server: SimulatorServer, folder: Path) -> None:
        self._server = server
        self._folder = folder
        self._orders: dict[int, str] = {}

    def make_sink(self) -> Sink:
        return _sink(self._server, self._folder)

    def document(self, number: int, revision: int = 0) -> tuple[Record, Mapping[str, Any]]:
        if number not in self._orders:
            self._orders[number] = _order(self._server, f"SO-{number}")
        return _status(self._orders[number], ["Released", "Shipped"][revision % 2])

    def invalid_document(self, number: int) -> tuple[Record, Mapping[str, Any]]:
        return _status(str(90000 + number))

    def make_unavailable_sink(self) -> Sink | None:
        return _sink(self._server, self._folder, endpoint="http://127.0.0.1:9")


class TestNetSuiteSalesOrderStatusSinkContract(SinkContract):
    @pytest.fixture
    def sink_harness(self, server: SimulatorServer, tmp_path: Path) -> SinkHarness:
        return SimulatorStatuses(server, tmp_path)


@pytest.fixture
def sink(server: SimulatorServer, tmp_path: Path) -> Iterator[NetSuiteSalesOrderStatusSink]:
    made = _sink(server, tmp_path, order_id_field="custbody_x_id", status_field="custbody_x_st")
    yield made
    made.close()


def test_the_order_id_and_status_go_to_the_configured_custom_fields_and_nothing_else(
    server: SimulatorServer, sink: NetSuiteSalesOrderStatusSink
) -> None:
    sales_order = _order(server, "SO-1")
    before = server.simulator.record(RecordType.SALES_ORDER, sales_order)
    record, document = _status(sales_order)

    assert sink.write(record, document) == sales_order

    after = server.simulator.record(RecordType.SALES_ORDER, sales_order)
    assert _custom_fields(server, sales_order) == {
        "custbody_x_id": "5000",
        "custbody_x_st": "Shipped",
    }
    assert after["otherRefNum"] == before["otherRefNum"]
    assert after["itemList"] == before["itemList"]


def test_a_document_for_another_sales_order_than_the_key_is_rejected(
    server: SimulatorServer, sink: NetSuiteSalesOrderStatusSink
) -> None:
    sales_order = _order(server, "SO-2")
    record, document = _status(sales_order)

    with pytest.raises(SinkRejectedError) as rejected:
        sink.write(record, {**document, "sales_order": "1"})

    assert "must agree" in rejected.value.detail
    assert _custom_fields(server, sales_order) == {}

"""The vendor bill sink: the sink contract against the simulator over loopback, what a bill
holds, and that a bill is upserted by its external id, never made twice."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from netsuite_sink_support import sink_settings

from adapters.base import AdapterContext, Record, Sink, SinkRejectedError, SinkUnavailableError
from adapters.contract import SecondWrite, SinkContract, SinkHarness
from adapters.netsuite import NetSuiteVendorBillSink, NetSuiteVendorBillSinkSettings, RecordType
from adapters.netsuite.simulator import FaultInjection, SimulatorServer


def _sink(server: SimulatorServer, folder: Path, **changes: Any) -> NetSuiteVendorBillSink:
    settings = NetSuiteVendorBillSinkSettings(**sink_settings(server, **changes))
    return NetSuiteVendorBillSink(settings, AdapterContext("netsuite-bills", folder))


def _invoice(number: int, revision: int = 0) -> tuple[Record, dict[str, Any]]:
    record = Record.of(f"invoice:{number}", {"invoice": {"id": number}, "revision": revision})
    document = {
        "vendor": "401",
        "reference": str(number),
        "bill_date": "2026-03-02",
        "total": str(100 + revision),
        "memo": f"AHEAD invoice {number}",
        "lines": [
            {"item_external_id": "ACME-SB2000", "quantity": 2 + revision, "rate": "50.00"},
            {"item_internal_id": "302", "quantity": 1, "description": "Power Cord C13"},
        ],
    }
    return record, document


class SimulatorBills(SinkHarness):
    @property
    def second_write(self) -> SecondWrite:
        # An upsert by external id: the same bill, its fields replaced.
        return SecondWrite.REPLACES

    def __init__(self, server: SimulatorServer, folder: Path) -> None:
        self._server = server
        self._folder = folder

    def make_sink(self) -> Sink:
        return _sink(self._server, self._folder)

    def document(self, number: int, revision: int = 0) -> tuple[Record, Mapping[str, Any]]:
        return _invoice(number, revision)

    def invalid_document(self, number: int) -> tuple[Record, Mapping[str, Any]]:
        record, document = _invoice(number)
        return record, {**document, "lines": []}

    def make_unavailable_sink(self) -> Sink | None:
        return _sink(self._server, self._folder, endpoint="http://127.0.0.1:9")


class TestNetSuiteVendorBillSinkContract(SinkContract):
    @pytest.fixture
    def sink_harness(self, server: SimulatorServer, tmp_path: Path) -> SinkHarness:
        return SimulatorBills(server, tmp_path)


@pytest.fixture
def sink(server: SimulatorServer, tmp_path: Path) -> Iterator[NetSuiteVendorBillSink]:
    made = _sink(server, tmp_path)
    yield made
    made.close()


def test_a_bill_holds_the_vendor_invoice_number_date_total_and_lines(
    server: SimulatorServer, sink: NetSuiteVendorBillSink
) -> None:
    record, document = _invoice(9001)

    reference = sink.write(record, document)

    stored = server.simulator.record(RecordType.VENDOR_BILL, reference)
    assert stored["@externalId"] == "ahead-invoice-9001"
    assert stored["entity"]["@internalId"] == "401"
    assert stored["tranId"] == "9001"
    assert stored["tranDate"].startswith("2026-03-02T00:00:00")
    assert float(stored["userTotal"]) == 100.0
    lines = stored["itemList"]["item"]
    assert lines[0]["item"]["@externalId"] == "ACME-SB2000"
    assert (float(lines[0]["quantity"]), lines[0]["rate"]) == (2.0, "50.00")
    assert lines[1]["item"]["@internalId"] == "302"


def test_a_changed_invoice_updates_its_bill(
    server: SimulatorServer, sink: NetSuiteVendorBillSink
) -> None:
    record, document = _invoice(9002)
    reference = sink.write(record, document)
    changed_record, changed = _invoice(9002, revision=1)

    assert sink.update(changed_record, changed, reference) == reference

    (stored,) = server.simulator.records(RecordType.VENDOR_BILL)
    assert float(stored["userTotal"]) == 101.0


def test_a_bill_written_again_after_a_lost_answer_is_not_made_twice(
    server: SimulatorServer, sink: NetSuiteVendorBillSink
) -> None:
    record, document = _invoice(9003)
    server.simulator.inject(FaultInjection(lose_response=True, operations=frozenset({"upsert"})))

    # The client repeats an upsert whose answer was lost: it finds its record by external id.
    reference = sink.write(record, document)

    assert [
        stored["@internalId"] for stored in server.simulator.records(RecordType.VENDOR_BILL)
    ] == [reference]


def test_an_invoice_key_of_another_form_is_rejected(sink: NetSuiteVendorBillSink) -> None:
    _, document = _invoice(9004)

    with pytest.raises(SinkRejectedError) as rejected:
        sink.write(Record.of("9004", {}), document)

    assert "key_prefix" in rejected.value.detail


def test_answers_lost_beyond_the_retries_leave_one_bill_that_a_later_write_keeps(
    server: SimulatorServer, sink: NetSuiteVendorBillSink
) -> None:
    record, document = _invoice(9005)
    server.simulator.inject(
        FaultInjection(lose_response=True, times=3, operations=frozenset({"upsert"}))
    )

    # An upsert may be repeated (it finds its bill by external id), so the engine may simply
    # try again later: unavailable, not unknown.
    with pytest.raises(SinkUnavailableError):
        sink.write(record, document)
    reference = sink.write(record, document)

    assert [
        stored["@internalId"] for stored in server.simulator.records(RecordType.VENDOR_BILL)
    ] == [reference]

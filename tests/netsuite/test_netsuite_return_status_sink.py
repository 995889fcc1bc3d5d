"""The return-authorization status sink: the sink contract against the simulator over
loopback, the fields of the serial's line, and several serial numbers on one line."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from netsuite_sink_support import sink_settings

from adapters.base import AdapterContext, Record, Sink, SinkRejectedError
from adapters.contract import SecondWrite, SinkContract, SinkHarness
from adapters.netsuite import (
    NetSuiteReturnAuthorizationStatusSink,
    NetSuiteReturnAuthorizationStatusSinkSettings,
    RecordType,
)
from adapters.netsuite.simulator import SimulatorServer

NUMBER_FIELD = "custcol_ahead_rma_number"
STATUS_FIELD = "custcol_ahead_rma_status"


def _sink(
    server: SimulatorServer, folder: Path, **changes: Any
) -> NetSuiteReturnAuthorizationStatusSink:
    settings = NetSuiteReturnAuthorizationStatusSinkSettings(**sink_settings(server, **changes))
    return NetSuiteReturnAuthorizationStatusSink(settings, AdapterContext("ns-rma", folder))


def _return(server: SimulatorServer, name: str, *serials: str) -> str:
    """A return authorization with a line per entry of ``serials`` (each may name several)."""
    return server.simulator.seed(
        RecordType.RETURN_AUTHORIZATION,
        {
            "@externalId": name,
            "entity": {"@internalId": "201", "name": "Acme Robotics"},
            "itemList": {
                "item": [
                    {
                        "item": {"@internalId": "501"},
                        "line": line,
                        "quantity": float(len(names.split(","))),
                        "serialNumbers": names,
                        "customFieldList": {
                            "customField": [
                                {
                                    "@xsi:type": "StringCustomFieldRef",
                                    "@scriptId": "custcol_note",
                                    "value": "keep me",
                                }
                            ]
                        },
                    }
                    for line, names in enumerate(serials, 1)
                ]
            },
        },
    )


def _status(
    return_id: str, serial: str, rma: str = "7001", status: str = "Not Received"
) -> tuple[Record, dict[str, Any]]:
    record = Record.of(f"returnAuthorization:{return_id}:{serial}", {"id": int(rma)})
    document = {
        "return_authorization": return_id,
        "serial": serial,
        "rma_number": rma,
        "rma_status": status,
    }
    return record, document


def _line_fields(server: SimulatorServer, return_id: str, line: int) -> dict[str, str]:
    found = server.simulator.record(RecordType.RETURN_AUTHORIZATION, return_id)
    (item,) = [item for item in found["itemList"]["item"] if int(item["line"]) == line]
    fields = item.get("customFieldList", {}).get("customField", [])
    return {field["@scriptId"]: field["value"] for field in fields}


class SimulatorReturnStatuses(SinkHarness):
    @property
    def second_write(self) -> SecondWrite:
        return SecondWrite.REPLACES

    def __init__(self, server: SimulatorServer, folder: Path) -> None:
        self._server = server
        self._folder = folder
        self._returns: dict[int, str] = {}

    def make_sink(self) -> Sink:
        return _sink(self._server, self._folder)

    def document(self, number: int, revision: int = 0) -> tuple[Record, Mapping[str, Any]]:
        if number not in self._returns:
            self._returns[number] = _return(self._server, f"RA-{number}", f"SN-{number}")
        status = ["Not Received", "Checked In"][revision % 2]
        return _status(self._returns[number], f"SN-{number}", status=status)

    def invalid_document(self, number: int) -> tuple[Record, Mapping[str, Any]]:
        return _status(str(90000 + number), f"SN-{number}")

    def make_unavailable_sink(self) -> Sink | None:
        return _sink(self._server, self._folder, endpoint="http://127.0.0.1:9")


class TestNetSuiteReturnAuthorizationStatusSinkContract(SinkContract):
    @pytest.fixture
    def sink_harness(self, server: SimulatorServer, tmp_path: Path) -> SinkHarness:
        return SimulatorReturnStatuses(server, tmp_path)


@pytest.fixture
def sink(
    server: SimulatorServer, tmp_path: Path
) -> Iterator[NetSuiteReturnAuthorizationStatusSink]:
    made = _sink(server, tmp_path)
    yield made
    made.close()


def test_rma_number_and_status_go_to_the_line_of_the_serial_keeping_its_other_fields(
    sink: NetSuiteReturnAuthorizationStatusSink, server: SimulatorServer
) -> None:
    return_id = _return(server, "RA-lines", "SN-A", "SN-B")
    assert sink.write(*_status(return_id, "SN-B", "7002", "Checked In")) == f"{return_id}:SN-B"
    assert _line_fields(server, return_id, 2) == {
        "custcol_note": "keep me",
        NUMBER_FIELD: "7002",
        STATUS_FIELD: "Checked In",
    }
    assert _line_fields(server, return_id, 1) == {"custcol_note": "keep me"}
    assert sink.lookup(_status(return_id, "SN-A")[0]) is None


def test_a_line_of_several_serials_keeps_an_entry_per_serial(
    sink: NetSuiteReturnAuthorizationStatusSink, server: SimulatorServer
) -> None:
    return_id = _return(server, "RA-multi", "SN-1, SN-2")
    sink.write(*_status(return_id, "SN-2", "7010", "Not Received"))
    record, document = _status(return_id, "SN-1", "7011", "Checked In")
    assert sink.lookup(record) is None
    sink.write(record, document)
    fields = _line_fields(server, return_id, 1)
    assert fields[NUMBER_FIELD] == "SN-1: 7011\nSN-2: 7010"
    assert fields[STATUS_FIELD] == "SN-1: Checked In\nSN-2: Not Received"
    assert sink.lookup(record) == f"{return_id}:SN-1"


def test_serial_on_no_line_is_rejected_naming_the_return_and_serial(
    sink: NetSuiteReturnAuthorizationStatusSink, server: SimulatorServer
) -> None:
    return_id = _return(server, "RA-other", "SN-X")
    with pytest.raises(SinkRejectedError, match="holds the serial number 'SN-Y'"):
        sink.write(*_status(return_id, "SN-Y"))


def test_document_naming_another_return_than_the_key_is_rejected(
    sink: NetSuiteReturnAuthorizationStatusSink, server: SimulatorServer
) -> None:
    return_id = _return(server, "RA-key", "SN-K")
    record, document = _status(return_id, "SN-K")
    with pytest.raises(SinkRejectedError, match="they must agree"):
        sink.write(record, {**document, "serial": "SN-OTHER"})

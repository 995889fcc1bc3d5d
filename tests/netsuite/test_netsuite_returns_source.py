"""The return-authorization source: the source contract against the simulator over loopback,
a record per returned serial number, and the stock mapping of a returned unit to an AHEAD RMA."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from netsuite_sink_support import LOOKUPS, netsuite_targets, sink_settings
from netsuite_support import WaitRecorder, settings_for

from adapters.base import AdapterContext, Source
from adapters.contract import SourceContract, SourceHarness
from adapters.netsuite import (
    NetSuiteClient,
    NetSuiteReturnAuthorizationSource,
    NetSuiteReturnAuthorizationSourceSettings,
    RecordType,
)
from adapters.netsuite.simulator import SimulatorServer
from connector.api.models import RmaCreate
from connector.mapping import DeclarativeMapping, MappingLibrary, RecordMappingError


def _source(server: SimulatorServer, folder: Path) -> NetSuiteReturnAuthorizationSource:
    settings = NetSuiteReturnAuthorizationSourceSettings(**sink_settings(server))
    return NetSuiteReturnAuthorizationSource(settings, AdapterContext("netsuite-returns", folder))


def _return(external_id: str, *lines: tuple[str, float, str | None], **fields: Any) -> Any:
    return {
        "@externalId": external_id,
        "entity": {"@internalId": "201", "name": "Acme Robotics"},
        "memo": "Does not power on",
        "orderStatus": "_pendingReceipt",
        "itemList": {
            "item": [
                {
                    "item": {"@internalId": "501", "name": sku},
                    "quantity": quantity,
                    **({"serialNumbers": serials} if serials else {}),
                }
                for sku, quantity, serials in lines
            ]
        },
        **fields,
    }


class SimulatorReturns(SourceHarness):
    """Puts return authorizations of one unit each into the simulator, by upsert."""

    def __init__(self, server: SimulatorServer, folder: Path) -> None:
        self._server = server
        self._folder = folder
        self._client = NetSuiteClient(settings_for(server), retry=WaitRecorder().policy())

    def make_source(self) -> Source:
        return _source(self._server, self._folder)

    def put(self, number: int, revision: int = 0) -> str:
        client = self._client
        upserted = client.upsert(
            client.record(
                RecordType.RETURN_AUTHORIZATION,
                externalId=f"RA-{number}",
                memo=f"revision {revision}",
                itemList=client.value(
                    RecordType.RETURN_AUTHORIZATION.namespace,
                    "ReturnAuthorizationItemList",
                    item=[
                        client.value(
                            RecordType.RETURN_AUTHORIZATION.namespace,
                            "ReturnAuthorizationItem",
                            quantity=1.0,
                            serialNumbers=f"SN-{number}",
                        )
                    ],
                ),
            )
        )
        return f"1234567_SB1:returnAuthorization:{upserted.internal_id}:SN-{number}"

    def put_bad(self) -> str | None:
        # NetSuite holds only records that fit its schema: nothing a source cannot read.
        return None

    def close(self) -> None:
        self._client.close()


class TestNetSuiteReturnAuthorizationSourceContract(SourceContract):
    @pytest.fixture
    def source_harness(self, server: SimulatorServer, tmp_path: Path) -> Iterator[SourceHarness]:
        harness = SimulatorReturns(server, tmp_path)
        yield harness
        harness.close()


@pytest.fixture
def source(server: SimulatorServer, tmp_path: Path) -> Iterator[NetSuiteReturnAuthorizationSource]:
    made = _source(server, tmp_path)
    yield made
    made.close()


def test_each_returned_serial_number_is_a_record_and_a_line_without_one_is_kept(
    server: SimulatorServer, source: NetSuiteReturnAuthorizationSource
) -> None:
    internal_id = server.simulator.seed(
        RecordType.RETURN_AUTHORIZATION,
        _return("RA-1", ("ACME-SB2000", 2, "SN-B, SN-A"), ("ACME-PC-C13", 1, None)),
    )

    records = list(source.read(None))

    prefix = f"1234567_SB1:returnAuthorization:{internal_id}"
    assert [record.key for record in records] == [
        f"{prefix}:SN-A",
        f"{prefix}:SN-B",
        f"{prefix}:line-2",
    ]
    assert [record.payload["serial"] for record in records] == ["SN-A", "SN-B", None]
    header = records[0].payload["returnAuthorization"]
    assert header["tranId"] == f"RMA{internal_id}"
    assert "itemList" not in header
    assert "orderStatus" not in header
    assert records[0].payload["line"]["item"] == {"internalId": "501", "name": "ACME-SB2000"}
    assert (
        records[2].origin
        == f"NetSuite return authorization RMA{internal_id} ({internal_id}) line 2"
    )


def test_a_returned_unit_becomes_an_rma_request_and_a_unit_without_serial_is_refused(
    server: SimulatorServer, source: NetSuiteReturnAuthorizationSource
) -> None:
    server.simulator.seed(
        RecordType.RETURN_AUTHORIZATION,
        _return("RA-2", ("ACME-SB2000", 1, "SN-9"), ("ACME-PC-C13", 1, None)),
    )
    with_serial, without_serial = source.read(None)
    library = MappingLibrary.for_deployment(None, targets=netsuite_targets())
    mapping = DeclarativeMapping(library.load("netsuite/return-authorization-to-rma"), LOOKUPS)

    document = mapping.apply(with_serial.payload).document

    assert RmaCreate.model_validate(document) == RmaCreate(
        problem=f"NetSuite return authorization "
        f"{with_serial.payload['returnAuthorization']['tranId']}, serial SN-9: Does not power on",
        request_type_id=3,
        manufacturer_serial="SN-9",
        replacement_name="Acme Robotics",
    )
    with pytest.raises(RecordMappingError) as refused:
        mapping.apply(without_serial.payload)
    assert "manufacturer_serial" in str(refused.value)

"""Records that fail: the error carries NetSuite's code and message and concerns only that
record; nothing is retried."""

from __future__ import annotations

import pytest
from netsuite_support import WaitRecorder, sales_order

from adapters.netsuite import (
    Namespace,
    NetSuiteClient,
    NetSuiteRecordError,
    RecordReference,
    RecordType,
    StatusDetail,
    StatusDetailType,
)
from adapters.netsuite.simulator import SimulatorServer


def test_a_missing_record_is_an_error_with_netsuites_code_and_message(
    server: SimulatorServer, client: NetSuiteClient, waits: WaitRecorder
) -> None:
    with pytest.raises(NetSuiteRecordError) as refused:
        client.get(RecordType.SALES_ORDER, internal_id="999")

    error = refused.value
    assert (error.code, error.message) == ("RCRD_DSNT_EXIST", "That record does not exist.")
    assert error.details == (
        StatusDetail("RCRD_DSNT_EXIST", "That record does not exist.", StatusDetailType.ERROR),
    )
    assert error.operation == "get"
    assert error.reference == RecordReference(RecordType.SALES_ORDER, "999")
    assert str(error) == (
        "NetSuite refused the get of salesOrder (internalId 999): RCRD_DSNT_EXIST: "
        "That record does not exist."
    )
    assert server.simulator.requests["get"] == 1
    assert waits.waits == []


def test_a_reference_to_a_record_that_does_not_exist_is_invalid_key_or_ref(
    client: NetSuiteClient,
) -> None:
    fulfillment = client.record(
        RecordType.ITEM_FULFILLMENT,
        externalId="AHEAD-SHIP-1",
        createdFrom=client.reference(RecordReference(RecordType.SALES_ORDER, "4242")),
    )

    with pytest.raises(NetSuiteRecordError) as refused:
        client.add(fulfillment)

    assert refused.value.code == "INVALID_KEY_OR_REF"
    assert refused.value.message == "Invalid createdfrom reference key 4242."
    assert not refused.value.retryable


def test_get_list_reads_the_records_that_exist_and_reports_the_one_that_does_not(
    server: SimulatorServer, client: NetSuiteClient
) -> None:
    first = server.simulator.seed(RecordType.SALES_ORDER, sales_order("SO-1", ("301", 1)))
    second = server.simulator.seed(RecordType.SALES_ORDER, sales_order("SO-2", ("302", 2)))
    wanted = [
        RecordReference(RecordType.SALES_ORDER, first),
        RecordReference(RecordType.SALES_ORDER, "999"),
        RecordReference(RecordType.SALES_ORDER, external_id="SO-2"),
    ]

    results = client.get_list(wanted)

    assert [result.reference for result in results] == wanted
    assert results[0].record.externalId == "SO-1"
    assert results[1].record is None
    assert results[1].error is not None
    assert results[1].error.code == "RCRD_DSNT_EXIST"
    assert results[2].record.internalId == second
    assert server.simulator.requests["getList"] == 1


def test_a_record_of_a_type_the_account_does_not_keep_is_invalid_rcrd_type(
    client: NetSuiteClient,
) -> None:
    address = client.value(
        Namespace.COMMON,
        "Address",
        city="Boston",
    )

    with pytest.raises(NetSuiteRecordError) as refused:
        client.add(address)

    assert refused.value.code == "INVALID_RCRD_TYPE"

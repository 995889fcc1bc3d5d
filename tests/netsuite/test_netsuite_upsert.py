"""Writes keyed by external id: upsert creates a record once and updates it after, add refuses
a second record with the same external id, update finds a record by either id."""

from __future__ import annotations

import pytest
from netsuite_support import sales_order

from adapters.netsuite import (
    Namespace,
    NetSuiteClient,
    NetSuiteRecordError,
    RecordReference,
    RecordType,
)
from adapters.netsuite.simulator import SimulatorServer


def _vendor_bill(client: NetSuiteClient, external_id: str, memo: str) -> object:
    return client.record(
        RecordType.VENDOR_BILL,
        externalId=external_id,
        entity=client.value(Namespace.CORE, "RecordRef", internalId="401"),
        tranId="INV-9001",
        memo=memo,
        itemList=client.value(
            Namespace.PURCHASES,
            "VendorBillItemList",
            item=[
                client.value(
                    Namespace.PURCHASES,
                    "VendorBillItem",
                    item=client.value(Namespace.CORE, "RecordRef", internalId="301"),
                    quantity=4.0,
                    rate="12.50",
                )
            ],
        ),
    )


def test_upsert_with_the_same_external_id_creates_one_record_and_updates_it(
    server: SimulatorServer, client: NetSuiteClient
) -> None:
    first = client.upsert(_vendor_bill(client, "AHEAD-INV-9001", "first"))
    again = client.upsert(_vendor_bill(client, "AHEAD-INV-9001", "second"))

    bills = server.simulator.records(RecordType.VENDOR_BILL)
    assert first == again
    assert first == RecordReference(RecordType.VENDOR_BILL, first.internal_id, "AHEAD-INV-9001")
    assert [bill["memo"] for bill in bills] == ["second"]
    assert bills[0]["itemList"]["item"][0]["quantity"] == "4.0"


def test_upsert_without_an_external_id_is_refused(client: NetSuiteClient) -> None:
    bill = _vendor_bill(client, "AHEAD-INV-9001", "first")
    bill.externalId = None

    with pytest.raises(NetSuiteRecordError) as refused:
        client.upsert(bill)

    assert refused.value.code == "USER_ERROR"


def test_a_second_add_with_the_same_external_id_is_a_duplicate_record_error(
    server: SimulatorServer, client: NetSuiteClient
) -> None:
    client.add(_vendor_bill(client, "AHEAD-INV-9001", "first"))

    with pytest.raises(NetSuiteRecordError) as refused:
        client.add(_vendor_bill(client, "AHEAD-INV-9001", "again"))

    assert refused.value.code == "DUP_RCRD"
    assert "AHEAD-INV-9001" in refused.value.message
    assert refused.value.reference == RecordReference(
        RecordType.VENDOR_BILL, external_id="AHEAD-INV-9001"
    )
    assert len(server.simulator.records(RecordType.VENDOR_BILL)) == 1


def test_update_changes_only_the_fields_sent_of_the_record_found_by_external_id(
    server: SimulatorServer, client: NetSuiteClient
) -> None:
    internal_id = server.simulator.seed(
        RecordType.SALES_ORDER, sales_order("SO-7", ("301", 2), memo="as ordered")
    )
    change = client.record(
        RecordType.SALES_ORDER,
        externalId="SO-7",
        customFieldList=client.value(
            Namespace.CORE,
            "CustomFieldList",
            customField=[
                client.value(
                    Namespace.CORE,
                    "StringCustomFieldRef",
                    scriptId="custbody_ahead_order_id",
                    value="AHEAD-5512",
                )
            ],
        ),
    )

    reference = client.update(change)
    stored = client.get(RecordType.SALES_ORDER, internal_id=internal_id)

    assert reference.internal_id == internal_id
    assert stored.memo == "as ordered"
    assert stored.itemList.item[0].quantity == 2.0
    (field,) = stored.customFieldList.customField
    assert (field.scriptId, field.value) == ("custbody_ahead_order_id", "AHEAD-5512")


def test_a_record_is_read_by_its_external_id(
    server: SimulatorServer, client: NetSuiteClient
) -> None:
    internal_id = server.simulator.seed(RecordType.SALES_ORDER, sales_order("SO-8", ("301", 1)))

    record = client.get(RecordType.SALES_ORDER, external_id="SO-8")

    assert record.internalId == internal_id

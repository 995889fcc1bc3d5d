"""The NetSuite sales-order source: the source contract against the simulator over loopback,
and what its records hold."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from netsuite_support import WaitRecorder, sales_order, settings_for

from adapters.base import AdapterContext, Source
from adapters.contract import SourceContract, SourceHarness
from adapters.netsuite import (
    Namespace,
    NetSuiteClient,
    NetSuiteSalesOrderSource,
    NetSuiteSalesOrderSourceSettings,
    NetSuiteSourceError,
    RecordType,
)
from adapters.netsuite.simulator import DEFAULT_SAVED_SEARCH_ID, SimulatorServer

START = datetime(2024, 3, 1, 8, 0, tzinfo=UTC)


def _source_settings(server: SimulatorServer, **changes: Any) -> NetSuiteSalesOrderSourceSettings:
    connection = settings_for(server).model_dump()
    connection.update(saved_search_id=DEFAULT_SAVED_SEARCH_ID, retry={"base_delay": 0})
    connection.update(changes)
    return NetSuiteSalesOrderSourceSettings(**connection)


class SimulatorOrders(SourceHarness):
    """Puts sales orders into the simulator the way a NetSuite user's edits would: upserts."""

    def __init__(self, server: SimulatorServer, folder: Path) -> None:
        self._server = server
        self._folder = folder
        self._client = NetSuiteClient(settings_for(server), retry=WaitRecorder().policy())

    def make_source(self) -> Source:
        context = AdapterContext("netsuite-orders", self._folder)
        return NetSuiteSalesOrderSource(_source_settings(self._server), context)

    def put(self, number: int, revision: int = 0) -> str:
        client = self._client
        order = client.record(
            RecordType.SALES_ORDER,
            externalId=f"SO-{number}",
            entity=client.value(Namespace.CORE, "RecordRef", internalId="201"),
            memo=f"revision {revision}",
            itemList=client.value(
                Namespace.SALES,
                "SalesOrderItemList",
                item=[
                    client.value(
                        Namespace.SALES,
                        "SalesOrderItem",
                        item=client.value(Namespace.CORE, "RecordRef", internalId="301"),
                        quantity=float(number + 1),
                    )
                ],
            ),
        )
        reference = client.upsert(order)
        return f"1234567_SB1:salesOrder:{reference.internal_id}"

    def put_bad(self) -> str | None:
        # NetSuite holds only records that fit its schema: nothing a source cannot read.
        return None

    def close(self) -> None:
        self._client.close()


class TestNetSuiteSalesOrderSourceContract(SourceContract):
    @pytest.fixture
    def source_harness(self, server: SimulatorServer, tmp_path: Path) -> Iterator[SourceHarness]:
        harness = SimulatorOrders(server, tmp_path)
        yield harness
        harness.close()


@pytest.fixture
def source(server: SimulatorServer, tmp_path: Path) -> Iterator[NetSuiteSalesOrderSource]:
    made = NetSuiteSalesOrderSource(_source_settings(server), AdapterContext("orders", tmp_path))
    yield made
    made.close()


def test_a_record_is_the_sales_order_with_its_lines_as_json(
    server: SimulatorServer, source: NetSuiteSalesOrderSource
) -> None:
    internal_id = server.simulator.seed(
        RecordType.SALES_ORDER,
        sales_order(
            "SO-1",
            ("301", 2),
            lastModifiedDate=START,
            customFieldList={
                "customField": [
                    {
                        "@xsi:type": "StringCustomFieldRef",
                        "@scriptId": "custbody_ship_account",
                        "value": "UPS-88",
                    }
                ]
            },
        ),
    )

    (record,) = source.read(None)

    assert record.key == f"1234567_SB1:salesOrder:{internal_id}"
    assert record.origin == f"NetSuite sales order SO{internal_id} ({internal_id})"
    assert record.cursor == START.isoformat()
    payload = record.payload
    assert "lastModifiedDate" not in payload
    assert payload["externalId"] == "SO-1"
    assert payload["otherRefNum"] == "PO-SO-1"
    assert payload["entity"] == {"internalId": "201", "name": "Acme Robotics"}
    assert payload["shippingAddress"] == {
        "country": "_unitedStates",
        "addressee": "Acme",
        "city": "Boston",
    }
    assert payload["itemList"] == {
        "item": [
            {
                "item": {"internalId": "301", "name": "PART-301"},
                "quantity": 2.0,
                "rate": "10.00",
                "line": 1,
            }
        ]
    }
    assert payload["customFieldList"] == {
        "customField": [{"scriptId": "custbody_ship_account", "value": "UPS-88"}]
    }
    assert isinstance(payload["createdDate"], str)


def test_records_come_in_change_order_and_the_cursor_resumes_after_the_last(
    server: SimulatorServer, source: NetSuiteSalesOrderSource
) -> None:
    for number, hours in enumerate([5, 1, 3]):
        server.simulator.seed(
            RecordType.SALES_ORDER,
            sales_order(
                f"SO-{number}", ("301", 1), lastModifiedDate=START + timedelta(hours=hours)
            ),
        )

    first = list(source.read(None))
    server.simulator.seed(
        RecordType.SALES_ORDER,
        sales_order("SO-new", ("301", 1), lastModifiedDate=START + timedelta(hours=9)),
    )
    after = list(source.read(first[-1].cursor))

    assert [record.payload["externalId"] for record in first] == ["SO-1", "SO-2", "SO-0"]
    assert [record.payload["externalId"] for record in after] == ["SO-0", "SO-new"]


def test_without_a_cursor_only_orders_since_the_configured_moment_come(
    server: SimulatorServer, tmp_path: Path
) -> None:
    for number, hours in enumerate([1, 30]):
        server.simulator.seed(
            RecordType.SALES_ORDER,
            sales_order(
                f"SO-{number}", ("301", 1), lastModifiedDate=START + timedelta(hours=hours)
            ),
        )
    settings = _source_settings(server, since=START + timedelta(days=1))

    with_since = NetSuiteSalesOrderSource(settings, AdapterContext("orders", tmp_path))
    try:
        records = list(with_since.read(None))
    finally:
        with_since.close()

    assert [record.payload["externalId"] for record in records] == ["SO-1"]


def test_a_cursor_that_is_not_a_moment_is_refused(source: NetSuiteSalesOrderSource) -> None:
    with pytest.raises(NetSuiteSourceError, match="not a moment"):
        list(source.read("page 3"))

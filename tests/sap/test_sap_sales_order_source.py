"""SAP sales orders as a source: the source contract and its own promises, on the simulator."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr
from sap_support import BASIC, order_payload

from adapters.base import AdapterContext, AdapterSettings, Source
from adapters.contract import SourceContract, SourceHarness
from adapters.sap import ChangeCursorError
from adapters.sap.simulator import SapSimulatorServer
from adapters.sap.source import SapSalesOrderSource, SapSalesOrderSourceSettings


def _settings(server: SapSimulatorServer, **options: Any) -> SapSalesOrderSourceSettings:
    return SapSalesOrderSourceSettings.model_validate(
        {
            "connection": {
                "base_url": server.base_url,
                "auth": {"kind": "basic", "user": BASIC[0], "password": SecretStr(BASIC[1])},
            },
            **options,
        }
    )


class SalesOrderHarness(SourceHarness):
    """Puts sales orders into the simulator; document ``n`` is sales order ``100 + n``."""

    def __init__(self, server: SapSimulatorServer, folder: Path) -> None:
        self.server = server
        self.folder = folder

    def make_source(self) -> Source:
        return SapSalesOrderSource(_settings(self.server), AdapterContext("sap", self.folder))

    def put(self, number: int, revision: int = 0) -> str:
        key = str(100 + number)
        simulator = self.server.simulator
        text = f"revision {revision}"
        if any(order["SalesOrder"] == key for order in simulator.sales_orders()):
            simulator.change_sales_order(key, {"IncotermsLocation1": text})
        else:
            simulator.create_sales_order(
                order_payload(f"PO-{number}", SalesOrder=key, IncotermsLocation1=text), seeding=True
            )
        return key

    def put_bad(self) -> str | None:
        return None  # SAP only holds orders it could store


class TestSapSalesOrderSource(SourceContract):
    @pytest.fixture
    def source_harness(self, server: SapSimulatorServer, tmp_path: Path) -> SalesOrderHarness:
        return SalesOrderHarness(server, tmp_path)


@pytest.fixture
def source(server: SapSimulatorServer, tmp_path: Path) -> Iterator[Source]:
    made = SapSalesOrderSource(_settings(server, key_prefix="S4:"), AdapterContext("sap", tmp_path))
    yield made
    made.close()


def test_a_record_is_the_order_with_its_items_and_partners_as_plain_json(
    server: SapSimulatorServer, source: Source
) -> None:
    server.simulator.create_sales_order(
        order_payload(
            "PO-7", items=2, to_Partner=[{"PartnerFunction": "WE", "Customer": "17100002"}]
        )
    )

    [record] = list(source.read(None))

    assert record.key == "S4:1"
    assert record.origin == "SAP sales order 1"
    assert record.payload["PurchaseOrderByCustomer"] == "PO-7"
    assert record.payload["CreationDate"] == "2025-01-15T00:00:00Z"
    assert "LastChangeDateTime" not in record.payload
    assert [item["RequestedQuantity"] for item in record.payload["to_Item"]] == ["1.000", "2.000"]
    assert record.payload["to_Partner"] == [
        {"SalesOrder": "1", "PartnerFunction": "WE", "Customer": "17100002", "Supplier": None}
    ]


def test_a_status_sap_moves_on_its_own_does_not_change_the_hash(
    server: SapSimulatorServer, source: Source
) -> None:
    server.simulator.create_sales_order(order_payload())
    before = next(iter(source.read(None)))
    delivery = server.simulator.create_delivery("1")["DeliveryDocument"]
    server.simulator.post_goods_issue(delivery, if_match="*")

    after = next(iter(source.read(None)))

    assert server.simulator.sales_orders()[0]["OverallTotalDeliveryStatus"] == "C"
    assert after.content_hash == before.content_hash


def test_only_orders_the_filter_allows_are_read(server: SapSimulatorServer, tmp_path: Path) -> None:
    server.simulator.create_sales_order(order_payload("PO-1"))
    server.simulator.create_sales_order(order_payload("PO-2", SalesOrganization="2000"))
    source = SapSalesOrderSource(
        _settings(server, where="SalesOrganization eq '2000'"), AdapterContext("sap", tmp_path)
    )

    with_filter = [record.payload["PurchaseOrderByCustomer"] for record in source.read(None)]
    source.close()

    assert with_filter == ["PO-2"]


def test_a_cursor_that_is_not_this_source_s_is_refused(source: Source) -> None:
    with pytest.raises(ChangeCursorError, match="not JSON"):
        list(source.read("inbox/po-1.json"))


def test_other_settings_are_refused(tmp_path: Path) -> None:
    with pytest.raises(TypeError, match="SapSalesOrderSourceSettings"):
        SapSalesOrderSource(AdapterSettings(), AdapterContext("sap", tmp_path))
